"""`mergeContacts` (DOMAIN.md rule 21): fold contacts into one, in one transaction, undoably.

The kept contact's values win; a value it lacks is taken from the first merged contact that
has one, and `fieldChoices` take a field from a given merged contact. Links move to the kept
contact; two links to one organisation become one (the kept link's values win, what it lacks
is filled in, recipient flags add up, sites and types join). Memberships, accounts and history
move too; a second account of a kind cannot (one per contact) and is deactivated on its
merged contact. Each merged contact becomes MERGED, read-only, with `mergedInto` set.

Set-based: seven reads and about fifteen writes whatever the number of links, so that ten
contacts with fifty links each merge in under thirty statements. The merge row keeps every
contact's state before and the kept one's after, and what moved: `unmerges` undoes it exactly.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import index_search_tokens
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
    FieldChange,
    TargetMember,
)
from resolvers.access import Actor
from resolvers.card_fields import CONTACT_FIELDS
from resolvers.errors import ErrorCode, Problems
from resolvers.global_ids import to_global_id
from resolvers.history_text import Difference, differences, ids_text
from resolvers.merge_states import (
    ACCOUNT_KINDS,
    CONTACT_TABLE,
    LINK_TABLE,
    ContactState,
    LinkState,
    dumps,
    encode_state,
    read_states,
)
from resolvers.search import tokens_text
from resolvers.text import fold

MAX_CONTACTS = 10
FIELD_CHANGE_TABLE: Table = FieldChange.__table__  # type: ignore[assignment]
# The contact's own fields a merge combines (its state fields are the merge's to set).
MERGEABLE = {
    field.name: field.column
    for field in CONTACT_FIELDS
    if field.name not in ("status", "disappearedOn", "disappearanceReason")
}
_LINK_VALUES = ("function", "department", "email", "phone", "mobile", "fax", "extension", "left_on")
_LINK_FLAGS = (
    "receives_invoices",
    "receives_invoices_all_sites",
    "receives_reminders",
    "receives_reminders_all_sites",
)


@dataclass(frozen=True)
class FieldChoice:
    """Take `field` (a GraphQL name) from `from_contact_id` (None: an id that names no contact)."""

    field: str
    from_contact_id: int | None


@dataclass
class Plan:
    """A merge worked out in memory: every state before and after, and what moves where."""

    kept_before: ContactState
    kept: ContactState
    merged_before: list[ContactState]
    merged: list[ContactState]
    moved_links: dict[int, int] = field(default_factory=dict)  # link id -> the contact it came from
    folded_links: dict[int, int] = field(default_factory=dict)  # merged link id -> the link it joined
    moved_accounts: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (account, from)
    deactivated: list[tuple[str, int]] = field(default_factory=list)

    def changes(self) -> list[Difference]:
        """Each contact's differences, and which contacts were folded into which (so that the
        kept contact's history tells of the merge even when nothing it shows changed)."""
        merged_ids = [state.id for state in self.merged]
        found = shown_changes(self.kept_before, self.kept)
        found.append(Difference(self.kept.id, None, "mergedIds", None, ids_text("Contact", merged_ids)))
        for before, after in zip(self.merged_before, self.merged, strict=True):
            found.extend(shown_changes(before, after))
            found.append(
                Difference(after.id, None, "mergedInto", None, to_global_id("Contact", self.kept.id))
            )
        return found


@dataclass(frozen=True)
class MergeResult:
    """The kept contact as it now is (as it would be, on a dry run: as it is), the merge, the changes."""

    contact: Contact
    merge: ContactMerge | None
    changes: list[Difference]


def shown_changes(before: ContactState, after: ContactState) -> list[Difference]:
    """History's differences between two states of one contact."""
    return differences(before.id, before.shown(), after.shown())


# ---------------------------------------------------------------- checks


