"""What the lifecycle tests share: the lifecycle mutations and the card they return, a contact's
history, accounts given directly in the database, and the newest change of a contact."""

from typing import Any

from db.engine import Database
from db.models import (
    ExternalCollaborator,
    ExtranetUser,
)
from resolvers.global_ids import to_global_id
from tests.conftest import NOW, GraphQL

CARD = """
  id version status disappearedOn disappearanceReason lastFollowUpOn
  extranetUser { active } externalCollaborator { active }
"""
QUICK = """
mutation ($input: QuickCreateContactInput!) {
  quickCreateContact(input: $input) {
    contact {
      civility lastName firstName displayName email phone mobile notes hiddenFromCrm lastFollowUpOn
      status version createdAt updatedAt
      links { organization { code } isPrimary function email phone sites { code } }
      affairs { code }
    }
    userErrors { field code contactId }
  }
}
"""
FOLLOW_UP = f"""
mutation ($input: MarkContactFollowedUpInput!) {{
  markContactFollowedUp(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
DISAPPEAR = f"""
mutation ($input: DeclareContactDisappearedInput!) {{
  declareContactDisappeared(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
REINSTATE = f"""
mutation ($input: ReinstateContactInput!) {{
  reinstateContact(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { totalCount edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def give_accounts(db: Database, person: Any, organization: Any) -> None:
    """An active extranet user and external collaborator for `person` (made by a later issue)."""
    async with db.begin() as session:
        session.add_all(
            [
                ExtranetUser(
                    contact_id=person.id,
                    organization_id=organization.id,
                    login="marie@acme.fr",
                    login_key="marie@acme.fr",
                    email="marie@acme.fr",
                    created_at=NOW,
                ),
                ExternalCollaborator(
                    contact_id=person.id, organization_id=organization.id, code="EXT-1", created_at=NOW
                ),
            ]
        )


async def newest_change(graphql: GraphQL, contact_id: str) -> dict[str, Any]:
    result = await graphql(HISTORY, {"id": contact_id})
    history = result.data["node"]["history"]  # type: ignore[index]
    return {"count": history["totalCount"], **history["edges"][0]["node"]}
