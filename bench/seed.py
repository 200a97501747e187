"""Seed a benchmark database fast: the migrations, then set-based inserts through the raw driver.

SQLite: executemany per table and chunk in one transaction, the FTS5 table filled by one
INSERT … SELECT at the end. PostgreSQL: COPY per table and chunk, triggers off while loading
(foreign keys, the links' name keys: the rows are consistent by construction), the GIN index
built once at the end.
Both are checked afterwards against `refresh_contact_keys` on a sample, then analysed.
"""

import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, or_, select
from sqlalchemy.engine import make_url
from tqdm import tqdm

from bench.data import COLUMNS, Contacts, reference
from db.dialect import POSTGRES_SEARCH_INDEX, POSTGRES_SEARCH_INDEX_DDL, SQLITE_FILL_SEARCH_TABLE
from db.engine import open_database
from db.migrate import upgrade
from db.models import Contact, ContactLink
from resolvers.search import refresh_contact_keys

CHUNK = 10_000
Rows = dict[str, list[tuple[Any, ...]]]


async def contacts_in(url: str) -> int | None:
    """How many contacts a database holds; None when there is no such database yet."""
    if make_url(url).get_backend_name() == "sqlite":
        if not _sqlite_file_exists(url):
            return None
    elif not await _postgres_database_exists(url):
        return None
    database = open_database(url)
    try:
        async with database.read() as session:
            return int(await session.scalar(select(func.count()).select_from(Contact)) or 0)
    except Exception:
        return None
    finally:
        await database.dispose()


def _sqlite_file_exists(url: str) -> bool:
    return Path(make_url(url).database or "").exists()


async def seed(url: str, size: int) -> float:
    """A fresh database at `url` with `size` contacts; the seconds it took."""
    started = time.perf_counter()
    if make_url(url).get_backend_name() == "sqlite":
        path = Path(make_url(url).database or "")
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        await migrate(url)
        await asyncio.to_thread(_load_sqlite, path, size)
    else:
        await _recreate_postgres_database(url)
        await migrate(url)
        await _load_postgres(url, size)
    await check_sample(url, size)
    return time.perf_counter() - started


async def migrate(url: str) -> None:
    """Bring the database to the code's newest revision (nothing to do when it is there)."""
    database = open_database(url)
    try:
        await upgrade(database.engine)
    finally:
        await database.dispose()


def _generated(size: int) -> Iterator[Rows]:
    """The reference rows first, then the contacts chunk by chunk, with a progress bar."""
    ref = reference(size)
    yield ref.rows
    with tqdm(total=size, unit=" contacts", desc=f"seeding {size:,}", leave=False) as progress:
        for rows in Contacts(size, ref).chunks(CHUNK):
            yield rows
            progress.update(len(rows["contact"]))


# ---------------------------------------------------------------- SQLite


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy stores them on SQLite: naive "YYYY-MM-DD HH:MM:SS.ffffff" and ISO dates."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load_sqlite(path: Path, size: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")  # no WAL as large as the base while loading
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        for rows in _generated(size):
            for table, values in rows.items():
                columns = COLUMNS[table]
                # Table and column names are the bench's own constants.
                statement = (
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
                )
                connection.executemany(statement, [tuple(map(_sqlite_value, row)) for row in values])
        connection.execute(SQLITE_FILL_SEARCH_TABLE)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


# ---------------------------------------------------------------- PostgreSQL


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres_database_exists(url: str) -> bool:
    connection = await asyncpg.connect(_dsn(url, "postgres"))
    try:
        name = make_url(url).database
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await connection.close()


async def _recreate_postgres_database(url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_dsn(url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _load_postgres(url: str, size: int) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(f"DROP INDEX {POSTGRES_SEARCH_INDEX}")
        async with connection.transaction():
            # Replica mode skips the foreign-key triggers: the generated rows are consistent.
            await connection.execute("SET LOCAL session_replication_role = replica")
            for rows in _generated(size):
                for table, values in rows.items():
                    await connection.copy_records_to_table(table, records=values, columns=COLUMNS[table])
        await connection.execute(POSTGRES_SEARCH_INDEX_DDL)
        for table in ("organization", "site", "affair", "target", "event", "contact", "contact_link"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


# ---------------------------------------------------------------- check


async def check_sample(url: str, size: int, sample: int = 50) -> None:
    """The seeded keys and tokens are what `refresh_contact_keys` writes (checked, rolled back),
    and the links carry their contact's keys."""
    ids = sorted(random.Random(size).sample(range(1, size + 1), min(sample, size)))
    keys = select(Contact.id, Contact.last_name_key, Contact.first_name_key, Contact.search_tokens).where(
        Contact.id.in_(ids)
    )
    # The keys a contact's links carry for the duplicate look-up (migration 0008) are its own.
    drifted = (
        select(func.count())
        .select_from(ContactLink)
        .join(Contact, Contact.id == ContactLink.contact_id)
        .where(
            ContactLink.contact_id.in_(ids),
            or_(
                ContactLink.last_name_key != Contact.last_name_key,
                ContactLink.first_name_key != Contact.first_name_key,
            ),
        )
    )
    database = open_database(url)
    try:
        async with database.writer() as session:
            if await session.scalar(drifted):
                raise AssertionError("seeded links do not carry their contact's name keys")
            seeded = (await session.execute(keys)).all()
            await refresh_contact_keys(session, ids)
            refreshed = (await session.execute(keys)).all()
            await session.rollback()
    finally:
        await database.dispose()
    if [tuple(row) for row in seeded] != [tuple(row) for row in refreshed]:
        raise AssertionError("seeded keys or tokens differ from what refresh_contact_keys writes")
