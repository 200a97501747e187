"""What the account tests share (rule 15): the account mutations, a selection of contacts, the
refusal each contact gets, accounts made directly in the database, and each contact's version and
history size (an account never touches them)."""

from typing import Any

from db.engine import Database
from db.models import Contact, ExternalCollaborator, ExtranetUser, Organization
from resolvers.global_ids import to_global_id
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
