"""What the link mutation tests share: the mutations and the link as they read it, Marie Dupont's
world (Acme, a supplier, a bank, sites, interlocutor types) and the newest history entry."""

from typing import Any

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

LINK_SHOWN = """
  isPrimary organization { code } function department email phone mobile fax extension leftOn active
  sites { code } receivesInvoices receivesInvoicesAllSites receivesReminders receivesRemindersAllSites
  interlocutorTypes { code }
"""
PAYLOAD = f"contact {{ version links {{ {LINK_SHOWN} }} }} userErrors {{ field code contactId }}"
LINK = f"mutation ($input: LinkContactInput!) {{ linkContact(input: $input) {{ {PAYLOAD} }} }}"
UPDATE_LINK = (
    f"mutation ($input: UpdateContactLinkInput!) {{ updateContactLink(input: $input) {{ {PAYLOAD} }} }}"
)
UNLINK = f"mutation ($input: UnlinkContactInput!) {{ unlinkContact(input: $input) {{ {PAYLOAD} }} }}"
NEWEST_CHANGE = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history(first: 1) { totalCount edges { node {
    actor operation changes { field organization { code } before after } } } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def bare_link(code: str, *, primary: bool = False, **shown: Any) -> dict[str, Any]:
    """A link as LINK_SHOWN reads it, with nothing set but what is given."""
    link: dict[str, Any] = {
        "isPrimary": primary,
        "organization": {"code": code},
        "function": None,
        "department": None,
        "email": None,
        "phone": None,
        "mobile": None,
        "fax": None,
        "extension": None,
        "leftOn": None,
        "active": True,
        "sites": [],
        "receivesInvoices": False,
        "receivesInvoicesAllSites": False,
        "receivesReminders": False,
        "receivesRemindersAllSites": False,
        "interlocutorTypes": [],
    }
    return {**link, **shown}


async def links_world(db: Database) -> dict[str, Any]:
    """Marie Dupont, at Acme (primary, with a site); a supplier, a bank, Acme's sites, two types."""
    acme = await factories.client(db, code="ACME", name="Acme")
    beta = await factories.client(db, code="BETA", name="Beta")
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    await factories.interlocutor_type(db, code="OLD", label="Ancien", archived=True)
    marie = await factories.contact(db, "Dupont", "Marie", at=acme, function="DAF")
    return {
        "marie": marie,
        "marie_id": gid("Contact", marie.id),
        "acme": acme,
        "beta": beta,
        "supplier": await factories.supplier(db, code="SUP", name="Fournitures Martin"),
        "bank": await factories.third_party(db, code="BANK", name="Banque Populaire"),
        "paris": await factories.site(db, acme, code="ACME-PAR", name="Paris"),
        "lyon": await factories.site(db, acme, code="ACME-LYO", name="Lyon"),
        "beta_site": await factories.site(db, beta, code="BETA-NAN", name="Nantes"),
    }


async def newest_change(graphql: GraphQL, contact_id: str) -> dict[str, Any]:
    result = await graphql(NEWEST_CHANGE, {"id": contact_id})
    history = result.data["node"]["history"]  # type: ignore[index]
    return {"count": history["totalCount"], **history["edges"][0]["node"]}
