"""The order of contact lists: names read case and accents aside then by id, name keys compared
byte-wise on both engines (and declared so), each order field both ways, ties broken by id."""

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from db.engine import Database
from db.models import Event, Organization, Target
from resolvers.contact_lists import (
    ContactOrder,
    OrderField,
)
from tests import factories
from tests.resolvers.contact_list_reading import listed, names, page_of


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
    # The contact's keys copied onto its links (the duplicate look-up), compared with them.
    ("contact_link", "first_name_key"),
    ("contact_link", "last_name_key"),
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
