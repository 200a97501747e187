"""Rule 16 under real concurrency: two writers with the same expected version, exactly one wins."""

import asyncio
from typing import Any

import httpx

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import bearer

UPDATE = """mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version notes } userErrors { code } } }"""


async def _update(client: httpx.AsyncClient, contact_id: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": UPDATE, "variables": {"input": {"id": contact_id, **fields}}},
        headers=bearer(),
    )
    assert response.status_code == 200
    return response.json()["data"]["updateContact"]  # type: ignore[no-any-return]


async def test_two_writers_with_the_same_expected_version_exactly_one_wins(
    db: Database, client: httpx.AsyncClient
) -> None:
    acme = await factories.client(db)
    people = [await factories.contact(db, f"Dupont{i}", at=acme) for i in range(5)]

    for person in people:
        contact_id = to_global_id("Contact", person.id)
        first, second = await asyncio.gather(
            _update(client, contact_id, expectedVersion=1, notes="écrit par A"),
            _update(client, contact_id, expectedVersion=1, notes="écrit par B"),
        )

        outcomes = sorted([first["userErrors"], second["userErrors"]], key=len)
        assert outcomes == [[], [{"code": "CONFLICT"}]]
        winner = first if not first["userErrors"] else second
        loser = second if winner is first else first
        assert winner["contact"]["version"] == 2
        assert loser["contact"] == winner["contact"]  # the conflict shows the current card


async def test_writers_without_an_expected_version_are_both_applied_one_after_the_other(
    db: Database, client: httpx.AsyncClient
) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    contact_id = to_global_id("Contact", person.id)

    results = await asyncio.gather(
        _update(client, contact_id, notes="A"), _update(client, contact_id, notes="B")
    )

    assert sorted(result["contact"]["version"] for result in results) == [2, 3]
    assert all(result["userErrors"] == [] for result in results)


ASSOCIATE = """mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { code } } }"""


async def test_a_batch_and_a_card_edit_at_once_are_both_applied(
    db: Database, client: httpx.AsyncClient
) -> None:
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    people = [await factories.contact(db, f"Dupont{i}", at=acme) for i in range(3)]
    ids = [to_global_id("Contact", person.id) for person in people]
    batch = {
        "selection": {"ids": ids},
        "clientId": to_global_id("Client", acme.id),
        "siteIds": [to_global_id("Site", paris.id)],
    }

    associated, edited = await asyncio.gather(
        client.post("/graphql", json={"query": ASSOCIATE, "variables": {"input": batch}}, headers=bearer()),
        _update(client, ids[1], notes="rappeler lundi"),
    )

    assert associated.json()["data"]["associateContacts"] == {"affectedCount": 3, "userErrors": []}
    assert edited["userErrors"] == []
    query = "query ($id: ID!) { node(id: $id) { ... on Contact { version notes primaryLink { sites { code } } history { totalCount } } } }"
    shown = await client.post(
        "/graphql", json={"query": query, "variables": {"id": ids[1]}}, headers=bearer()
    )
    assert shown.json()["data"]["node"] == {
        "version": 3,
        "notes": "rappeler lundi",
        "primaryLink": {"sites": [{"code": "PAR"}]},
        "history": {"totalCount": 2},
    }
