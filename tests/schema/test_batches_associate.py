"""associateContacts and dissociateContacts (rule 11) done: missing links and sites added with history,
a new link found by its name, a second run changing nothing, a filter selecting all the search
matches, sites taken off with links left."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.batches_world import (
    ASSOCIATE,
    DISSOCIATE,
    associate_input,
    batches_world,
    card,
    entry,
    gid,
    history,
    id_text,
    ids,
)


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await batches_world(db)


async def test_associate_creates_missing_links_adds_missing_sites_and_records_history(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    variables = associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris", "lyon")

    result = await graphql(ASSOCIATE, variables)

    assert result.errors is None
    assert result.data == {"associateContacts": {"affectedCount": 3, "userErrors": []}}
    both = [{"code": "ACME-LYO"}, {"code": "ACME-PAR"}]
    assert await card(graphql, w["marie"]) == {
        "version": 2,
        "links": [{"organization": {"code": "ACME"}, "isPrimary": True, "sites": both}],
        "affairs": [],
        "targets": [],
        "events": [],
    }
    assert (await card(graphql, w["paul"]))["links"] == [
        {"organization": {"code": "SUP"}, "isPrimary": True, "sites": []},
        {"organization": {"code": "ACME"}, "isPrimary": False, "sites": both},
    ]
    assert (await card(graphql, w["jeanne"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": both}
    ]
    sites = id_text("Site", w["paris"], w["lyon"])
    assert await history(graphql, w["marie"]) == [
        entry("associateContacts", ("siteIds", "ACME", None, sites))
    ]
    assert await history(graphql, w["jeanne"]) == [
        entry("associateContacts", ("siteIds", "ACME", gid("Site", w["paris"].id), sites))
    ]
    assert await history(graphql, w["paul"]) == [
        entry(
            "associateContacts",
            ("isPrimary", "ACME", None, "false"),
            ("receivesInvoices", "ACME", None, "false"),
            ("receivesInvoicesAllSites", "ACME", None, "false"),
            ("receivesReminders", "ACME", None, "false"),
            ("receivesRemindersAllSites", "ACME", None, "false"),
            ("siteIds", "ACME", None, sites),
        )
    ]


async def test_a_new_link_to_the_client_is_found_by_its_name(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    await graphql(ASSOCIATE, associate_input(w, ids(w["paul"])))

    result = await graphql('{ contacts(filter: {search: "acme martin"}) { edges { node { lastName } } } }')

    assert result.data == {"contacts": {"edges": [{"node": {"lastName": "Martin"}}]}}


async def test_associating_twice_changes_nothing_the_second_time(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    variables = associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris")
    first = await graphql(ASSOCIATE, variables)
    before = await factories.database_state(db)

    second = await graphql(ASSOCIATE, variables)

    assert first.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}
    assert second.data == {"associateContacts": {"affectedCount": 0, "userErrors": []}}
    assert await factories.database_state(db) == before


async def test_a_filter_selects_everything_the_search_matches(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    selection = {"filter": {"organizationId": gid("Client", w["acme"].id)}}

    result = await graphql(ASSOCIATE, associate_input(w, selection, "lyon"))

    assert result.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}
    assert (await card(graphql, w["paul"]))["version"] == 1
    assert (await card(graphql, w["marie"]))["links"][0]["sites"] == [{"code": "ACME-LYO"}]


async def test_dissociate_takes_the_sites_off_leaves_the_links_and_ignores_contacts_without_one(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    marie_link = await factories.primary_link(db, w["marie"])
    await factories.attach_sites(db, marie_link, w["paris"], w["lyon"])

    result = await graphql(DISSOCIATE, associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris"))
    again = await graphql(DISSOCIATE, associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris"))

    assert result.data == {"dissociateContacts": {"affectedCount": 2, "userErrors": []}}
    assert again.data == {"dissociateContacts": {"affectedCount": 0, "userErrors": []}}
    assert (await card(graphql, w["marie"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": [{"code": "ACME-LYO"}]}
    ]
    assert (await card(graphql, w["jeanne"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": []}
    ]
    assert await card(graphql, w["paul"]) == {
        "version": 1,
        "links": [{"organization": {"code": "SUP"}, "isPrimary": True, "sites": []}],
        "affairs": [],
        "targets": [],
        "events": [],
    }
    assert await history(graphql, w["marie"]) == [
        entry(
            "dissociateContacts",
            ("siteIds", "ACME", id_text("Site", w["paris"], w["lyon"]), gid("Site", w["lyon"].id)),
        )
    ]
    assert await history(graphql, w["jeanne"]) == [
        entry("dissociateContacts", ("siteIds", "ACME", gid("Site", w["paris"].id), None))
    ]
