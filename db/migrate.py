"""Apply the Alembic migrations, from a command line or from inside an event loop."""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database behind `engine` up to `revision`."""
    await _run(engine, command.upgrade, revision)


async def migrate_to(engine: AsyncEngine, revision: str) -> str:
    """Bring the database up or down to `revision` ("head", "base" or an id); "upgraded" or
    "downgraded" (or "unchanged"). An unknown revision raises alembic's CommandError first."""
    script = ScriptDirectory.from_config(alembic_config())
    target = None if revision == "base" else script.get_revision(revision)  # unknown: CommandError
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    wanted = target.revision if target is not None else None
    if wanted == current:
        return "unchanged"
    if wanted is None or (current is not None and _is_below(script, wanted, current)):
        await _run(engine, command.downgrade, revision)
        return "downgraded"
    await _run(engine, command.upgrade, revision)
    return "upgraded"


def _current(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _is_below(script: ScriptDirectory, revision: str, current: str) -> bool:
    """`revision` is an ancestor of `current` (strictly): going there means going down."""
    return revision != current and any(
        step.revision == revision for step in script.iterate_revisions(current, "base")
    )


async def _run(engine: AsyncEngine, step: Callable[[Config, str], None], revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


def head_revision() -> str | None:
    """The newest migration of the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(session: AsyncSession) -> str | None:
    """The migration the database is at; None for a database never migrated."""
    try:
        revision = await session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no alembic_version table: nothing was ever applied
        return None
    return str(revision) if revision is not None else None
