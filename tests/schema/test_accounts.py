"""Extranet users and external collaborators (rule 15): one outcome per contact, logins unique
regardless of case, generated collaborator codes, (de)activation; never a version or history."""

from typing import Any

import pytest
from sqlalchemy import update

from db.engine import Database
from db.models import Contact, ContactLink, ContactStatus, ExternalCollaborator, ExtranetUser, Organization
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import NOW, GraphQL

USERS = """
mutation ($input: SelectionInput!) {
  createExtranetUsers(input: $input) {
    created { login email active createdAt contact { lastName } organization { code } }
    userErrors { field message code contactId }
  }
}
"""
COLLABORATORS = """
mutation ($input: SelectionInput!) {
  createExternalCollaborators(input: $input) {
    created { code active contact { lastName } organization { code } }
    userErrors { field message code contactId }
  }
}
"""
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
VERSIONS = "{ contacts(first: 100) { edges { node { lastName version history { totalCount } } } } }"


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def every(*people: Any) -> dict[str, Any]:
    return {"selection": {"ids": [gid("Contact", person.id) for person in people]}}


def refusal(index: int, code: str, message: str, person: Any) -> dict[str, Any]:
    return {
        "field": ["input", "selection", "ids", str(index)],
        "message": message,
        "code": code,
        "contactId": gid("Contact", person.id),
    }


async def user(
    db: Database, person: Contact, at: Organization, login: str, active: bool = True
) -> ExtranetUser:
    row = ExtranetUser(
        contact_id=person.id,
        organization_id=at.id,
        login=login,
        login_key=login.lower(),
        email=login,
        active=active,
        created_at=NOW,
    )
    async with db.begin() as session:
        session.add(row)
    return row


async def collaborator(
    db: Database, person: Contact, at: Organization, active: bool = True
) -> ExternalCollaborator:
    row = ExternalCollaborator(
        contact_id=person.id, organization_id=at.id, code="OLD-1", active=active, created_at=NOW
    )
    async with db.begin() as session:
        session.add(row)
    return row


async def versions(graphql: GraphQL) -> list[tuple[str, int, int]]:
    result = await graphql(VERSIONS)
    return [
        (edge["node"]["lastName"], edge["node"]["version"], edge["node"]["history"]["totalCount"])
        for edge in result.data["contacts"]["edges"]  # type: ignore[index]
    ]


async def test_each_contact_gets_its_account_or_its_own_refusal(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme, email="marie@gmail.com")
    await _set_link_email(db, marie, "Marie.Dupont@acme.fr")
    sans = await factories.contact(db, "Sans", at=acme)
    gone = await factories.contact(
        db, "Parti", at=acme, email="parti@acme.fr", status=ContactStatus.DISAPPEARED
    )
    has = await factories.contact(db, "Déjà", at=acme)
    await user(db, has, acme, "Jeanne@acme.fr")
    paul = await factories.contact(db, "Martin", "Paul", at=supplier, email="paul@martin.fr")
    clash = await factories.contact(db, "Homonyme", at=acme, email="MARIE.DUPONT@ACME.FR")
    twin = await factories.contact(db, "Jumelle", at=acme)
    await _set_link_email(db, twin, "JEANNE@acme.fr")
    selection = every(marie, sans, gone, has, paul, clash, twin)
    selection["selection"]["ids"].append(gid("Contact", 999))

    result = await graphql(USERS, {"input": selection})

    assert result.errors is None
    assert result.data == {
        "createExtranetUsers": {
            "created": [
                {
                    "login": "Marie.Dupont@acme.fr",
                    "email": "Marie.Dupont@acme.fr",
                    "active": True,
                    "createdAt": "2026-11-28T09:00:00+00:00",
                    "contact": {"lastName": "Dupont"},
                    "organization": {"code": "ACME"},
                },
                {
                    "login": "paul@martin.fr",
                    "email": "paul@martin.fr",
                    "active": True,
                    "createdAt": "2026-11-28T09:00:00+00:00",
                    "contact": {"lastName": "Martin"},
                    "organization": {"code": "SUP"},
                },
            ],
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "7"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 999),
                },
                refusal(
                    1,
                    "MISSING_EMAIL",
                    "Neither the contact's primary link nor the contact has an e-mail.",
                    sans,
                ),
                refusal(2, "NOT_ALLOWED", "The contact has disappeared: it gets no account.", gone),
                refusal(3, "ALREADY_EXISTS", "The contact already has an extranet user.", has),
                refusal(5, "DUPLICATE", "MARIE.DUPONT@ACME.FR is already an extranet user's login.", clash),
                refusal(6, "DUPLICATE", "JEANNE@acme.fr is already an extranet user's login.", twin),
            ],
        }
    }
    assert await versions(graphql) == [
        ("Déjà", 1, 0),
        ("Dupont", 1, 0),
        ("Homonyme", 1, 0),
        ("Jumelle", 1, 0),
        ("Martin", 1, 0),
        ("Parti", 1, 0),
        ("Sans", 1, 0),
    ]


