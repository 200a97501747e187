"""A normalisation worked out (DOMAIN.md rule 14): each selected contact's state when read, and
what normalising it comes to, with the rows that write it; and the result the payload shows.
`resolvers.normalization_changes` works a plan out, `resolvers.normalization_writes` writes it.
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypedDict

from resolvers.access import Viewer
from resolvers.batches import Changed, ReadingKey
from resolvers.history_text import Difference
from resolvers.search import KeyRow
from resolvers.selection import ContactSelection, ContactState

Transform = Callable[[str | None], str | None]
MAX_LISTED = 1_000


class NameRow(TypedDict):
    """A contact's names after, as the write binds them (with its version raised)."""

    b_id: int
    b_last: str
    b_first: str | None


class FunctionRow(TypedDict):
    """A link's new function, as the write binds it."""

    b_id: int
    b_function: str | None


class FieldRow(TypedDict):
    """One field of a history entry, as the write inserts it once the entry's id is known."""

    change_id: int
    organization_id: int | None
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Outcome:
    """What normalising one contact comes to: its differences and the rows that write them."""

    reading: ReadingKey  # where it reads as it stands: the order its changes are listed in
    changes: list[Difference]
    names: NameRow
    functions: list[FunctionRow]
    keys: KeyRow | None = None  # its new sort keys and search tokens, only when they change
    history: tuple[FieldRow, ...] = ()  # its changes as history rows (to write only)

    @property
    def reads_after(self) -> ReadingKey:
        if self.keys is None:
            return self.reading
        return (self.keys["last_key"], self.keys["first_key"], self.reading[2])


@dataclass
class Plan:
    """A normalisation worked out: what each selected contact was when read, what changes."""

    viewer: Viewer
    selection: ContactSelection
    fields: dict[str, Transform]
    max_selection: int
    states: dict[int, ContactState] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)

    def forget(self, contact_ids: Sequence[int]) -> None:
        for contact_id in contact_ids:
            self.states.pop(contact_id, None)
            self.outcomes.pop(contact_id, None)


class NormalizationResult:
    """What a normalisation comes to, worked out from its plan when first asked: once the write
    transaction is over, not while it holds the write lock."""

    def __init__(self, plan: Plan, *, applied: bool) -> None:
        self.applied = applied
        self._plan = plan

    @cached_property
    def _ordered(self) -> list[Outcome]:
        return sorted(self._plan.outcomes.values(), key=lambda outcome: outcome.reading)

    @cached_property
    def changes(self) -> list[Difference]:
        """The first MAX_LISTED, by contact in the lists' default order (last name, first name,
        id) and then by field."""
        everything = (change for outcome in self._ordered for change in outcome.changes)
        return list(itertools.islice(everything, MAX_LISTED))

    @cached_property
    def changed_count(self) -> int:
        """All of them."""
        return sum(len(outcome.changes) for outcome in self._ordered)

    @cached_property
    def contacts(self) -> Changed:
        """The contacts whose version rose (none in a dry run)."""
        written = Changed()
        if self.applied:
            written.add(outcome.reads_after for outcome in self._ordered)
        return written
