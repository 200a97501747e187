"""What every link mutation (linkContact, updateContactLink, unlinkContact) shares: a stale version is a
conflict with the current card, the portal may not change links, an organisation id claiming another
kind is not found."""

from typing import Any

import pytest

from db.engine import Database
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.links_world import LINK, UNLINK, UPDATE_LINK, gid, links_world


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await links_world(db)


def link_mutations(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    marie, bank = world["marie_id"], gid("ThirdParty", world["bank"].id)
    return {
        "linkContact": (
            LINK,
            {"contactId": marie, "link": {"organizationId": gid("Supplier", world["supplier"].id)}},
        ),
        "updateContactLink": (UPDATE_LINK, {"contactId": marie, "organizationId": bank, "function": "DG"}),
        "unlinkContact": (UNLINK, {"contactId": marie, "organizationId": bank}),
    }


@pytest.mark.parametrize("mutation", ["linkContact", "updateContactLink", "unlinkContact"])
async def test_a_stale_version_is_a_conflict_with_the_current_card(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    await graphql(
        UPDATE_LINK,
        {
            "input": {
                "contactId": world["marie_id"],
                "organizationId": gid("Client", world["acme"].id),
                "phone": "0102030405",
            }
        },
    )
    document, variables = link_mutations(world)[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": {**variables, "expectedVersion": 1}})

    payload = result.data[mutation]  # type: ignore[index]
    assert payload["contact"]["version"] == 2
    assert [link["organization"]["code"] for link in payload["contact"]["links"]] == ["ACME", "BANK"]
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": world["marie_id"]}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", ["linkContact", "updateContactLink", "unlinkContact"])
async def test_the_portal_may_not_change_links(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    document, variables = link_mutations(world)[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": variables}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", ["link", "update", "unlink"])
async def test_an_organisation_id_claiming_another_kind_is_not_found(
    db: Database, graphql: GraphQL, mutation: str
) -> None:
    acme = await factories.client(db)
    supplier = await factories.supplier(db)
    marie = await factories.contact(db, "Dupont", at=acme)
    await factories.link(db, marie, supplier)
    disguised = gid("Client", supplier.id)  # the supplier's key, dressed as a client's id
    contact_id = gid("Contact", marie.id)
    cases = {
        "link": (
            LINK,
            {"contactId": contact_id, "link": {"organizationId": disguised}},
            ["input", "link", "organizationId"],
        ),
        "update": (
            UPDATE_LINK,
            {"contactId": contact_id, "organizationId": disguised, "function": "x"},
            ["input", "organizationId"],
        ),
        "unlink": (
            UNLINK,
            {"contactId": contact_id, "organizationId": disguised},
            ["input", "organizationId"],
        ),
    }
    document, fields, path = cases[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": fields})

    payload = next(iter(result.data.values()))  # type: ignore[union-attr]
    assert payload == {
        "contact": None,
        "userErrors": [{"field": path, "code": "NOT_FOUND", "contactId": None}],
    }
    assert await factories.database_state(db) == before
