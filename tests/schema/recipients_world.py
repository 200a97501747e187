"""What the recipients tests share: the query, a contact linked with its flags and sites, Acme's
world where each person shows a case of rule 3, and the recipients read as tuples."""

from datetime import date
from typing import Any

from sqlalchemy import update

from db.engine import Database
from db.models import ContactLink, ContactStatus
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

RECIPIENTS = """
query ($client: ID!, $site: ID, $document: DocumentKind!) {
  recipients(clientId: $client, siteId: $site, document: $document) {
    contact { lastName firstName } email reason
  }
}
"""
# A screen that asks for recipients beside other things: a refusal must null recipients alone.
RECIPIENTS_BESIDE_VIEWER = """
query ($client: ID!, $site: ID, $document: DocumentKind!) {
  recipients(clientId: $client, siteId: $site, document: $document) { email }
  viewer { role }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def person(
    db: Database,
    client: Any,
    last: str,
    first: str | None = None,
    *sites: Any,
    email: str | None = None,
    link_email: str | None = None,
    status: ContactStatus = ContactStatus.ACTIVE,
    hidden_from_crm: bool = False,
    **link: Any,
) -> Any:
    """A contact linked (primary) to `client`, the link holding `sites`, `link_email` and `link`."""
    someone = await factories.contact(
        db, last, first, at=client, email=email, status=status, hidden_from_crm=hidden_from_crm, **link
    )
    primary = await factories.primary_link(db, someone)
    await factories.attach_sites(db, primary, *sites)
    if link_email is not None:
        async with db.begin() as session:
            await session.execute(
                update(ContactLink).where(ContactLink.id == primary.id).values(email=link_email)
            )
    return someone


async def recipients_world(db: Database) -> dict[str, Any]:
    """Acme and its sites Paris and Lyon; people each showing a case of the rule."""
    acme = await factories.client(db, code="ACME", name="Acme")
    beta = await factories.client(db, code="BETA", name="Beta")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris")
    lyon = await factories.site(db, acme, code="ACME-LYO", name="Lyon")
    invoices, all_sites = {"receives_invoices": True}, {"receives_invoices_all_sites": True}
    await person(
        db,
        acme,
        "Martin",
        "Paul",
        paris,
        email="paul@gmail.com",
        link_email="paul.martin@acme.fr",
        **invoices,
        receives_reminders=True,
    )
    await person(db, acme, "Dupont", "Marie", email="marie@gmail.com", **all_sites)
    await person(db, acme, "Bernard", "Luc", paris, **invoices, **all_sites)  # both flags: ALL_SITES
    # The same names once folded: the lower id first, where bytes would put "DUPONT" first.
    await person(db, acme, "Dupont", "Anne", paris, lyon, email="anne.1@acme.fr", **invoices)
    await person(db, acme, "DUPONT", "Anne", email="anne.2@acme.fr", **all_sites)
    await person(db, acme, "Durand", "Léa", lyon, email="lea@acme.fr", **invoices)
    await person(db, acme, "Écuyer", "Jean", left_on=date(2026, 11, 29), **all_sites)  # leaves tomorrow
    await person(db, acme, "Leroy", "Eve", left_on=date(2026, 11, 28), **all_sites)  # left today
    await person(db, acme, "Petit", "Rémi", status=ContactStatus.DISAPPEARED, **all_sites)
    await person(db, acme, "Caché", "Zoé", paris, email="zoe@acme.fr", hidden_from_crm=True, **invoices)
    await person(db, acme, "Simon", "Théo", email="theo@acme.fr", **invoices)  # the flag, no site
    await person(db, acme, "Vidal", "Ugo", paris)  # no flag
    await person(db, acme, "Roux", "Inès", receives_reminders_all_sites=True)
    await person(db, beta, "Blanc", "Noé", **all_sites, receives_reminders_all_sites=True)
    return {"acme": acme, "beta": beta, "paris": paris, "lyon": lyon}


async def recipients(
    graphql: GraphQL, world: dict[str, Any], site: str | None, document: str
) -> list[tuple[Any, ...]]:
    variables = {
        "client": gid("Client", world["acme"].id),
        "site": gid("Site", world[site].id) if site else None,
        "document": document,
    }
    result = await graphql(RECIPIENTS, variables)
    assert result.errors is None
    return [
        (row["contact"]["lastName"], row["contact"]["firstName"], row["email"], row["reason"])
        for row in result.data["recipients"]  # type: ignore[index]
    ]
