"""Every object has an id readable through `node`, and typed look-ups narrow `node` to one type.

What a normalising cache needs: links, participations, history entries and interlocutor types
are nodes like the rest (rule 7 applies to them), and `contact(id:)` & co. answer null, with no
error, for an id of another type or one the caller may not see.
"""

from typing import Any

import pytest

from db.models import ContactStatus, ParticipationStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

IDS = """
query ($id: ID!) {
  contact(id: $id) {
    links { id organization { id } }
    events { id status }
    history { nodes { id operation } }
    primaryLink { interlocutorTypes { id code } }
  }
}
"""

AS_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    __typename
    ... on ContactLink { function contact { lastName } }
    ... on EventParticipation { status contact { lastName } event { name } }
    ... on ContactChange { operation }
    ... on InterlocutorType { code label }
  }
}
"""


@pytest.fixture
async def world(db: Any, graphql: GraphQL) -> dict[str, Any]:
    """A visible contact and a hidden one, each linked, typed, at an event, with one change."""
    acme = await factories.client(db)
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    event = await factories.event(db, name="Salon")
    people = {
        "visible": await factories.contact(db, "Visible", at=acme, function="DAF"),
        "hidden": await factories.contact(db, "Caché", at=acme, function="DSI", hidden_from_crm=True),
    }
    ids: dict[str, Any] = {"acme": acme, "event": event}
    for name, person in people.items():
        link = await factories.primary_link(db, person)
        await factories.give_types(db, link, "DEC")
        await factories.participate(db, person, event, ParticipationStatus.REGISTERED)
        edit = 'mutation ($id: ID!) { updateContact(input: {id: $id, notes: "vu"}) { userErrors { code } } }'
        done = await graphql(edit, {"id": to_global_id("Contact", person.id)})
        assert done.data == {"updateContact": {"userErrors": []}}
        ids[name] = {
            "contact": to_global_id("Contact", person.id),
            "link": to_global_id("ContactLink", link.id),
            "participation": to_global_id("EventParticipation", event.id, person.id),
        }
    return ids


async def test_links_participations_changes_and_types_have_ids(
    world: dict[str, Any], graphql: GraphQL
) -> None:
    result = await graphql(IDS, {"id": world["visible"]["contact"]})

    assert result.errors is None
    assert result.data == {
        "contact": {
            "links": [
                {
                    "id": world["visible"]["link"],
                    "organization": {"id": to_global_id("Client", world["acme"].id)},
                }
            ],
            "events": [{"id": world["visible"]["participation"], "status": "REGISTERED"}],
            "history": {"nodes": [{"id": to_global_id("ContactChange", 1), "operation": "updateContact"}]},
            "primaryLink": {
                "interlocutorTypes": [{"id": to_global_id("InterlocutorType", "DEC"), "code": "DEC"}]
            },
        }
    }


async def test_staff_read_each_of_them_back_through_nodes(world: dict[str, Any], graphql: GraphQL) -> None:
    ids = [
        world["visible"]["link"],
        world["hidden"]["participation"],
        to_global_id("ContactChange", 2),
        to_global_id("InterlocutorType", "DEC"),
    ]

    result = await graphql(AS_NODES, {"ids": ids})

    assert result.errors is None
    assert result.data == {
        "nodes": [
            {
                "id": ids[0],
                "__typename": "ContactLink",
                "function": "DAF",
                "contact": {"lastName": "Visible"},
            },
            {
                "id": ids[1],
                "__typename": "EventParticipation",
                "status": "REGISTERED",
                "contact": {"lastName": "Caché"},
                "event": {"name": "Salon"},
            },
            {"id": ids[2], "__typename": "ContactChange", "operation": "updateContact"},
            {"id": ids[3], "__typename": "InterlocutorType", "code": "DEC", "label": "Décideur"},
        ]
    }


async def test_the_portal_never_sees_what_points_to_a_hidden_or_disappeared_contact(
    db: Any, world: dict[str, Any], graphql: GraphQL
) -> None:
    gone = await factories.contact(db, "Parti", at=world["acme"], status=ContactStatus.DISAPPEARED)
    gone_link = await factories.primary_link(db, gone)
    await factories.participate(db, gone, world["event"])
    ids = [
        world["visible"]["link"],
        world["visible"]["participation"],
        world["hidden"]["link"],
        world["hidden"]["participation"],
        to_global_id("ContactLink", gone_link.id),
        to_global_id("EventParticipation", world["event"].id, gone.id),
        to_global_id("ContactChange", 1),  # history is staff's alone, even of a visible contact
        to_global_id("InterlocutorType", "DEC"),
    ]

    result = await graphql(AS_NODES, {"ids": ids}, role=Role.PORTAL)

    assert result.errors is None
    assert result.data is not None
    assert [node["id"] if node else None for node in result.data["nodes"]] == [
        ids[0],
        ids[1],
        None,
        None,
        None,
        None,
        None,
        ids[7],
    ]


LOOKUPS = """
query ($id: ID!) {
  contact(id: $id) { id }
  organization(id: $id) { id kind }
  client(id: $id) { id }
  supplier(id: $id) { id }
  thirdParty(id: $id) { id }
  site(id: $id) { id }
  affair(id: $id) { id }
  target(id: $id) { id }
  event(id: $id) { id }
}
"""
EMPTY = dict.fromkeys(
    ("contact", "organization", "client", "supplier", "thirdParty", "site", "affair", "target", "event")
)


async def test_each_typed_look_up_answers_its_own_type_and_null_for_the_others(
    db: Any, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    objects = {
        "contact": to_global_id("Contact", (await factories.contact(db, "Dupont", at=acme)).id),
        "client": to_global_id("Client", acme.id),
        "supplier": to_global_id("Supplier", (await factories.supplier(db)).id),
        "thirdParty": to_global_id("ThirdParty", (await factories.third_party(db)).id),
        "site": to_global_id("Site", (await factories.site(db, acme)).id),
        "affair": to_global_id("Affair", (await factories.affair(db, acme)).id),
        "target": to_global_id("Target", (await factories.target(db)).id),
        "event": to_global_id("Event", (await factories.event(db)).id),
    }
    kinds = {"client": "CLIENT", "supplier": "SUPPLIER", "thirdParty": "THIRD_PARTY"}

    for field, global_id in objects.items():
        result = await graphql(LOOKUPS, {"id": global_id})

        expected: dict[str, Any] = {**EMPTY, field: {"id": global_id}}
        if field in kinds:
            expected["organization"] = {"id": global_id, "kind": kinds[field]}
        assert result.errors is None, field
        assert result.data == expected, field


@pytest.mark.parametrize(
    "global_id",
    [
        to_global_id("Contact", 999),
        to_global_id("Client", 1),  # the contact's key, under another type's name
        to_global_id("Contact", 10**30),
        "not an id",
        to_global_id("Nothing", 1),
        to_global_id("Contact", "x\x00"),
        "",
    ],
)
async def test_a_look_up_of_an_unknown_foreign_or_forged_id_is_null_without_error(
    db: Any, graphql: GraphQL, global_id: str
) -> None:
    await factories.contact(db, "Dupont", at=await factories.supplier(db))

    result = await graphql(LOOKUPS, {"id": global_id})

    assert result.errors is None
    assert result.data == EMPTY


async def test_a_look_up_of_an_id_holding_a_lone_surrogate_is_bad_user_input(
    db: Any, graphql: GraphQL
) -> None:
    """Text neither engine could store is refused where it enters, in every argument (rule 17)."""
    await factories.contact(db, "Dupont", at=await factories.supplier(db))

    result = await graphql(LOOKUPS, {"id": "Q29udGFjdDox\udc00"})

    assert result.data is None
    assert [error.extensions for error in result.errors or []] == [{"code": "BAD_USER_INPUT"}]


async def test_the_portal_looks_up_a_hidden_contact_as_null(db: Any, graphql: GraphQL) -> None:
    hidden = await factories.contact(db, "Caché", at=await factories.client(db), hidden_from_crm=True)
    query = "query ($id: ID!) { contact(id: $id) { id } node(id: $id) { id } }"

    portal = await graphql(query, {"id": to_global_id("Contact", hidden.id)}, role=Role.PORTAL)
    staff = await graphql(query, {"id": to_global_id("Contact", hidden.id)})

    assert (portal.errors, portal.data) == (None, {"contact": None, "node": None})
    assert staff.data == {
        "contact": {"id": to_global_id("Contact", hidden.id)},
        "node": {"id": to_global_id("Contact", hidden.id)},
    }
