"""Reference lists through the schema: searched by name aside case and accents, clients in pages by
name, archived interlocutor types left out unless asked, and lists that follow the mutations."""

from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import Organization
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.reference_data.reference_world import World, run

LISTS = {
    "clients": "clients(search: $search, first: $first, after: $after)",
    "suppliers": "suppliers(search: $search, first: $first, after: $after)",
    "thirdParties": "thirdParties(search: $search, first: $first, after: $after)",
    "targets": "targets(search: $search, first: $first, after: $after)",
    "events": "events(search: $search, first: $first, after: $after)",
}


async def listed(
    graphql: GraphQL, name: str, search: str | None = None, first: int = 50, after: str | None = None
) -> Any:
    query = (
        f"query ($search: String, $first: Int, $after: String) {{ {LISTS[name]} "
        "{ totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { name } } } }"
    )
    result = await graphql(query, {"search": search, "first": first, "after": after}, role=Role.PORTAL)
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[index]


def names(connection: Any) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


async def test_search_matches_words_aside_case_and_accents(db: Database, graphql: GraphQL) -> None:
    await factories.client(db, code="SG", name="Société Générale")
    await factories.client(db, code="GEN-01", name="Générations Conseil")
    await factories.client(db, code="ACME", name="Acme")

    assert names(await listed(graphql, "clients", "societe")) == ["Société Générale"]
    assert names(await listed(graphql, "clients", "GÉNÉ")) == ["Générations Conseil", "Société Générale"]
    assert names(await listed(graphql, "clients", "gen 01")) == ["Générations Conseil"]
    assert names(await listed(graphql, "clients", "ciete")) == []
    assert (await listed(graphql, "clients", "  "))["totalCount"] == 3


@pytest.mark.parametrize("name", ["suppliers", "thirdParties", "targets", "events"])
async def test_every_reference_list_is_searched_by_name(db: Database, graphql: GraphQL, name: str) -> None:
    make = {
        "suppliers": lambda n: factories.supplier(db, code=n[:3].upper(), name=n),
        "thirdParties": lambda n: factories.third_party(db, code=n[:3].upper(), name=n),
        "targets": lambda n: factories.target(db, name=n),
        "events": lambda n: factories.event(db, name=n),
    }[name]
    for each in ("Île-de-France Énergie", "Électricité de Bretagne", "Bretagne Télécom"):
        await make(each)

    found = await listed(graphql, name, "bretagne ELEC")

    assert (found["totalCount"], names(found)) == (1, ["Électricité de Bretagne"])
    assert names(await listed(graphql, name, "france")) == ["Île-de-France Énergie"]
    assert names(await listed(graphql, name)) == [
        "Bretagne Télécom",
        "Électricité de Bretagne",
        "Île-de-France Énergie",
    ]


async def test_clients_come_in_pages_by_name(db: Database, graphql: GraphQL) -> None:
    for code, name in [("C1", "Émeraude"), ("C2", "alpha"), ("C3", "Zénith"), ("C4", "Delta")]:
        await factories.client(db, code=code, name=name)

    first = await listed(graphql, "clients", first=3)
    rest = await listed(graphql, "clients", first=3, after=first["pageInfo"]["endCursor"])

    assert (names(first), first["totalCount"], first["pageInfo"]["hasNextPage"]) == (
        ["alpha", "Delta", "Émeraude"],
        4,
        True,
    )
    assert (
        names(rest),
        rest["totalCount"],
        rest["pageInfo"]["hasNextPage"],
        rest["pageInfo"]["hasPreviousPage"],
    ) == (
        ["Zénith"],
        4,
        False,
        True,
    )


async def test_interlocutor_types_leave_out_the_archived_unless_asked(db: Database, graphql: GraphQL) -> None:
    await factories.interlocutor_type(db, code="TECH", label="Technique")
    await factories.interlocutor_type(db, code="ACH", label="Achats")
    await factories.interlocutor_type(db, code="OLD", label="Ancien", archived=True)
    query = "query ($all: Boolean) { interlocutorTypes(includeArchived: $all) { code label archived } }"

    current = await graphql(query, {}, role=Role.PORTAL)
    every = await graphql(query, {"all": True}, role=Role.PORTAL)

    assert current.data == {
        "interlocutorTypes": [
            {"code": "ACH", "label": "Achats", "archived": False},
            {"code": "TECH", "label": "Technique", "archived": False},
        ]
    }
    assert every.data == {
        "interlocutorTypes": [
            {"code": "ACH", "label": "Achats", "archived": False},
            {"code": "OLD", "label": "Ancien", "archived": True},
            {"code": "TECH", "label": "Technique", "archived": False},
        ]
    }


async def test_archiving_a_type_through_the_api_takes_it_out_of_the_list(
    db: Database, graphql: GraphQL, world: World
) -> None:
    await run(graphql, world, "updateInterlocutorType", {"code": "DEC", "archived": True}, Role.ADMIN)

    result = await graphql(
        "{ interlocutorTypes { code } all: interlocutorTypes(includeArchived: true) { code } }"
    )

    assert result.data == {"interlocutorTypes": [], "all": [{"code": "DEC"}]}


async def test_a_renamed_client_finds_its_contacts_by_the_new_name(
    db: Database, graphql: GraphQL, world: World
) -> None:
    async with db.read() as session:
        acme = await session.scalar(select(Organization).where(Organization.code == "ACME"))
    assert acme is not None
    await factories.contact(db, "Dupont", "Marie", at=acme)
    search = 'query { contacts(filter: {search: "eclat"}) { edges { node { lastName } } } }'

    before = await graphql(search)
    await run(graphql, world, "updateClient", {"id": "$ACME", "name": "Éclat Industrie"}, Role.STAFF)
    after = await graphql(search)

    assert before.data == {"contacts": {"edges": []}}
    assert after.data == {"contacts": {"edges": [{"node": {"lastName": "Dupont"}}]}}
