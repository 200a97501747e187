"""SQL statements counted, and timed, per request: for the query stats a caller may ask for
(`extensions.queryStats`), and for the logs and metrics of each HTTP request."""

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class QueryStats:
    """SQL statements run, and time spent in them, for one request."""

    statements: int = 0
    seconds: float = 0.0
    _started: list[float] = field(default_factory=list)


current_stats: ContextVar[QueryStats | None] = ContextVar("current_stats", default=None)


@dataclass
class RequestCount:
    """SQL statements of one HTTP request, whatever part of it ran them (logs and metrics)."""

    statements: int = 0


request_count: ContextVar[RequestCount | None] = ContextVar("request_count", default=None)


def count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's explicit BEGIN is bookkeeping, not a statement of the request: skip it so
        # both engines count alike.
        if statement.startswith("BEGIN"):
            return
        stats, count = current_stats.get(), request_count.get()
        if stats is not None:
            stats._started.append(time.perf_counter())
        if count is not None:
            count.statements += 1

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def after(*_args: Any) -> None:
        _finish()

    # A statement that fails ran all the same: count it too.
    @event.listens_for(engine.sync_engine, "handle_error")
    def failed(_context: Any) -> None:
        _finish()


def _finish() -> None:
    stats = current_stats.get()
    if stats is not None and stats._started:
        stats.statements += 1
        stats.seconds += time.perf_counter() - stats._started.pop()
