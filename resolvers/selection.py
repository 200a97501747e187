"""A batch's selection: explicit contact ids or a filter, always narrowed by what the viewer may
see (DOMAIN.md rule 13).

Batches work in chunks of `CHUNK` contacts: every statement reads or writes at most one chunk,
so a batch runs a number of statements that grows with ⌈N/500⌉, never with N, and its `IN`
lists stay far below both engines' limits on bound parameters.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactStatus
from resolvers.access import Viewer
from resolvers.contact_lists import ContactFilter, contact_ids_query
from resolvers.errors import ErrorCode, Invalid, Path, Problem

CHUNK = 500
SELECTION_PATH: Path = ("input", "selection")

T = TypeVar("T")

Row = TypeVarTuple("Row")


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
) -> Selected:
    """The selected contacts the viewer may see; with `lock`, their rows are locked (PostgreSQL).

    Locking first makes the "before" of every history entry exact while the batch computes its
    changes; rows are locked by increasing id so two batches never wait on each other in a
    cycle. On SQLite the write transaction already holds the database's only write lock.
    An id that is malformed, unknown or not visible is a NOT_FOUND problem (returned, not
    raised, so that the batch can name every culprit at once); too many contacts is INVALID.
    """
    if (selection.ids is None) == (selection.filter is None):
        raise Invalid(SELECTION_PATH, "Give exactly one of ids or filter.")
    if selection.filter is not None:
        return await _by_filter(session, viewer, selection.filter, max_selection, lock)
    assert selection.ids is not None
    if len(selection.ids) > max_selection:
        raise Invalid(SELECTION_PATH, _too_many(f"{len(selection.ids):,} given", max_selection))
    return await _by_ids(session, viewer, selection.ids, lock)


def _too_many(count: str, max_selection: int) -> str:
    return f"A selection may hold at most {max_selection:,} contacts ({count}): narrow it down."


def _locked(query: Select[*Row], lock: bool) -> Select[*Row]:
    return query.with_for_update(of=Contact) if lock else query


async def _by_filter(
    session: AsyncSession, viewer: Viewer, criteria: ContactFilter, max_selection: int, lock: bool
) -> Selected:
    # One more than allowed is enough to know the selection is too big, without counting it all.
    # A filter `status: MERGED` lists merged contacts; no batch ever reaches them (read-only).
    selected = contact_ids_query(viewer, [criteria]).where(Contact.status != ContactStatus.MERGED)
    query = selected.order_by(Contact.id).limit(max_selection + 1)
    found = list(await session.scalars(_locked(query, lock)))
    if len(found) > max_selection:
        raise Invalid(SELECTION_PATH, _too_many("the filter matches more", max_selection))
    return Selected(contact_ids=found, by_filter=True)


async def _by_ids(session: AsyncSession, viewer: Viewer, ids: Sequence[int | None], lock: bool) -> Selected:
    positions: dict[int, int] = {}
    for index, contact_id in enumerate(ids):
        if contact_id is not None:
            positions.setdefault(contact_id, index)
    wanted = sorted(positions)
    visible: set[int] = set()
    for chunk in chunks(wanted):
        query = contact_ids_query(viewer).where(Contact.id.in_(chunk)).order_by(Contact.id)
        visible.update(await session.scalars(_locked(query, lock)))
    problems = [
        _unknown(index, contact_id) for index, contact_id in enumerate(ids) if contact_id not in visible
    ]
    return Selected(
        contact_ids=[contact_id for contact_id in wanted if contact_id in visible],
        problems=problems,
        positions=positions,
    )


def _unknown(index: int, contact_id: int | None) -> Problem:
    return Problem(
        ErrorCode.NOT_FOUND,
        (*SELECTION_PATH, "ids", str(index)),
        "No contact you may see has this id.",
        contact_id,
    )
