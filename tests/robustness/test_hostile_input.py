"""What a hostile or careless client sends, through the HTTP app, on both engines: a clear
refusal with a code, never a 5xx or INTERNAL, and nothing written (issue 11, 3 and 5)."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import bearer

SEARCH_CONTACTS = "query ($s: String) { contacts(filter: {search: $s}) { totalCount } }"
SEARCH_CLIENTS = "query ($s: String) { clients(search: $s) { totalCount } }"
NODE = "query ($id: ID!) { node(id: $id) { id } }"
UPDATE = """mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version } userErrors { field code } } }"""
NESTED = (
    "contacts(first: 100) { edges { node { links { organization { ... on Client {"
    " contacts(first: 100) { totalCount } } } } } } }"
)
PAGE_AFTER = "query ($c: String) { contacts(first: 1, after: $c) { totalCount } }"
ELEVEN_WORDS = " ".join(f"mot{n}" for n in range(11))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[str], bytes]  # contact id -> the request's JSON body
    status: int
    code: str  # the error's extensions.code, or the userError's code
    field: list[str] | None = None  # for a userError: its path


def _graphql(query: str, **variables: Any) -> Callable[[str], bytes]:
    # json.dumps escapes lone surrogates as \\udXXX, as a JavaScript client would send them.
    return lambda _contact: json.dumps({"query": query, "variables": variables}).encode()


def _update(**fields: Any) -> Callable[[str], bytes]:
    return lambda contact: json.dumps(
        {"query": UPDATE, "variables": {"input": {"id": contact, **fields}}}
    ).encode()


def _raw(body: bytes) -> Callable[[str], bytes]:
    return lambda _contact: body


CASES = [
    Case("eleven words", _graphql(SEARCH_CONTACTS, s=ELEVEN_WORDS), 200, "BAD_USER_INPUT"),
    Case(
        "4,001 words",
        _graphql(SEARCH_CLIENTS, s=" ".join(f"m{n}" for n in range(4_001))),
        200,
        "BAD_USER_INPUT",
    ),
    Case("a 100,000-letter word", _graphql(SEARCH_CLIENTS, s="a" * 100_000), 200, "BAD_USER_INPUT"),
    Case("a 51-letter word", _graphql(SEARCH_CONTACTS, s="a" * 51), 200, "BAD_USER_INPUT"),
    Case("NUL in a search", _graphql(SEARCH_CONTACTS, s="ma\x00rtin"), 200, "BAD_USER_INPUT"),
    Case("lone surrogate in a search", _graphql(SEARCH_CLIENTS, s="ma\ud800"), 200, "BAD_USER_INPUT"),
    Case("a garbage cursor", _graphql(PAGE_AFTER, c="!!not base64!!"), 200, "BAD_USER_INPUT"),
    Case("a 100,000-deep cursor", _graphql(PAGE_AFTER, c=_b64("[" * 100_000)), 200, "BAD_USER_INPUT"),
    Case(
        "a cursor of another list",
        _graphql(PAGE_AFTER, c=_b64('["abc", "x", "y", 1]')),
        200,
        "BAD_USER_INPUT",
    ),
    Case("NUL in an id", _graphql(NODE, id="Q29udGFjdDox\x00"), 200, "BAD_USER_INPUT"),
    Case(
        "NUL in a mutation's id",
        lambda contact: json.dumps(
            {"query": UPDATE, "variables": {"input": {"id": contact + "\x00"}}}
        ).encode(),
        200,
        "INVALID",
        ["input", "id"],
    ),
    Case("NUL in notes", _update(notes="a\x00b"), 200, "INVALID", ["input", "notes"]),
    Case("lone surrogate in a name", _update(lastName="Du\udc00pont"), 200, "INVALID", ["input", "lastName"]),
    Case(
        "linkedinUrl with userinfo",
        _update(linkedinUrl="https://evil.example@www.linkedin.com/in/x"),
        200,
        "INVALID",
        ["input", "linkedinUrl"],
    ),
    Case(
        "linkedinUrl with a port",
        _update(linkedinUrl="https://www.linkedin.com:8443/in/x"),
        200,
        "INVALID",
        ["input", "linkedinUrl"],
    ),
    Case(
        "invalid UTF-8",
        _raw(b'{"query": "{ contacts { totalCount } }", "x": "\xff\xfe"}'),
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Case(
        "100,000 nested [",
        _raw(b'{"query": "{ __typename }", "variables": ' + b"[" * 100_000 + b"}"),
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Case("broken JSON", _raw(b'{"query": "{ __typename }"'), 400, "GRAPHQL_PARSE_FAILED"),
    Case(
        "a 5,000-digit integer variable",
        _raw(b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5_000 + b"}}"),
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Case(
        "a 5,000-digit integer literal",
        _graphql("{ contacts(first: " + "9" * 4_900 + ") { totalCount } }"),
        200,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Case(
        "30 aliases of nested pages",
        _graphql("{ " + " ".join(f"a{n}: {NESTED}" for n in range(30)) + " }"),
        200,
        "QUERY_TOO_COMPLEX",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_hostile_input_is_refused_cleanly(db: Any, client: httpx.AsyncClient, case: Case) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    before = await factories.database_state(db)

    answer = await client.post(
        "/graphql",
        content=case.send(to_global_id("Contact", person.id)),
        headers={**bearer(), "Content-Type": "application/json"},
    )

    assert answer.status_code == case.status
    assert "json" in answer.headers["content-type"]
    body = answer.json()
    if case.field is None:
        assert [error["extensions"]["code"] for error in body["errors"]] == [case.code]
    else:
        assert "errors" not in body
        assert body["data"]["updateContact"] == {
            "contact": None,
            "userErrors": [{"field": case.field, "code": case.code}],
        }
    assert "Traceback" not in answer.text and "SELECT" not in answer.text
    assert await factories.database_state(db) == before


async def test_a_malformed_body_leaves_the_next_request_its_answer(
    db: Any, client: httpx.AsyncClient
) -> None:
    bad = await client.post(
        "/graphql", content=b"\xff", headers={**bearer(), "Content-Type": "application/json"}
    )
    good = await client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer())
    assert (bad.status_code, good.status_code) == (400, 200)
    assert good.json()["data"] == {"__typename": "Query"}


async def test_get_with_unreadable_variables_is_400(db: Any, client: httpx.AsyncClient) -> None:
    answer = await client.get(
        "/graphql", params={"query": "{ __typename }", "variables": "[" * 10_000}, headers=bearer()
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


FIRST_PAGE = "{ contacts(first: 1) { edges { cursor } } }"


@pytest.mark.parametrize(
    "forge",
    [
        lambda values: [*values[:-1], 10**30],  # an id no column can hold
        lambda values: [values[0], "\ud800", *values[2:]],  # a lone surrogate in a text key
        lambda values: [values[0], "a\x00b", *values[2:]],  # a NUL in a text key
        lambda values: [values[0], {"not": "a name"}, *values[2:]],  # an object where a text belongs
        lambda values: values[:-1],  # a key missing
    ],
    ids=["10^30", "lone surrogate", "NUL", "wrong type", "short"],
)
async def test_a_forged_cursor_of_the_right_list_is_bad_user_input(
    db: Any, client: httpx.AsyncClient, forge: Callable[[list[Any]], list[Any]]
) -> None:
    acme = await factories.client(db)
    await factories.contact(db, "Dupont", at=acme)
    await factories.contact(db, "Martin", at=acme)
    first = await client.post("/graphql", json={"query": FIRST_PAGE}, headers=bearer())
    cursor = first.json()["data"]["contacts"]["edges"][0]["cursor"]
    values = json.loads(base64.urlsafe_b64decode(cursor))
    forged = _b64(json.dumps(forge(values)))

    answer = await client.post(
        "/graphql", json={"query": PAGE_AFTER, "variables": {"c": forged}}, headers=bearer()
    )

    assert answer.status_code == 200
    assert [error["extensions"]["code"] for error in answer.json()["errors"]] == ["BAD_USER_INPUT"]
