"""Lists of contacts: one filter, one visibility criterion, keyset pages in a human order.

The same `contacts_query` serves the `contacts` query, every nested contact list, event
participants, and batch selections, so no path can forget the viewer's visibility.

Membership criteria are written `contact.id IN (SELECT contact_id …)` rather than EXISTS:
both engines then choose between walking the members (a small client, a rare word) and
walking the name index (a big one), where a correlated EXISTS leaves SQLite only the latter.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.dialect import TokenMatch
from db.models import (
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    ContactStatus,
    EventParticipation,
    Organization,
    OrganizationKind,
    TargetMember,
)
from resolvers.access import Viewer, in_crm, listed_contact
from resolvers.cursors import list_key
from resolvers.dense_search import page_along_order, search_count
from resolvers.paging import Page, PageQuery, PageRequest, SortColumn, counts, fetch_pages
from resolvers.rows import ContactRow, columns_of
from resolvers.search import search_words, tokens_hold
from resolvers.text import words


class OrderField(Enum):
    LAST_NAME = "LAST_NAME"
    FIRST_NAME = "FIRST_NAME"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    LAST_FOLLOW_UP_ON = "LAST_FOLLOW_UP_ON"


@dataclass(frozen=True)
class ContactOrder:
    field: OrderField
    descending: bool = False


@dataclass(frozen=True)
class ContactFilter:
    """What a search matches; every criterion given must hold. Ids are primary keys."""

    search: str | None = None
    organization_id: int | None = None
    # The kind the caller's id claimed: a Client id holding a supplier's key matches nothing.
    organization_kind: OrganizationKind | None = None
    site_id: int | None = None
    affair_id: int | None = None
    target_id: int | None = None
    event_id: int | None = None
    interlocutor_type_code: str | None = None
    status: ContactStatus | None = None
    visible_in_crm: bool | None = None
    receives_invoices: bool | None = None
    receives_reminders: bool | None = None
    not_followed_up_since: date | None = None


# Columns of several types, hence Any.
_SORT_COLUMNS: dict[OrderField, tuple[QueryableAttribute[Any], bool]] = {
    OrderField.LAST_NAME: (Contact.last_name_key, False),
    OrderField.FIRST_NAME: (Contact.first_name_key, False),
    OrderField.CREATED_AT: (Contact.created_at, False),
    OrderField.UPDATED_AT: (Contact.updated_at, False),
    OrderField.LAST_FOLLOW_UP_ON: (Contact.last_follow_up_on, True),
}
DEFAULT_ORDER = (ContactOrder(OrderField.LAST_NAME), ContactOrder(OrderField.FIRST_NAME))


def sort_columns(order: Sequence[ContactOrder] | None, *, searching: bool = False) -> list[SortColumn]:
    """The keyset columns of an ordering, ending with the id so that every row has its place.

    People with the same last name read by first name, and the id runs the way of the last
    field: so "last name descending" is exactly the name index read backwards.

    When searching, the columns are wrapped in an expression the planners cannot serve from the
    order's index. Otherwise, to fill a page, PostgreSQL walks that index filtering every row,
    trusting that matches are spread evenly; they are not (every "Martin" sorts together), and
    "martin" at a million contacts took 3.6 s. From the search index, then sorted: 16 ms.
    """
    items = list(order or DEFAULT_ORDER)
    if items[-1].field is OrderField.LAST_NAME:
        items.append(ContactOrder(OrderField.FIRST_NAME, descending=items[-1].descending))
    columns = []
    for item in items:
        column, nullable = _SORT_COLUMNS[item.field]
        key = func.coalesce(column, column) if searching else column
        columns.append(SortColumn(key, descending=item.descending, nullable=nullable))
    return [*columns, SortColumn(Contact.id, descending=items[-1].descending)]


def _with_link(*criteria: ColumnElement[bool]) -> ColumnElement[bool]:
    """The contact has a link for which every criterion holds."""
    return Contact.id.in_(select(ContactLink.contact_id).where(*criteria))


def _recipient(
    flags: tuple[QueryableAttribute[bool], QueryableAttribute[bool]], wanted: bool
) -> ColumnElement[bool]:
    has_flag = _with_link(or_(*(flag.is_(True) for flag in flags)))
    return has_flag if wanted else ~has_flag


def _search(text: str) -> list[ColumnElement[bool]]:
    """Each word of one letter matches a whole token of the contact's words, longer ones a prefix."""
    found = search_words(text)
    return [TokenMatch(Contact.id, Contact.search_tokens, found)] if found else []


