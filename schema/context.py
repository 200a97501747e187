"""What every resolver of one request shares: the session factory, the viewer, today, loaders."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeAlias

import strawberry

from db.engine import Database
from resolvers.access import Viewer
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
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.renew_loaders()

    def release(self) -> None:
        """The request is answered: let what its loaders read go (resolvers.loaders.Loaders.release)."""
        self.loaders.release()

    def renew_loaders(self) -> None:
        """A fresh set of loaders: what a compiled plan that gave up leaves must not be reused."""
        self.loaders = Loaders(self.db, self.viewer)


Info: TypeAlias = strawberry.Info[Context, None]
