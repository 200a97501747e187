"""Limits refuse a request before anything runs: depth, aliases, tokens, body size, GET mutations.

Every refused request below reads or writes the database when allowed, and its twin just inside
the limit does: so `sqlStatements == 0`, or no contact written, on the refusal says something.
"""

import json
from collections.abc import AsyncIterator
from itertools import cycle, islice
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy import func, select

from db.engine import Database
from db.models import Contact
from schema.guards import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from schema.ids import to_global_id
from server.app import MAX_BODY_BYTES
from tests import factories
from tests.conftest import bearer

TOO_LARGE = {
    "errors": [
        {"message": "The request body is over 1048576 bytes.", "extensions": {"code": "QUERY_TOO_COMPLEX"}}
    ]
}
CREATE = """mutation ($org: ID!) {
  createContact(input: {lastName: "Dupont", link: {organizationId: $org}}) { contact { lastName } userErrors { code } }
}"""


async def _contacts(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Contact)) or 0)


@pytest.fixture
async def acme(db: Database) -> None:
    """One client with one site, so that nested reads have something to read."""
    client = await factories.client(db, code="ACME", name="Acme")
    await factories.site(db, client, code="PAR", name="Paris")


def deep_query(depth: int) -> str:
    """`clients(first: 1) { edges { node { sites { client { sites … { name }`, its leaf `depth`
    levels down (one client: ten plain lists of sites nested four times cost 11,111, under the cost
    limit)."""
    fields = ["clients(first: 1)", "edges", "node", *islice(cycle(["sites", "client"]), depth - 3)]
    return "{ " + " { ".join(fields) + " { name" + " }" * len(fields) + " }"


def aliased_query(count: int) -> str:
    return "{ " + " ".join(f"c{i}: clients {{ totalCount }}" for i in range(count)) + " }"


