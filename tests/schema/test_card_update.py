"""updateContact: what is given changes, nulls clear, history is recorded; no change writes nothing;
bad values, stale versions and unknown ids are refused with nothing written; the portal may not
write a card."""

from typing import Any

import pytest

from db.engine import Database
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.card_world import CREATE, HISTORY, UPDATE, gid


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


async def _created(graphql: GraphQL, acme: Any, **fields: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "lastName": "Dupont",
            "firstName": "Marie",
            **fields,
            "link": {"organizationId": gid("Client", acme.id)},
        }
    }
    result = await graphql(CREATE.replace("lastName firstName", "id lastName firstName", 1), variables)
    return result.data["createContact"]["contact"]  # type: ignore[index, no-any-return]


async def test_update_changes_what_is_given_clears_nulls_and_records_history(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme, email="marie@acme.fr")

    result = await graphql(
        UPDATE, {"input": {"id": marie["id"], "expectedVersion": 1, "firstName": None, "phone": "0612345678"}}
    )
    history = await graphql(HISTORY, {"id": marie["id"]})

    assert result.data == {
        "updateContact": {
            "contact": {
                "id": marie["id"],
                "lastName": "Dupont",
                "firstName": None,
                "email": "marie@acme.fr",
                "phone": "+33612345678",
                "hiddenFromCrm": False,
                "version": 2,
                "socialProfiles": [
                    {
                        "url": "https://www.linkedin.com/search/results/people/?keywords=Dupont%20Acme%20Industrie",
                        "generated": True,
                    }
                ],
            },
            "userErrors": [],
        }
    }
    newest = history.data["node"]["history"]["edges"][0]["node"]  # type: ignore[index]
    assert history.data["node"]["history"]["totalCount"] == 2  # type: ignore[index]
    assert (newest["operation"], newest["actor"]) == ("updateContact", "staff")
    assert newest["changes"] == [
        {"field": "firstName", "organization": None, "before": "Marie", "after": None},
        {"field": "phone", "organization": None, "before": None, "after": "+33612345678"},
    ]


async def test_an_update_that_changes_nothing_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme, email="marie@acme.fr")
    before = await factories.database_state(db)

    result = await graphql(
        UPDATE, {"input": {"id": marie["id"], "lastName": "  Dupont ", "email": "marie@ACME.FR"}}
    )

    assert result.data["updateContact"]["contact"]["version"] == 1  # type: ignore[index]
    assert result.data["updateContact"]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"lastName": None}, ["input", "lastName"]),
        ({"hiddenFromCrm": None}, ["input", "hiddenFromCrm"]),
        ({"lastName": ""}, ["input", "lastName"]),
        ({"email": "@nowhere"}, ["input", "email"]),
    ],
)
async def test_update_refuses_bad_values_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any, fields: dict[str, Any], path: list[str]
) -> None:
    marie = await _created(graphql, acme)
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": marie["id"], **fields}})

    assert result.data == {
        "updateContact": {
            "contact": None,
            "userErrors": [{"field": path, "code": "INVALID", "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


async def test_a_stale_version_is_a_conflict_that_returns_the_current_card_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme)
    await graphql(UPDATE, {"input": {"id": marie["id"], "notes": "v2"}})
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": marie["id"], "expectedVersion": 1, "lastName": "Durand"}})

    payload = result.data["updateContact"]  # type: ignore[index]
    assert payload["contact"]["lastName"] == "Dupont"
    assert payload["contact"]["version"] == 2
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": marie["id"]}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("bad_id", ["nope", gid("Contact", 999), gid("Client", 1)])
async def test_updating_an_unknown_id_is_not_found(
    db: Database, graphql: GraphQL, acme: Any, bad_id: str
) -> None:
    await _created(graphql, acme)
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": bad_id, "lastName": "X"}})

    assert result.data == {
        "updateContact": {
            "contact": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND", "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", ["createContact", "updateContact"])
async def test_the_portal_may_not_write_a_card(
    db: Database, graphql: GraphQL, acme: Any, mutation: str
) -> None:
    marie = await _created(graphql, acme)
    before = await factories.database_state(db)
    document, variables = (
        (CREATE, {"input": {"lastName": "X", "link": {"organizationId": gid("Client", acme.id)}}})
        if mutation == "createContact"
        else (UPDATE, {"input": {"id": marie["id"], "lastName": "X"}})
    )

    result = await graphql(document, variables, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before
