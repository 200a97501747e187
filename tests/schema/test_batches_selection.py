"""A batch's selection and client refused (rules 11 to 13): every culprit named and nothing written, a
client that is none, exactly one of ids or filter, ids of the wrong kind in the filter, the maximum
(over it refused, at it done)."""

from typing import Any

import pytest

from db.engine import Database
from schema.schema import schema
from tests import factories
from tests.conftest import GraphQL, context
from tests.schema.batches_world import ASSOCIATE, DISSOCIATE, associate_input, batches_world, gid, ids


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await batches_world(db)


@pytest.mark.parametrize("mutation", [ASSOCIATE, DISSOCIATE])
async def test_every_culprit_is_named_and_nothing_is_written(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    w = world
    before = await factories.database_state(db)
    selection = {
        "ids": [gid("Contact", w["marie"].id), gid("Contact", 999), "not-an-id", gid("Client", w["acme"].id)]
    }
    variables = associate_input(w, selection, "paris")
    variables["input"]["siteIds"] += [gid("Site", w["berlin"].id), gid("Site", 998), "zzz"]

    result = await graphql(mutation, variables)

    name = "associateContacts" if mutation is ASSOCIATE else "dissociateContacts"
    assert result.errors is None
    assert result.data == {
        name: {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "1"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 999),
                },
                {
                    "field": ["input", "selection", "ids", "2"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "selection", "ids", "3"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "1"],
                    "message": "This site belongs to another client.",
                    "code": "INVALID",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "2"],
                    "message": "No site has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "3"],
                    "message": "No site has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("client", ["SUPPLIER", "UNKNOWN", "MALFORMED"])
async def test_a_client_that_is_none_is_not_found_and_nothing_is_written(
    db: Database, graphql: GraphQL, world: dict[str, Any], client: str
) -> None:
    w = world
    before = await factories.database_state(db)
    variables = associate_input(w, ids(w["marie"]), "paris")
    client_ids = {
        "SUPPLIER": gid("Client", w["supplier"].id),
        "UNKNOWN": gid("Client", 999),
        "MALFORMED": "?",
    }
    variables["input"]["clientId"] = client_ids[client]

    result = await graphql(ASSOCIATE, variables)

    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "clientId"],
                    "message": "No client has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    "selection", [{}, {"ids": None, "filter": None}, {"ids": [], "filter": {}}], ids=["none", "nulls", "both"]
)
async def test_a_selection_needs_exactly_one_of_ids_or_filter(
    db: Database, graphql: GraphQL, world: dict[str, Any], selection: dict[str, Any]
) -> None:
    before = await factories.database_state(db)

    result = await graphql(ASSOCIATE, associate_input(world, selection, "paris"))

    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection"],
                    "message": "Give exactly one of ids or filter.",
                    "code": "INVALID",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


async def test_an_id_of_the_wrong_kind_in_the_filter_is_not_found_at_its_path(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    selection = {"filter": {"siteId": gid("Client", world["acme"].id)}}

    result = await graphql(ASSOCIATE, associate_input(world, selection, "paris"))

    assert result.data["associateContacts"]["userErrors"] == [  # type: ignore[index]
        {
            "field": ["input", "selection", "filter", "siteId"],
            "message": f"No Site has the id {gid('Client', world['acme'].id)!r}.",
            "code": "NOT_FOUND",
            "contactId": None,
        }
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("by", ["ids", "filter"])
async def test_a_selection_over_the_maximum_is_refused_and_nothing_is_written(
    db: Database, world: dict[str, Any], by: str
) -> None:
    w = world
    before = await factories.database_state(db)
    selection = ids(w["marie"], w["paul"], w["jeanne"]) if by == "ids" else {"filter": {}}

    result = await schema.execute(
        ASSOCIATE,
        variable_values=associate_input(w, selection, "paris"),
        context_value=context(db, max_selection=2),
    )

    detail = "3 given" if by == "ids" else "the filter matches more"
    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection"],
                    "message": f"A selection may hold at most 2 contacts ({detail}): narrow it down.",
                    "code": "INVALID",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


async def test_a_selection_at_the_maximum_is_done(db: Database, world: dict[str, Any]) -> None:
    w = world

    result = await schema.execute(
        ASSOCIATE,
        variable_values=associate_input(w, ids(w["marie"], w["marie"], w["paul"]), "paris"),
        context_value=context(db, max_selection=3),
    )

    assert result.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}
