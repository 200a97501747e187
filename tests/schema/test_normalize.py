"""normalizeContacts (rule 14): dry runs that write nothing, applied runs with versions and
history, ordered and bounded change lists, refusals that name every bad rule."""

from typing import Any

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import FieldChange
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL
from tests.schema.test_batch_statement_counts import bulk_contacts

NORMALIZE = """
mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) {
    changes { contact { id } organization { code } field before after }
    changedCount applied
    userErrors { field message code contactId }
  }
}
"""
NAMES = (
    "{ contacts { edges { node { lastName firstName version links { organization { code } function } } } } }"
)
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { edges { node {
    operation changes { field organization { code } before after } } } } } }
}
"""
STYLES = {"lastName": {"style": "TITLE"}, "firstName": {"style": "TITLE"}, "function": {"style": "SENTENCE"}}


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def change(
    person: Any, field: str, before: str | None, after: str | None, code: str | None = None
) -> dict[str, Any]:
    return {
        "contact": {"id": gid("Contact", person.id)},
        "organization": {"code": code} if code else None,
        "field": field,
        "before": before,
        "after": after,
    }


@pytest.fixture
async def people(db: Database) -> dict[str, Any]:
    """Three contacts typed carelessly, one already uniform; Le Goff has two links."""
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    zola = await factories.contact(db, "Zola", "Émile", at=acme, function="Écrivain")
    goff = await factories.contact(db, "LE GOFF", "jean-PIERRE", at=supplier, function="DAF")
    await factories.link(db, goff, acme, function="responsable  achats")
    dupont = await factories.contact(
        db, "  de la FONTAINE ", "marie", at=acme, function="directeur financier"
    )
    return {"acme": acme, "zola": zola, "goff": goff, "dupont": dupont}


def every(*people: Any) -> dict[str, Any]:
    return {"ids": [gid("Contact", person.id) for person in people]}


def expected_changes(p: dict[str, Any]) -> list[dict[str, Any]]:
    """By contact in the lists' order (the keys as they stand), then lastName, firstName, function."""
    return [
        change(p["dupont"], "lastName", "  de la FONTAINE ", "de La Fontaine"),
        change(p["dupont"], "firstName", "marie", "Marie"),
        change(p["dupont"], "function", "directeur financier", "Directeur financier", "ACME"),
        change(p["goff"], "lastName", "LE GOFF", "Le Goff"),
        change(p["goff"], "firstName", "jean-PIERRE", "Jean-Pierre"),
        change(p["goff"], "function", "responsable  achats", "Responsable achats", "ACME"),
    ]


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


async def test_bad_rules_and_unknown_contacts_are_all_named_and_nothing_is_written(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    given = {
        "selection": {"ids": [gid("Contact", people["zola"].id), gid("Contact", 999)]},
        "lastName": {"style": "TITLE", "value": "Dupont"},
        "firstName": {},
        "function": {"value": "f" * 201},
    }

    result = await graphql(NORMALIZE, {"input": given})

    assert result.data == {
        "normalizeContacts": {
            "changes": [],
            "changedCount": 0,
            "applied": False,
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "1"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 999),
                },
                {
                    "field": ["input", "lastName"],
                    "message": "Give exactly one of style or value.",
                    "code": "INVALID",
                    "contactId": None,
                },
                {
                    "field": ["input", "firstName"],
                    "message": "Give exactly one of style or value.",
                    "code": "INVALID",
                    "contactId": None,
                },
                {
                    "field": ["input", "function", "value"],
                    "message": "At most 200 characters (201 given).",
                    "code": "INVALID",
                    "contactId": None,
                },
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("dry_run", [True, False])
async def test_at_most_a_thousand_changes_are_listed_and_all_are_counted(
    db: Database, graphql: GraphQL, dry_run: bool
) -> None:
    acme = await factories.client(db)
    await bulk_contacts(db, 501, acme, last_name="nom", first_name="prénom")
    given = {"selection": {"filter": {}}, "lastName": {"style": "UPPER"}, "firstName": {"style": "UPPER"}}

    result = await graphql(NORMALIZE, {"input": {**given, "dryRun": dry_run}})

    payload = result.data["normalizeContacts"]  # type: ignore[index]
    assert (payload["changedCount"], payload["applied"], len(payload["changes"])) == (
        1_002,
        not dry_run,
        1_000,
    )
    assert [(c["field"], c["before"], c["after"]) for c in payload["changes"][-2:]] == [
        ("lastName", "nom0499", "NOM0499"),
        ("firstName", "prénom", "PRÉNOM"),
    ]
    async with db.read() as session:
        written = await session.scalar(select(func.count()).select_from(FieldChange))
    assert written == (0 if dry_run else 1_002)


@pytest.mark.parametrize("dry_run", [True, False])
async def test_the_portal_may_not_normalize(
    db: Database, graphql: GraphQL, people: dict[str, Any], dry_run: bool
) -> None:
    before = await factories.database_state(db)

    result = await graphql(
        NORMALIZE, {"input": {"selection": {"filter": {}}, **STYLES, "dryRun": dry_run}}, role=Role.PORTAL
    )

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before
