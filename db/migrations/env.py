"""Alembic environment: async engines, batch mode on SQLite, the models' naming convention."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from db.dialect import described_by_models
from db.models import Base

config = context.config
target_metadata = Base.metadata


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


async def run_async() -> None:
    engine = create_async_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


# A caller inside an event loop (the server, the tests) hands over a connection of its own.
given = config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_async())
