"""Importing drafted cards (what `carnet demo-data` loads): cleaned by the card's field table,
recorded in history as `createContact` records a card, and all or nothing."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import Contact, ContactChange, ContactLink, ContactStatus, FieldChange, OrganizationKind
from resolvers import contact_edits
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_imports import ImportedCard, ImportedLink, import_cards
from resolvers.errors import DomainError, ErrorCode
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from tests import factories
from tests.conftest import NOW

TODAY = date(2026, 11, 28)
# As the demo drafts them: every field a new card starts with, given.
CARD = ContactEdit(
    last_name=" Dupont ",
    first_name="Marie",
    email="Marie@Example.COM",
    hidden_from_crm=False,
    status=ContactStatus.ACTIVE,
)
LINK = LinkEdit(
    function="DSI",
    phone="01 23 45 67 89",
    receives_invoices=True,
    receives_invoices_all_sites=False,
    receives_reminders=False,
    receives_reminders_all_sites=False,
)


def actor(operation: str) -> Actor:
    return Actor(subject="demo-data", operation=operation, now=NOW, today=TODAY)


async def fields_recorded(db: Database, contact_id: int) -> list[tuple[int | None, str, str | None]]:
    async with db.read() as session:
        rows = await session.execute(
            select(FieldChange.organization_id, FieldChange.field, FieldChange.after)
            .join(ContactChange, FieldChange.change_id == ContactChange.id)
            .where(ContactChange.contact_id == contact_id)
            .order_by(FieldChange.id)
        )
        return [tuple(row) for row in rows.all()]


async def test_an_imported_card_is_cleaned_and_reads_in_history_as_one_made_by_create_contact(
    db: Database,
) -> None:
    acme = await factories.client(db)
    lyon = await factories.site(db, acme)
    async with db.begin() as session:
        at_lyon = replace(LINK, site_ids=[lyon.id])
        [imported] = await import_cards(
            session, actor("demoData"), [ImportedCard(CARD, NOW, [ImportedLink(acme.id, at_lyon)])]
        )
        made = await contact_edits.create_contact(
            session,
            actor("createContact"),
            fields=CARD,
            link=NewLink(OrganizationRef(acme.id, OrganizationKind.CLIENT), at_lyon),
            affair_ids=[],
        )
        made_id = made.id

    async with db.read() as session:
        contact = await session.get_one(Contact, imported)
        link = (await session.scalars(select(ContactLink).where(ContactLink.contact_id == imported))).one()
    assert (contact.last_name, contact.email, contact.version) == ("Dupont", "Marie@example.com", 1)
    assert (link.phone, link.is_primary, link.receives_invoices) == ("+33123456789", True, True)
    assert await fields_recorded(db, imported) == await fields_recorded(db, made_id)


async def test_a_field_the_cleaner_refuses_refuses_the_whole_import_and_writes_nothing(db: Database) -> None:
    acme = await factories.client(db)
    good = ImportedCard(CARD, NOW, [ImportedLink(acme.id, LINK)])
    bad = ImportedCard(CARD, NOW, [ImportedLink(acme.id, replace(LINK, phone="+33262333697"))])
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await import_cards(session, actor("demoData"), [good, bad])

    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.INVALID, ("cards", "1", "links", "0", "phone"))
    ]
    assert await factories.database_state(db) == before
