"""The migrations build exactly what the models describe, on every engine."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from db.dialect import described_by_models
from db.engine import Database
from db.migrate import current_revision, head_revision
from db.models import Base


async def test_the_migrated_database_matches_the_models(db: Database) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": described_by_models}
        )
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []


async def test_the_test_database_is_at_the_newest_migration(db: Database) -> None:
    async with db.read() as session:
        revision = await current_revision(session)

    assert revision == head_revision() == "0008"