def query_of_tokens(count: int) -> str:
    """Operation `Q` reads the clients; padding operations (never run) make up `count` tokens."""
    read = "query Q { clients { totalCount } }"  # 8 tokens
    padding = [f"query P{i} {{ viewer {{ role }} }}" for i in range((count - 8) // 8)]  # 8 each
    extra = " __typename" * ((count - 8) % 8)  # 1 each, at the end of the last padding operation
    if extra:
        padding[-1] = padding[-1].removesuffix(" }") + extra + " }"
    return " ".join([read, *padding])


async def _post(client: httpx.AsyncClient, document: str, **fields: Any) -> httpx.Response:
    return await client.post("/graphql", json={"query": document, **fields}, headers=bearer())


def _refused(response: httpx.Response) -> tuple[int, object, list[str], int]:
    body = response.json()
    messages = [error["message"] for error in body["errors"]]
    return response.status_code, body.get("data"), messages, body["extensions"]["queryStats"]["sqlStatements"]


def _statements(response: httpx.Response) -> int:
    return int(response.json()["extensions"]["queryStats"]["sqlStatements"])


def test_the_limits_are_those_of_the_contract() -> None:
    assert (MAX_DEPTH, MAX_ALIASES, MAX_TOKENS, MAX_BODY_BYTES) == (10, 30, 5_000, 1024 * 1024)


def test_the_query_builders_build_what_they_say() -> None:
    assert deep_query(4) == "{ clients(first: 1) { edges { node { sites { name } } } } }"
    assert query_of_tokens(17) == "query Q { clients { totalCount } } query P0 { viewer { role } __typename }"


async def test_a_query_ten_levels_deep_is_answered(client: httpx.AsyncClient, acme: None) -> None:
    response = await _post(client, deep_query(MAX_DEPTH))

    paris = {"sites": [{"name": "Paris"}]}
    level = {"sites": [{"client": paris}]}
    assert response.json()["data"] == {
        "clients": {"edges": [{"node": {"sites": [{"client": {"sites": [{"client": level}]}}]}}]}
    }
    assert _statements(response) > 0


async def test_a_query_deeper_than_ten_levels_is_refused_and_runs_no_sql(
    client: httpx.AsyncClient, acme: None
) -> None:
    response = await _post(client, deep_query(MAX_DEPTH + 1))

    assert _refused(response) == (200, None, ["'anonymous' exceeds maximum operation depth of 10"], 0)


async def test_depth_counts_through_fragments(client: httpx.AsyncClient, acme: None) -> None:
    nested = ["sites", "client"] * 4
    fragment = "fragment Deep on Client { " + " { ".join(nested) + " { name" + " }" * len(nested) + " }"

    response = await _post(client, "{ clients(first: 1) { edges { node { ...Deep } } } } " + fragment)

    assert _refused(response) == (200, None, ["'anonymous' exceeds maximum operation depth of 10"], 0)


async def test_thirty_aliases_are_answered(client: httpx.AsyncClient, acme: None) -> None:
    response = await _post(client, aliased_query(MAX_ALIASES))

    assert response.json()["data"] == {f"c{i}": {"totalCount": 1} for i in range(30)}
    assert _statements(response) > 0


async def test_more_than_thirty_aliases_are_refused_and_run_no_sql(
    client: httpx.AsyncClient, acme: None
) -> None:
    response = await _post(client, aliased_query(MAX_ALIASES + 1))

    assert _refused(response) == (200, None, ["31 aliases found. Allowed: 30"], 0)


async def test_five_thousand_tokens_are_answered(client: httpx.AsyncClient, acme: None) -> None:
    response = await _post(client, query_of_tokens(MAX_TOKENS), operationName="Q")

    assert response.json()["data"] == {"clients": {"totalCount": 1}}
    assert _statements(response) > 0


async def test_more_than_five_thousand_tokens_are_refused_and_run_no_sql(
    client: httpx.AsyncClient, acme: None
) -> None:
    response = await _post(client, query_of_tokens(MAX_TOKENS + 1), operationName="Q")

    assert _refused(response) == (
        200,
        None,
        ["Syntax Error: Document contains more than 5000 tokens. Parsing aborted."],
        0,
    )


def _padded(payload: dict[str, Any], size: int) -> bytes:
    """A JSON body of exactly `size` bytes (trailing whitespace is still valid JSON)."""
    body = json.dumps(payload).encode()
    return body + b" " * (size - len(body))


async def _chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


JSON = {"Content-Type": "application/json"}


async def _creation(db: Database) -> dict[str, Any]:
    """A createContact request: it writes a contact whenever it runs."""
    acme = await factories.client(db)
    return {"query": CREATE, "variables": {"org": to_global_id("Client", acme.id)}}


async def test_a_body_of_exactly_one_mebibyte_is_run(client: httpx.AsyncClient, db: Database) -> None:
    body = _padded(await _creation(db), MAX_BODY_BYTES)

    announced = await client.post("/graphql", content=body, headers={**bearer(), **JSON})
    streamed = await client.post("/graphql", content=_chunks(body), headers={**bearer(), **JSON})

    created = {"createContact": {"contact": {"lastName": "Dupont"}, "userErrors": []}}
    assert announced.json()["data"] == streamed.json()["data"] == created
    assert await _contacts(db) == 2


async def test_a_body_over_one_mebibyte_announced_by_its_length_is_413_and_runs_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    body = _padded(await _creation(db), MAX_BODY_BYTES + 1)

    response = await client.post("/graphql", content=body, headers={**bearer(), **JSON})

    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert response.headers["content-type"] == "application/json"
    assert await _contacts(db) == 0


async def test_a_body_over_one_mebibyte_sent_without_a_length_is_413_and_runs_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    body = _padded(await _creation(db), MAX_BODY_BYTES + 1)

    request = client.build_request("POST", "/graphql", content=_chunks(body), headers={**bearer(), **JSON})
    response = await client.send(request)

    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert await _contacts(db) == 0


async def test_a_body_too_large_is_refused_before_the_token_is_even_read(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b" " * (MAX_BODY_BYTES + 1), headers=JSON)

    assert (response.status_code, response.json()) == (413, TOO_LARGE)


async def test_a_query_by_get_is_answered(client: httpx.AsyncClient, acme: None) -> None:
    response = await client.get("/graphql", params={"query": "{ clients { totalCount } }"}, headers=bearer())

    assert response.json()["data"] == {"clients": {"totalCount": 1}}


async def test_introspection_as_graphiql_sends_it_is_answered(client: httpx.AsyncClient) -> None:
    # Its type references nest deeper than ten levels: introspection fields are not counted
    # (Strawberry's QueryDepthLimiter), or the IDE could not load the schema.
    response = await _post(client, get_introspection_query(descriptions=True))

    assert "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}


async def test_a_cyclic_introspection_query_is_refused(client: httpx.AsyncClient) -> None:
    # What keeps introspection from growing exponentially instead: graphql-core's own rule.
    hops = "fields { type { ofType { " * 4
    document = "{ __schema { types { " + hops + "name" + " } } }" * 4 + " } } }"

    response = await _post(client, document)

    assert _refused(response) == (200, None, ["Maximum introspection depth exceeded"], 0)


async def test_a_mutation_by_get_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    creation = await _creation(db)
    as_params = {**creation, "variables": json.dumps(creation["variables"])}

    by_get = await client.get("/graphql", params=as_params, headers=bearer())
    written_by_get = await _contacts(db)
    by_post = await client.post("/graphql", json=creation, headers=bearer())

    assert (by_get.status_code, by_get.headers["allow"]) == (405, "POST")
    assert by_get.text == "Mutations are sent with POST."
    assert written_by_get == 0
    assert by_post.json()["data"] == {"createContact": {"contact": {"lastName": "Dupont"}, "userErrors": []}}
    assert await _contacts(db) == 1


@pytest.mark.parametrize(
    "query_string",
    [
        "query=%7B%20viewer%20%7B%20role%20%7D%20%7D",
        "%71uery=%7B%20viewer%20%7B%20role%20%7D%20%7D",  # the same name, percent-encoded
        "x=1&%71uery=%7B%20viewer%20%7B%20role%20%7D%20%7D",
        "query",
    ],
)
async def test_a_browser_get_carrying_a_query_needs_a_token_however_it_is_spelt(
    client: httpx.AsyncClient, query_string: str
) -> None:
    response = await client.get(f"/graphql?{query_string}", headers={"Accept": "text/html"})

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
