"""The filters of contact lists: every filter alone and combined, what the portal never lists nor
counts, and an event's participants in the contacts' order."""

from datetime import date

import pytest

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role
from resolvers.contact_lists import (
    ContactFilter,
    count_contacts,
)
from resolvers.paging import PageRequest
from resolvers.participants import list_participants
from tests import factories
from tests.conftest import viewer
from tests.resolvers.contact_list_reading import listed


async def counted(db: Database, *filters: ContactFilter, role: Role = Role.STAFF) -> int:
    async with db.read() as session:
        return await count_contacts(session, viewer(role), criteria=filters)


# ---------------------------------------------------------------- filters
@pytest.fixture
async def world(db: Database) -> dict[str, int]:
    """Five contacts around a client, a bank and a supplier; the ids the filters need."""
    acme = await factories.client(db, code="ACME", name="Acme")
    paris = await factories.site(db, acme, code="PAR", name="Paris")
    lyon = await factories.site(db, acme, code="LYO", name="Lyon")
    bank = await factories.third_party(db)
    supplier = await factories.supplier(db)
    await factories.interlocutor_type(db, code="DEC")
    migration = await factories.affair(db, acme)
    salon = await factories.target(db)
    breakfast = await factories.event(db)

    martin = await factories.contact(
        db,
        "Martin",
        "Anne",
        at=acme,
        function="DAF",
        receives_invoices=True,
        last_follow_up_on=date(2026, 10, 1),
    )
    await factories.attach_sites(db, await factories.primary_link(db, martin), paris)
    await factories.give_types(db, await factories.primary_link(db, martin), "DEC")
    await factories.member(db, martin, of_affair=migration, of_target=salon)
    await factories.participate(db, martin, breakfast)

    petit = await factories.contact(
        db, "Petit", "Bruno", at=acme, receives_reminders_all_sites=True, last_follow_up_on=date(2026, 11, 20)
    )
    await factories.attach_sites(db, await factories.primary_link(db, petit), lyon)
    await factories.link(db, petit, bank)

    durand = await factories.contact(db, "Durand", "Claire", at=bank, hidden_from_crm=True)
    await factories.member(db, durand, of_target=salon)

    bernard = await factories.contact(db, "Bernard", "David", at=supplier, status=ContactStatus.DISAPPEARED)
    await factories.participate(db, bernard, breakfast)

    robert = await factories.contact(db, "Robert", "Eve", at=acme, receives_invoices_all_sites=True)
    await factories.give_types(db, await factories.primary_link(db, robert), "DEC")
    return {
        "acme": acme.id,
        "paris": paris.id,
        "lyon": lyon.id,
        "bank": bank.id,
        "affair": migration.id,
        "target": salon.id,
        "event": breakfast.id,
    }


async def test_each_filter_alone(db: Database, world: dict[str, int]) -> None:
    expected = {
        ContactFilter(organization_id=world["acme"]): ["Anne Martin", "Bruno Petit", "Eve Robert"],
        ContactFilter(organization_id=world["bank"]): ["Claire Durand", "Bruno Petit"],
        ContactFilter(site_id=world["paris"]): ["Anne Martin"],
        ContactFilter(site_id=world["lyon"]): ["Bruno Petit"],
        ContactFilter(affair_id=world["affair"]): ["Anne Martin"],
        ContactFilter(target_id=world["target"]): ["Claire Durand", "Anne Martin"],
        ContactFilter(event_id=world["event"]): ["David Bernard", "Anne Martin"],
        ContactFilter(interlocutor_type_code="DEC"): ["Anne Martin", "Eve Robert"],
        ContactFilter(status=ContactStatus.DISAPPEARED): ["David Bernard"],
        ContactFilter(status=ContactStatus.ACTIVE): [
            "Claire Durand",
            "Anne Martin",
            "Bruno Petit",
            "Eve Robert",
        ],
        ContactFilter(visible_in_crm=True): ["Anne Martin", "Bruno Petit", "Eve Robert"],
        ContactFilter(visible_in_crm=False): ["David Bernard", "Claire Durand"],
        ContactFilter(receives_invoices=True): ["Anne Martin", "Eve Robert"],
        ContactFilter(receives_invoices=False): ["David Bernard", "Claire Durand", "Bruno Petit"],
        ContactFilter(receives_reminders=True): ["Bruno Petit"],
        ContactFilter(receives_reminders=False): [
            "David Bernard",
            "Claire Durand",
            "Anne Martin",
            "Eve Robert",
        ],
        ContactFilter(not_followed_up_since=date(2026, 11, 1)): [
            "David Bernard",
            "Claire Durand",
            "Anne Martin",
            "Eve Robert",
        ],
        ContactFilter(not_followed_up_since=date(2026, 10, 1)): [
            "David Bernard",
            "Claire Durand",
            "Eve Robert",
        ],
        ContactFilter(search="daf"): ["Anne Martin"],
    }

    found = {criteria: await listed(db, criteria) for criteria in expected}
    counts = {criteria: await counted(db, criteria) for criteria in expected}

    assert found == expected
    assert counts == {criteria: len(contacts) for criteria, contacts in expected.items()}


async def test_filters_combine(db: Database, world: dict[str, int]) -> None:
    recent = ContactFilter(
        organization_id=world["acme"], receives_invoices=True, not_followed_up_since=date(2026, 11, 1)
    )

    assert await listed(db, recent) == ["Anne Martin", "Eve Robert"]
    assert await listed(
        db, ContactFilter(search="acme", interlocutor_type_code="DEC", site_id=world["paris"])
    ) == ["Anne Martin"]
    # A scope (the organisation of a nested list) and a filter given together.
    assert await listed(
        db, ContactFilter(organization_id=world["bank"]), ContactFilter(visible_in_crm=True)
    ) == ["Bruno Petit"]
    assert await listed(db, ContactFilter(target_id=world["target"], event_id=world["event"])) == [
        "Anne Martin"
    ]
    assert await counted(db, recent) == 2


async def test_the_portal_never_lists_nor_counts_a_hidden_or_disappeared_contact(
    db: Database, world: dict[str, int]
) -> None:
    assert await listed(db, role=Role.PORTAL) == ["Anne Martin", "Bruno Petit", "Eve Robert"]
    assert await counted(db, role=Role.PORTAL) == 3
    assert await listed(db, ContactFilter(visible_in_crm=False), role=Role.PORTAL) == []
    assert await listed(db, ContactFilter(organization_id=world["bank"]), role=Role.PORTAL) == ["Bruno Petit"]


async def test_participants_read_in_the_contacts_order_and_only_visible(
    db: Database, world: dict[str, int]
) -> None:
    async def participants(role: Role) -> list[int]:
        async with db.read() as session:
            page = await list_participants(
                session, viewer(role), event_id=world["event"], status=None, page=PageRequest()
            )
        return [row[0].contact_id for row in page.rows]

    staff, portal = await participants(Role.STAFF), await participants(Role.PORTAL)

    assert len(staff) == 2
    assert portal == staff[1:]
