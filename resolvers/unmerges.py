"""`unmergeContacts` (DOMAIN.md rule 21): every contact back exactly as it was before the merge.

The merged contacts get their states back from the merge's snapshot, row for row (their links
with the same ids, sites, types, memberships, accounts, history entries), with a new version.
The kept contact gets back what it had before the merge, except where it was edited after
the merge: a value that is no longer the one the merge wrote was chosen since, and stays.
Both are recorded in the history of every contact involved.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
from db.models import (
    Contact,
    ContactAffair,
    ContactChange,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    ContactMerge,
    ContactStatus,
    EventParticipation,
    TargetMember,
)
from resolvers import history
from resolvers.access import Actor
from resolvers.errors import Invalid, NotAllowed, NotFound
from resolvers.global_ids import to_global_id
from resolvers.history_text import Difference, ids_text
from resolvers.merge_plans import MERGEABLE, shown_changes
from resolvers.merge_states import (
    ACCOUNT_KINDS,
    CONTACT_TABLE,
    LINK_TABLE,
    ContactState,
    decode_state,
    read_states,
    transient,
)
from resolvers.search import refresh_contact_keys

PATH = ("input", "mergeId")


@dataclass(frozen=True)
class Snapshot:
    kept: ContactState
    kept_after: ContactState
    merged: list[ContactState]
    moved_history: dict[int, int]
    moved_accounts: dict[str, tuple[int, int]]
    deactivated: list[tuple[str, int]]

    @classmethod
    def of(cls, text: str) -> "Snapshot":
        data = json.loads(text)
        return cls(
            kept=decode_state(data["kept"]),
            kept_after=decode_state(data["kept_after"]),
            merged=[decode_state(state) for state in data["merged"]],
            moved_history={int(change): int(origin) for change, origin in data["moved_history"].items()},
            moved_accounts={kind: (int(a), int(b)) for kind, (a, b) in data["moved_accounts"].items()},
            deactivated=[(kind, int(account)) for kind, account in data["deactivated"]],
        )


async def merges_by_id(session: AsyncSession, ids: Sequence[int]) -> list[ContactMerge | None]:
    rows = {
        row.id: row for row in await session.scalars(select(ContactMerge).where(ContactMerge.id.in_(ids)))
    }
    return [rows.get(merge_id) for merge_id in ids]


async def unmerge_contacts(session: AsyncSession, actor: Actor, *, merge_id: int | None) -> list[Contact]:
    """Undo a merge; the contacts it involved as they now are, the kept one first."""
    merge = None
    if merge_id is not None:
        merge = await session.scalar(
            select(ContactMerge).where(ContactMerge.id == merge_id).with_for_update()
        )
    if merge is None:
        raise NotFound(PATH, "No merge has this id.")
    if merge.undone_at is not None:
        raise Invalid(PATH, "This merge was already undone.")
    if merge.snapshot is None:
        raise NotAllowed(PATH, "A contact of this merge was erased: the merge cannot be undone.")
    snapshot = Snapshot.of(merge.snapshot)
    ids = [snapshot.kept.id, *(state.id for state in snapshot.merged)]
    current = await read_states(session, ids, lock=True)
    _check_undoable(current, snapshot)
    await _restore(session, snapshot, current, actor.now)
    await refresh_contact_keys(session, ids)
    restored = await read_states(session, ids, lock=False)
    for contact_id in ids:
        changes = [*shown_changes(current[contact_id], restored[contact_id]), _unlinked(snapshot, contact_id)]
        await history.record(session, contact_id=contact_id, actor=actor, changes=changes)
    merge.undone_at, merge.undone_by = actor.now, actor.subject
    await session.flush()
    return [transient(restored[contact_id]) for contact_id in ids]


def _unlinked(snapshot: Snapshot, contact_id: int) -> Difference:
    """The merge's own line, undone: what was folded into the kept one, what a merged one was in."""
    if contact_id == snapshot.kept.id:
        merged = ids_text("Contact", [state.id for state in snapshot.merged])
        return Difference(contact_id, None, "mergedIds", merged, None)
    return Difference(contact_id, None, "mergedInto", to_global_id("Contact", snapshot.kept.id), None)


def _check_undoable(current: dict[int, ContactState], snapshot: Snapshot) -> None:
    kept = current.get(snapshot.kept.id)
    if kept is None or kept.values["status"] is ContactStatus.MERGED:
        raise Invalid(PATH, "The kept contact was merged since: undo that merge first.")
    for state in snapshot.merged:
        now = current.get(state.id)
        if now is None or now.values["merged_into_id"] != snapshot.kept.id:
            raise Invalid(PATH, "A merged contact changed since: this merge cannot be undone.")


async def _restore(
    session: AsyncSession, snapshot: Snapshot, current: dict[int, ContactState], now: datetime
) -> None:
    await _restore_merged_links(session, snapshot)
    await _restore_kept_links(session, snapshot, current[snapshot.kept.id])
    await _restore_memberships(session, snapshot, current[snapshot.kept.id])
    await _restore_accounts(session, snapshot)
    await _restore_history(session, snapshot)
    await _restore_contacts(session, snapshot, current, now)


