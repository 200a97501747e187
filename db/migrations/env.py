"""Alembic environment: async engines, batch mode on SQLite, the models' naming convention."""

import asyncio
import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from db.dialect import described_by_models
from db.models import Base

config = context.config
target_metadata = Base.metadata
# The server's default database, when Alembic's own commands run without CARNET_DATABASE_URL.
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/carnet.db"


def configure_options() -> dict[str, Any]:
    return {"compare_type": True, "include_object": described_by_models}


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        **configure_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def database_url() -> str:
    """`carnet migrate` sets the URL; Alembic's own commands (alembic.ini) read the environment."""
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("CARNET_DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )


async def run_async() -> None:
    engine = create_async_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


# A caller inside an event loop (the server, the tests) hands over a connection of its own.
given = config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    if config.config_file_name is not None:  # alembic.ini: its logging section
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(run_async())