def check_request(
    keep_id: int | None, merge_ids: Sequence[int | None], choices: Sequence[FieldChoice]
) -> None:
    """What can be refused before reading anything: shape, self-merge, repeats, unknown fields."""
    problems = Problems()
    if keep_id is None:
        problems.add(ErrorCode.NOT_FOUND, ("input", "keepId"), "No contact has this id.")
    if not merge_ids:
        problems.add(ErrorCode.INVALID, ("input", "mergeIds"), "Name at least one contact to merge.")
    if len(merge_ids) + 1 > MAX_CONTACTS:
        message = f"A merge folds at most {MAX_CONTACTS} contacts ({len(merge_ids) + 1} given)."
        problems.add(ErrorCode.INVALID, ("input", "mergeIds"), message)
    seen: set[int] = set()
    for index, contact_id in enumerate(merge_ids):
        path = ("input", "mergeIds", str(index))
        if contact_id is None:
            problems.add(ErrorCode.NOT_FOUND, path, "No contact has this id.")
        elif contact_id == keep_id:
            problems.add(ErrorCode.INVALID, path, "A contact cannot be merged into itself.", contact_id)
        elif contact_id in seen:
            problems.add(ErrorCode.INVALID, path, "This contact is named twice.", contact_id)
        else:
            seen.add(contact_id)
    for index, choice in enumerate(choices):
        path = ("input", "fieldChoices", str(index))
        if choice.field not in MERGEABLE:
            problems.add(ErrorCode.INVALID, (*path, "field"), f"A merge cannot choose {choice.field!r}.")
        if choice.from_contact_id not in seen:
            message = "A field can only be taken from one of the merged contacts."
            problems.add(ErrorCode.INVALID, (*path, "fromContactId"), message)
    problems.raise_if_any()


def check_found(states: dict[int, ContactState], keep_id: int, merge_ids: Sequence[int]) -> None:
    problems = Problems()
    for path, contact_id in [(("input", "keepId"), keep_id)] + [
        (("input", "mergeIds", str(index)), contact_id) for index, contact_id in enumerate(merge_ids)
    ]:
        state = states.get(contact_id)
        if state is None:
            problems.add(ErrorCode.NOT_FOUND, path, "No contact has this id.")
        elif state.values["status"] is ContactStatus.MERGED:
            message = "This contact was already merged into another."
            problems.add(ErrorCode.INVALID, path, message, contact_id)
    problems.raise_if_any()


# ---------------------------------------------------------------- the plan


def plan_merge(
    kept_before: ContactState,
    merged_before: list[ContactState],
    choices: Sequence[FieldChoice],
    now: datetime,
) -> Plan:
    kept = copy.deepcopy(kept_before)
    plan = Plan(kept_before, kept, merged_before, [copy.deepcopy(state) for state in merged_before])
    _combine_fields(kept, merged_before, choices)
    for before, after in zip(merged_before, plan.merged, strict=True):
        _take_links(plan, before)
        kept.affairs |= before.affairs
        kept.targets |= before.targets
        for event_id, status in before.events.items():
            kept.events.setdefault(event_id, status)
        _take_accounts(plan, before, after)
        after.values.update(
            status=ContactStatus.MERGED,
            merged_into_id=kept.id,
            version=before.values["version"] + 1,
            updated_at=now,
        )
        after.links, after.affairs, after.targets, after.events = [], set(), set(), {}
    kept.links.sort(key=lambda link: int(link.values["id"]))
    kept.values.update(version=kept_before.values["version"] + 1, updated_at=now)
    _refresh_keys(kept)
    return plan


def _combine_fields(kept: ContactState, merged: list[ContactState], choices: Sequence[FieldChoice]) -> None:
    for column in MERGEABLE.values():
        if kept.values[column] is None:
            given = (state.values[column] for state in merged if state.values[column] is not None)
            kept.values[column] = next(given, None)
    by_id = {state.id: state for state in merged}
    for choice in choices:
        assert choice.from_contact_id is not None
        column = MERGEABLE[choice.field]
        kept.values[column] = by_id[choice.from_contact_id].values[column]


def _take_links(plan: Plan, merged: ContactState) -> None:
    for link in merged.links:
        target = plan.kept.link_to(link.organization_id)
        if target is None:
            moved = copy.deepcopy(link)
            moved.values.update(contact_id=plan.kept.id, is_primary=False)
            plan.kept.links.append(moved)
            plan.moved_links[int(link.values["id"])] = merged.id
        else:
            _fold(target, link)
            plan.folded_links[int(link.values["id"])] = int(target.values["id"])


def _fold(target: LinkState, other: LinkState) -> None:
    """Two links to one organisation become one: the target's values win, the other fills gaps."""
    for column in _LINK_VALUES:
        if target.values[column] is None:
            target.values[column] = other.values[column]
    for flag in _LINK_FLAGS:
        target.values[flag] = bool(target.values[flag] or other.values[flag])
    target.sites |= other.sites
    target.types |= other.types


