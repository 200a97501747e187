"""What every resolver of one request shares: the session factory, the viewer, today, loaders."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeAlias

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from db.engine import Database, RequestReads
from resolvers.access import Viewer
from resolvers.breath import Breath
from resolvers.loaders import Loaders


@dataclass
class Context:
    """Built fresh for each request. It holds a session *factory*, never a session: sibling
    fields resolve concurrently and an AsyncSession must not be shared between them."""

    db: Database
    viewer: Viewer
    now: datetime
    today: date
    max_selection: int
    request_id: str
    report_query_stats: bool = False
    # Queries run through compiled plans (schema/compiled/); off: the stock executor only.
    compiled: bool = True
    # How long the request has held the event loop; it gives it back past a budget (resolvers.breath).
    breath: Breath = field(default_factory=Breath)
    loaders: Loaders = field(init=False)
    # The loaders' reads: on one connection for a query (schema.compiled.execution shares them).
    reads: RequestReads = field(init=False)

    def __post_init__(self) -> None:
        self.reads = RequestReads(self.db)
        self.renew_loaders()

    def release(self) -> None:
        """The request is answered: let what its loaders read go (resolvers.loaders.Loaders.release);
        what it still reads (leftovers settled in the background) reads on short sessions."""
        self.loaders.release()
        self.reads.stop_sharing()

    async def close(self) -> None:
        """`release()`, and give the request's connection back once its last read is done."""
        self.release()
        await self.reads.close()

    def renew_loaders(self) -> None:
        """A fresh set of loaders: what a compiled plan that gave up leaves must not be reused."""
        self.loaders = Loaders(self.db, self.viewer, self.reads, self.breath)


Info: TypeAlias = strawberry.Info[Context, None]


def asks_for(info: Info, name: str) -> bool:
    """Whether the current field's selection names `name` (its GraphQL name), fragments included:
    a mutation can then do in its own transaction what only that field would need."""
    return any(_names(field.selections, name) for field in info.selected_fields)


def _names(selections: list[Selection], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _names(selection.selections, name):
            return True
    return False
