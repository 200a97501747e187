"""The card's sets (affairs, targets, events, and each link's sites and interlocutor types):
as last written, and written back by difference, so that saving a card touches only the rows
of the members that came or went."""

from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ContactAffair,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    EventParticipation,
    ParticipationStatus,
    TargetMember,
)

Member = TypeVar("Member", int, str)  # what a set holds: ids, or interlocutor type codes


@dataclass
class SavedSets:
    """A card's sets at one moment; two of them tell what to write."""

    affairs: set[int] = field(default_factory=set)
    targets: set[int] = field(default_factory=set)
    events: dict[int, ParticipationStatus] = field(default_factory=dict)
    sites: dict[int, set[int]] = field(default_factory=dict)  # by link id
    types: dict[int, set[str]] = field(default_factory=dict)  # by link id


async def write_set_changes(
    session: AsyncSession, contact_id: int, before: SavedSets, after: SavedSets
) -> None:
    """Write what differs from `before` to `after`. A removed link's own sets go with its row."""
    await _sync_pairs(
        session, ContactAffair, "contact_id", contact_id, "affair_id", before.affairs, after.affairs
    )
    await _sync_pairs(
        session, TargetMember, "contact_id", contact_id, "target_id", before.targets, after.targets
    )
    await _sync_events(session, contact_id, before.events, after.events)
    for link_id, site_ids in after.sites.items():
        await _sync_pairs(
            session,
            ContactLinkSite,
            "link_id",
            link_id,
            "site_id",
            before.sites.get(link_id, set()),
            site_ids,
        )
        await _sync_pairs(
            session,
            ContactLinkInterlocutorType,
            "link_id",
            link_id,
            "type_code",
            before.types.get(link_id, set()),
            after.types[link_id],
        )


async def _sync_pairs(
    session: AsyncSession,
    model: type[ContactAffair | TargetMember | ContactLinkSite | ContactLinkInterlocutorType],
    owner: str,
    owner_id: int,
    member: str,
    before: set[Member],
    after: set[Member],
) -> None:
    """Insert the members added to a set and delete the ones taken out, in one statement each."""
    added, gone = after - before, before - after
    if added:
        await session.execute(insert(model), [{owner: owner_id, member: value} for value in sorted(added)])
    if gone:
        await session.execute(
            delete(model).where(getattr(model, owner) == owner_id, getattr(model, member).in_(gone))
        )


async def _sync_events(
    session: AsyncSession,
    contact_id: int,
    before: dict[int, ParticipationStatus],
    after: dict[int, ParticipationStatus],
) -> None:
    added = [
        {"contact_id": contact_id, "event_id": e, "status": s} for e, s in after.items() if e not in before
    ]
    if added:
        await session.execute(insert(EventParticipation), added)
    gone = set(before) - set(after)
    if gone:
        await session.execute(
            delete(EventParticipation).where(
                EventParticipation.contact_id == contact_id, EventParticipation.event_id.in_(gone)
            )
        )
    for event_id, status in after.items():
        if event_id in before and before[event_id] != status:
            await session.execute(
                update(EventParticipation)
                .where(EventParticipation.contact_id == contact_id, EventParticipation.event_id == event_id)
                .values(status=status)
            )