def _take_accounts(plan: Plan, before: ContactState, after: ContactState) -> None:
    for kind, (account_id, active) in before.accounts.items():
        if kind not in plan.kept.accounts:
            plan.kept.accounts[kind] = (account_id, active)
            plan.moved_accounts[kind] = (account_id, before.id)
            del after.accounts[kind]
        elif active:
            plan.deactivated.append((kind, account_id))
            after.accounts[kind] = (account_id, False)


def _refresh_keys(state: ContactState) -> None:
    """The sort keys and search tokens `refresh_contact_keys` would write, from memory."""
    values = state.values
    values["last_name_key"], values["first_name_key"] = fold(values["last_name"]), fold(values["first_name"])
    extra = [
        text
        for link in state.links
        for text in (link.values["email"], link.values["function"], link.organization_name)
    ]
    values["search_tokens"] = tokens_text(values["last_name"], values["first_name"], values["email"], *extra)


# ---------------------------------------------------------------- the use case


async def merge_contacts(
    session: AsyncSession,
    actor: Actor,
    *,
    keep_id: int | None,
    merge_ids: Sequence[int | None],
    choices: Sequence[FieldChoice] = (),
    dry_run: bool = False,
) -> MergeResult:
    """Fold `merge_ids` into `keep_id`; with `dry_run`, only say what would change."""
    check_request(keep_id, merge_ids, choices)
    assert keep_id is not None
    ids = [contact_id for contact_id in merge_ids if contact_id is not None]
    states = await read_states(session, [keep_id, *ids], lock=not dry_run)
    check_found(states, keep_id, ids)
    plan = plan_merge(states[keep_id], [states[contact_id] for contact_id in ids], choices, actor.now)
    changes = plan.changes()
    if dry_run:
        return MergeResult(transient(plan.kept_before), None, changes)
    merge = await _write(session, plan, changes, actor)
    return MergeResult(transient(plan.kept), merge, changes)


def transient(state: ContactState) -> Contact:
    """A contact row built from a state, never added to a session: no statement to read it back."""
    return Contact(**state.values)


async def _write(session: AsyncSession, plan: Plan, changes: list[Difference], actor: Actor) -> ContactMerge:
    await _write_links(session, plan)
    await _write_memberships(session, plan)
    await _write_accounts(session, plan)
    moved_history = await _move_history(session, plan)
    await _write_contacts(session, plan)
    await _record(session, changes, actor)
    merge = ContactMerge(
        kept_id=plan.kept.id,
        merged_ids=",".join(str(state.id) for state in plan.merged),
        at=actor.now,
        actor=actor.subject,
        snapshot=dumps(
            {
                "kept": encode_state(plan.kept_before),
                "kept_after": encode_state(plan.kept),
                "merged": [encode_state(state) for state in plan.merged_before],
                "moved_links": plan.moved_links,
                "folded_links": plan.folded_links,
                "moved_history": moved_history,
                "moved_accounts": plan.moved_accounts,
                "deactivated": plan.deactivated,
            }
        ),
    )
    session.add(merge)
    await session.flush()
    return merge


def _links_before(plan: Plan) -> dict[int, LinkState]:
    return {
        int(link.values["id"]): link
        for state in (plan.kept_before, *plan.merged_before)
        for link in state.links
    }


async def _write_links(session: AsyncSession, plan: Plan) -> None:
    before = _links_before(plan)
    changed = [link for link in plan.kept.links if link.values != before[int(link.values["id"])].values]
    if changed:
        columns: dict[str, Any] = {
            c.name: bindparam(f"v_{c.name}") for c in LINK_TABLE.columns if c.name != "id"
        }
        statement = update(LINK_TABLE).where(LINK_TABLE.c.id == bindparam("v_id")).values(columns)
        rows = [{f"v_{name}": value for name, value in link.values.items()} for link in changed]
        await (await session.connection()).execute(statement, rows)
    if plan.folded_links:
        await session.execute(delete(ContactLink).where(ContactLink.id.in_(plan.folded_links)))
    sites, types = [], []
    for link in plan.kept.links:
        link_id = int(link.values["id"])
        sites += [{"link_id": link_id, "site_id": s} for s in sorted(link.sites - before[link_id].sites)]
        types += [{"link_id": link_id, "type_code": t} for t in sorted(link.types - before[link_id].types)]
    if sites:
        await session.execute(insert(ContactLinkSite), sites)
    if types:
        await session.execute(insert(ContactLinkInterlocutorType), types)


