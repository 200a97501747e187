"""unlinkContact (rules 1 and 10): the link goes with its sites and history records what it held, the
oldest remaining link becomes primary, the last link may not go, an unlinked organisation is not found."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import ContactLinkSite
from tests import factories
from tests.conftest import NOW, GraphQL
from tests.schema.links_world import LINK, UNLINK, bare_link, gid, links_world, newest_change


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await links_world(db)


async def test_unlinking_removes_the_link_with_its_sites_and_records_what_it_held(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    beta_link = await factories.link(db, world["marie"], world["beta"], function="Consultante")
    await factories.attach_sites(db, beta_link, world["beta_site"])
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "expectedVersion": 1,
            "organizationId": gid("Client", world["beta"].id),
        }
    }

    result = await graphql(UNLINK, variables)

    assert result.data == {
        "unlinkContact": {
            "contact": {"version": 2, "links": [bare_link("ACME", primary=True, function="DAF")]},
            "userErrors": [],
        }
    }
    beta = {"code": "BETA"}
    assert (await newest_change(graphql, world["marie_id"]))["changes"] == [
        {"field": "isPrimary", "organization": beta, "before": "false", "after": None},
        {"field": "function", "organization": beta, "before": "Consultante", "after": None},
        {"field": "receivesInvoices", "organization": beta, "before": "false", "after": None},
        {"field": "receivesInvoicesAllSites", "organization": beta, "before": "false", "after": None},
        {"field": "receivesReminders", "organization": beta, "before": "false", "after": None},
        {"field": "receivesRemindersAllSites", "organization": beta, "before": "false", "after": None},
        {
            "field": "siteIds",
            "organization": beta,
            "before": gid("Site", world["beta_site"].id),
            "after": None,
        },
    ]
    async with db.read() as session:
        assert list(await session.scalars(select(ContactLinkSite.link_id))) == []


async def test_unlinking_the_primary_makes_the_oldest_remaining_link_primary(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    marie = world["marie_id"]
    for days, organization in (
        (2, gid("ThirdParty", world["bank"].id)),
        (1, gid("Supplier", world["supplier"].id)),
    ):
        # The bank is linked first (the lower id) but with a later clock: the supplier's link is
        # the oldest by the moment it was made.
        linked = await graphql(
            LINK,
            {"input": {"contactId": marie, "link": {"organizationId": organization}}},
            now=NOW + timedelta(days=days),
        )
        assert linked.data["linkContact"]["userErrors"] == []  # type: ignore[index]
    variables = {"input": {"contactId": marie, "organizationId": gid("Client", world["acme"].id)}}

    result = await graphql(UNLINK, variables, now=NOW + timedelta(days=3))

    links = result.data["unlinkContact"]["contact"]["links"]  # type: ignore[index]
    assert [(link["organization"]["code"], link["isPrimary"]) for link in links] == [
        ("SUP", True),
        ("BANK", False),
    ]
    assert result.data["unlinkContact"]["contact"]["version"] == 4  # type: ignore[index]


async def test_unlinking_the_last_link_is_refused_and_changes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    variables = {"input": {"contactId": world["marie_id"], "organizationId": gid("Client", world["acme"].id)}}

    result = await graphql(UNLINK, variables)

    assert result.data == {
        "unlinkContact": {
            "contact": None,
            "userErrors": [
                {"field": ["input", "organizationId"], "code": "LAST_ATTACHMENT", "contactId": None}
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    ("organization", "path"),
    [("BETA", ["input", "organizationId"]), ("nope", ["input", "organizationId"])],
)
async def test_unlinking_an_organisation_the_contact_is_not_linked_to_is_not_found(
    db: Database, graphql: GraphQL, world: dict[str, Any], organization: str, path: list[str]
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    before = await factories.database_state(db)
    organization_id = gid("Client", world["beta"].id) if organization == "BETA" else organization

    result = await graphql(
        UNLINK, {"input": {"contactId": world["marie_id"], "organizationId": organization_id}}
    )

    assert result.data["unlinkContact"]["userErrors"] == [  # type: ignore[index]
        {"field": path, "code": "NOT_FOUND", "contactId": None}
    ]
    assert await factories.database_state(db) == before
