"""Contact lists: the filter and order inputs, `contacts`, and the connection every list shares."""

import asyncio
from collections.abc import Callable, Coroutine, Hashable, Iterable, Sequence
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField, Selection

from resolvers import contact_lists
from resolvers.contact_lists import ContactOrder as Order
from resolvers.contact_lists import OrderField
from resolvers.errors import DomainError
from resolvers.paging import PageRequest
from schema.contact_values import ContactStatus, LazyContact
from schema.context import Info
from schema.errors import ReadErrorCode, read_error
from schema.ids import optional_pk_of, organization_ref
from schema.node import show_node
from schema.pagination import Connection, connection, load_page, page_request

ContactOrderField = OrderField
strawberry.enum(ContactOrderField, name="ContactOrderField")  # decorates in place: annotate with the class


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
    status: ContactStatus | None = None
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
    field: ContactOrderField
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
) -> Connection[LazyContact]:
    """A page of the contacts the viewer may see that match `filter` and `scope`.

    Through per-request loaders: the nested lists of a list (each client's contacts) are read
    together, one statement for the pages and one for the counts, however many there are.
    """
    ctx = info.context
    criteria = tuple(c for c in (scope, _read_criteria(filter)) if c is not None)
    ordering = tuple(item.order() for item in order) if order else None
    request = contact_lists.ListRequest(criteria, ordering, page)
    rows = await load_page(ctx.loaders.contact_pages_by_request, request)
    counts = ctx.loaders.contact_counts_by_criteria
    nodes: list[LazyContact] = [show_node("Contact", row[0]) for row in rows.rows]
    await read_ahead(info, nodes)
    return connection(rows, nodes, lambda: counts.load(criteria))


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
    ) -> Connection[LazyContact]:
        page = page_request(first, after, last, before)
        return await contact_connection(info, filter=filter, page=page, order=order_by)


# ---------------------------------------------------------------- reading ahead

# The loaders the card's relations read, by GraphQL field, and the keys a row gives the next level.
# The same loaders with the same keys: the same statements, issued as soon as the page is read,
# so that the card's resolvers find their rows ready and answer at once (resolvers.loaders.now_or_later).
Keys = Callable[[Any], Hashable]
_CONTACT_RELATIONS = {  # GraphQL field -> the `Loaders` attribute that loads it
    "links": "links_by_contact_id",
    "primaryLink": "links_by_contact_id",
    "affairs": "affairs_by_contact_id",
    "targets": "targets_by_contact_id",
    "events": "participations_by_contact_id",
}
_NESTED_RELATIONS: dict[str, dict[str, tuple[str, Keys]]] = {
    "links_by_contact_id": {
        "organization": ("organizations_by_id", attrgetter("organization_id")),
        "sites": ("sites_by_link_id", attrgetter("id")),
        "interlocutorTypes": ("interlocutor_types_by_link_id", attrgetter("id")),
    },
    "participations_by_contact_id": {
        "event": ("events_by_id", attrgetter("event_id")),
    },
}


def _fields(selections: Iterable[Selection]) -> dict[str, list[Selection]]:
    """The sub-selections of each selected field by name, fragments flattened."""
    found: dict[str, list[Selection]] = {}
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, SelectedField):
            found.setdefault(selection.name, []).extend(selection.selections)
        else:
            for name, nested in _fields(selection.selections).items():
                found.setdefault(name, []).extend(nested)
    return found


def _included(selection: Selection) -> bool:
    """False for a selection `@skip` or `@include` leaves out: reading it ahead would cost a statement."""
    directives = selection.directives
    return not directives.get("skip", {}).get("if", False) and directives.get("include", {}).get("if", True)


async def read_ahead(info: Info, contacts: Sequence[Any]) -> None:
    """Load the relations the query selects on a page's contacts, a level at a time."""
    connection = _fields(info.selected_fields[0].selections)
    node = _fields(_fields(connection.get("edges", [])).get("node", []))
    wanted: dict[str, dict[str, list[Selection]]] = {}
    for name, selections in node.items():
        if name in _CONTACT_RELATIONS:
            wanted.setdefault(_CONTACT_RELATIONS[name], {}).update(_fields(selections))
    ids = [contact.pk for contact in contacts]
    loads = [_load(info, relation, ids, nested) for relation, nested in wanted.items()]
    # A generated social profile names the primary organisation: for contacts without a URL only.
    searched = [contact.pk for contact in contacts if not contact.linkedin_url]
    if "socialProfiles" in node and searched:
        loads.append(_load(info, "primary_organization_name_by_contact_id", searched, {}))
    await _together(loads)


async def _load(
    info: Info, relation: str, keys: Iterable[Hashable], selected: dict[str, list[Selection]]
) -> None:
    loader: DataLoader[Hashable, Any] = getattr(info.context.loaders, relation)
    values = await loader.load_many(list(dict.fromkeys(keys)))
    rows = [row for value in values for row in (value if isinstance(value, list) else [value])]
    nested = _NESTED_RELATIONS.get(relation, {})
    levels = [nested[name] for name in selected if name in nested]
    await _together([_load(info, loader, map(key, rows), {}) for loader, key in levels])


async def _together(loads: list[Coroutine[Any, Any, None]]) -> None:
    """The loads at once, their batches dispatched together; one alone is awaited as it is (a
    gather makes it a task: a few turns of the loop more)."""
    if len(loads) == 1:
        await loads[0]
    elif loads:
        await asyncio.gather(*loads)
