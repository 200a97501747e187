"""normalizeContacts (rule 14) refused or bounded: bad rules and unknown contacts all named with
nothing written, at most a thousand changes listed (all counted), the portal may not normalize."""

from typing import Any

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import FieldChange
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.normalize_world import NORMALIZE, STYLES, careless_people, gid


@pytest.fixture
async def people(db: Database) -> dict[str, Any]:
    return await careless_people(db)


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
    await factories.bulk_contacts(db, 501, acme, last_name="nom", first_name="prénom")
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
