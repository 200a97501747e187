"""Engines and session factories, with what each database engine needs to behave well."""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "carnet_write"


@dataclass
class QueryStats:
    """SQL statements run, and time spent in them, for one request."""

    statements: int = 0
    seconds: float = 0.0
    _started: list[float] = field(default_factory=list)


current_stats: ContextVar[QueryStats | None] = ContextVar("current_stats", default=None)


@dataclass(frozen=True)
class Database:
    """The engine and its two session factories: reads, and writes that each run in one transaction."""

    engine: AsyncEngine
    reader: async_sessionmaker[AsyncSession]
    writer: async_sessionmaker[AsyncSession]

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session; its transaction is rolled back on exit."""
        async with self.reader() as session:
            yield session

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed on exit, rolled back on any exception."""
        async with self.writer.begin() as session:
            yield session

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(url: str, *, echo: bool = False) -> Database:
    """Create the engine for `url` and the session factories over it."""
    engine = create_async_engine(url, echo=echo, **_engine_arguments(url))
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine)
    _count_statements(engine)
    writing = engine.execution_options(**{_WRITE_OPTION: True})
    return Database(
        engine=engine,
        reader=async_sessionmaker(engine, expire_on_commit=False),
        writer=async_sessionmaker(writing, expire_on_commit=False),
    )


def _engine_arguments(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return {"pool_pre_ping": True}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys and a busy timeout on every connection; IMMEDIATE for write transactions.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer holds the lock, whatever the timeout: beginning writes IMMEDIATE makes
    concurrent writers queue instead. Reads stay deferred so they never serialise.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        stats = current_stats.get()
        # SQLite's explicit BEGIN is bookkeeping, not a statement of the request: skip it so
        # both engines count alike.
        if stats is not None and not statement.startswith("BEGIN"):
            stats._started.append(time.perf_counter())

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
