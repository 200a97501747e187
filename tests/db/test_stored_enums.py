"""Enums are stored by name and read back by one look in their table of members
(db.columns.StoredEnum), on both engines: the member, None for NULL, and a LookupError for a
name no member has (written behind the application's back), as SQLAlchemy's own Enum raises."""

import pytest
from sqlalchemy import select, text

from db.engine import Database
from db.models import Civility, Contact, ContactStatus
from tests import factories


async def test_a_stored_name_reads_back_as_its_member_and_null_as_none(db: Database) -> None:
    acme = await factories.client(db)
    titled = await factories.contact(db, "Durand", at=acme, civility=Civility.MRS)
    untitled = await factories.contact(db, "Martin", at=acme)
    async with db.begin() as session:
        rows = (
            await session.execute(
                select(Contact.civility, Contact.status)
                .where(Contact.id.in_([titled.id, untitled.id]))
                .order_by(Contact.id)
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (Civility.MRS, ContactStatus.ACTIVE),
        (None, ContactStatus.ACTIVE),
    ]


async def test_a_name_no_member_has_is_a_lookup_error(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Durand", at=acme)
    async with db.begin() as session:
        await session.execute(
            text("UPDATE contact SET status = 'VANISHED' WHERE id = :id"), {"id": person.id}
        )
    async with db.begin() as session:
        with pytest.raises(LookupError):
            await session.execute(select(Contact.status).where(Contact.id == person.id))
