"""declareContactDisappeared (rule 9): day and reason recorded, accounts switched off, nothing
deleted, the contact hidden from the portal; refusals that name their fields and write nothing."""

from typing import Any

import pytest

from db.engine import Database
from db.models import (
    ContactStatus,
    ParticipationStatus,
)
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.lifecycle.lifecycle_world import DISAPPEAR, gid, give_accounts, newest_change

STILL_THERE = """
query ($id: ID!) {
  node(id: $id) { ... on Contact {
    links { organization { code } } affairs { code } targets { name } events { status }
    history { totalCount } } }
}
"""


async def test_a_disappearance_records_day_and_reason_and_switches_the_accounts_off(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    await give_accounts(db, marie, acme)
    marie_id = gid("Contact", marie.id)
    variables = {
        "input": {
            "contactId": marie_id,
            "expectedVersion": 1,
            "on": "2026-11-20",
            "reason": "  Partie   à la retraite ",
        }
    }

    result = await graphql(DISAPPEAR, variables)

    assert result.data == {
        "declareContactDisappeared": {
            "contact": {
                "id": marie_id,
                "version": 2,
                "status": "DISAPPEARED",
                "disappearedOn": "2026-11-20",
                "disappearanceReason": "Partie à la retraite",
                "lastFollowUpOn": "2026-10-01",
                "extranetUser": {"active": False},
                "externalCollaborator": {"active": False},
            },
            "userErrors": [],
        }
    }
    assert await newest_change(graphql, marie_id) == {
        "count": 1,
        "actor": "staff",
        "operation": "declareContactDisappeared",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "status", "organization": None, "before": "ACTIVE", "after": "DISAPPEARED"},
            {"field": "disappearedOn", "organization": None, "before": None, "after": "2026-11-20"},
            {
                "field": "disappearanceReason",
                "organization": None,
                "before": None,
                "after": "Partie à la retraite",
            },
        ],
    }


async def test_a_disappearance_is_today_by_default_and_needs_no_reason_nor_accounts(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", marie.id)}})

    contact = result.data["declareContactDisappeared"]["contact"]  # type: ignore[index]
    assert (contact["status"], contact["disappearedOn"], contact["disappearanceReason"]) == (
        "DISAPPEARED",
        "2026-11-28",
        None,
    )
    assert (contact["extranetUser"], contact["externalCollaborator"]) == (None, None)


async def test_a_disappearance_deletes_nothing_and_hides_the_contact_from_the_portal(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    bank = await factories.third_party(db)
    await factories.link(db, marie, bank)
    await factories.member(
        db, marie, of_affair=await factories.affair(db, acme), of_target=await factories.target(db)
    )
    await factories.participate(db, marie, await factories.event(db), ParticipationStatus.REGISTERED)
    marie_id = gid("Contact", marie.id)
    portal_before = await graphql(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL
    )

    await graphql(DISAPPEAR, {"input": {"contactId": marie_id}})

    portal_after = await graphql(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL
    )
    staff = await graphql(STILL_THERE, {"id": marie_id})
    assert portal_before.data == {"node": {"id": marie_id}}
    assert portal_after.data == {"node": None}
    assert staff.data == {
        "node": {
            "links": [{"organization": {"code": "ACME"}}, {"organization": {"code": "BANK"}}],
            "affairs": [{"code": "AFF1"}],
            "targets": [{"name": "Salon 2027"}],
            "events": [{"status": "REGISTERED"}],
            "history": {"totalCount": 1},
        }
    }


DISAPPEAR_REFUSALS = [
    ({"on": "2026-11-29"}, [(["input", "on"], "INVALID")]),
    ({"reason": "r" * 201}, [(["input", "reason"], "INVALID")]),
    (
        {"on": "2027-01-01", "reason": "r" * 201},
        [(["input", "on"], "INVALID"), (["input", "reason"], "INVALID")],
    ),
    ({"contactId": gid("Contact", 999)}, [(["input", "contactId"], "NOT_FOUND")]),
    ({"contactId": "nope"}, [(["input", "contactId"], "NOT_FOUND")]),
]


@pytest.mark.parametrize(("given", "expected"), DISAPPEAR_REFUSALS)
async def test_a_refused_disappearance_names_its_fields_and_writes_nothing(
    db: Database,
    graphql: GraphQL,
    acme: Any,
    marie: Any,
    given: dict[str, Any],
    expected: list[tuple[list[str], str]],
) -> None:
    await give_accounts(db, marie, acme)
    before = await factories.database_state(db)

    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", marie.id), **given}})

    payload = result.data["declareContactDisappeared"]  # type: ignore[index]
    assert payload["contact"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == expected
    assert await factories.database_state(db) == before


async def test_declaring_a_disappeared_contact_disappeared_is_not_allowed(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    gone = await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED)
    before = await factories.database_state(db)

    contact_id = gid("Contact", gone.id)
    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", gone.id), "reason": "encore"}})

    assert result.data == {
        "declareContactDisappeared": {
            "contact": None,
            "userErrors": [{"field": ["input", "contactId"], "code": "NOT_ALLOWED", "contactId": contact_id}],
        }
    }
    assert await factories.database_state(db) == before
