"""`mergeContacts` (DOMAIN.md rule 21): fold contacts into one, in one transaction, undoably.

The request is checked before anything is read, the contacts read and locked (`merge_states`),
checked again, the merge worked out in memory (`merge_plans`: which values win, which links move
or fold) and written set-based (`merge_writes`): seven reads and about fifteen writes whatever
the number of links, so that ten contacts with fifty links each merge in under thirty
statements. A dry run stops after the plan. `unmerges` undoes a merge exactly.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactMerge, ContactStatus
from resolvers.access import Actor
from resolvers.errors import ErrorCode, Problems
from resolvers.history_text import Difference
from resolvers.merge_plans import MERGEABLE, FieldChoice, plan_merge
from resolvers.merge_states import ContactState, read_states, transient
from resolvers.merge_writes import write_merge

MAX_CONTACTS = 10
__all__ = ["MAX_CONTACTS", "FieldChoice", "MergeResult", "merge_contacts"]  # FieldChoice: an argument


@dataclass(frozen=True)
class MergeResult:
    """The kept contact as it now is (as it would be, on a dry run: as it is), the merge, the changes."""

    contact: Contact
    merge: ContactMerge | None
    changes: list[Difference]


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
    merge = await write_merge(session, plan, changes, actor)
    return MergeResult(transient(plan.kept), merge, changes)
