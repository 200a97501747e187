"""recipients (rule 3) left out or refused: links that have ended (today in Paris), contacts declared
disappeared, unknown clients and foreign sites, the portal; and every recipient read in one statement."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from db.engine import Database
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.recipients_world import (
    RECIPIENTS,
    RECIPIENTS_BESIDE_VIEWER,
    gid,
    person,
    recipients_world,
)

EVERY_FIELD_READ_FROM_THE_ONE_STATEMENT = """
query ($client: ID!, $site: ID) {
  recipients(clientId: $client, siteId: $site, document: INVOICE) {
    contact { id lastName firstName displayName email status version hiddenFromCrm }
    link { isPrimary function email leftOn active receivesInvoices receivesInvoicesAllSites }
    email reason
  }
}
"""


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await recipients_world(db)


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
