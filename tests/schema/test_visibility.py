"""Rule 7: the portal never meets a contact hidden from the CRM or disappeared, whatever the path."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ContactStatus, ExternalCollaborator, ExtranetUser
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import NOW, GraphQL

EVERY_PATH = """
query ($contacts: [ID!]!, $client: ID!, $site: ID!, $affair: ID!, $target: ID!, $event: ID!, $accounts: [ID!]!) {
  contacts { totalCount edges { node { lastName } } }
  nodes(ids: $contacts) { id }
  accounts: nodes(ids: $accounts) { id }
  client: node(id: $client) { ... on Client {
    contacts { totalCount edges { node { lastName } } }
    interlocutors { contact { lastName } }
  } }
  site: node(id: $site) { ... on Site { contacts { totalCount edges { node { lastName } } } } }
  affair: node(id: $affair) { ... on Affair { contacts { totalCount edges { node { lastName } } } } }
  target: node(id: $target) { ... on Target { contacts { totalCount edges { node { lastName } } } } }
  event: node(id: $event) { ... on Event { participants { totalCount edges { node { contact { lastName } } } } } }
}
"""


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    """Three contacts everywhere: one visible, one hidden from the CRM, one disappeared."""
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    affair = await factories.affair(db, acme)
    target = await factories.target(db)
    event = await factories.event(db)
    await factories.interlocutor_type(db)
    people = [
        await factories.contact(db, "Visible", at=acme),
        await factories.contact(db, "Caché", at=acme, hidden_from_crm=True),
        await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED),
    ]
    accounts = []
    async with db.begin() as session:
        for index, person in enumerate(people):
            session.add_all(
                [
                    ExtranetUser(
                        contact_id=person.id,
                        organization_id=acme.id,
                        login=f"u{index}@acme.fr",
                        login_key=f"u{index}@acme.fr",
                        email=f"u{index}@acme.fr",
                        created_at=NOW,
                    ),
                    ExternalCollaborator(
                        contact_id=person.id, organization_id=acme.id, code=f"EXT{index}", created_at=NOW
                    ),
                ]
            )
    for person in people:
        link = await factories.primary_link(db, person)
        await factories.attach_sites(db, link, paris)
        await factories.give_types(db, link, "DEC")
        await factories.member(db, person, of_affair=affair, of_target=target)
        await factories.participate(db, person, event)
    for index in range(3):
        accounts += [to_global_id("ExtranetUser", index + 1), to_global_id("ExternalCollaborator", index + 1)]
    return {
        "contacts": [to_global_id("Contact", person.id) for person in people],
        "client": to_global_id("Client", acme.id),
        "site": to_global_id("Site", paris.id),
        "affair": to_global_id("Affair", affair.id),
        "target": to_global_id("Target", target.id),
        "event": to_global_id("Event", event.id),
        "accounts": accounts,
    }


def _list(*names: str) -> dict[str, Any]:
    return {"totalCount": len(names), "edges": [{"node": {"lastName": name}} for name in names]}


async def test_the_portal_sees_only_the_visible_contact_on_every_path(
    world: dict[str, Any], graphql: GraphQL
) -> None:
    result = await graphql(EVERY_PATH, world, role=Role.PORTAL)

    assert result.errors is None
    assert result.data == {
        "contacts": _list("Visible"),
        "nodes": [{"id": world["contacts"][0]}, None, None],
        "accounts": [{"id": world["accounts"][0]}, {"id": world["accounts"][1]}, None, None, None, None],
        "client": {"contacts": _list("Visible"), "interlocutors": [{"contact": {"lastName": "Visible"}}]},
        "site": {"contacts": _list("Visible")},
        "affair": {"contacts": _list("Visible")},
        "target": {"contacts": _list("Visible")},
        "event": {
            "participants": {"totalCount": 1, "edges": [{"node": {"contact": {"lastName": "Visible"}}}]}
        },
    }


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
async def test_staff_see_every_contact_on_every_path(
    world: dict[str, Any], graphql: GraphQL, role: Role
) -> None:
    result = await graphql(EVERY_PATH, world, role=role)

    everyone = _list("Caché", "Parti", "Visible")
    assert result.errors is None
    assert result.data is not None
    assert result.data["contacts"] == everyone
    assert result.data["nodes"] == [{"id": contact_id} for contact_id in world["contacts"]]
    assert result.data["accounts"] == [{"id": account} for account in world["accounts"]]
    assert result.data["site"] == {"contacts": everyone}
    assert result.data["event"]["participants"]["totalCount"] == 3


async def test_the_portal_may_not_read_history(world: dict[str, Any], graphql: GraphQL) -> None:
    query = "query ($id: ID!) { node(id: $id) { ... on Contact { lastName history { totalCount } } } }"

    result = await graphql(query, {"id": world["contacts"][0]}, role=Role.PORTAL)

    # The refusal nulls `history` alone (it is nullable for that), not the contact around it.
    assert result.data == {"node": {"lastName": "Visible", "history": None}}
    assert [(error.message, error.extensions, error.path) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"}, ["node", "history"])
    ]
