"""An event's participants, in the contacts' order: pages and counts, for one event or for each
event of a list of them in one statement (the participants under a page of events)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, EventParticipation, ParticipationStatus
from resolvers.access import Viewer, listed_contact
from resolvers.contact_lists import sort_columns
from resolvers.cursors import list_key
from resolvers.paging import Page, PageQuery, PageRequest, counts, fetch_pages_each_way

# Whose participation: an event, and the status asked for (all without one).
Scope = tuple[int, ParticipationStatus | None]


@dataclass(frozen=True)
class ParticipantsRequest:
    """One event's participants to read: the event, the status asked for, the page."""

    event_id: int
    status: ParticipationStatus | None
    page: PageRequest

    def listing(self, viewer: Viewer) -> PageQuery:
        query = participants_query(viewer, self.event_id, self.status)
        return PageQuery(query, sort_columns(None), self.page, self.listing_key())

    def check(self) -> None:
        """A cursor of another list or a forged one is refused before the loader batches it."""
        PageQuery(select(EventParticipation), sort_columns(None), self.page, self.listing_key()).check()

    def listing_key(self) -> str:
        return list_key("participants", self.event_id, self.status)


def participants_query(
    viewer: Viewer, event_id: int, status: ParticipationStatus | None
) -> Select[EventParticipation]:
    query = (
        select(EventParticipation)
        .join(Contact, Contact.id == EventParticipation.contact_id)
        .where(EventParticipation.event_id == event_id, listed_contact(viewer))
    )
    return query if status is None else query.where(EventParticipation.status == status)


async def list_participants(
    session: AsyncSession,
    viewer: Viewer,
    *,
    event_id: int,
    status: ParticipationStatus | None,
    page: PageRequest,
) -> Page:
    return (
        await participant_pages_by_request(session, viewer, [ParticipantsRequest(event_id, status, page)])
    )[0]


async def count_participants(
    session: AsyncSession, viewer: Viewer, *, event_id: int, status: ParticipationStatus | None
) -> int:
    return (await participant_counts_by_scope(session, viewer, [(event_id, status)]))[0]


async def participant_pages_by_request(
    session: AsyncSession, viewer: Viewer, requests: Sequence[ParticipantsRequest]
) -> list[Page]:
    """The participants' pages of several events: one statement, whatever their number."""
    listings = [request.listing(viewer) for request in requests]
    return await fetch_pages_each_way(session, EventParticipation, listings)


async def participant_counts_by_scope(
    session: AsyncSession, viewer: Viewer, scopes: Sequence[Scope]
) -> list[int]:
    """How many participants each event has (of each status asked for): one statement for all."""
    return await counts(
        session, [participants_query(viewer, event_id, status) for event_id, status in scopes]
    )
