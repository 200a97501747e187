"""What the normalizeContacts tests share: the mutation, the styles, the carelessly typed contacts
and the changes expected of them."""

from typing import Any

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories

NORMALIZE = """
mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) {
    changes { contact { id } organization { code } field before after }
    changedCount applied
    userErrors { field message code contactId }
  }
}
"""
STYLES = {"lastName": {"style": "TITLE"}, "firstName": {"style": "TITLE"}, "function": {"style": "SENTENCE"}}


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def change(
    person: Any, field: str, before: str | None, after: str | None, code: str | None = None
) -> dict[str, Any]:
    return {
        "contact": {"id": gid("Contact", person.id)},
        "organization": {"code": code} if code else None,
        "field": field,
        "before": before,
        "after": after,
    }


def every(*people: Any) -> dict[str, Any]:
    return {"ids": [gid("Contact", person.id) for person in people]}


def expected_changes(p: dict[str, Any]) -> list[dict[str, Any]]:
    """By contact in the lists' order (the keys as they stand), then lastName, firstName, function."""
    return [
        change(p["dupont"], "lastName", "  de la FONTAINE ", "de La Fontaine"),
        change(p["dupont"], "firstName", "marie", "Marie"),
        change(p["dupont"], "function", "directeur financier", "Directeur financier", "ACME"),
        change(p["goff"], "lastName", "LE GOFF", "Le Goff"),
        change(p["goff"], "firstName", "jean-PIERRE", "Jean-Pierre"),
        change(p["goff"], "function", "responsable  achats", "Responsable achats", "ACME"),
    ]


async def careless_people(db: Database) -> dict[str, Any]:
    """Three contacts typed carelessly, one already uniform; Le Goff has two links."""
    acme = await factories.client(db, code="ACME", name="Acme")
    supplier = await factories.supplier(db, code="SUP")
    zola = await factories.contact(db, "Zola", "Émile", at=acme, function="Écrivain")
    goff = await factories.contact(db, "LE GOFF", "jean-PIERRE", at=supplier, function="DAF")
    await factories.link(db, goff, acme, function="responsable  achats")
    dupont = await factories.contact(
        db, "  de la FONTAINE ", "marie", at=acme, function="directeur financier"
    )
    return {"acme": acme, "supplier": supplier, "zola": zola, "goff": goff, "dupont": dupont}
