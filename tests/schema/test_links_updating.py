"""updateContactLink (rules 1 and 10): what is given changes and is recorded under the organisation,
a new primary demotes the old in one change, archived types may stay, no change writes nothing,
refused updates (and flags on a supplier link) named with nothing written."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.links_world import UPDATE_LINK, bare_link, gid, links_world, newest_change


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await links_world(db)


async def test_updating_a_link_changes_what_is_given_and_records_it_under_the_organisation(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme_link = await factories.primary_link(db, world["marie"])
    await factories.attach_sites(db, acme_link, world["paris"])
    changes = {
        "function": None,
        "mobile": "06 11 22 33 44",
        "leftOn": "2026-11-28",
        "siteIds": [gid("Site", world["lyon"].id)],
        "receivesReminders": True,
        "interlocutorTypeCodes": ["DEC"],
    }
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "expectedVersion": 1,
            "organizationId": gid("Client", world["acme"].id),
            **changes,
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data == {
        "updateContactLink": {
            "contact": {
                "version": 2,
                "links": [
                    bare_link(
                        "ACME",
                        primary=True,
                        mobile="+33611223344",
                        leftOn="2026-11-28",
                        active=False,
                        sites=[{"code": "ACME-LYO"}],
                        receivesReminders=True,
                        interlocutorTypes=[{"code": "DEC"}],
                    )
                ],
            },
            "userErrors": [],
        }
    }
    acme = {"code": "ACME"}
    assert await newest_change(graphql, world["marie_id"]) == {
        "count": 1,
        "actor": "staff",
        "operation": "updateContactLink",
        "changes": [
            {"field": "function", "organization": acme, "before": "DAF", "after": None},
            {"field": "mobile", "organization": acme, "before": None, "after": "+33611223344"},
            {"field": "leftOn", "organization": acme, "before": None, "after": "2026-11-28"},
            {"field": "receivesReminders", "organization": acme, "before": "false", "after": "true"},
            {
                "field": "siteIds",
                "organization": acme,
                "before": gid("Site", world["paris"].id),
                "after": gid("Site", world["lyon"].id),
            },
            {"field": "interlocutorTypeCodes", "organization": acme, "before": None, "after": "DEC"},
        ],
    }


async def test_making_a_link_primary_demotes_the_old_primary_in_one_change(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("ThirdParty", world["bank"].id),
            "isPrimary": True,
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    links = result.data["updateContactLink"]["contact"]["links"]  # type: ignore[index]
    assert [(link["organization"]["code"], link["isPrimary"]) for link in links] == [
        ("BANK", True),
        ("ACME", False),
    ]
    assert (await newest_change(graphql, world["marie_id"]))["changes"] == [
        {"field": "isPrimary", "organization": {"code": "ACME"}, "before": "true", "after": "false"},
        {"field": "isPrimary", "organization": {"code": "BANK"}, "before": "false", "after": "true"},
    ]


async def test_an_archived_type_may_stay_on_the_link_that_has_it(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme_link = await factories.primary_link(db, world["marie"])
    await factories.give_types(db, acme_link, "OLD")
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Client", world["acme"].id),
            "interlocutorTypeCodes": ["OLD", "DEC"],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    links = result.data["updateContactLink"]["contact"]["links"]  # type: ignore[index]
    assert links[0]["interlocutorTypes"] == [{"code": "OLD"}, {"code": "DEC"}]  # by label: Ancien, Décideur
    assert result.data["updateContactLink"]["contact"]["version"] == 2  # type: ignore[index]


async def test_a_link_update_that_changes_nothing_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Client", world["acme"].id),
            "function": " DAF ",
            "isPrimary": True,
            "siteIds": [],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data["updateContactLink"]["contact"]["version"] == 1  # type: ignore[index]
    assert result.data["updateContactLink"]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


UPDATE_REFUSALS = [
    ({"isPrimary": False}, ["input", "isPrimary"], "INVALID"),
    ({"isPrimary": None}, ["input", "isPrimary"], "INVALID"),
    ({"organizationId": "SUP"}, ["input", "organizationId"], "NOT_FOUND"),
    ({"organizationId": gid("Client", 999)}, ["input", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "nope"}, ["input", "organizationId"], "NOT_FOUND"),
    ({"contactId": gid("Contact", 999)}, ["input", "contactId"], "NOT_FOUND"),
    ({"contactId": gid("Client", 1)}, ["input", "contactId"], "NOT_FOUND"),
    ({"siteIds": ["BETA_SITE"]}, ["input", "siteIds", "0"], "INVALID"),
    ({"siteIds": [gid("Site", 999)]}, ["input", "siteIds", "0"], "NOT_FOUND"),
    ({"siteIds": ["nope"]}, ["input", "siteIds", "0"], "NOT_FOUND"),
    ({"interlocutorTypeCodes": ["OLD"]}, ["input", "interlocutorTypeCodes", "0"], "INVALID"),
    ({"interlocutorTypeCodes": ["NOPE"]}, ["input", "interlocutorTypeCodes", "0"], "INVALID"),
    ({"fax": "123"}, ["input", "fax"], "INVALID"),
    ({"function": "f" * 201}, ["input", "function"], "INVALID"),
]


@pytest.mark.parametrize(("fields", "path", "code"), UPDATE_REFUSALS)
async def test_a_refused_link_update_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any], fields: dict[str, Any], path: list[str], code: str
) -> None:
    names = {"SUP": gid("Supplier", world["supplier"].id), "BETA_SITE": gid("Site", world["beta_site"].id)}
    given = {
        "contactId": world["marie_id"],
        "organizationId": gid("Client", world["acme"].id),
        **{
            name: names.get(value, value) if isinstance(value, str) else value
            for name, value in fields.items()
        },
    }
    if "siteIds" in given:
        given["siteIds"] = [names.get(site, site) for site in given["siteIds"]]
    before = await factories.database_state(db)

    result = await graphql(UPDATE_LINK, {"input": given})

    assert result.data == {
        "updateContactLink": {
            "contact": None,
            "userErrors": [{"field": path, "code": code, "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


async def test_flags_on_a_supplier_link_are_refused(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    await factories.link(db, world["marie"], world["supplier"])
    before = await factories.database_state(db)
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Supplier", world["supplier"].id),
            "receivesRemindersAllSites": True,
            "interlocutorTypeCodes": ["DEC"],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data["updateContactLink"]["userErrors"] == [  # type: ignore[index]
        {"field": ["input", "receivesRemindersAllSites"], "code": "INVALID", "contactId": None},
        {"field": ["input", "interlocutorTypeCodes"], "code": "INVALID", "contactId": None},
    ]
    assert await factories.database_state(db) == before
