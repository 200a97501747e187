"""Affairs, targets and events by selection (DOMAIN.md rule 12): all or nothing, idempotent.

A membership shows on the card as the whole set of the contact's affairs, targets or events
(`affairIds`, `targetIds`, `eventIds`), so each chunk reads its contacts' full sets to record
them before and after; a participation whose status changes reads as `eventStatus`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table, delete, insert, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
from db.models import (
    Affair,
    ContactAffair,
    Event,
    EventParticipation,
    ParticipationStatus,
    Target,
    TargetMember,
)
from resolvers.access import Actor, Viewer
from resolvers.batches import Changed, record_changes, refuse_if_any
from resolvers.errors import ErrorCode, Problems
from resolvers.history_text import Difference, set_change, status_change
from resolvers.selection import ContactSelection, Selected, chunks, select_contacts


@dataclass(frozen=True, eq=False)
class Membership:
    """A set of contacts: its table, the column naming the group, how input and history name it."""

    table: Table
    group_column: str
    group_model: type[Affair] | type[Target] | type[Event]
    type_name: str
    field: str
    input_field: str
    noun: str


AFFAIRS = Membership(
    table_of(ContactAffair), "affair_id", Affair, "Affair", "affairIds", "affairId", "affair"
)
TARGETS = Membership(table_of(TargetMember), "target_id", Target, "Target", "targetIds", "targetId", "target")
EVENTS = Membership(table_of(EventParticipation), "event_id", Event, "Event", "eventIds", "eventId", "event")


async def _select(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    membership: Membership,
    group_id: int | None,
    max_selection: int,
) -> Selected:
    """The selection, refused with every culprit when it or the group is unknown."""
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection)
    problems = Problems()
    model = membership.group_model
    if group_id is None or await session.scalar(select(model.id).where(model.id == group_id)) is None:
        path = ("input", membership.input_field)
        problems.add(ErrorCode.NOT_FOUND, path, f"No {membership.noun} has this id.")
    refuse_if_any(selected, problems)
    return selected


async def _memberships(
    session: AsyncSession, membership: Membership, contact_ids: Sequence[int]
) -> dict[int, dict[int, ParticipationStatus | None]]:
    """Each contact's whole set: contact id -> {group id: status (events) or None}."""
    table = membership.table
    status = table.c.status if membership is EVENTS else null()
    rows = await session.execute(
        select(table.c.contact_id, table.c[membership.group_column], status).where(
            table.c.contact_id.in_(contact_ids)
        )
    )
    sets: dict[int, dict[int, ParticipationStatus | None]] = {contact_id: {} for contact_id in contact_ids}
    for contact_id, group_id, value in rows:
        sets[contact_id][group_id] = value
    return sets


def _set_change(membership: Membership, contact_id: int, before: set[int], after: set[int]) -> Difference:
    return set_change(contact_id, None, membership.field, membership.type_name, before, after)


async def add_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    membership: Membership,
    *,
    group_id: int | None,
    max_selection: int,
    actor: Actor,
    status: ParticipationStatus | None = None,
) -> Changed:
    """Put the selection in the affair, target or event; returns the contacts that changed.

    For an event, `status` is every selected contact's status afterwards; without one, new
    participants are INVITED and existing ones keep theirs.
    """
    selected = await _select(session, viewer, selection, membership, group_id, max_selection)
    assert group_id is not None
    affected = Changed()
    for chunk in chunks(selected.contact_ids):
        sets = await _memberships(session, membership, chunk)
        joining = [contact_id for contact_id in chunk if group_id not in sets[contact_id]]
        changes = {
            contact_id: [
                _set_change(membership, contact_id, set(sets[contact_id]), {*sets[contact_id], group_id})
            ]
            for contact_id in joining
        }
        if joining:
            extra = {"status": status or ParticipationStatus.INVITED} if membership is EVENTS else {}
            rows = [{"contact_id": c, membership.group_column: group_id, **extra} for c in joining]
            await (await session.connection()).execute(insert(membership.table), rows)
        if membership is EVENTS and status is not None:
            changes.update(await _change_statuses(session, sets, group_id, status))
        affected.add(await record_changes(session, changes, actor))
    return affected


async def _change_statuses(
    session: AsyncSession,
    sets: dict[int, dict[int, ParticipationStatus | None]],
    event_id: int,
    status: ParticipationStatus,
) -> dict[int, list[Difference]]:
    """Give `status` to the participants that have another one; their history reads `eventStatus`."""
    moving = {
        contact_id: before
        for contact_id, held in sets.items()
        if (before := held.get(event_id)) is not None and before != status  # an event's sets hold a status
    }
    if not moving:
        return {}
    table = table_of(EventParticipation)
    await (await session.connection()).execute(
        update(table)
        .where(table.c.event_id == event_id, table.c.contact_id.in_(moving))
        .values(status=status)
    )
    return {
        contact_id: [status_change(contact_id, event_id, before, status)]
        for contact_id, before in moving.items()
    }


async def remove_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    membership: Membership,
    *,
    group_id: int | None,
    max_selection: int,
    actor: Actor,
) -> Changed:
    """Take the selection out of the affair, target or event; returns the contacts that changed."""
    selected = await _select(session, viewer, selection, membership, group_id, max_selection)
    assert group_id is not None
    table, affected = membership.table, Changed()
    for chunk in chunks(selected.contact_ids):
        sets = await _memberships(session, membership, chunk)
        leaving = [contact_id for contact_id in chunk if group_id in sets[contact_id]]
        if leaving:
            await (await session.connection()).execute(
                delete(table).where(
                    table.c[membership.group_column] == group_id, table.c.contact_id.in_(leaving)
                )
            )
        changes = {
            contact_id: [
                _set_change(membership, contact_id, set(sets[contact_id]), set(sets[contact_id]) - {group_id})
            ]
            for contact_id in leaving
        }
        affected.add(await record_changes(session, changes, actor))
    return affected
