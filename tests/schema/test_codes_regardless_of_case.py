"""Rule 20 with letters beyond ASCII, and with two writers racing for one code.

SQLite's lower() folds ASCII letters only, so the codes are compared by a key folded in Python
(db.columns.code_key): both engines must refuse the same pairs.
"""

import asyncio
import unicodedata

import pytest
from sqlalchemy import select, text

from db.engine import Database
from db.models import ClientStatus, Organization, OrganizationKind
from tests import factories
from tests.conftest import GraphQL

CREATE_CLIENT = """
mutation ($code: String!) {
  createClient(input: {code: $code, name: "Seconde"}) {
    client { id code }
    userErrors { field code message }
  }
}
"""

# (code already there, code sent): one code each time, whatever the case and the composition.
SAME_CODES = [
    ("SOCIÉTÉ", "société"),
    ("société", "SOCIÉTÉ"),
    ("STRASSE", "straße"),
    ("ÉCLAT", unicodedata.normalize("NFD", "éclat")),  # "e" + combining acute accent
    ("ΑΘΗΝΑ", "αθηνα"),
]


async def clients(db: Database) -> list[tuple[str, str]]:
    async with db.read() as session:
        rows = await session.execute(select(Organization.code, Organization.name).order_by(Organization.id))
        return [(code, name) for code, name in rows.all()]


@pytest.mark.parametrize(("taken", "sent"), SAME_CODES, ids=["é", "É", "ß", "NFD", "Greek"])
async def test_a_code_differing_by_case_beyond_ascii_is_a_duplicate(
    db: Database, graphql: GraphQL, taken: str, sent: str
) -> None:
    await factories.client(db, code=taken, name="Première")

    result = await graphql(CREATE_CLIENT, {"code": sent})

    assert result.errors is None
    assert result.data == {
        "createClient": {
            "client": None,
            "userErrors": [
                {
                    "field": ["input", "code"],
                    "code": "DUPLICATE",
                    "message": f"Another client already has the code {sent!r}.",
                }
            ],
        }
    }
    assert await clients(db) == [(taken, "Première")]


async def test_codes_that_differ_by_more_than_case_are_two_codes(db: Database, graphql: GraphQL) -> None:
    await factories.client(db, code="SOCIETE", name="Première")

    result = await graphql(CREATE_CLIENT, {"code": "SOCIÉTÉ"})

    assert result.data is not None
    assert result.data["createClient"]["userErrors"] == []
    assert await clients(db) == [("SOCIETE", "Première"), ("SOCIÉTÉ", "Seconde")]


async def test_two_writers_racing_for_one_code_leave_one_row_and_answer_at_the_code(
    db: Database, graphql: GraphQL
) -> None:
    """The first writer holds its new row uncommitted while the second checks and writes.

    On PostgreSQL the second one's check cannot see the row, so it reaches the unique index,
    waits there for the first to commit and is refused by the index: the refusal must still
    name the code. On SQLite the write gate lets one writer at a time, so the second one's check
    sees the committed row. Either way: one row, and DUPLICATE at ["input", "code"].
    """
    async with db.begin() as first:
        first.add(
            Organization(
                kind=OrganizationKind.CLIENT,
                code="SOCIÉTÉ",
                name="Première",
                name_key="premiere",
                status=ClientStatus.CLIENT,
            )
        )
        await first.flush()
        second = asyncio.create_task(graphql(CREATE_CLIENT, {"code": "société"}))
        if not db.is_sqlite:
            await _until_a_writer_waits_for_a_lock(db)

    result = await second

    race_message = "Another writer has just taken that code."
    check_message = "Another client already has the code 'société'."
    assert result.errors is None
    assert result.data == {
        "createClient": {
            "client": None,
            "userErrors": [
                {
                    "field": ["input", "code"],
                    "code": "DUPLICATE",
                    "message": check_message if db.is_sqlite else race_message,
                }
            ],
        }
    }
    assert await clients(db) == [("SOCIÉTÉ", "Première")]


async def _until_a_writer_waits_for_a_lock(db: Database) -> None:
    """Returns once another PostgreSQL session of this database waits on a lock: the second
    writer has passed its check and sits at the unique index."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(1000):
        async with db.read() as session:
            if await session.scalar(waiting):
                return
        await asyncio.sleep(0.01)
    raise AssertionError("The second writer never reached the unique index.")
