"""Every entry of `errors` carries a code of the closed list (DOMAIN "Errors"): one document for
each code, over HTTP, and messages that are sentences, never a Python value's repr.

Every other test checks the same through the `graphql` and `client` fixtures (tests/conftest.py):
no error entry anywhere in the suite lacks a code of the list.
"""

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.engine import Database, open_database
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from schema.error_codes import CODES, ErrorCode, sentence
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.conftest import NOW, SECRET, bearer

DEEP = '{ node(id: "x") { ... on Contact { links { contact { links { contact { links { contact { links { contact { links { contact { id } } } } } } } } } } } } }'
DOCUMENTS: dict[str, tuple[str, dict[str, Any] | None, Role]] = {
    "GRAPHQL_PARSE_FAILED": ("{ contacts { ", None, Role.STAFF),
    "GRAPHQL_VALIDATION_FAILED": ("{ nope }", None, Role.STAFF),
    "BAD_USER_INPUT": ("{ contacts(first: 1000) { totalCount } }", None, Role.STAFF),
    "QUERY_TOO_COMPLEX": (DEEP, None, Role.STAFF),
    "FORBIDDEN": ('mutation { createTarget(input: {name: "x"}) { target { id } } }', None, Role.PORTAL),
    "NOT_FOUND": ('{ recipients(clientId: "Q2xpZW50Ojk5", document: INVOICE) { email } }', None, Role.STAFF),
}


async def _post(client: httpx.AsyncClient, query: str, variables: Any = None, role: Role = Role.STAFF) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(role)
    )
    return response.json()


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
async def test_one_document_for_each_code(client: httpx.AsyncClient, code: str) -> None:
    query, variables, role = DOCUMENTS[code]

    body = await _post(client, query, variables, role)

    assert [error["extensions"]["code"] for error in body["errors"]] == [code]


async def test_a_request_without_a_valid_token_is_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ viewer { role } }"})

    assert response.status_code == 401
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "query",
    [
        "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(31)) + " }",  # 31 aliases
        "{ " + "viewer { role } " * 1_700 + "}",  # over 5,000 tokens
        DEEP,
    ],
    ids=["aliases", "tokens", "depth"],
)
async def test_every_limit_is_query_too_complex(client: httpx.AsyncClient, query: str) -> None:
    body = await _post(client, query)

    assert {error["extensions"]["code"] for error in body["errors"]} == {"QUERY_TOO_COMPLEX"}
    assert body.get("data") is None


async def test_a_variable_that_does_not_fit_its_type_is_bad_input_in_a_sentence(
    client: httpx.AsyncClient,
) -> None:
    query = "mutation ($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } } }"
    variables = {"input": {"id": "x", "notes": None, "shoeSize": {"left": 42}}}

    body = await _post(client, query, variables)

    assert body["errors"] == [
        {
            "message": "Variable '$input' has invalid value: Expected value of type 'UpdateContactInput' not to "
            "include unknown field 'shoeSize'.",
            "locations": [{"line": 1, "column": 11}],
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Expected value of type 'X' to be an object, found: [1, {'a': None}].",
            "Expected value of type 'X' to be an object.",
        ),
        (
            "Unknown field 'fo'. Did you mean 'foo'? Found: {'fo': 1}.",
            "Unknown field 'fo'. Did you mean 'foo'?",
        ),
        (
            "Expected value of type 'Int', but encountered error 'x'; found: 'y'.",
            "Expected value of type 'Int', but encountered error 'x'.",
        ),
        ("A plain sentence.", "A plain sentence."),
        ("No stop", "No stop."),
    ],
)
def test_messages_end_as_sentences_without_the_value_python_printed(message: str, expected: str) -> None:
    assert sentence(message) == expected


async def test_an_unexpected_failure_is_an_internal_server_error(tmp_path: Path) -> None:
    path = tmp_path / "never-migrated.db"
    sqlite3.connect(path).close()
    app = create_app(Settings(secret=SECRET, database_url=f"sqlite+aiosqlite:///{path}", clock=lambda: NOW))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            body = await _post(http, "{ clients { totalCount } }")

    assert [(error["message"], error["extensions"]["code"]) for error in body["errors"]] == [
        ("Internal error.", "INTERNAL_SERVER_ERROR")
    ]


async def test_a_write_that_cannot_start_in_time_is_service_busy(
    database_url: str, db: Database, settings: Settings
) -> None:
    person = await factories.contact(db, "Martin", at=await factories.client(db))
    impatient = open_database(database_url, write_deadline=0.3)
    app = create_app(settings, database=impatient)
    started, release = asyncio.Event(), asyncio.Event()

    async def hold_a_write() -> None:
        async with impatient.begin() as session:
            await session.connection()
            started.set()
            await release.wait()

    holder = asyncio.create_task(hold_a_write())
    await started.wait()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
                query = 'mutation ($id: ID!) { updateContact(input: {id: $id, notes: "x"}) { contact { version } } }'
                body = await _post(http, query, {"id": to_global_id("Contact", person.id)})
    finally:
        release.set()
        await holder
        await impatient.dispose()

    # SQLite has one writer at a time, queued at the process's gate: past the deadline, busy.
    # PostgreSQL writes rows side by side: the edit does not wait for the held transaction.
    if impatient.is_sqlite:
        assert [error["extensions"]["code"] for error in body["errors"]] == ["SERVICE_BUSY"]
    else:
        assert (body["data"], "errors" in body) == ({"updateContact": {"contact": {"version": 2}}}, False)


def test_the_closed_list_is_the_domains() -> None:
    assert {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_USER_INPUT",
        "QUERY_TOO_COMPLEX",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "SERVICE_BUSY",
        "INTERNAL_SERVER_ERROR",
    } == CODES
    assert {code.value for code in ErrorCode} == CODES
