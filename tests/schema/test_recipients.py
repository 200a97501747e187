"""recipients (rule 3): who is sent a client's invoices or reminders, why, at which e-mail, in one query."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import update

from db.engine import Database
from db.models import ContactLink, ContactStatus
from resolvers.access import Role
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
EVERY_FIELD_READ_FROM_THE_ONE_STATEMENT = """
query ($client: ID!, $site: ID) {
  recipients(clientId: $client, siteId: $site, document: INVOICE) {
    contact { id lastName firstName displayName email status version hiddenFromCrm }
    link { isPrimary function email leftOn active receivesInvoices receivesInvoicesAllSites }
    email reason
  }
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


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
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


async def test_invoices_for_a_site_go_to_the_all_sites_flag_and_to_the_site_flag_on_that_site(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "paris", "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Caché", "Zoé", "zoe@acme.fr", "ATTACHED_SITE"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
    ]


async def test_another_site_has_its_own_attached_recipients(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "lyon", "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Durand", "Léa", "lea@acme.fr", "ATTACHED_SITE"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
    ]


async def test_without_a_site_either_flag_makes_a_recipient_and_names_the_reason(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, None, "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Caché", "Zoé", "zoe@acme.fr", "ATTACHED_SITE"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Durand", "Léa", "lea@acme.fr", "ATTACHED_SITE"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Simon", "Théo", "theo@acme.fr", "ATTACHED_SITE"),
    ]


async def test_reminders_follow_the_reminder_flags_only(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "paris", "REMINDER") == [
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Roux", "Inès", None, "ALL_SITES"),
    ]
    assert await recipients(graphql, world, "lyon", "REMINDER") == [("Roux", "Inès", None, "ALL_SITES")]
    assert await recipients(graphql, world, None, "REMINDER") == [
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Roux", "Inès", None, "ALL_SITES"),
    ]


async def test_a_client_nobody_receives_for_has_no_recipients(db: Database, graphql: GraphQL) -> None:
    quiet = await factories.client(db, code="QUIET", name="Quiet")
    site = await factories.site(db, quiet, code="Q-1")
    await person(db, quiet, "Vidal", "Ugo", site)

    result = await graphql(
        RECIPIENTS, {"client": gid("Client", quiet.id), "site": gid("Site", site.id), "document": "INVOICE"}
    )

    assert (result.errors, result.data) == (None, {"recipients": []})


@pytest.mark.parametrize(
    ("left_on", "receives"),
    [(date(2026, 11, 27), False), (date(2026, 11, 28), False), (date(2026, 11, 29), True), (None, True)],
)
async def test_a_link_that_ends_today_or_earlier_receives_nothing(
    db: Database, graphql: GraphQL, left_on: date | None, receives: bool
) -> None:
    acme = await factories.client(db)
    await person(db, acme, "Martin", receives_invoices_all_sites=True, left_on=left_on)

    result = await graphql(RECIPIENTS, {"client": gid("Client", acme.id), "document": "INVOICE"})

    assert len(result.data["recipients"]) == (1 if receives else 0)  # type: ignore[index]


