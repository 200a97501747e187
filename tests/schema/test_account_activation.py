"""(De)activating extranet users and external collaborators (rule 15): the contact is left
untouched, a disappeared contact's account stays off, unknown ids are NOT_FOUND, and the portal
may neither make nor change an account."""

import pytest

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.account_world import COLLABORATORS, USERS, collaborator, every, gid, user, versions

SET_USER = """
mutation ($input: SetActiveInput!) {
  setExtranetUserActive(input: $input) {
    extranetUser { id login active } userErrors { field message code contactId }
  }
}
"""
SET_COLLABORATOR = """
mutation ($input: SetActiveInput!) {
  setExternalCollaboratorActive(input: $input) {
    externalCollaborator { id code active } userErrors { field message code contactId }
  }
}
"""


@pytest.mark.parametrize(
    ("mutation", "account", "name", "key"),
    [
        (SET_USER, "user", "setExtranetUserActive", "extranetUser"),
        (SET_COLLABORATOR, "collaborator", "setExternalCollaboratorActive", "externalCollaborator"),
    ],
)
async def test_an_account_is_deactivated_and_reactivated_without_touching_the_contact(
    db: Database, graphql: GraphQL, mutation: str, account: str, name: str, key: str
) -> None:
    acme = await factories.client(db)
    marie = await factories.contact(db, "Dupont", at=acme)
    row = await (
        user(db, marie, acme, "marie@acme.fr") if account == "user" else collaborator(db, marie, acme)
    )
    type_name = "ExtranetUser" if account == "user" else "ExternalCollaborator"
    account_id = gid(type_name, row.id)

    off = await graphql(mutation, {"input": {"id": account_id, "active": False}})
    on = await graphql(mutation, {"input": {"id": account_id, "active": True}})

    assert off.data[name][key]["active"] is False  # type: ignore[index]
    assert on.data[name][key]["active"] is True  # type: ignore[index]
    assert on.data[name][key]["id"] == account_id  # type: ignore[index]
    assert on.data[name]["userErrors"] == []  # type: ignore[index]
    assert await versions(graphql) == [("Dupont", 1, 0)]


@pytest.mark.parametrize(
    ("mutation", "account", "name", "key"),
    [
        (SET_USER, "user", "setExtranetUserActive", "extranetUser"),
        (SET_COLLABORATOR, "collaborator", "setExternalCollaboratorActive", "externalCollaborator"),
    ],
)
async def test_a_disappeared_contacts_account_cannot_be_reactivated(
    db: Database, graphql: GraphQL, mutation: str, account: str, name: str, key: str
) -> None:
    acme = await factories.client(db)
    gone = await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED)
    row = await (
        user(db, gone, acme, "parti@acme.fr", active=False)
        if account == "user"
        else collaborator(db, gone, acme, active=False)
    )
    account_id = gid("ExtranetUser" if account == "user" else "ExternalCollaborator", row.id)
    before = await factories.database_state(db)

    refused = await graphql(mutation, {"input": {"id": account_id, "active": True}})
    kept_off = await graphql(mutation, {"input": {"id": account_id, "active": False}})

    assert refused.data == {
        name: {
            key: None,
            "userErrors": [
                {
                    "field": ["input", "active"],
                    "message": "The contact has disappeared: its account cannot be reactivated.",
                    "code": "NOT_ALLOWED",
                    "contactId": gid("Contact", gone.id),
                }
            ],
        }
    }
    assert kept_off.data[name]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", [SET_USER, SET_COLLABORATOR])
@pytest.mark.parametrize(
    "bad_id", [gid("ExtranetUser", 999), gid("ExternalCollaborator", 999), gid("Contact", 1), "?"]
)
async def test_an_unknown_account_is_not_found(
    db: Database, graphql: GraphQL, mutation: str, bad_id: str
) -> None:
    result = await graphql(mutation, {"input": {"id": bad_id, "active": False}})

    name = "setExtranetUserActive" if mutation is SET_USER else "setExternalCollaboratorActive"
    assert result.data[name]["userErrors"] == [  # type: ignore[index]
        {
            "field": ["input", "id"],
            "message": "No account you may see has this id.",
            "code": "NOT_FOUND",
            "contactId": None,
        }
    ]


@pytest.mark.parametrize("mutation", [USERS, COLLABORATORS, SET_USER, SET_COLLABORATOR])
async def test_the_portal_may_not_make_or_change_accounts(
    db: Database, graphql: GraphQL, mutation: str
) -> None:
    acme = await factories.client(db)
    marie = await factories.contact(db, "Dupont", at=acme, email="marie@acme.fr")
    row = await user(db, marie, acme, "marie@acme.fr", active=False)
    given = (
        every(marie) if "SelectionInput" in mutation else {"id": gid("ExtranetUser", row.id), "active": True}
    )
    before = await factories.database_state(db)

    result = await graphql(mutation, {"input": given}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before
