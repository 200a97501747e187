"""The world of the reference-data tests: clients, a supplier, a third party, sites, affairs, a
target, an event and an interlocutor type, by their global ids."""

from datetime import date

import pytest

from db.engine import Database
from db.models import Event
from resolvers.global_ids import to_global_id as gid
from tests import factories
from tests.schema.reference_data.reference_world import (
    World,
)


@pytest.fixture
async def world(db: Database) -> World:
    acme = await factories.client(db, code="ACME", name="Acme Industrie")
    beta = await factories.client(db, code="BETA", name="Beta Conseil")
    supplier = await factories.supplier(db, code="SUP", name="Fournitures Martin")
    bank = await factories.third_party(db, code="BANK", name="Banque Populaire")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris", city="Paris")
    await factories.site(db, acme, code="ACME-LYO", name="Lyon", city="Lyon")
    migration = await factories.affair(db, acme, code="AFF-1", name="Migration ERP")
    await factories.affair(db, acme, code="AFF-2", name="Audit")
    salon = await factories.target(db, name="Salon 2027", description="Visiteurs du salon")
    async with db.begin() as session:
        forum = Event(
            name="Forum",
            name_key="forum",
            starts_on=date(2027, 3, 2),
            ends_on=date(2027, 3, 4),
            location="Lyon",
        )
        session.add(forum)
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    return World(
        ids={
            "ACME": gid("Client", acme.id),
            "BETA": gid("Client", beta.id),
            "SUP": gid("Supplier", supplier.id),
            "BANK": gid("ThirdParty", bank.id),
            "PAR": gid("Site", paris.id),
            "AFF": gid("Affair", migration.id),
            "SALON": gid("Target", salon.id),
            "FORUM": gid("Event", forum.id),
            # Right type name, wrong kind of organisation behind it.
            "CLIENT_OF_SUPPLIER": gid("Client", supplier.id),
            "SUPPLIER_OF_CLIENT": gid("Supplier", acme.id),
        }
    )
