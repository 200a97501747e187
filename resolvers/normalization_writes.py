"""A normalisation written (DOMAIN.md rule 14): the plan of `resolvers.normalization`, checked and
written in one transaction.

The plan was worked out without any lock; meanwhile other writers may have edited a contact,
renamed an organisation, created or hidden contacts. So the write transaction first selects the
contacts again, each with its state (version and search tokens) in the same statement (locking
their rows on PostgreSQL), and works out anew the contacts whose state is not the one the plan
read, and the newcomers; contacts no longer selected are left out. What is written is therefore
exactly what a normalisation run entirely inside the transaction would write: no concurrent edit
is lost, and a contact edited meanwhile is normalised as it now is.

Then each contact row is written once (names, version, time and, only where they change, sort
keys and search tokens), each link whose function changes once, the history with one statement
per table (the entries from the ids in one parameter, returning theirs; then the fields), and
SQLite's search index only for the tokens that change. Every value was computed before: the
transaction holds SQLite's write lock for the statements alone.
"""

from collections.abc import Sequence

from sqlalchemy import bindparam, insert, literal, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.dialect import each_id, index_search_tokens
from resolvers.access import Actor
from resolvers.batches import CHANGE, CONTACT, FIELD_CHANGE, LINK, refuse_if_any
from resolvers.errors import Problems
from resolvers.normalization_changes import work_out_chunk
from resolvers.normalization_plan import FieldRow, FunctionRow, NameRow, NormalizationResult, Outcome, Plan
from resolvers.selection import Selected, chunks, select_contacts

_WRITE_NAMES = (
    update(CONTACT)
    .where(CONTACT.c.id == bindparam("b_id"))
    .values(
        last_name=bindparam("b_last"),
        first_name=bindparam("b_first"),
        version=CONTACT.c.version + literal_column("1"),  # not a parameter bound 100,000 times
    )
)
_WRITE_NAMES_AND_KEYS = _WRITE_NAMES.values(
    last_name_key=bindparam("last_key"),
    first_name_key=bindparam("first_key"),
    search_tokens=bindparam("tokens"),
)
_WRITE_FUNCTIONS = update(LINK).where(LINK.c.id == bindparam("b_id")).values(function=bindparam("b_function"))


async def apply(session: AsyncSession, plan: Plan, actor: Actor) -> NormalizationResult:
    """Check the plan against the contacts as they are now, work out anew what changed
    meanwhile, and write every change. All or nothing."""
    selected = await select_contacts(
        session, plan.viewer, plan.selection, max_selection=plan.max_selection, with_states=True
    )
    refuse_if_any(selected, Problems())  # a contact hidden or erased meanwhile: as if it had been before
    for chunk in chunks(_stale(plan, selected)):
        await work_out_chunk(session, plan, chunk, to_write=True)
    outcomes = [plan.outcomes[contact_id] for contact_id in sorted(plan.outcomes)]
    connection = await session.connection()
    await _write_contacts(connection, plan, outcomes, actor)
    await _record_history(connection, outcomes, actor)
    return NormalizationResult(plan, applied=True)


def _stale(plan: Plan, selected: Selected) -> list[int]:
    """The contacts to work out again: edited since the plan read them, or new to the
    selection. Those it no longer reaches are forgotten."""
    plan.forget(sorted(plan.states.keys() - selected.states.keys()))
    return [
        contact_id for contact_id, state in selected.states.items() if plan.states.get(contact_id) != state
    ]


async def _write_contacts(
    connection: AsyncConnection, plan: Plan, outcomes: Sequence[Outcome], actor: Actor
) -> None:
    """Each changed contact row once, with its version raised; then the functions, and the
    search index for the tokens that change."""
    plain: list[NameRow] = []
    keyed: list[dict[str, object]] = []
    functions: list[FunctionRow] = []
    retokened: list[tuple[int, str]] = []
    for outcome in outcomes:  # one pass: the write lock is held
        if outcome.keys is None:
            plain.append(outcome.names)
        else:
            keyed.append({**outcome.names, **outcome.keys})
            if outcome.keys["tokens"] != plan.states[outcome.names["b_id"]][1]:
                retokened.append((outcome.names["b_id"], outcome.keys["tokens"]))
        functions.extend(outcome.functions)
    if plain:
        await connection.execute(_WRITE_NAMES.values(updated_at=actor.now), plain)
    if keyed:
        await connection.execute(_WRITE_NAMES_AND_KEYS.values(updated_at=actor.now), keyed)
    if functions:
        await connection.execute(_WRITE_FUNCTIONS, functions)
    for chunk in chunks(retokened):
        await index_search_tokens(connection, chunk)


async def _record_history(connection: AsyncConnection, outcomes: Sequence[Outcome], actor: Actor) -> None:
    """One entry per changed contact, then its fields, in the order of the changes."""
    if not outcomes:
        return
    contact_ids = each_id(connection.dialect.name, [outcome.names["b_id"] for outcome in outcomes])
    entry = select(
        contact_ids,
        literal(actor.now, CHANGE.c.at.type),
        literal(actor.subject, CHANGE.c.actor.type),
        literal(actor.operation, CHANGE.c.operation.type),
    )
    entries = await connection.execute(
        insert(CHANGE)
        .from_select(["contact_id", "at", "actor", "operation"], entry)
        .returning(CHANGE.c.contact_id, CHANGE.c.id)
    )
    entry_of: dict[int, int] = dict(entries.all())
    fields: list[FieldRow] = []
    for outcome in outcomes:
        entry_id = entry_of[outcome.names["b_id"]]
        for row in outcome.history:
            row["change_id"] = entry_id
        fields.extend(outcome.history)
    await connection.execute(insert(FIELD_CHANGE), fields)
