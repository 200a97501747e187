"""A contact's history: what changed, when, by whom, through which mutation (DOMAIN.md rule 18).

Recording an entry, and reading them back. What the entries say is `history_text`'s.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ContactChange, FieldChange
from resolvers.access import Actor
from resolvers.cursors import list_key
from resolvers.history_text import Difference
from resolvers.keyed import grouped
from resolvers.paging import Page, PageQuery, PageRequest, SortColumn, fetch_pages_each_way

NEWEST_FIRST = [SortColumn(ContactChange.id, descending=True)]


async def record(
    session: AsyncSession,
    *,
    contact_id: int,
    actor: Actor,
    changes: Sequence[Difference],
) -> None:
    """Write one history entry for `changes`, in the caller's transaction."""
    change_id = await session.scalar(
        insert(ContactChange)
        .values(contact_id=contact_id, at=actor.now, actor=actor.subject, operation=actor.operation)
        .returning(ContactChange.id)
    )
    await session.execute(
        insert(FieldChange),
        [
            {
                "change_id": change_id,
                "organization_id": change.organization_id,
                "field": change.field,
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ],
    )


@dataclass(frozen=True)
class HistoryRequest:
    """One contact's history to read: the contact, the page."""

    contact_id: int
    page: PageRequest

    def listing(self) -> PageQuery:
        return PageQuery(
            _changes_query(self.contact_id), NEWEST_FIRST, self.page, list_key("history", self.contact_id)
        )

    def check(self) -> None:
        self.listing().check()


def _changes_query(contact_id: int) -> Select[ContactChange]:
    return select(ContactChange).where(ContactChange.contact_id == contact_id)


async def list_changes(session: AsyncSession, *, contact_id: int, page: PageRequest) -> Page:
    return (await change_pages_by_request(session, [HistoryRequest(contact_id, page)]))[0]


async def count_changes(session: AsyncSession, *, contact_id: int) -> int:
    return (await change_counts_by_contact_id(session, [contact_id]))[0]


async def change_pages_by_request(session: AsyncSession, requests: Sequence[HistoryRequest]) -> list[Page]:
    """The history pages of several contacts (under a page of contacts): one statement for all."""
    listings = [request.listing() for request in requests]
    return await fetch_pages_each_way(session, ContactChange, listings)


async def change_counts_by_contact_id(session: AsyncSession, ids: Sequence[int]) -> list[int]:
    """How many changes each contact has: one statement for all."""
    query = (
        select(ContactChange.contact_id, func.count())
        .where(ContactChange.contact_id.in_(ids))
        .group_by(ContactChange.contact_id)
    )
    totals = {contact_id: int(total) for contact_id, total in await session.execute(query)}
    return [totals.get(contact_id, 0) for contact_id in ids]


async def field_changes_by_change_id(session: AsyncSession, ids: Sequence[int]) -> list[list[FieldChange]]:
    rows = await session.scalars(
        select(FieldChange).where(FieldChange.change_id.in_(ids)).order_by(FieldChange.id)
    )
    return grouped(ids, [(row.change_id, row) for row in rows])
