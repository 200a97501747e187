"""Reading the reference lists: targets, events and interlocutor types."""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import KeyIn
from db.models import ContactLinkInterlocutorType, Event, InterlocutorType, Target
from resolvers.cursors import list_key
from resolvers.keyed import core_rows, in_key_order, member_rows_by_owner, member_rows_query
from resolvers.organizations import word_search
from resolvers.paging import Page, PageQuery, PageRequest, SortColumn, count, fetch_page
from resolvers.rows import EventRow, InterlocutorTypeRow, columns_of

TARGET_ORDER = [SortColumn(Target.name_key), SortColumn(Target.id)]
EVENT_ORDER = [SortColumn(Event.name_key), SortColumn(Event.id)]


def targets_query(search: str | None) -> Select[Target]:
    return select(Target).where(*word_search(search, Target.name_key))


def events_query(search: str | None) -> Select[Event]:
    return select(Event).where(*word_search(search, Event.name_key))


async def list_targets(session: AsyncSession, *, search: str | None, page: PageRequest) -> Page:
    listing = PageQuery(targets_query(search), TARGET_ORDER, page, list_key("targets", search))
    return await fetch_page(session, listing)


async def count_targets(session: AsyncSession, *, search: str | None) -> int:
    return await count(session, targets_query(search))


async def list_events(session: AsyncSession, *, search: str | None, page: PageRequest) -> Page:
    listing = PageQuery(events_query(search), EVENT_ORDER, page, list_key("events", search))
    return await fetch_page(session, listing)


async def count_events(session: AsyncSession, *, search: str | None) -> int:
    return await count(session, events_query(search))


async def list_interlocutor_types(session: AsyncSession, *, include_archived: bool) -> list[InterlocutorType]:
    query = select(InterlocutorType).order_by(InterlocutorType.label, InterlocutorType.code)
    if not include_archived:
        query = query.where(InterlocutorType.archived.is_(False))
    return list(await session.scalars(query))


async def targets_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Target | None]:
    rows = await session.scalars(select(Target).where(KeyIn(Target.id, ids)))
    return in_key_order(ids, {row.id: row for row in rows}, None)


_EVENTS = select(*columns_of(EventRow._fields, Event)).where(KeyIn(Event.id))
_INTERLOCUTOR_TYPES = member_rows_query(
    owner=ContactLinkInterlocutorType.link_id,
    member=InterlocutorType,
    fields=InterlocutorTypeRow._fields,
    joined_on=InterlocutorType.code == ContactLinkInterlocutorType.type_code,
    order_by=(InterlocutorType.label, InterlocutorType.code),
)


async def events_by_id(session: AsyncSession, ids: Sequence[int]) -> list[EventRow | None]:
    rows = map(EventRow._make, await core_rows(session, _EVENTS, ids))
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def interlocutor_types_by_link_id(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[InterlocutorTypeRow]]:
    return await member_rows_by_owner(session, ids, _INTERLOCUTOR_TYPES, InterlocutorTypeRow._make)
