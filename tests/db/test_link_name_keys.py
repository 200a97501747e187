"""A link carries its contact's folded name keys (migration 0008, for the duplicate look-up):
the database keeps them equal on every write, whatever the write path or the values it sends."""

from sqlalchemy import insert, select, update

from db.engine import Database
from db.models import Contact, ContactLink
from resolvers.search import refresh_contact_keys
from tests import factories
from tests.conftest import NOW


async def _link_keys(db: Database) -> list[tuple[int, str, str]]:
    async with db.read() as session:
        rows = await session.execute(
            select(ContactLink.contact_id, ContactLink.last_name_key, ContactLink.first_name_key).order_by(
                ContactLink.id
            )
        )
        return [tuple(row) for row in rows]


async def test_a_link_inserted_by_the_orm_or_by_core_takes_its_contacts_keys(db: Database) -> None:
    acme, globex = await factories.client(db), await factories.client(db, "GLOBEX", "Globex")
    durand = await factories.contact(db, "Durand-Lefèvre", "Élodie", at=acme)
    await factories.link(db, durand, globex, last_name_key="wrong", first_name_key="wrong")
    martin = await factories.contact(db, "Martin", at=globex)
    async with db.begin() as session:  # Core, as imports and unmerges write: the values sent lose
        await session.execute(
            insert(ContactLink),
            [{"contact_id": martin.id, "organization_id": acme.id, "created_at": NOW, "last_name_key": "x"}],
        )

    assert await _link_keys(db) == [
        (durand.id, "durand-lefevre", "elodie"),
        (durand.id, "durand-lefevre", "elodie"),
        (martin.id, "martin", ""),
        (martin.id, "martin", ""),
    ]


async def test_a_contacts_new_keys_go_to_every_link_of_its(db: Database) -> None:
    acme, globex = await factories.client(db), await factories.client(db, "GLOBEX", "Globex")
    durand = await factories.contact(db, "Durand", "Élodie", at=acme)
    await factories.link(db, durand, globex)
    other = await factories.contact(db, "Petit", "Jean", at=acme)
    async with db.begin() as session:
        await session.execute(update(Contact).where(Contact.id == durand.id).values(last_name="Moreau"))
        await refresh_contact_keys(session, [durand.id])

    assert await _link_keys(db) == [
        (durand.id, "moreau", "elodie"),
        (durand.id, "moreau", "elodie"),
        (other.id, "petit", "jean"),
    ]


async def test_a_link_moved_to_another_contact_or_given_keys_takes_its_contacts_again(db: Database) -> None:
    acme, globex = await factories.client(db), await factories.client(db, "GLOBEX", "Globex")
    durand = await factories.contact(db, "Durand", "Élodie", at=acme)
    moved = await factories.link(db, durand, globex)
    petit = await factories.contact(db, "Petit", "Jean", at=acme)
    async with db.begin() as session:  # as a merge moves links to the contact it keeps
        await session.execute(
            update(ContactLink).where(ContactLink.id == moved.id).values(contact_id=petit.id)
        )
        await session.execute(
            update(ContactLink).where(ContactLink.contact_id == durand.id).values(last_name_key="stale")
        )

    assert await _link_keys(db) == [
        (durand.id, "durand", "elodie"),
        (petit.id, "petit", "jean"),
        (petit.id, "petit", "jean"),
    ]
