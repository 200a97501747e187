"""Moments are stored in UTC and read back aware, whatever the offset they were written with,
on both engines; on SQLite, the text SQLAlchemy stores is read in one call
(db.columns.UtcDateTime.result_processor), any other text SQLAlchemy's own way."""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, text

from db.engine import Database
from db.models import Contact
from tests import factories

PARIS_WINTER = timezone(timedelta(hours=1))


async def test_a_moment_reads_back_in_utc_whatever_its_offset(db: Database) -> None:
    acme = await factories.client(db)
    written = datetime(2026, 12, 3, 10, 15, 30, 250_000, tzinfo=PARIS_WINTER)
    person = await factories.contact(db, "Durand", at=acme, created_at=written)
    async with db.begin() as session:
        read = await session.scalar(select(Contact.created_at).where(Contact.id == person.id))
    assert read == written
    assert (read.tzinfo, read.hour, read.microsecond) == (UTC, 9, 250_000)


async def test_a_text_written_behind_sqlalchemys_back_is_read_its_way(db: Database) -> None:
    """Seconds without a fraction (as SQLite's CURRENT_TIMESTAMP writes them): still a UTC moment."""
    acme = await factories.client(db)
    person = await factories.contact(db, "Durand", at=acme)
    async with db.begin() as session:
        if db.is_sqlite:
            await session.execute(
                text("UPDATE contact SET created_at = '2026-12-03 09:15:00' WHERE id = :id"),
                {"id": person.id},
            )
        else:
            await session.execute(
                text("UPDATE contact SET created_at = '2026-12-03 10:15:00+01' WHERE id = :id"),
                {"id": person.id},
            )
    async with db.begin() as session:
        read = await session.scalar(select(Contact.created_at).where(Contact.id == person.id))
    assert read == datetime(2026, 12, 3, 9, 15, tzinfo=UTC)
    assert read is not None and read.tzinfo is UTC
