"""Every migration walks down and back up on both engines with data in the database."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from db.engine import Database, open_database
from db.migrate import alembic_config, current_revision, migrate_to
from db.models import Base
from server.demo import load
from tests.conftest import NOW, POSTGRES_URL, _asyncpg_dsn

REVISIONS = [
    step.revision for step in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of its own, never migrated (walking the suite's one down would break the others)."""
    if request.param == "sqlite":
        database = open_database(f"sqlite+aiosqlite:///{tmp_path}/walk.db")
        yield database
        await database.dispose()
        return
    admin = make_url(POSTGRES_URL)
    name = f"carnet_walk_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_asyncpg_dsn(admin))
    await connection.execute(f'CREATE DATABASE "{name}"')
    database = open_database(admin.set(database=name).render_as_string(hide_password=False))
    try:
        yield database
    finally:
        await database.dispose()
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


async def _counts(database: Database) -> dict[str, int]:
    """The rows of every table that holds some; a table a later revision adds is not there yet."""
    async with database.engine.connect() as connection:
        present = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    async with database.read() as session:
        counted = {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name in present
        }
    return {name: count for name, count in counted.items() if count}


async def _revision(database: Database) -> str | None:
    async with database.read() as session:
        return await current_revision(session)


async def test_every_revision_goes_down_and_up_keeping_the_data(empty_database: Database) -> None:
    db = empty_database
    assert await migrate_to(db.engine, "head") == "upgraded"
    await load(db, contacts=30, now=NOW, today=NOW.date())
    loaded = await _counts(db)

    for below in reversed(REVISIONS[:-1]):  # head-1 … first: each step down keeps the rows
        assert await migrate_to(db.engine, below) == "downgraded"
        assert (await _revision(db), await _counts(db)) == (below, loaded)
    for above in REVISIONS[1:]:  # and each step up again
        assert await migrate_to(db.engine, above) == "upgraded"
        assert (await _revision(db), await _counts(db)) == (above, loaded)

    assert loaded["contact"] == 30
    if db.is_sqlite:  # SQLite's search table (gone at 0001) was filled again from the rows
        async with db.read() as session:
            assert await session.scalar(text("SELECT count(*) FROM contact_search")) == 30


async def test_down_to_base_empties_and_up_to_head_rebuilds(empty_database: Database) -> None:
    db = empty_database
    await migrate_to(db.engine, "head")
    await load(db, contacts=5, now=NOW, today=NOW.date())

    assert await migrate_to(db.engine, "base") == "downgraded"
    async with db.engine.connect() as connection:
        left = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert left <= {"alembic_version"}
    assert await migrate_to(db.engine, "head") == "upgraded"
    assert (await _revision(db), (await _counts(db)).get("contact", 0)) == (REVISIONS[-1], 0)
    assert await migrate_to(db.engine, "head") == "unchanged"