async def test_today_is_the_day_in_paris(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    await person(db, acme, "Martin", receives_invoices_all_sites=True, left_on=date(2026, 11, 29))
    variables = {"client": gid("Client", acme.id), "document": "INVOICE"}

    evening = await graphql(RECIPIENTS, variables, now=datetime(2026, 11, 28, 22, 59, tzinfo=UTC))
    after_midnight = await graphql(RECIPIENTS, variables, now=datetime(2026, 11, 28, 23, 0, tzinfo=UTC))

    assert len(evening.data["recipients"]) == 1  # type: ignore[index]
    assert after_midnight.data == {"recipients": []}


async def test_a_contact_declared_disappeared_receives_nothing_until_reinstated(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    marie = await person(db, acme, "Dupont", "Marie", receives_invoices_all_sites=True)
    marie_id = gid("Contact", marie.id)
    variables = {"client": gid("Client", acme.id), "document": "INVOICE"}
    change = "mutation ($id: ID!) {{ {0}(input: {{contactId: $id}}) {{ userErrors {{ code }} }} }}"

    await graphql(change.format("declareContactDisappeared"), {"id": marie_id})
    gone = await graphql(RECIPIENTS, variables)
    await graphql(change.format("reinstateContact"), {"id": marie_id})
    back = await graphql(RECIPIENTS, variables)

    assert gone.data == {"recipients": []}
    assert back.data == {
        "recipients": [
            {"contact": {"lastName": "Dupont", "firstName": "Marie"}, "email": None, "reason": "ALL_SITES"}
        ]
    }


@pytest.mark.parametrize(
    ("client", "site"),
    [
        (("Client", 999), None),
        ("nope", None),
        (("Supplier", "supplier"), None),
        (("Client", "acme"), ("Site", "beta_site")),
        (("Client", "acme"), ("Site", 999)),
        (("Client", "acme"), "nope"),
        (("Client", "acme"), ("Affair", "affair")),
    ],
)
async def test_an_unknown_client_or_a_site_that_is_not_the_clients_is_not_found(
    db: Database, graphql: GraphQL, client: Any, site: Any
) -> None:
    acme = await factories.client(db)
    beta = await factories.client(db, code="BETA", name="Beta")
    known = {
        "acme": acme.id,
        "supplier": (await factories.supplier(db)).id,
        "beta_site": (await factories.site(db, beta, code="BETA-1")).id,
        "affair": (await factories.affair(db, acme)).id,
    }

    def global_id(value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        type_name, key = value
        return gid(type_name, known.get(key, key))

    variables = {"client": global_id(client), "site": global_id(site), "document": "INVOICE"}

    result = await graphql(RECIPIENTS_BESIDE_VIEWER, variables)

    # The refusal nulls the field alone: what else the screen asked for still loads.
    assert result.data == {"recipients": None, "viewer": {"role": "STAFF"}}
    assert [error.extensions for error in result.errors or []] == [{"code": "NOT_FOUND"}]


@pytest.mark.parametrize("people", [1, 30])
async def test_recipients_read_in_one_sql_statement_whatever_their_number(
    db: Database, graphql: GraphQL, people: int
) -> None:
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    for index in range(people):
        await person(
            db,
            acme,
            f"Martin{index:02}",
            None,
            paris,
            receives_invoices=True,
            receives_invoices_all_sites=index % 2 == 0,
        )

    result = await graphql(
        EVERY_FIELD_READ_FROM_THE_ONE_STATEMENT,
        {"client": gid("Client", acme.id), "site": gid("Site", paris.id)},
    )

    assert result.errors is None
    assert len(result.data["recipients"]) == people  # type: ignore[index]
    assert result.data["recipients"][0] == {  # type: ignore[index]
        "contact": {
            "id": result.data["recipients"][0]["contact"]["id"],  # type: ignore[index]
            "lastName": "Martin00",
            "firstName": None,
            "displayName": "MARTIN00",
            "email": None,
            "status": "ACTIVE",
            "version": 1,
            "hiddenFromCrm": False,
        },
        "link": {
            "isPrimary": True,
            "function": None,
            "email": None,
            "leftOn": None,
            "active": True,
            "receivesInvoices": True,
            "receivesInvoicesAllSites": True,
        },
        "email": None,
        "reason": "ALL_SITES",
    }
    assert result.extensions["queryStats"]["sqlStatements"] == 1  # type: ignore[index]


async def test_the_portal_may_not_read_recipients(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    result = await graphql(
        RECIPIENTS_BESIDE_VIEWER,
        {"client": gid("Client", world["acme"].id), "document": "INVOICE"},
        role=Role.PORTAL,
    )

    assert result.data == {"recipients": None, "viewer": {"role": "PORTAL"}}
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert result.extensions["queryStats"]["sqlStatements"] == 0  # type: ignore[index]