async def _set_link_email(db: Database, person: Contact, email: str) -> None:
    async with db.begin() as session:
        await session.execute(
            update(ContactLink).where(ContactLink.contact_id == person.id).values(email=email)
        )


async def test_creating_users_twice_refuses_each_contact_the_second_time(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    marie = await factories.contact(db, "Dupont", at=acme, email="marie@acme.fr")
    await graphql(USERS, {"input": every(marie)})
    before = await factories.database_state(db)

    again = await graphql(USERS, {"input": every(marie)})

    assert again.data == {
        "createExtranetUsers": {
            "created": [],
            "userErrors": [refusal(0, "ALREADY_EXISTS", "The contact already has an extranet user.", marie)],
        }
    }
    assert await factories.database_state(db) == before


async def test_by_filter_a_refusal_points_at_the_filter(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Zola", at=acme, email="zola@acme.fr")
    second = await factories.contact(db, "Adam", at=acme)

    result = await graphql(USERS, {"input": {"selection": {"filter": {}}}})

    assert result.data["createExtranetUsers"]["created"][0]["login"] == "zola@acme.fr"  # type: ignore[index]
    assert result.data["createExtranetUsers"]["userErrors"] == [  # type: ignore[index]
        {
            "field": ["input", "selection", "filter"],
            "message": "Neither the contact's primary link nor the contact has an e-mail.",
            "code": "MISSING_EMAIL",
            "contactId": gid("Contact", second.id),
        }
    ]


async def test_collaborators_get_a_generated_code_and_their_primary_organisation(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    marie = await factories.contact(db, "Dupont", at=acme)
    paul = await factories.contact(db, "Martin", at=supplier)
    await factories.link(db, paul, acme)
    gone = await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED)
    has = await factories.contact(db, "Déjà", at=acme)
    await collaborator(db, has, acme)

    result = await graphql(COLLABORATORS, {"input": every(paul, marie, gone, has)})
    again = await graphql(COLLABORATORS, {"input": every(marie)})

    assert result.data == {
        "createExternalCollaborators": {
            "created": [
                {
                    "code": f"EXT-{paul.id:06d}",
                    "active": True,
                    "contact": {"lastName": "Martin"},
                    "organization": {"code": "SUP"},
                },
                {
                    "code": f"EXT-{marie.id:06d}",
                    "active": True,
                    "contact": {"lastName": "Dupont"},
                    "organization": {"code": "ACME"},
                },
            ],
            "userErrors": [
                refusal(2, "NOT_ALLOWED", "The contact has disappeared: it gets no account.", gone),
                refusal(3, "ALREADY_EXISTS", "The contact already has an external collaborator.", has),
            ],
        }
    }
    assert again.data["createExternalCollaborators"]["userErrors"] == [  # type: ignore[index]
        refusal(0, "ALREADY_EXISTS", "The contact already has an external collaborator.", marie)
    ]
    assert [row[1:] for row in await versions(graphql)] == [(1, 0)] * 4


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
