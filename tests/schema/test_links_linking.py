"""linkContact (rules 1 and 10): a link to a supplier with its own details, recorded in history; a
link to another client with its sites, flags and types; refused links named with nothing written."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.links_world import LINK, bare_link, gid, links_world, newest_change


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await links_world(db)


async def test_linking_to_a_supplier_adds_a_link_with_its_own_details_and_records_it(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    link = {
        "organizationId": gid("Supplier", world["supplier"].id),
        "function": "  Acheteuse ",
        "email": "M.Dupont@Fournitures.FR",
        "phone": "01 40 00 00 01",
        "extension": "12",
        "leftOn": "2027-01-31",
    }

    result = await graphql(
        LINK, {"input": {"contactId": world["marie_id"], "expectedVersion": 1, "link": link}}
    )

    assert result.errors is None
    assert result.data == {
        "linkContact": {
            "contact": {
                "version": 2,
                "links": [
                    bare_link("ACME", primary=True, function="DAF"),
                    bare_link(
                        "SUP",
                        function="Acheteuse",
                        email="M.Dupont@fournitures.fr",
                        phone="+33140000001",
                        extension="12",
                        leftOn="2027-01-31",
                    ),
                ],
            },
            "userErrors": [],
        }
    }
    sup = {"code": "SUP"}
    assert await newest_change(graphql, world["marie_id"]) == {
        "count": 1,  # the factory wrote no history of its own
        "actor": "staff",
        "operation": "linkContact",
        "changes": [
            {"field": "isPrimary", "organization": sup, "before": None, "after": "false"},
            {"field": "function", "organization": sup, "before": None, "after": "Acheteuse"},
            {"field": "email", "organization": sup, "before": None, "after": "M.Dupont@fournitures.fr"},
            {"field": "phone", "organization": sup, "before": None, "after": "+33140000001"},
            {"field": "extension", "organization": sup, "before": None, "after": "12"},
            {"field": "leftOn", "organization": sup, "before": None, "after": "2027-01-31"},
            {"field": "receivesInvoices", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesInvoicesAllSites", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesReminders", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesRemindersAllSites", "organization": sup, "before": None, "after": "false"},
        ],
    }


async def test_linking_to_another_client_takes_its_sites_flags_and_types(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    link = {
        "organizationId": gid("Client", world["beta"].id),
        "siteIds": [gid("Site", world["beta_site"].id)],
        "receivesInvoices": True,
        "receivesRemindersAllSites": True,
        "interlocutorTypeCodes": ["DEC"],
    }

    result = await graphql(LINK, {"input": {"contactId": world["marie_id"], "link": link}})

    assert result.data["linkContact"]["contact"]["links"][1] == bare_link(  # type: ignore[index]
        "BETA",
        sites=[{"code": "BETA-NAN"}],
        receivesInvoices=True,
        receivesRemindersAllSites=True,
        interlocutorTypes=[{"code": "DEC"}],
    )


LINK_REFUSALS = [
    ({"organizationId": "ACME"}, ["input", "link", "organizationId"], "DUPLICATE"),
    ({"organizationId": gid("Client", 999)}, ["input", "link", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "not-an-id"}, ["input", "link", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "SUP", "receivesInvoices": True}, ["input", "link", "receivesInvoices"], "INVALID"),
    ({"organizationId": "SUP", "siteIds": ["PARIS"]}, ["input", "link", "siteIds"], "INVALID"),
    ({"organizationId": "BETA", "siteIds": ["PARIS"]}, ["input", "link", "siteIds", "0"], "INVALID"),
    (
        {"organizationId": "BETA", "interlocutorTypeCodes": ["OLD"]},
        ["input", "link", "interlocutorTypeCodes", "0"],
        "INVALID",
    ),
    ({"organizationId": "BETA", "email": "nobody@"}, ["input", "link", "email"], "INVALID"),
    ({"organizationId": "BETA", "department": "d" * 201}, ["input", "link", "department"], "INVALID"),
]


@pytest.mark.parametrize(("link", "path", "code"), LINK_REFUSALS)
async def test_a_refused_link_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any], link: dict[str, Any], path: list[str], code: str
) -> None:
    names = {
        "ACME": gid("Client", world["acme"].id),
        "BETA": gid("Client", world["beta"].id),
        "SUP": gid("Supplier", world["supplier"].id),
        "PARIS": gid("Site", world["paris"].id),
    }
    given = {
        name: names.get(value, value) if isinstance(value, str) else value for name, value in link.items()
    }
    if "siteIds" in given:
        given["siteIds"] = [names[site] for site in given["siteIds"]]
    before = await factories.database_state(db)

    result = await graphql(LINK, {"input": {"contactId": world["marie_id"], "link": given}})

    assert result.data == {
        "linkContact": {"contact": None, "userErrors": [{"field": path, "code": code, "contactId": None}]}
    }
    assert await factories.database_state(db) == before
