"""The read side of the card: every relation of a contact, through the schema."""

from db.models import Civility, ParticipationStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

CARD = """
query ($id: ID!) {
  node(id: $id) {
    ... on Contact {
      id displayName lastName firstName civility status version
      socialProfiles { network url generated }
      primaryLink { organization { id kind code name ... on Client { status } } function active
                    sites { code client { code } } interlocutorTypes { code label archived } }
      links { isPrimary organization { code } }
      affairs { code client { code } }
      targets { name }
      events { status event { name startsOn } }
      extranetUser { login }
    }
  }
}
"""


async def test_a_contact_reads_with_every_relation(db, graphql: GraphQL) -> None:
    acme = await factories.client(db, code="ACME", name="Acme Industrie")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris")
    bank = await factories.third_party(db)
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme, civility=Civility.MRS, function="DAF")
    primary = await factories.primary_link(db, marie)
    await factories.attach_sites(db, primary, paris)
    await factories.give_types(db, primary, "DEC")
    await factories.link(db, marie, bank)
    migration = await factories.affair(db, acme, code="AFF-1")
    salon = await factories.target(db, name="Salon 2027")
    breakfast = await factories.event(db)
    await factories.member(db, marie, of_affair=migration, of_target=salon)
    await factories.participate(db, marie, breakfast, ParticipationStatus.REGISTERED)

    result = await graphql(CARD, {"id": to_global_id("Contact", marie.id)})

    assert result.errors is None
    assert result.data == {
        "node": {
            "id": to_global_id("Contact", marie.id),
            "displayName": "Mme Marie DUPONT",
            "lastName": "Dupont",
            "firstName": "Marie",
            "civility": "MRS",
            "status": "ACTIVE",
            "version": 1,
            "socialProfiles": [
                {
                    "network": "LINKEDIN",
                    "url": "https://www.linkedin.com/search/results/people/?keywords=Marie%20Dupont%20Acme%20Industrie",
                    "generated": True,
                }
            ],
            "primaryLink": {
                "organization": {
                    "id": to_global_id("Client", acme.id),
                    "kind": "CLIENT",
                    "code": "ACME",
                    "name": "Acme Industrie",
                    "status": "CLIENT",
                },
                "function": "DAF",
                "active": True,
                "sites": [{"code": "ACME-PAR", "client": {"code": "ACME"}}],
                "interlocutorTypes": [{"code": "DEC", "label": "Décideur", "archived": False}],
            },
            "links": [
                {"isPrimary": True, "organization": {"code": "ACME"}},
                {"isPrimary": False, "organization": {"code": "BANK"}},
            ],
            "affairs": [{"code": "AFF-1", "client": {"code": "ACME"}}],
            "targets": [{"name": "Salon 2027"}],
            "events": [
                {"status": "REGISTERED", "event": {"name": "Petit-déjeuner DSI", "startsOn": "2026-12-03"}}
            ],
            "extranetUser": None,
        }
    }


async def test_node_is_null_for_every_kind_of_bad_id(db, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Dupont", at=acme)
    ids = [
        "not-base64!",
        to_global_id("Contact", 999),
        to_global_id("Supplier", acme.id),
        to_global_id("Nothing", 1),
        "Q29udGFjdDphYmM=",  # Contact:abc
        "",
    ]

    result = await graphql("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})

    assert result.errors is None
    assert result.data == {"nodes": [None] * 6}


async def test_the_portal_sees_no_hidden_contact_through_any_read(db, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Visible", at=acme)
    hidden = await factories.contact(db, "Caché", at=acme, hidden_from_crm=True)
    query = """query ($id: ID!, $org: ID!) {
      node(id: $id) { id }
      contacts { totalCount edges { node { lastName } } }
      org: node(id: $org) { ... on Client { contacts { totalCount edges { node { lastName } } } } }
    }"""
    variables = {"id": to_global_id("Contact", hidden.id), "org": to_global_id("Client", acme.id)}

    portal = await graphql(query, variables, role=Role.PORTAL)
    staff = await graphql(query, variables, role=Role.STAFF)

    assert portal.errors is None
    assert portal.data == {
        "node": None,
        "contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Visible"}}]},
        "org": {"contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Visible"}}]}},
    }
    assert staff.data is not None
    assert staff.data["contacts"]["totalCount"] == 2