async def _write_memberships(session: AsyncSession, plan: Plan) -> None:
    merged_ids = [state.id for state in plan.merged]
    kept, kept_before = plan.kept, plan.kept_before
    for model, member, now_set, was in (
        (ContactAffair, "affair_id", kept.affairs, kept_before.affairs),
        (TargetMember, "target_id", kept.targets, kept_before.targets),
    ):
        if any(
            getattr(state, "affairs" if model is ContactAffair else "targets") for state in plan.merged_before
        ):
            await session.execute(delete(model).where(model.contact_id.in_(merged_ids)))
        added = sorted(now_set - was)
        if added:
            await session.execute(insert(model), [{"contact_id": kept.id, member: value} for value in added])
    if any(state.events for state in plan.merged_before):
        await session.execute(delete(EventParticipation).where(EventParticipation.contact_id.in_(merged_ids)))
    added_events = [
        {"contact_id": kept.id, "event_id": event_id, "status": status}
        for event_id, status in sorted(kept.events.items())
        if event_id not in kept_before.events
    ]
    if added_events:
        await session.execute(insert(EventParticipation), added_events)


async def _write_accounts(session: AsyncSession, plan: Plan) -> None:
    for kind, (account_id, _) in plan.moved_accounts.items():
        model: Any = ACCOUNT_KINDS[kind]
        await session.execute(update(model).where(model.id == account_id).values(contact_id=plan.kept.id))
    for kind, account_id in plan.deactivated:
        model = ACCOUNT_KINDS[kind]
        await session.execute(update(model).where(model.id == account_id).values(active=False))


async def _move_history(session: AsyncSession, plan: Plan) -> dict[int, int]:
    """Re-point the merged contacts' history to the kept one; which entry came from whom."""
    merged_ids = [state.id for state in plan.merged]
    origins = dict(
        (
            await session.execute(
                select(ContactChange.id, ContactChange.contact_id).where(
                    ContactChange.contact_id.in_(merged_ids)
                )
            )
        ).all()
    )
    if origins:
        await session.execute(
            update(ContactChange)
            .where(ContactChange.contact_id.in_(merged_ids))
            .values(contact_id=plan.kept.id)
            .execution_options(synchronize_session=False)
        )
    return origins


async def _write_contacts(session: AsyncSession, plan: Plan) -> None:
    kept = plan.kept
    columns = [
        *MERGEABLE.values(),
        "last_name_key",
        "first_name_key",
        "search_tokens",
        "version",
        "updated_at",
    ]
    await session.execute(
        update(Contact)
        .where(Contact.id == kept.id)
        .values({column: kept.values[column] for column in columns})
        .execution_options(synchronize_session=False)
    )
    statement = (
        update(CONTACT_TABLE)
        .where(CONTACT_TABLE.c.id == bindparam("m_id"))
        .values(
            status=bindparam("m_status"),
            merged_into_id=bindparam("m_into"),
            version=bindparam("m_version"),
            updated_at=bindparam("m_at"),
        )
    )
    rows = [
        {
            "m_id": state.id,
            "m_status": ContactStatus.MERGED,
            "m_into": kept.id,
            "m_version": state.values["version"],
            "m_at": state.values["updated_at"],
        }
        for state in plan.merged
    ]
    connection = await session.connection()
    await connection.execute(statement, rows)
    await index_search_tokens(connection, [(kept.id, kept.values["search_tokens"])])


async def _record(session: AsyncSession, changes: list[Difference], actor: Actor) -> None:
    """One history entry per contact, in two statements for all of them."""
    contact_ids = list(dict.fromkeys(change.contact_id for change in changes))
    if not contact_ids:
        return
    entries = await session.execute(
        insert(ContactChange).returning(ContactChange.id, ContactChange.contact_id),
        [
            {"contact_id": c, "at": actor.now, "actor": actor.subject, "operation": actor.operation}
            for c in contact_ids
        ],
    )
    entry_of = {contact_id: change_id for change_id, contact_id in entries}
    # Core, not the ORM's bulk insert: that one splits rows by which values are None.
    await session.execute(
        insert(FIELD_CHANGE_TABLE),
        [
            {
                "change_id": entry_of[change.contact_id],
                "organization_id": change.organization_id,
                "field": change.field,
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ],
    )
