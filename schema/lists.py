"""Contact lists: the filter and order inputs, `contacts`, and the connection every list shares."""

from datetime import date
from enum import Enum

import strawberry

from resolvers import contact_lists
from resolvers.contact_lists import ContactOrder as Order
from resolvers.contact_lists import OrderField
from resolvers.errors import DomainError
from resolvers.paging import BadPageRequest, PageRequest
from schema.contacts import Contact, ContactStatus
from schema.context import Info
from schema.errors import ReadErrorCode, read_error
from schema.ids import optional_pk_of, organization_ref
from schema.pagination import Connection, connection, page_request

ContactOrderField = strawberry.enum(OrderField, name="ContactOrderField")


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input
class ContactFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Words matched accent- and case-insensitively against names, e-mails, functions, "
        "organisation names; the last word may be the start of one.",
    )
    organization_id: strawberry.ID | None = None
    site_id: strawberry.ID | None = None
    affair_id: strawberry.ID | None = None
    target_id: strawberry.ID | None = None
    event_id: strawberry.ID | None = None
    interlocutor_type_code: str | None = None
    status: ContactStatus | None = None  # type: ignore[valid-type]
    visible_in_crm: bool | None = strawberry.field(
        default=None, description="true: neither hidden from CRM nor disappeared"
    )
    receives_invoices: bool | None = strawberry.field(
        default=None, description="either invoice flag on some client link"
    )
    receives_reminders: bool | None = None
    not_followed_up_since: date | None = strawberry.field(
        default=None, description="lastFollowUpOn is null or before this day"
    )

    def criteria(self, path: tuple[str, ...] = ("filter",)) -> contact_lists.ContactFilter:
        """The resolvers' filter, ids decoded; an id of the wrong kind raises NotFound at its path."""
        organization = (
            organization_ref(self.organization_id, (*path, "organizationId"))
            if self.organization_id
            else None
        )
        return contact_lists.ContactFilter(
            search=self.search,
            organization_id=organization.id if organization else None,
            organization_kind=organization.kind if organization else None,
            site_id=optional_pk_of(self.site_id, "Site", (*path, "siteId")),
            affair_id=optional_pk_of(self.affair_id, "Affair", (*path, "affairId")),
            target_id=optional_pk_of(self.target_id, "Target", (*path, "targetId")),
            event_id=optional_pk_of(self.event_id, "Event", (*path, "eventId")),
            interlocutor_type_code=self.interlocutor_type_code,
            status=self.status,
            visible_in_crm=self.visible_in_crm,
            receives_invoices=self.receives_invoices,
            receives_reminders=self.receives_reminders,
            not_followed_up_since=self.not_followed_up_since,
        )


@strawberry.input
class ContactOrder:
    field: ContactOrderField  # type: ignore[valid-type]
    direction: OrderDirection | None = OrderDirection.ASC

    def order(self) -> Order:
        return Order(field=self.field, descending=self.direction is OrderDirection.DESC)


def _read_criteria(filter: ContactFilter | None) -> contact_lists.ContactFilter | None:
    """In a query, an id of the wrong kind in the filter is a GraphQL error, not an empty page."""
    if filter is None:
        return None
    try:
        return filter.criteria()
    except DomainError as error:
        raise read_error(error.problems[0].message, ReadErrorCode.NOT_FOUND) from error


async def contact_connection(
    info: Info,
    *,
    filter: ContactFilter | None,
    page: PageRequest,
    scope: contact_lists.ContactFilter | None = None,
    order: list[ContactOrder] | None = None,
) -> Connection[Contact]:
    """A page of the contacts the viewer may see that match `filter` and `scope`.

    Through per-request loaders: the nested lists of a list (each client's contacts) are read
    together, one statement for the pages and one for the counts, however many there are.
    """
    ctx = info.context
    criteria = tuple(c for c in (scope, _read_criteria(filter)) if c is not None)
    ordering = tuple(item.order() for item in order) if order else None
    request = contact_lists.ListRequest(criteria, ordering, page)
    try:
        rows = await ctx.loaders.of(contact_lists.pages_by_request).load(request)
    except BadPageRequest as error:
        raise read_error(str(error)) from error
    counts = ctx.loaders.of(contact_lists.counts_by_criteria)
    contacts = [Contact.from_row(row[0]) for row in rows.rows]
    return connection(rows, contacts, lambda: counts.load(criteria))  # type: ignore[return-value]


@strawberry.type
class ContactListQueries:
    @strawberry.field(
        description="The contacts the caller may see, filtered, in a human order, by keyset pages."
    )
    async def contacts(
        self,
        info: Info,
        filter: ContactFilter | None = None,
        order_by: list[ContactOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Contact]:
        page = page_request(first, after, last, before)
        return await contact_connection(info, filter=filter, page=page, order=order_by)