def filter_criteria(criteria: ContactFilter) -> list[ColumnElement[bool]]:
    """The SQL criteria of one filter, to be combined with AND."""
    where: list[ColumnElement[bool]] = _search(criteria.search) if criteria.search else []
    where.extend(_membership_criteria(criteria))
    where.extend(_state_criteria(criteria))
    return where


def _membership_criteria(criteria: ContactFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.organization_id is not None:
        where.append(_with_link(ContactLink.organization_id == criteria.organization_id))
    if criteria.organization_kind is not None:
        claimed = exists().where(
            Organization.id == criteria.organization_id, Organization.kind == criteria.organization_kind
        )
        where.append(claimed)
    if criteria.site_id is not None:
        on_site = select(ContactLinkSite.link_id).where(ContactLinkSite.site_id == criteria.site_id)
        where.append(_with_link(ContactLink.id.in_(on_site)))
    if criteria.interlocutor_type_code is not None:
        typed = select(ContactLinkInterlocutorType.link_id).where(
            ContactLinkInterlocutorType.type_code == criteria.interlocutor_type_code
        )
        where.append(_with_link(ContactLink.id.in_(typed)))
    if criteria.affair_id is not None:
        affair = select(ContactAffair.contact_id).where(ContactAffair.affair_id == criteria.affair_id)
        where.append(Contact.id.in_(affair))
    if criteria.target_id is not None:
        target = select(TargetMember.contact_id).where(TargetMember.target_id == criteria.target_id)
        where.append(Contact.id.in_(target))
    if criteria.event_id is not None:
        event = select(EventParticipation.contact_id).where(EventParticipation.event_id == criteria.event_id)
        where.append(Contact.id.in_(event))
    return where


def _state_criteria(criteria: ContactFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.status is not None:
        where.append(Contact.status == criteria.status)
    if criteria.visible_in_crm is not None:
        where.append(in_crm() if criteria.visible_in_crm else ~in_crm())
    if criteria.receives_invoices is not None:
        flags = (ContactLink.receives_invoices, ContactLink.receives_invoices_all_sites)
        where.append(_recipient(flags, criteria.receives_invoices))
    if criteria.receives_reminders is not None:
        flags = (ContactLink.receives_reminders, ContactLink.receives_reminders_all_sites)
        where.append(_recipient(flags, criteria.receives_reminders))
    if criteria.not_followed_up_since is not None:
        since = criteria.not_followed_up_since
        where.append(or_(Contact.last_follow_up_on.is_(None), Contact.last_follow_up_on < since))
    return where


def _all_criteria(filters: Sequence[ContactFilter]) -> list[ColumnElement[bool]]:
    return [criterion for criteria in filters for criterion in filter_criteria(criteria)]


def _listed(viewer: Viewer, filters: Sequence[ContactFilter]) -> ColumnElement[bool]:
    merged_asked = any(criteria.status is ContactStatus.MERGED for criteria in filters)
    return listed_contact(viewer, merged_asked=merged_asked)


def contacts_query(viewer: Viewer, filters: Sequence[ContactFilter] = ()) -> Select[Contact]:
    """The contacts `viewer` may see that match every one of `filters`."""
    return select(Contact).where(_listed(viewer, filters), *_all_criteria(filters))


def contact_rows_query(viewer: Viewer, filters: Sequence[ContactFilter] = ()) -> Select[Any]:
    """`contacts_query`, read as `ContactRow` columns: a page needs no ORM object (resolvers.rows)."""
    return select(*columns_of(ContactRow._fields, Contact)).where(
        _listed(viewer, filters), *_all_criteria(filters)
    )


def contact_ids_query(viewer: Viewer, filters: Sequence[ContactFilter] = ()) -> Select[int]:
    """The ids of `contacts_query`: what a batch selection by filter reaches."""
    return select(Contact.id).where(_listed(viewer, filters), *_all_criteria(filters))


@dataclass(frozen=True)
class ListRequest:
    """One list of contacts to read: its criteria (a nested list's scope among them), order, page."""

    criteria: tuple[ContactFilter, ...]
    order: tuple[ContactOrder, ...] | None
    page: PageRequest

    @property
    def searching(self) -> bool:
        return any(words(criteria.search) for criteria in self.criteria if criteria.search)

    @property
    def listed(self) -> str:
        """What the page's cursors carry: the list (its scope and filter) and its ordering."""
        return list_key("contacts", self.criteria, self.order or DEFAULT_ORDER)

    def check(self) -> None:
        """A cursor of another list or ordering, or a forged one, is refused before any SQL."""
        PageQuery(select(Contact), sort_columns(self.order), self.page, self.listed).check()


CACHED_PAGE_QUERIES = 256


@lru_cache(maxsize=CACHED_PAGE_QUERIES)
def _page_query(viewer: Viewer, request: ListRequest) -> PageQuery:
    """Kept for the next request of the same viewer and list: the same statement object, whose
    SQLAlchemy cache key is not computed again (it was some 3 % of a page's CPU)."""
    columns = sort_columns(request.order, searching=request.searching)
    return PageQuery(contact_rows_query(viewer, request.criteria), columns, request.page, request.listed)


def _contact_rows(page: Page) -> Page:
    """The page's rows as `(ContactRow,)`, the sort keys (already in its cursors) left out."""
    width = len(ContactRow._fields)
    return replace(page, rows=[(ContactRow._make(row[:width]),) for row in page.rows])


async def _dense_search_page(session: AsyncSession, viewer: Viewer, request: ListRequest) -> Page | None:
    """A search's page read along the order's index (`resolvers.dense_search`), or None."""
    found = _searched_words(request.criteria)
    unsearched = [replace(criteria, search=None) for criteria in request.criteria]
    walked = contact_rows_query(viewer, unsearched).add_columns(Contact.search_tokens)
    listing = PageQuery(walked, sort_columns(request.order), request.page, request.listed)

    def holds(tokens: ColumnElement[str]) -> list[ColumnElement[bool]]:
        return tokens_hold(tokens, found)

    page = await page_along_order(session, listing, holds)
    return _contact_rows(page) if page is not None else None


def _searched_words(criteria: Sequence[ContactFilter]) -> list[str]:
    return [word for filters in criteria for word in search_words(filters.search)]


async def list_contacts(
    session: AsyncSession,
    viewer: Viewer,
    *,
    criteria: Sequence[ContactFilter],
    order: Sequence[ContactOrder] | None,
    page: PageRequest,
) -> Page:
    request = ListRequest(tuple(criteria), tuple(order) if order else None, page)
    return (await pages_by_request(session, viewer, [request]))[0]


async def pages_by_request(
    session: AsyncSession, viewer: Viewer, requests: Sequence[ListRequest]
) -> list[Page]:
    """The pages of several lists (the contacts of each client of a page): one statement for all
    the lists that share an ordering, whatever their number."""
    shapes: dict[tuple[tuple[ContactOrder, ...] | None, bool, bool], list[int]] = {}
    for index, request in enumerate(requests):
        shapes.setdefault((request.order, request.searching, request.page.backward), []).append(index)
    pages: dict[int, Page] = {}
    for (_, searching, _), indexes in shapes.items():
        if searching and len(indexes) == 1:
            dense = await _dense_search_page(session, viewer, requests[indexes[0]])
            if dense is not None:
                pages[indexes[0]] = dense
                continue
        listings = [_page_query(viewer, requests[index]) for index in indexes]
        read = await fetch_pages(session, None, listings)
        pages.update(zip(indexes, map(_contact_rows, read), strict=True))
    return [pages[index] for index in range(len(requests))]


async def count_contacts(session: AsyncSession, viewer: Viewer, *, criteria: Sequence[ContactFilter]) -> int:
    return (await counts_by_criteria(session, viewer, [tuple(criteria)]))[0]


async def counts_by_criteria(
    session: AsyncSession, viewer: Viewer, lists: Sequence[tuple[ContactFilter, ...]]
) -> list[int]:
    """How many contacts each list holds, whatever its page: one statement for all."""
    if len(lists) == 1 and viewer.is_staff and _searched_only(lists[0]):
        return [await _search_count(session, viewer, lists[0])]
    return await counts(session, [contact_ids_query(viewer, criteria) for criteria in lists])


def _searched_only(criteria: Sequence[ContactFilter]) -> bool:
    searched = any(words(filters.search) for filters in criteria)
    return searched and all(replace(filters, search=None) == ContactFilter() for filters in criteria)


async def _search_count(session: AsyncSession, viewer: Viewer, criteria: Sequence[ContactFilter]) -> int:
    return await search_count(session, _listed(viewer, criteria), _searched_words(criteria))