async def _restore_merged_links(session: AsyncSession, snapshot: Snapshot) -> None:
    """The merged contacts' links, exactly as they were: taken off the kept contact, put back."""
    links = [link for state in snapshot.merged for link in state.links]
    if not links:
        return
    await session.execute(
        delete(ContactLink).where(ContactLink.id.in_([link.values["id"] for link in links]))
    )
    await session.execute(insert(LINK_TABLE), [link.values for link in links])
    sites = [{"link_id": link.values["id"], "site_id": site} for link in links for site in sorted(link.sites)]
    types = [
        {"link_id": link.values["id"], "type_code": code} for link in links for code in sorted(link.types)
    ]
    if sites:
        await session.execute(insert(ContactLinkSite), sites)
    if types:
        await session.execute(insert(ContactLinkInterlocutorType), types)


def _three_way(before: object, after: object, now: object) -> object:
    """What the merge wrote goes back; what was chosen since stays."""
    return before if now == after else now


async def _restore_kept_links(session: AsyncSession, snapshot: Snapshot, kept_now: ContactState) -> None:
    merged_link_ids = {link.values["id"] for state in snapshot.merged for link in state.links}
    after = {link.values["id"]: link for link in snapshot.kept_after.links}
    now_links = {
        link.values["id"]: link for link in kept_now.links if link.values["id"] not in merged_link_ids
    }
    for link in snapshot.kept.links:
        link_id = link.values["id"]
        current = now_links.get(link_id)
        if current is None or link_id not in after:
            continue
        merged_values = after[link_id].values
        values = {
            name: _three_way(link.values[name], merged_values[name], current.values[name])
            for name in link.values
            if name not in ("id", "contact_id", "organization_id", "created_at")
        }
        if any(values[name] != current.values[name] for name in values):
            await session.execute(update(ContactLink).where(ContactLink.id == link_id).values(values))
        for model, column, added in (
            (ContactLinkSite, "site_id", after[link_id].sites - link.sites),
            (ContactLinkInterlocutorType, "type_code", after[link_id].types - link.types),
        ):
            if added:
                await session.execute(
                    delete(model).where(model.link_id == link_id, getattr(model, column).in_(sorted(added)))
                )
    if not any(link.values["is_primary"] for link in now_links.values()):
        primary = next((link for link in snapshot.kept.links if link.values["is_primary"]), None)
        if primary is not None and primary.values["id"] in now_links:
            await session.execute(
                update(ContactLink).where(ContactLink.id == primary.values["id"]).values(is_primary=True)
            )


async def _restore_memberships(session: AsyncSession, snapshot: Snapshot, kept_now: ContactState) -> None:
    kept, after = snapshot.kept, snapshot.kept_after
    for model, member, was, merged_to in (
        (ContactAffair, "affair_id", kept.affairs, after.affairs),
        (TargetMember, "target_id", kept.targets, after.targets),
        (EventParticipation, "event_id", set(kept.events), set(after.events)),
    ):
        added = sorted(merged_to - was)
        if added:
            await session.execute(
                delete(model).where(model.contact_id == kept.id, getattr(model, member).in_(added))
            )
    affairs = [{"contact_id": s.id, "affair_id": a} for s in snapshot.merged for a in sorted(s.affairs)]
    targets = [{"contact_id": s.id, "target_id": t} for s in snapshot.merged for t in sorted(s.targets)]
    events = [
        {"contact_id": s.id, "event_id": e, "status": status}
        for s in snapshot.merged
        for e, status in s.events.items()
    ]
    for model, rows in ((ContactAffair, affairs), (TargetMember, targets), (EventParticipation, events)):
        if rows:
            await session.execute(insert(model), rows)


async def _restore_accounts(session: AsyncSession, snapshot: Snapshot) -> None:
    actives = {
        (kind, account_id): active
        for state in snapshot.merged
        for kind, (account_id, active) in state.accounts.items()
    }
    for kind, (account_id, origin) in snapshot.moved_accounts.items():
        model = ACCOUNT_KINDS[kind]
        await session.execute(
            update(model)
            .where(model.id == account_id)
            .values(contact_id=origin, active=actives[(kind, account_id)])
        )
    for kind, account_id in snapshot.deactivated:
        model = ACCOUNT_KINDS[kind]
        await session.execute(
            update(model).where(model.id == account_id).values(active=actives[(kind, account_id)])
        )


async def _restore_history(session: AsyncSession, snapshot: Snapshot) -> None:
    if not snapshot.moved_history:
        return
    table = table_of(ContactChange)
    statement = update(table).where(table.c.id == bindparam("h_id")).values(contact_id=bindparam("h_origin"))
    rows = [{"h_id": change, "h_origin": origin} for change, origin in snapshot.moved_history.items()]
    await (await session.connection()).execute(statement, rows)


async def _restore_contacts(
    session: AsyncSession, snapshot: Snapshot, current: dict[int, ContactState], now: datetime
) -> None:
    for state in snapshot.merged:
        values = {name: value for name, value in state.values.items() if name != "id"}
        values.update(version=current[state.id].values["version"] + 1, updated_at=now)
        await session.execute(update(CONTACT_TABLE).where(CONTACT_TABLE.c.id == state.id).values(values))
    kept_now = current[snapshot.kept.id].values
    values = {
        column: _three_way(snapshot.kept.values[column], snapshot.kept_after.values[column], kept_now[column])
        for column in MERGEABLE.values()
    }
    values.update(version=kept_now["version"] + 1, updated_at=now)
    await session.execute(
        update(Contact)
        .where(Contact.id == snapshot.kept.id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
