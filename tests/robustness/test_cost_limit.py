"""The cost limit (50,000, GitHub's way) and the too-many-errors answer: refused before anything
runs, with a code (issue 11, 3 and 5)."""

from typing import Any

import httpx

from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import bearer

CONTACTS = """
  contacts(first: 100) { edges { node {
    links { organization { id } sites { id } interlocutorTypes { code } }
    targets { id }
    events { status }
  } } }
"""
# contacts 100 + links 100*10 + sites and types 2 * 1,000*10 + targets and events 2 * 100*10
REFERENCE_COST = 23_100


async def _post(client: httpx.AsyncClient, query: str, role: Role = Role.STAFF) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=bearer(role))


async def test_a_query_within_the_limit_runs(db: Any, client: httpx.AsyncClient) -> None:
    await factories.contact(db, "Martin", at=await factories.client(db))
    answer = await _post(client, "{ a: " + CONTACTS + " b: " + CONTACTS + "}")
    assert answer.status_code == 200
    assert "errors" not in answer.json()
    assert len(answer.json()["data"]["a"]["edges"]) == 1


async def test_a_query_over_the_limit_is_refused_with_its_cost(db: Any, client: httpx.AsyncClient) -> None:
    for role in (Role.STAFF, Role.PORTAL):
        answer = await _post(client, "{ a: " + CONTACTS + " b: " + CONTACTS + " c: " + CONTACTS + "}", role)
        body = answer.json()
        assert answer.status_code == 200
        assert body.get("data") is None
        assert body["errors"] == [
            {
                "message": "This query may cost 69,300 and the limit is 50,000: ask for smaller pages "
                "or fewer nested lists.",
                "locations": [{"line": 1, "column": 1}],
                "extensions": {"code": "QUERY_TOO_COMPLEX", "cost": 3 * REFERENCE_COST, "limit": 50_000},
            }
        ]
        assert body["extensions"]["queryStats"]["sqlStatements"] == 0  # nothing ran


async def test_nested_connections_multiply(db: Any, client: httpx.AsyncClient) -> None:
    query = """{ contacts(first: 100) { edges { node { links { organization {
        ... on Client { contacts(first: 100) { edges { node { lastName } } } } } } } } } }"""
    body = (await _post(client, query)).json()
    # 100 + 100*10 links + 1,000*100 contacts of their organisations
    assert body["errors"][0]["extensions"]["cost"] == 101_100


async def test_named_fragments_count_where_they_are_spread(db: Any, client: httpx.AsyncClient) -> None:
    pages = " ".join(f"c{n}: contacts(first: 100) {{ edges {{ node {{ ...L }} }} }}" for n in range(5))
    query = "{ " + pages + " } fragment L on Contact { links { sites { id } } }"
    body = (await _post(client, query)).json()
    assert body["errors"][0]["extensions"]["cost"] == 5 * (100 + 100 * 10 + 1_000 * 10)


async def test_fragments_spread_in_fragments_are_refused_before_validation(
    db: Any, client: httpx.AsyncClient
) -> None:
    # 2**30 expansions: graphql-core's and Strawberry's validators would run for hours.
    fragments = ["fragment F0 on Contact { lastName links { isPrimary } }"]
    fragments += [
        f"fragment F{n} on Contact {{ ...F{n - 1} ... on Contact {{ ...F{n - 1} }} }}" for n in range(1, 31)
    ]
    query = "{ contacts(first: 1) { edges { node { ...F30 } } } } " + " ".join(fragments)
    body = (await _post(client, query)).json()
    assert body["errors"] == [
        {
            "message": "This query expands to 4,294,967,298 selections and the limit is 5,000: "
            "spread fewer fragments.",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


async def test_too_many_validation_errors_carry_a_code(db: Any, client: httpx.AsyncClient) -> None:
    query = "{" + " nope" * 150 + " }"
    body = (await _post(client, query)).json()
    assert len(body["errors"]) == 101
    assert body["errors"][-1]["message"] == (
        "Too many validation errors, error limit reached. Validation aborted."
    )
    assert body["errors"][-1]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_a_page_size_given_as_a_variable_counts_its_value(db: Any, client: httpx.AsyncClient) -> None:
    query = """query ($n: Int) { contacts(first: $n) { edges { node { links { organization {
        ... on Client { contacts(first: $n) { totalCount } } } } } } } }"""
    small = await client.post("/graphql", json={"query": query, "variables": {"n": 10}}, headers=bearer())
    large = await client.post("/graphql", json={"query": query, "variables": {"n": 100}}, headers=bearer())
    assert "errors" not in small.json()  # 10 + 10*10 + 100*10 = 1,110
    assert large.json()["errors"][0]["extensions"]["cost"] == 100 + 100 * 10 + 1_000 * 100


NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { lastName links { sites { id } } } } }"


async def test_nodes_count_the_ids_asked_for(db: Any, client: httpx.AsyncClient) -> None:
    """`nodes(ids:)` returns one object per id: 4,600 ids (a body of ~100 KB) cost 4,600 +
    46,000 links + 460,000 sites, not the 10 + 100 + 1,000 of a plain list."""
    person = await factories.contact(db, "Martin", at=await factories.client(db))
    ids = [to_global_id("Contact", person.id)] * 4_600
    refused = (
        await client.post("/graphql", json={"query": NODES, "variables": {"ids": ids}}, headers=bearer())
    ).json()
    assert refused.get("data") is None
    assert refused["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "cost": 510_600,
        "limit": 50_000,
    }
    assert refused["extensions"]["queryStats"]["sqlStatements"] == 0  # nothing ran

    two = (
        await client.post("/graphql", json={"query": NODES, "variables": {"ids": ids[:2]}}, headers=bearer())
    ).json()
    assert "errors" not in two
    assert [node["lastName"] for node in two["data"]["nodes"]] == ["Martin", "Martin"]


async def test_a_literal_list_of_ids_counts_its_length(db: Any, client: httpx.AsyncClient) -> None:
    ids = ", ".join(f'"{to_global_id("Contact", n)}"' for n in range(1, 4_601))
    query = "{ nodes(ids: [" + ids + "]) { ... on Contact { lastName links { sites { id } } } } }"
    body = (await _post(client, query)).json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 510_600, "limit": 50_000}


async def test_a_document_affordable_with_some_variables_is_still_counted_with_others(
    db: Any, client: httpx.AsyncClient
) -> None:
    """The requests known to be affordable are remembered by document, operation and variables:
    the same document asking for bigger pages is counted again, and refused."""
    await factories.contact(db, "Martin", at=await factories.client(db))
    document = "query Three($n: Int) { a: " + CONTACTS + " b: " + CONTACTS + " c: " + CONTACTS + "}"
    document = document.replace("contacts(first: 100)", "contacts(first: $n)")

    async def sent(n: int) -> dict[str, Any]:
        body = {"query": document, "variables": {"n": n}, "operationName": "Three"}
        answer = await client.post("/graphql", json=body, headers=bearer(Role.STAFF))
        assert answer.status_code == 200
        result: dict[str, Any] = answer.json()
        return result

    small = [await sent(10), await sent(10)]
    large = await sent(100)
    assert [len(body["data"]["a"]["edges"]) for body in small] == [1, 1]
    assert [body.get("errors") for body in small] == [None, None]
    assert large.get("data") is None
    assert large["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 69_300, "limit": 50_000}
