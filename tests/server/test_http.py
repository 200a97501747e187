"""GraphQL over HTTP: the media type a client asks for, and the spec's status codes with it."""

import httpx
import pytest

from resolvers.access import Role
from server.http import GRAPHQL_RESPONSE_JSON, negotiated_media_type
from tests.conftest import bearer

SPEC = {"Accept": GRAPHQL_RESPONSE_JSON, **bearer()}
PLAIN = {"Accept": "application/json", **bearer()}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", "application/json"),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, application/json", "application/json"),
        ("text/html", "application/json"),
    ],
)
def test_the_response_media_type_is_the_clients_preferred_one_of_ours(accept: str, expected: str) -> None:
    assert negotiated_media_type(accept) == expected


async def test_a_query_answers_200_in_the_media_type_asked_for(client: httpx.AsyncClient) -> None:
    spec = await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=SPEC)
    plain = await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=PLAIN)

    assert spec.status_code == plain.status_code == 200
    assert spec.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    assert plain.headers["content-type"] == "application/json; charset=utf-8"
    assert spec.json()["data"] == plain.json()["data"] == {"viewer": {"role": "STAFF"}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": "{"}, "Syntax Error: Expected Name, found <EOF>."),
        ({"query": "{ zzz }"}, "Cannot query field 'zzz' on type 'Query'."),
        (
            {"query": "query Q($first: Int!) { contacts(first: $first) { totalCount } }"},
            "Variable '$first' has invalid value: Expected a value of non-null type 'Int!' to be provided.",
        ),
    ],
)
async def test_a_request_error_is_400_without_data_for_spec_clients_and_200_for_json_clients(
    client: httpx.AsyncClient, body: dict[str, str], message: str
) -> None:
    spec = await client.post("/graphql", json=body, headers=SPEC)
    plain = await client.post("/graphql", json=body, headers=PLAIN)

    assert spec.status_code == 400
    assert "data" not in spec.json()
    assert [error["message"] for error in spec.json()["errors"]] == [message]
    assert plain.status_code == 200
    assert plain.json()["data"] is None
    assert [error["message"] for error in plain.json()["errors"]] == [message]


async def test_a_field_refused_while_executing_is_still_200_with_data(client: httpx.AsyncClient) -> None:
    portal = {"Accept": GRAPHQL_RESPONSE_JSON, **bearer(Role.PORTAL)}
    answer = await client.post(
        "/graphql",
        json={"query": '{ recipients(clientId: "Q2xpZW50OjE=", document: INVOICE) { email } }'},
        headers=portal,
    )

    assert answer.status_code == 200
    assert "data" in answer.json()
    assert answer.json()["errors"][0]["path"] == ["recipients"]


async def test_a_mutation_over_get_is_405_naming_post_and_runs_nothing(client: httpx.AsyncClient) -> None:
    document = 'mutation { createTarget(input: {name: "Salon"}) { target { id } } }'
    answer = await client.get("/graphql", params={"query": document}, headers=SPEC)
    targets = await client.post("/graphql", json={"query": "{ targets { totalCount } }"}, headers=PLAIN)

    assert (answer.status_code, answer.headers["allow"]) == (405, "POST")
    assert targets.json()["data"] == {"targets": {"totalCount": 0}}
