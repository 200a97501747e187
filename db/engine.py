"""Engines and session factories, with what each database engine needs to behave well."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.statements import count_statements
from db.write_gate import WRITE_DEADLINE_SECONDS, WriteGate

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "carnet_write"
# The database connections a process keeps, and never more: a request that finds them all busy
# waits for one. SQLAlchemy's default (5, and 10 more opened for a burst and closed as soon as
# they are given back) churned under load: each request's loaders take a connection each, so 16
# clients kept opening and closing connections, each a new PostgreSQL backend, an asyncpg type
# set-up and statements prepared again (python -m bench.workers: 0.4 to 1.5 connections opened
# per request). The same 15 at most, kept, open none once warm.
POOL_SIZE = 15


@dataclass(frozen=True)
class Database:
    """The engine and its two session factories: reads, and writes that each run in one transaction."""

    engine: AsyncEngine
    reader: async_sessionmaker[AsyncSession]
    writer: async_sessionmaker[AsyncSession]
    gate: WriteGate | None = None  # SQLite only: PostgreSQL's writers lock rows, not the file

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session; its transaction is rolled back on exit."""
        async with self.reader() as session:
            yield session

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed on exit, rolled back on any exception.

        On SQLite it first waits its turn at the process's write gate (WriteBusy past the deadline).
        """
        if self.gate is None:
            async with self.writer.begin() as session:
                yield session
            return
        async with self.gate.turn(), self.writer.begin() as session:
            yield session

    async def answer(self) -> None:
        """Ask the database the simplest question; whatever stops it answering is raised."""
        async with self.read() as session:
            await session.execute(text("SELECT 1"))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.engine.dispose()


class RequestReads:
    """The reads of one request: one pool connection for all of them once `share()` is called,
    taken when the first read needs it and given back by `close()`; a short session each before
    `share()` and after `close()` (what a request's leftovers may still read).

    Each statement of a request used to take its own checkout (with a pre-ping on PostgreSQL, a
    rollback on return, a BEGIN on SQLite). Sibling fields read concurrently and one connection
    runs one statement at a time: a lock gives it to each read in turn, with the request's one
    session on it. All of them read in one transaction, rolled back at the end: one snapshot
    for the whole answer on SQLite.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sharing = False
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None
        self._lock: asyncio.Lock | None = None

    def share(self) -> None:
        """From now on the request's reads share one connection (a query: nothing it reads is
        written by the request itself, so one snapshot is right)."""
        self._sharing = True

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session to read with: on the request's connection when shared, else a short one."""
        return self._shared() if self._sharing else self._db.read()

    @asynccontextmanager
    async def _shared(self) -> AsyncIterator[AsyncSession]:
        lock = self._lock = self._lock or asyncio.Lock()
        async with lock:
            if not self._sharing:  # closed while this read waited its turn
                async with self._db.read() as session:
                    yield session
                return
            session = await self._session_on_connection()
            try:
                yield session
            except Exception:
                # A failed statement spoils PostgreSQL's transaction: the next read starts afresh.
                await self._drop()
                raise
            except BaseException:
                # A cancelled statement may leave the connection mid-protocol: never reuse it.
                await self._drop(invalidate=True)
                raise

    async def _connected(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self._db.engine.connect()
            try:
                await connection.begin()
            except BaseException:
                await connection.close()
                raise
            self._connection = connection
        return self._connection

    async def _session_on_connection(self) -> AsyncSession:
        """The request's one session on its connection, made by its first read: a session made
        and closed for each of a page's 8 reads cost ~3 % of its CPU. What it holds are the
        request's own reads, released with it (`_drop`)."""
        if self._session is None:
            self._session = AsyncSession(bind=await self._connected(), expire_on_commit=False)
        return self._session

    async def _drop(self, *, invalidate: bool = False) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if invalidate:
            await connection.invalidate()
        await connection.close()

    def stop_sharing(self) -> None:
        """Reads from now on take short sessions of their own (the request is answered)."""
        self._sharing = False

    async def close(self) -> None:
        """The request is answered: give the connection back (its transaction rolled back) once
        the read that holds it, if any, is done."""
        self._sharing = False
        if self._connection is None and (self._lock is None or not self._lock.locked()):
            return
        lock = self._lock = self._lock or asyncio.Lock()
        async with lock:
            await self._drop()


def open_database(
    url: str,
    *,
    echo: bool = False,
    write_deadline: float = WRITE_DEADLINE_SECONDS,
    transaction_pooler: bool = False,
    pool_size: int = POOL_SIZE,
) -> Database:
    """Create the engine for `url` and the session factories over it.

    `transaction_pooler`: PostgreSQL is reached through PgBouncer (or another pooler) in
    transaction mode, see `TRANSACTION_POOLER_CONNECT_ARGS`. `pool_size`: the PostgreSQL
    connections the process keeps (see `POOL_SIZE`).
    """
    # hide_parameters: an error's text (and so the log of an internal error) shows the SQL but
    # never the values bound to it, which are personal data.
    arguments = _engine_arguments(url, transaction_pooler=transaction_pooler, pool_size=pool_size)
    engine = create_async_engine(url, echo=echo, hide_parameters=True, **arguments)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine)
    count_statements(engine)
    writing = engine.execution_options(**{_WRITE_OPTION: True})
    return Database(
        engine=engine,
        reader=async_sessionmaker(engine, expire_on_commit=False),
        writer=async_sessionmaker(writing, expire_on_commit=False),
        gate=WriteGate(write_deadline) if engine.dialect.name == "sqlite" else None,
    )


def unique_statement_name() -> str:
    """A prepared statement's name no other client of the pooler's server connections uses."""
    return f"__asyncpg_{uuid.uuid4()}__"


# Behind a pooler in transaction mode a server connection is lent for one transaction only, and
# the next transaction of the same client may run on another one. asyncpg names its prepared
# statements __asyncpg_stmt_1__, 2… per client connection and caches them (asyncpg's own cache
# and SQLAlchemy's), so it would reuse a statement another server connection never saw ("does
# not exist") or name one another client already made there ("already exists"). So: no cache
# on either side, and names unique across clients (SQLAlchemy's documented recipe for asyncpg
# and PgBouncer). Each statement is then prepared and run in one transaction, on one server
# connection. The pool stays: PgBouncer's `server_reset_query_always` clears what a transaction
# prepared (README, Beyond one machine), which NullPool would not do either.
TRANSACTION_POOLER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,  # asyncpg's
    "prepared_statement_cache_size": 0,  # SQLAlchemy's asyncpg adapter's
    "prepared_statement_name_func": unique_statement_name,
}


def _engine_arguments(url: str, *, transaction_pooler: bool, pool_size: int) -> dict[str, Any]:
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": 0}
    if parsed.get_backend_name() != "sqlite":
        if transaction_pooler:
            return {**pool, "pool_pre_ping": True, "connect_args": dict(TRANSACTION_POOLER_CONNECT_ARGS)}
        return {**pool, "pool_pre_ping": True}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return {**pool, "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}


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
