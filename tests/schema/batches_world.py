"""What the batch tests share: the batch mutations, a contact's card and history as they read them,
and the world (Acme with two sites, Globex with one, a supplier, three contacts)."""

from typing import Any

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

ASSOCIATE = """
mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { field message code contactId } }
}
"""
DISSOCIATE = ASSOCIATE.replace("associateContacts", "dissociateContacts")
CARD = """
query ($id: ID!) {
  node(id: $id) { ... on Contact {
    version
    links { organization { code } isPrimary sites { code } }
    affairs { code }
    targets { name }
    events { event { name } status }
  } }
}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def ids(*people: Any) -> dict[str, list[str]]:
    return {"ids": [gid("Contact", person.id) for person in people]}


async def card(graphql: GraphQL, person: Any) -> dict[str, Any]:
    result = await graphql(CARD, {"id": gid("Contact", person.id)})
    assert result.errors is None
    return result.data["node"]  # type: ignore[index, no-any-return]


async def history(graphql: GraphQL, person: Any) -> list[dict[str, Any]]:
    """The contact's history entries, newest first."""
    result = await graphql(HISTORY, {"id": gid("Contact", person.id)})
    assert result.errors is None
    return [edge["node"] for edge in result.data["node"]["history"]["edges"]]  # type: ignore[index]


def entry(operation: str, *changes: tuple[str, str | None, str | None, str | None]) -> dict[str, Any]:
    """A history entry as the API shows it: (field, organisation code, before, after) per change."""
    return {
        "actor": "staff",
        "operation": operation,
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {
                "field": field,
                "organization": {"code": code} if code else None,
                "before": before,
                "after": after,
            }
            for field, code, before, after in changes
        ],
    }


def id_text(type_name: str, *rows: Any) -> str:
    return ",".join(sorted(gid(type_name, row.id) for row in rows))


async def batches_world(db: Database) -> dict[str, Any]:
    """Acme with two sites, Globex with one, a supplier; and three contacts."""
    acme = await factories.client(db, code="ACME", name="Acme")
    globex = await factories.client(db, code="GLOBEX", name="Globex")
    supplier = await factories.supplier(db, code="SUP", name="Fournitures Martin")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris")
    lyon = await factories.site(db, acme, code="ACME-LYO", name="Lyon")
    berlin = await factories.site(db, globex, code="GLX-BER", name="Berlin")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme)
    paul = await factories.contact(db, "Martin", "Paul", at=supplier)
    jeanne = await factories.contact(db, "Petit", "Jeanne", at=acme)
    await factories.attach_sites(db, await factories.primary_link(db, jeanne), paris)
    return {
        "acme": acme,
        "globex": globex,
        "supplier": supplier,
        "paris": paris,
        "lyon": lyon,
        "berlin": berlin,
        "marie": marie,
        "paul": paul,
        "jeanne": jeanne,
    }


def associate_input(w: dict[str, Any], selection: dict[str, Any], *sites: str) -> dict[str, Any]:
    return {
        "input": {
            "selection": selection,
            "clientId": gid("Client", w["acme"].id),
            "siteIds": [gid("Site", w[site].id) for site in sites],
        }
    }


MEMBERSHIP = """
mutation ($input: {input}!) {{ {name}(input: $input) {{ affectedCount userErrors {{ field message code contactId }} }} }}
"""


def membership(name: str, input_type: str) -> str:
    return MEMBERSHIP.format(name=name, input=input_type)


ATTACH = membership("attachContactsToAffair", "AffairContactsInput")
DETACH = membership("detachContactsFromAffair", "AffairContactsInput")
ADD_TARGET = membership("addContactsToTarget", "TargetContactsInput")
REMOVE_TARGET = membership("removeContactsFromTarget", "TargetContactsInput")
ADD_EVENT = membership("associateContactsToEvent", "EventContactsInput")
REMOVE_EVENT = membership("removeContactsFromEvent", "RemoveEventContactsInput")
