"""A merge plan written (DOMAIN.md rule 21): set-based, so that the number of statements does
not grow with the number of links.

Links updated in one executemany, folded ones deleted, their sites and types added; memberships
and events moved; accounts moved or deactivated; history re-pointed; the contacts updated; one
history entry per contact; and the merge row, which keeps every contact's state before, the
kept one's after, and what moved, for `unmerges` to undo it exactly.
"""

from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
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
from resolvers.history_text import Difference
from resolvers.merge_plans import MERGEABLE, Plan
from resolvers.merge_states import ACCOUNT_KINDS, CONTACT_TABLE, LINK_TABLE, LinkState, dumps, encode_state

FIELD_CHANGE_TABLE = table_of(FieldChange)


async def write_merge(
    session: AsyncSession, plan: Plan, changes: list[Difference], actor: Actor
) -> ContactMerge:
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
