"""Client.interlocutors (rule 6): a client's active interlocutors by type in name order; the portal
meets no hidden one and no one meets a disappeared one."""

from datetime import date
from typing import Any

import pytest

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.links_world import gid, links_world

INTERLOCUTORS = """
query ($id: ID!, $type: String) {
  node(id: $id) { ... on Client { interlocutors(typeCode: $type) {
    contact { lastName } organization { code } interlocutorTypes { code } } } }
}
"""


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await links_world(db)


async def test_a_client_lists_its_active_interlocutors_by_type_in_name_order(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme, beta = world["acme"], world["beta"]
    await factories.interlocutor_type(db, code="TEC", label="Technique")
    people = {
        "Zola": (acme, {}, ["DEC"]),
        "Érard": (acme, {}, ["DEC", "TEC"]),
        "Abel": (acme, {"left_on": date(2026, 11, 28)}, ["DEC"]),  # left today: no longer there
        "Bart": (acme, {"left_on": date(2026, 11, 29)}, ["TEC"]),  # leaves tomorrow: still there
        "Cohen": (acme, {}, []),
        "Dray": (beta, {}, ["DEC"]),
        "Morel": (acme, {}, ["OLD"]),  # an archived type stays on its links and still lists them
    }
    for name, (organization, columns, codes) in people.items():
        person = await factories.contact(db, name, at=organization, **columns)
        await factories.give_types(db, await factories.primary_link(db, person), *codes)
    client_id = gid("Client", acme.id)

    def names(result: Any) -> list[str]:
        return [link["contact"]["lastName"] for link in result.data["node"]["interlocutors"]]

    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "DEC"})) == ["Érard", "Zola"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "TEC"})) == ["Bart", "Érard"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "OLD"})) == ["Morel"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "NOPE"})) == []
    everyone = await graphql(INTERLOCUTORS, {"id": client_id})
    assert everyone.data["node"]["interlocutors"] == [  # type: ignore[index]
        {
            "contact": {"lastName": "Bart"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "TEC"}],
        },
        {
            "contact": {"lastName": "Érard"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "DEC"}, {"code": "TEC"}],
        },
        {
            "contact": {"lastName": "Morel"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "OLD"}],
        },
        {
            "contact": {"lastName": "Zola"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "DEC"}],
        },
    ]


async def test_the_portal_meets_no_hidden_interlocutor_and_no_one_meets_a_disappeared_one(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    # Rule 6: a disappeared contact is no longer anyone's interlocutor, staff's included.
    acme = world["acme"]
    for name, hidden, status in (
        ("Visible", False, ContactStatus.ACTIVE),
        ("Caché", True, ContactStatus.ACTIVE),
        ("Parti", False, ContactStatus.DISAPPEARED),
    ):
        person = await factories.contact(db, name, at=acme, hidden_from_crm=hidden, status=status)
        await factories.give_types(db, await factories.primary_link(db, person), "DEC")
    variables = {"id": gid("Client", acme.id), "type": "DEC"}

    portal = await graphql(INTERLOCUTORS, variables, role=Role.PORTAL)
    staff = await graphql(INTERLOCUTORS, variables)

    assert [link["contact"]["lastName"] for link in portal.data["node"]["interlocutors"]] == ["Visible"]  # type: ignore[index]
    assert [link["contact"]["lastName"] for link in staff.data["node"]["interlocutors"]] == [  # type: ignore[index]
        "Caché",
        "Visible",
    ]
