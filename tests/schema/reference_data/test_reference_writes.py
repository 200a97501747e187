"""Reference data through the schema: each create and update writes what it is given, an update
that changes nothing leaves every row as it was, and a code may change its own case."""

from typing import Any

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import Affair, Event, Organization, Site, Target
from resolvers.access import Role
from resolvers.global_ids import to_global_id as gid
from tests.conftest import GraphQL
from tests.schema.reference_data.reference_world import World, resolved, role_for, run, state

CHANGES = [
    (
        "createClient",
        {"code": " CLI-9 ", "name": "  Société   Générale "},
        {"client": {"kind": "CLIENT", "code": "CLI-9", "name": "Société Générale", "status": "CLIENT"}},
    ),
    (
        "createClient",
        {"code": "PRO-1", "name": "Prospect", "status": "PROSPECT"},
        {"client": {"kind": "CLIENT", "code": "PRO-1", "name": "Prospect", "status": "PROSPECT"}},
    ),
    (
        "createSupplier",
        {"code": "ACME", "name": "Acme Fournitures"},
        {"supplier": {"kind": "SUPPLIER", "code": "ACME", "name": "Acme Fournitures"}},
    ),
    (
        "createThirdParty",
        {"code": "SUP", "name": "Cabinet Moreau"},
        {"thirdParty": {"kind": "THIRD_PARTY", "code": "SUP", "name": "Cabinet Moreau"}},
    ),
    (
        "createSite",
        {"clientId": "$ACME", "code": "ACME-NTE", "name": " Nantes ", "city": "  "},
        {"site": {"code": "ACME-NTE", "name": "Nantes", "city": None, "client": {"code": "ACME"}}},
    ),
    (
        "createAffair",
        {"clientId": "$BETA", "code": "AFF-3", "name": "Refonte SI"},
        {"affair": {"code": "AFF-3", "name": "Refonte SI", "client": {"code": "BETA"}}},
    ),
    (
        "createTarget",
        {"name": "Newsletter DSI", "description": "d" * 10_000},
        {"target": {"name": "Newsletter DSI", "description": "d" * 10_000}},
    ),
    (
        "createEvent",
        {"name": "Webinaire", "startsOn": "2027-01-14", "endsOn": "2027-01-14", "location": "En ligne"},
        {
            "event": {
                "name": "Webinaire",
                "startsOn": "2027-01-14",
                "endsOn": "2027-01-14",
                "location": "En ligne",
            }
        },
    ),
    (
        "createInterlocutorType",
        {"code": " FIN ", "label": "Interlocuteur financier"},
        {"interlocutorType": {"code": "FIN", "label": "Interlocuteur financier", "archived": False}},
    ),
    (
        "updateClient",
        {"id": "$ACME", "name": "Acme Groupe", "status": "PROSPECT"},
        {
            "client": {
                "id": "$ACME",
                "kind": "CLIENT",
                "code": "ACME",
                "name": "Acme Groupe",
                "status": "PROSPECT",
            }
        },
    ),
    (
        "updateSupplier",
        {"id": "$SUP", "code": "SUP-2"},
        {"supplier": {"id": "$SUP", "kind": "SUPPLIER", "code": "SUP-2", "name": "Fournitures Martin"}},
    ),
    (
        "updateThirdParty",
        {"id": "$BANK", "name": "Banque Populaire Rives de Paris"},
        {
            "thirdParty": {
                "id": "$BANK",
                "kind": "THIRD_PARTY",
                "code": "BANK",
                "name": "Banque Populaire Rives de Paris",
            }
        },
    ),
    (
        "updateSite",
        {"id": "$PAR", "name": "Paris La Défense", "city": None},
        {
            "site": {
                "id": "$PAR",
                "code": "ACME-PAR",
                "name": "Paris La Défense",
                "city": None,
                "client": {"code": "ACME"},
            }
        },
    ),
    (
        "updateAffair",
        {"id": "$AFF", "code": "AFF-1B"},
        {"affair": {"id": "$AFF", "code": "AFF-1B", "name": "Migration ERP", "client": {"code": "ACME"}}},
    ),
    (
        "updateTarget",
        {"id": "$SALON", "description": None},
        {"target": {"id": "$SALON", "name": "Salon 2027", "description": None}},
    ),
    (
        "updateEvent",
        {"id": "$FORUM", "endsOn": None, "location": " Lyon  Eurexpo "},
        {
            "event": {
                "id": "$FORUM",
                "name": "Forum",
                "startsOn": "2027-03-02",
                "endsOn": None,
                "location": "Lyon Eurexpo",
            }
        },
    ),
    (
        "updateInterlocutorType",
        {"code": "DEC", "label": "Décisionnaire", "archived": True},
        {"interlocutorType": {"code": "DEC", "label": "Décisionnaire", "archived": True}},
    ),
]
NEW_NODES = {
    "createClient": (Organization, "Client"),
    "createSupplier": (Organization, "Supplier"),
    "createThirdParty": (Organization, "ThirdParty"),
    "createSite": (Site, "Site"),
    "createAffair": (Affair, "Affair"),
    "createTarget": (Target, "Target"),
    "createEvent": (Event, "Event"),
}


async def newest_id(db: Database, model: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.max(model.id))) or 0)


@pytest.mark.parametrize(("mutation", "given", "expected"), CHANGES, ids=[case[0] for case in CHANGES])
async def test_each_mutation_writes_what_it_is_given(
    db: Database,
    graphql: GraphQL,
    world: World,
    mutation: str,
    given: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    payload = await run(graphql, world, mutation, given, role_for(mutation))

    wanted = resolved(world, expected)
    if mutation in NEW_NODES:
        model, type_name = NEW_NODES[mutation]
        (name,) = wanted
        wanted[name]["id"] = gid(type_name, await newest_id(db, model))
    assert payload == {**wanted, "userErrors": []}


async def test_an_update_that_changes_nothing_leaves_every_row_as_it_was(
    db: Database, graphql: GraphQL, world: World
) -> None:
    before = await state(db)

    payload = await run(
        graphql, world, "updateSite", {"id": "$PAR", "code": " ACME-PAR", "city": "Paris"}, Role.STAFF
    )

    assert payload["userErrors"] == []
    assert await state(db) == before


async def test_a_code_may_change_its_own_case(db: Database, graphql: GraphQL, world: World) -> None:
    payload = await run(graphql, world, "updateSite", {"id": "$PAR", "code": "acme-par"}, Role.STAFF)

    assert (payload["site"]["code"], payload["userErrors"]) == ("acme-par", [])
