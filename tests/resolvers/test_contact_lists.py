"""Contact lists: every filter alone and combined, a human order on both engines, keyset pages
that stay right while contacts are added between two of them."""

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from db.engine import Database
from db.models import ContactStatus, Event, Organization, Target
from resolvers.access import Role
from resolvers.contact_lists import (
    ContactFilter,
    ContactOrder,
    OrderField,
    count_contacts,
    list_contacts,
)
from resolvers.paging import Page, PageRequest
from resolvers.participants import list_participants
from tests import factories
from tests.conftest import viewer


async def page_of(
    db: Database,
    *filters: ContactFilter,
    order: list[ContactOrder] | None = None,
    page: PageRequest | None = None,
    role: Role = Role.STAFF,
) -> Page:
    async with db.read() as session:
        return await list_contacts(
            session, viewer(role), criteria=filters, order=order, page=page or PageRequest()
        )


def names(page: Page) -> list[str]:
    return [" ".join(filter(None, (row[0].first_name, row[0].last_name))) for row in page.rows]


async def listed(db: Database, *filters: ContactFilter, role: Role = Role.STAFF) -> list[str]:
    return names(await page_of(db, *filters, role=role))


async def counted(db: Database, *filters: ContactFilter, role: Role = Role.STAFF) -> int:
    async with db.read() as session:
        return await count_contacts(session, viewer(role), criteria=filters)


# ---------------------------------------------------------------- order


async def test_names_read_case_and_accents_aside_then_by_id(db: Database) -> None:
    acme = await factories.client(db)
    for last, first in [
        ("Zoé", None),
        ("Bell", "Adam"),
        ("Œuvre", "Paul"),
        ("Dupont", "Marie"),
        ("Bégué", "Élodie"),
        ("Dea", "Lou"),
        ("De Zwart", "Jan"),
        ("Ångström", "Nils"),
        ("Dupont", "anne"),
        ("Begin", "Louis"),
        ("Dupont", None),
        ("dupont", "Anne"),
    ]:
        await factories.contact(db, last, first, at=acme)

    assert await listed(db) == [
        "Nils Ångström",
        "Louis Begin",
        "Élodie Bégué",
        "Adam Bell",
        "Jan De Zwart",  # byte-wise: a space sorts before any letter
        "Lou Dea",
        "Dupont",
        "anne Dupont",
        "Anne dupont",
        "Marie Dupont",
        "Paul Œuvre",
        "Zoé",
    ]


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Organization, lambda db, name, n: factories.client(db, code=f"C{n}", name=name)),
        (Target, lambda db, name, n: factories.target(db, name=name)),
        (Event, lambda db, name, n: factories.event(db, name=name)),
    ],
)
async def test_every_engine_compares_the_name_keys_byte_wise(db: Database, model: Any, make: Any) -> None:
    """A locale collation ignores the space and puts "dea" first; byte-wise, the space comes first."""
    await make(db, "Dea", 1)
    await make(db, "De Zwart", 2)

    async with db.read() as session:
        keys = list(await session.scalars(select(model.name_key).order_by(model.name_key)))

    assert keys == ["de zwart", "dea"]


KEY_COLUMNS = {
    ("affair", "name_key"),
    ("contact", "first_name_key"),
    ("contact", "last_name_key"),
    ("event", "name_key"),
    ("organization", "name_key"),
    ("site", "name_key"),
    ("target", "name_key"),
}


async def _declared_collations(db: Database) -> dict[tuple[str, str], str]:
    """Each key column's collation as the database declares it (SQLite's default is BINARY)."""
    async with db.read() as session:
        if not db.is_sqlite:
            rows = await session.execute(
                text(
                    "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_name LIKE '%%name_key'"
                )
            )
            return {(table, column): collation for table, column, collation in rows}
        found = {}
        for table, column in KEY_COLUMNS:
            sql = await session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table})
            declared = re.search(rf"{column} [^,]*?COLLATE (\w+)", sql or "")
            found[(table, column)] = declared.group(1) if declared else "BINARY"
        return found


async def test_every_key_column_is_declared_byte_wise(db: Database) -> None:
    expected = "BINARY" if db.is_sqlite else "C"

    assert await _declared_collations(db) == dict.fromkeys(KEY_COLUMNS, expected)


