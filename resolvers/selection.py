"""A batch's selection: explicit contact ids or a filter, always narrowed by what the viewer may
see (DOMAIN.md rule 13).

Batches work in chunks of `CHUNK` contacts: every statement reads or writes at most one chunk,
so a batch runs a number of statements that grows with ⌈N/500⌉, never with N, and its `IN`
lists stay far below both engines' limits on bound parameters.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactStatus
from resolvers.access import Viewer
from resolvers.contact_lists import ContactFilter, contact_ids_query
from resolvers.errors import ErrorCode, Invalid, Path, Problem

CHUNK = 500
SELECTION_PATH: Path = ("input", "selection")
# What a batch worked a contact's changes out from: its version (every edit raises it) and its
# search tokens (an organisation's new name changes them, not the version).
ContactState = tuple[int, str]

T = TypeVar("T")


@dataclass(frozen=True)
class ContactSelection:
    """What the caller ticked (ids; None where a given id is no contact id) or a filter.

    Exactly one of the two must be given; `select_contacts` refuses anything else.
    """

    ids: Sequence[int | None] | None = None
    filter: ContactFilter | None = None


@dataclass
class Selected:
    """The contacts a batch reaches, by increasing id, and what was wrong with the ids given."""

    contact_ids: list[int]
    problems: list[Problem] = field(default_factory=list)
    # Where each contact was named in `ids` (its first place): per-contact outcomes point there.
    positions: dict[int, int] = field(default_factory=dict)
    by_filter: bool = False
    # Each contact's state as selected, when asked for (`with_states`).
    states: dict[int, ContactState] = field(default_factory=dict)

    def path_of(self, contact_id: int) -> Path:
        """The input path that names this contact."""
        if self.by_filter:
            return (*SELECTION_PATH, "filter")
        return (*SELECTION_PATH, "ids", str(self.positions[contact_id]))


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` in consecutive slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def select_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    *,
    max_selection: int,
    lock: bool = True,
    with_states: bool = False,
) -> Selected:
    """The selected contacts the viewer may see; with `lock`, their rows are locked (PostgreSQL);
    `with_states`: with the state of each, read in the same statement.

    Locking first makes the "before" of every history entry exact while the batch computes its
    changes; rows are locked by increasing id so two batches never wait on each other in a
    cycle. On SQLite the write transaction already holds the database's only write lock.
    An id that is malformed, unknown or not visible is a NOT_FOUND problem (returned, not
    raised, so that the batch can name every culprit at once); too many contacts is INVALID.
    """
    if (selection.ids is None) == (selection.filter is None):
        raise Invalid(SELECTION_PATH, "Give exactly one of ids or filter.")
    if selection.filter is not None:
        return await _by_filter(session, viewer, selection.filter, max_selection, (lock, with_states))
    assert selection.ids is not None
    if len(selection.ids) > max_selection:
        raise Invalid(SELECTION_PATH, _too_many(f"{len(selection.ids):,} given", max_selection))
    return await _by_ids(session, viewer, selection.ids, (lock, with_states))


def _too_many(count: str, max_selection: int) -> str:
    return f"A selection may hold at most {max_selection:,} contacts ({count}): narrow it down."


# How a selection is read: (lock its rows, read their states).
Reading = tuple[bool, bool]


async def _read(session: AsyncSession, query: Select[int], reading: Reading) -> dict[int, ContactState]:
    """The contacts `query` finds, in its order, with their states (placeholders without them)."""
    lock, with_states = reading
    if not with_states:
        locked = query.with_for_update(of=Contact) if lock else query
        return dict.fromkeys(await session.scalars(locked), (0, ""))
    stated = query.add_columns(Contact.version, Contact.search_tokens)
    rows = await session.execute(stated.with_for_update(of=Contact) if lock else stated)
    return {contact_id: (version, tokens) for contact_id, version, tokens in rows}


async def _by_filter(
    session: AsyncSession, viewer: Viewer, criteria: ContactFilter, max_selection: int, reading: Reading
) -> Selected:
    # One more than allowed is enough to know the selection is too big, without counting it all.
    # A filter `status: MERGED` lists merged contacts; no batch ever reaches them (read-only).
    selected = contact_ids_query(viewer, [criteria]).where(Contact.status != ContactStatus.MERGED)
    found = await _read(session, selected.order_by(Contact.id).limit(max_selection + 1), reading)
    if len(found) > max_selection:
        raise Invalid(SELECTION_PATH, _too_many("the filter matches more", max_selection))
    return Selected(contact_ids=list(found), by_filter=True, states=found if reading[1] else {})


async def _by_ids(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int | None], reading: Reading
) -> Selected:
    positions: dict[int, int] = {}
    for index, contact_id in enumerate(ids):
        if contact_id is not None:
            positions.setdefault(contact_id, index)
    wanted = sorted(positions)
    visible: dict[int, ContactState] = {}
    for chunk in chunks(wanted):
        query = contact_ids_query(viewer).where(Contact.id.in_(chunk)).order_by(Contact.id)
        visible.update(await _read(session, query, reading))
    problems = [
        _unknown(index, contact_id) for index, contact_id in enumerate(ids) if contact_id not in visible
    ]
    return Selected(
        contact_ids=[contact_id for contact_id in wanted if contact_id in visible],
        problems=problems,
        positions=positions,
        states=visible if reading[1] else {},
    )


def _unknown(index: int, contact_id: int | None) -> Problem:
    return Problem(
        ErrorCode.NOT_FOUND,
        (*SELECTION_PATH, "ids", str(index)),
        "No contact you may see has this id.",
        contact_id,
    )
