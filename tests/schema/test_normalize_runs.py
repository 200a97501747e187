"""normalizeContacts (rule 14) run: dry runs that write nothing, applied runs with versions,
history and new sort keys, exact values, accents kept, a second run that changes nothing."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.normalize_world import (
    NORMALIZE,
    STYLES,
    careless_people,
    change,
    every,
    expected_changes,
    gid,
)

NAMES = (
    "{ contacts { edges { node { lastName firstName version links { organization { code } function } } } } }"
)
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { edges { node {
    operation changes { field organization { code } before after } } } } } }
}
"""


@pytest.fixture
async def people(db: Database) -> dict[str, Any]:
    return await careless_people(db)


async def test_a_dry_run_lists_the_changes_in_order_and_writes_nothing(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    p = people
    before = await factories.database_state(db)
    given = {"selection": every(p["zola"], p["goff"], p["dupont"]), **STYLES, "dryRun": True}

    result = await graphql(NORMALIZE, {"input": given})

    assert result.errors is None
    assert result.data == {
        "normalizeContacts": {
            "changes": expected_changes(p),
            "changedCount": 6,
            "applied": False,
            "userErrors": [],
        }
    }
    assert await factories.database_state(db) == before


async def test_applied_it_writes_every_change_with_versions_history_and_new_sort_keys(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    p = people
    given = {"selection": {"filter": {}}, **STYLES}

    result = await graphql(NORMALIZE, {"input": given})

    assert result.data == {
        "normalizeContacts": {
            "changes": expected_changes(p),
            "changedCount": 6,
            "applied": True,
            "userErrors": [],
        }
    }
    listed = await graphql(NAMES)
    assert [edge["node"] for edge in listed.data["contacts"]["edges"]] == [  # type: ignore[index]
        {
            "lastName": "de La Fontaine",
            "firstName": "Marie",
            "version": 2,
            "links": [{"organization": {"code": "ACME"}, "function": "Directeur financier"}],
        },
        {
            "lastName": "Le Goff",
            "firstName": "Jean-Pierre",
            "version": 2,
            "links": [
                {"organization": {"code": "SUP"}, "function": "DAF"},
                {"organization": {"code": "ACME"}, "function": "Responsable achats"},
            ],
        },
        {
            "lastName": "Zola",
            "firstName": "Émile",
            "version": 1,
            "links": [{"organization": {"code": "ACME"}, "function": "Écrivain"}],
        },
    ]
    entries = await graphql(HISTORY, {"id": gid("Contact", p["goff"].id)})
    assert entries.data["node"]["history"]["edges"] == [  # type: ignore[index]
        {
            "node": {
                "operation": "normalizeContacts",
                "changes": [
                    {"field": "lastName", "organization": None, "before": "LE GOFF", "after": "Le Goff"},
                    {
                        "field": "firstName",
                        "organization": None,
                        "before": "jean-PIERRE",
                        "after": "Jean-Pierre",
                    },
                    {
                        "field": "function",
                        "organization": {"code": "ACME"},
                        "before": "responsable  achats",
                        "after": "Responsable achats",
                    },
                ],
            }
        }
    ]


async def test_the_new_names_are_what_search_finds(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    given = {"selection": every(people["goff"]), "lastName": {"value": "Kerouac"}}

    await graphql(NORMALIZE, {"input": given})
    found = await graphql('{ contacts(filter: {search: "kerou"}) { edges { node { lastName } } } }')
    gone = await graphql('{ contacts(filter: {search: "goff"}) { totalCount } }')

    assert found.data == {"contacts": {"edges": [{"node": {"lastName": "Kerouac"}}]}}
    assert gone.data == {"contacts": {"totalCount": 0}}


async def test_normalizing_twice_changes_nothing_the_second_time(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    given = {"selection": {"filter": {}}, **STYLES}
    await graphql(NORMALIZE, {"input": given})
    before = await factories.database_state(db)

    again = await graphql(NORMALIZE, {"input": given})

    assert again.data == {
        "normalizeContacts": {"changes": [], "changedCount": 0, "applied": True, "userErrors": []}
    }
    assert await factories.database_state(db) == before


async def test_a_value_is_that_exact_text_for_every_contact(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    p = people
    nameless = await factories.contact(db, "Sans", None, at=p["acme"])
    given = {"selection": every(p["zola"], nameless), "firstName": {"value": "  Camille "}, "dryRun": False}

    result = await graphql(NORMALIZE, {"input": given})

    assert result.data == {
        "normalizeContacts": {
            "changes": [
                change(nameless, "firstName", None, "Camille"),
                change(p["zola"], "firstName", "Émile", "Camille"),
            ],
            "changedCount": 2,
            "applied": True,
            "userErrors": [],
        }
    }


async def test_upper_keeps_accents_on_every_link_function(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    p = people
    given = {"selection": every(p["zola"]), "lastName": {"style": "UPPER"}, "function": {"style": "UPPER"}}

    result = await graphql(NORMALIZE, {"input": given})

    assert result.data["normalizeContacts"]["changes"] == [  # type: ignore[index]
        change(p["zola"], "lastName", "Zola", "ZOLA"),
        change(p["zola"], "function", "Écrivain", "ÉCRIVAIN", "ACME"),
    ]