async def test_each_order_field_both_ways(db: Database) -> None:
    acme = await factories.client(db)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for days, (last, followed) in enumerate(
        [("Carre", date(2026, 3, 1)), ("Abel", None), ("Bodin", date(2026, 1, 1)), ("Dumas", None)]
    ):
        await factories.contact(
            db, last, at=acme, created_at=start + timedelta(days=days), last_follow_up_on=followed
        )

    async def ordered(field: OrderField, descending: bool = False) -> list[str]:
        return names(await page_of(db, order=[ContactOrder(field, descending)]))

    assert await ordered(OrderField.LAST_NAME, descending=True) == ["Dumas", "Carre", "Bodin", "Abel"]
    assert await ordered(OrderField.CREATED_AT) == ["Carre", "Abel", "Bodin", "Dumas"]
    assert await ordered(OrderField.UPDATED_AT, descending=True) == ["Dumas", "Bodin", "Abel", "Carre"]
    # Nulls last, whichever the direction; among them, the id runs the same way.
    assert await ordered(OrderField.LAST_FOLLOW_UP_ON) == ["Bodin", "Carre", "Abel", "Dumas"]
    assert await ordered(OrderField.LAST_FOLLOW_UP_ON, descending=True) == ["Carre", "Bodin", "Dumas", "Abel"]


async def test_first_name_order_breaks_ties_by_id(db: Database) -> None:
    acme = await factories.client(db)
    for last, first in [("Roux", "Éric"), ("Abel", "eric"), ("Zola", "Anne")]:
        await factories.contact(db, last, first, at=acme)

    page = await page_of(db, order=[ContactOrder(OrderField.FIRST_NAME)])

    assert names(page) == ["Anne Zola", "Éric Roux", "eric Abel"]


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


# ---------------------------------------------------------------- keyset pages


async def test_pages_forward_stay_right_while_contacts_are_added(db: Database) -> None:
    acme = await factories.client(db)
    for last in ["Bodin", "Carre", "Dumas", "Faure", "Hugo"]:
        await factories.contact(db, last, at=acme)

    first = await page_of(db, page=PageRequest(first=2))
    await factories.contact(db, "Abel", at=acme)  # before the page read: not met again
    await factories.contact(db, "Durand", at=acme)  # after it: met in its place
    second = await page_of(db, page=PageRequest(first=2, after=first.cursors[-1]))
    third = await page_of(db, page=PageRequest(first=2, after=second.cursors[-1]))
    fourth = await page_of(db, page=PageRequest(first=2, after=third.cursors[-1]))

    assert [names(p) for p in (first, second, third, fourth)] == [
        ["Bodin", "Carre"],
        ["Dumas", "Durand"],
        ["Faure", "Hugo"],
        [],
    ]
    assert [(p.has_previous, p.has_next) for p in (first, second, third)] == [
        (False, True),
        (True, True),
        (True, False),
    ]


async def test_pages_backward_from_the_end_and_from_a_cursor(db: Database) -> None:
    acme = await factories.client(db)
    for last in ["Bodin", "Carre", "Dumas", "Faure", "Hugo"]:
        await factories.contact(db, last, at=acme)

    last = await page_of(db, page=PageRequest(last=2))
    await factories.contact(db, "Durand", at=acme)
    before = await page_of(db, page=PageRequest(last=2, before=last.cursors[0]))
    start = await page_of(db, page=PageRequest(last=2, before=before.cursors[0]))

    assert [names(p) for p in (last, before, start)] == [
        ["Faure", "Hugo"],
        ["Dumas", "Durand"],
        ["Bodin", "Carre"],
    ]
    assert [(p.has_previous, p.has_next) for p in (last, before, start)] == [
        (True, False),
        (True, True),
        (False, True),
    ]


async def test_a_cursor_goes_both_ways_through_nulls_and_descending_orders(db: Database) -> None:
    acme = await factories.client(db)
    for last, followed in [
        ("Abel", None),
        ("Bodin", date(2026, 2, 1)),
        ("Carre", None),
        ("Dumas", date(2026, 1, 1)),
        ("Faure", date(2026, 2, 1)),
    ]:
        await factories.contact(db, last, at=acme, last_follow_up_on=followed)
    order = [ContactOrder(OrderField.LAST_FOLLOW_UP_ON, descending=True)]

    everything = names(await page_of(db, order=order))
    pages, after = [], None
    while True:
        page = await page_of(db, order=order, page=PageRequest(first=2, after=after))
        pages.append(names(page))
        if not page.has_next:
            break
        after = page.cursors[-1]
    back = await page_of(db, order=order, page=PageRequest(last=3, before=page.cursors[0]))

    assert everything == ["Faure", "Bodin", "Dumas", "Carre", "Abel"]
    assert pages == [["Faure", "Bodin"], ["Dumas", "Carre"], ["Abel"]]
    assert names(back) == ["Bodin", "Dumas", "Carre"]
