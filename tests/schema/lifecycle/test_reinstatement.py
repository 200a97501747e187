"""reinstateContact (rule 9): the contact comes back with its accounts left off; an active contact
cannot be reinstated."""

from typing import Any

from db.engine import Database
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.lifecycle.lifecycle_world import DISAPPEAR, REINSTATE, gid, give_accounts, newest_change


async def test_reinstating_brings_the_contact_back_and_leaves_its_accounts_off(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    await give_accounts(db, marie, acme)
    marie_id = gid("Contact", marie.id)
    await graphql(DISAPPEAR, {"input": {"contactId": marie_id, "on": "2026-11-20", "reason": "Retraite"}})

    result = await graphql(REINSTATE, {"input": {"contactId": marie_id, "expectedVersion": 2}})

    assert result.data == {
        "reinstateContact": {
            "contact": {
                "id": marie_id,
                "version": 3,
                "status": "ACTIVE",
                "disappearedOn": None,
                "disappearanceReason": None,
                "lastFollowUpOn": "2026-10-01",
                "extranetUser": {"active": False},
                "externalCollaborator": {"active": False},
            },
            "userErrors": [],
        }
    }
    assert await newest_change(graphql, marie_id) == {
        "count": 2,
        "actor": "staff",
        "operation": "reinstateContact",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "status", "organization": None, "before": "DISAPPEARED", "after": "ACTIVE"},
            {"field": "disappearedOn", "organization": None, "before": "2026-11-20", "after": None},
            {"field": "disappearanceReason", "organization": None, "before": "Retraite", "after": None},
        ],
    }
    portal = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL)
    assert portal.data == {"node": {"id": marie_id}}


async def test_reinstating_an_active_contact_is_not_allowed(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    before = await factories.database_state(db)

    contact_id = gid("Contact", marie.id)
    result = await graphql(REINSTATE, {"input": {"contactId": gid("Contact", marie.id)}})

    assert result.data == {
        "reinstateContact": {
            "contact": None,
            "userErrors": [{"field": ["input", "contactId"], "code": "NOT_ALLOWED", "contactId": contact_id}],
        }
    }
    assert await factories.database_state(db) == before
