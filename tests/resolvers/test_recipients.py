"""resolve_recipients on its own: "today" is the caller's, the reasons, and what is not found."""

from datetime import date

import pytest

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role
from resolvers.errors import ErrorCode, NotFound
from resolvers.recipients import DocumentKind, RecipientReason, resolve_recipients
from tests import factories
from tests.conftest import viewer

TODAY = date(2026, 11, 28)


async def found(
    db: Database,
    client_id: int,
    *,
    site_id: int | None = None,
    document: DocumentKind = DocumentKind.INVOICE,
    today: date = TODAY,
    role: Role = Role.STAFF,
) -> list[tuple[str, str | None, RecipientReason]]:
    async with db.read() as session:
        rows = await resolve_recipients(
            session, viewer(role), client_id=client_id, site_id=site_id, document=document, today=today
        )
    return [(row.contact.last_name, row.email, row.reason) for row in rows]


async def test_today_is_what_the_caller_says_never_the_database_clock(db: Database) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Ancien", at=acme, receives_invoices_all_sites=True, left_on=date(2000, 1, 1))

    assert await found(db, acme.id, today=date(1999, 12, 31)) == [("Ancien", None, RecipientReason.ALL_SITES)]
    assert await found(db, acme.id, today=date(2000, 1, 1)) == []


async def test_the_all_sites_flag_wins_and_the_links_email_wins(db: Database) -> None:
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    both = await factories.contact(
        db,
        "Martin",
        at=acme,
        email="paul@gmail.com",
        receives_reminders=True,
        receives_reminders_all_sites=True,
    )
    await factories.attach_sites(db, await factories.primary_link(db, both), paris)
    bank = await factories.third_party(db)
    await factories.link(db, both, bank, email="paul@banque.fr")  # another organisation's e-mail: not used

    assert await found(db, acme.id, site_id=paris.id, document=DocumentKind.REMINDER) == [
        ("Martin", "paul@gmail.com", RecipientReason.ALL_SITES)
    ]
    assert await found(db, acme.id, site_id=paris.id, document=DocumentKind.INVOICE) == []


async def test_the_rows_are_the_contact_and_its_link_to_that_client(db: Database) -> None:
    acme = await factories.client(db)
    marie = await factories.contact(db, "Dupont", at=acme, receives_invoices_all_sites=True, function="DAF")

    async with db.read() as session:
        [recipient] = await resolve_recipients(
            session, viewer(), client_id=acme.id, site_id=None, document=DocumentKind.INVOICE, today=TODAY
        )

    assert (recipient.contact.id, recipient.link.contact_id, recipient.link.organization_id) == (
        marie.id,
        marie.id,
        acme.id,
    )
    assert recipient.link.function == "DAF"


async def test_a_portal_viewer_would_meet_no_hidden_contact(db: Database) -> None:
    """The schema keeps the portal out; should a path ever let it in, rule 7 still holds here."""
    acme = await factories.client(db)
    await factories.contact(db, "Caché", at=acme, hidden_from_crm=True, receives_invoices_all_sites=True)
    await factories.contact(db, "Visible", at=acme, receives_invoices_all_sites=True)
    await factories.contact(
        db, "Parti", at=acme, status=ContactStatus.DISAPPEARED, receives_invoices_all_sites=True
    )

    assert [name for name, *_ in await found(db, acme.id, role=Role.PORTAL)] == ["Visible"]
    assert [name for name, *_ in await found(db, acme.id)] == ["Caché", "Visible"]


@pytest.mark.parametrize(
    ("which", "path"),
    [("unknown client", ("clientId",)), ("supplier", ("clientId",)), ("foreign site", ("siteId",))],
)
async def test_what_cannot_be_found_is_named(db: Database, which: str, path: tuple[str, ...]) -> None:
    acme = await factories.client(db)
    beta = await factories.client(db, code="BETA", name="Beta")
    foreign = await factories.site(db, beta)
    supplier = await factories.supplier(db)
    client_id, site_id = {
        "unknown client": (999_999, None),
        "supplier": (supplier.id, None),
        "foreign site": (acme.id, foreign.id),
    }[which]

    with pytest.raises(NotFound) as refused:
        await found(db, client_id, site_id=site_id)

    assert [(problem.code, problem.path) for problem in refused.value.problems] == [
        (ErrorCode.NOT_FOUND, path)
    ]
