"""An unexpected failure reads "Internal error." with a request id and is logged in full;
every error meant for the caller (validation, bad input, refusals) keeps its message."""

import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from db.engine import Database
from resolvers.access import Role
from schema.ids import to_global_id
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.conftest import NOW, SECRET, bearer

CLIENTS = {"query": "{ clients { totalCount } }"}
REQUEST_ID = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
async def tableless(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a real, empty SQLite database that was never migrated: every read fails."""
    path = tmp_path / "never-migrated.db"
    sqlite3.connect(path).close()
    app = create_app(Settings(secret=SECRET, database_url=f"sqlite+aiosqlite:///{path}", clock=lambda: NOW))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


def _request_id(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["requestId"])


async def test_an_unexpected_exception_is_masked_with_the_request_id(tableless: httpx.AsyncClient) -> None:
    response = await tableless.post("/graphql", json=CLIENTS, headers=bearer())

    request_id = _request_id(response)
    assert REQUEST_ID.fullmatch(request_id)
    assert (response.status_code, response.json()) == (
        200,
        {
            "data": None,
            "errors": [
                {
                    "message": "Internal error.",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["clients"],
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                }
            ],
        },
    )


async def test_the_response_tells_nothing_of_the_failure(
    tableless: httpx.AsyncClient, tmp_path: Path
) -> None:
    response = await tableless.post("/graphql", json=CLIENTS, headers=bearer())

    for secret in ("Traceback", "SELECT", "no such table", "organization", "sqlite", ".py", str(tmp_path)):
        assert secret.lower() not in response.text.lower()


async def test_the_failure_is_logged_with_its_stack_and_request_id(
    tableless: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="carnet.graphql"):
        response = await tableless.post("/graphql", json=CLIENTS, headers=bearer())

    records = [record for record in caplog.records if record.name == "carnet.graphql"]
    assert [record.getMessage() for record in records] == [
        f"request {_request_id(response)} failed at ['clients']"
    ]
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None
    assert type(records[0].exc_info[1]).__name__ == "OperationalError"
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged
    assert "no such table: organization" in logged


async def test_every_request_has_its_own_request_id(tableless: httpx.AsyncClient) -> None:
    first = await tableless.post("/graphql", json=CLIENTS, headers=bearer())
    second = await tableless.post("/graphql", json=CLIENTS, headers=bearer())

    assert _request_id(first) != _request_id(second)


async def test_a_failure_in_one_field_leaves_nullable_siblings_answered(tableless: httpx.AsyncClient) -> None:
    document = {
        "query": "query ($id: ID!) { viewer { role } node(id: $id) { id } }",
        "variables": {"id": to_global_id("Client", 1)},
    }

    response = await tableless.post("/graphql", json=document, headers=bearer())

    body = response.json()
    assert body["data"] == {"viewer": {"role": "STAFF"}, "node": None}
    assert [(error["message"], error["path"], error["extensions"]["code"]) for error in body["errors"]] == [
        ("Internal error.", ["node"], "INTERNAL_SERVER_ERROR")
    ]


async def test_an_unknown_field_keeps_its_message(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ clients { xyzzy } }"}, headers=bearer())

    assert response.json()["errors"] == [
        {
            "message": "Cannot query field 'xyzzy' on type 'ClientConnection'.",
            "locations": [{"line": 1, "column": 13}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]
    assert response.json()["data"] is None


async def test_a_variable_of_the_wrong_type_keeps_its_message(client: httpx.AsyncClient) -> None:
    document = {"query": "query ($n: Int) { clients(first: $n) { totalCount } }", "variables": {"n": "ten"}}

    response = await client.post("/graphql", json=document, headers=bearer())

    assert [error["message"] for error in response.json()["errors"]] == [
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'."
    ]
    assert [error["extensions"] for error in response.json()["errors"]] == [{"code": "BAD_USER_INPUT"}]


async def test_a_page_too_large_keeps_its_message(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ clients(first: 101) { totalCount } }"}, headers=bearer()
    )

    error = response.json()["errors"][0]
    assert (error["message"], error["extensions"]) == (
        "`first` must be between 1 and 100 (101 given).",
        {"code": "BAD_USER_INPUT"},
    )


async def test_a_field_the_role_may_not_use_keeps_its_message(
    client: httpx.AsyncClient, db: Database
) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", "Marie", at=acme)
    document = {
        "query": "query ($id: ID!) { node(id: $id) { ... on Contact { history { totalCount } } } }",
        "variables": {"id": to_global_id("Contact", person.id)},
    }

    response = await client.post("/graphql", json=document, headers=bearer(Role.PORTAL))

    error = response.json()["errors"][0]
    assert (error["message"], error["path"], error["extensions"]) == (
        "Your role may not use this field.",
        ["node", "history"],
        {"code": "FORBIDDEN"},
    )


async def test_an_unexpected_exception_in_a_mutation_is_masked_too(tableless: httpx.AsyncClient) -> None:
    document = {
        "query": 'mutation ($org: ID!) { createContact(input: {lastName: "Dupont", link: {organizationId: $org}})'
        " { contact { id } } }",
        "variables": {"org": to_global_id("Client", 1)},
    }

    response = await tableless.post("/graphql", json=document, headers=bearer())

    assert response.json()["data"] is None
    assert [
        (error["message"], error["path"], error["extensions"]["code"]) for error in response.json()["errors"]
    ] == [("Internal error.", ["createContact"], "INTERNAL_SERVER_ERROR")]


async def test_a_database_never_migrated_is_alive_but_not_ready(tableless: httpx.AsyncClient) -> None:
    alive = await tableless.get("/healthz")
    ready = await tableless.get("/readyz")

    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    assert (ready.status_code, ready.json()) == (503, {"status": "database not migrated"})


async def test_a_statement_that_fails_is_counted_in_the_query_stats(tmp_path: Path) -> None:
    path = tmp_path / "never-migrated.db"
    sqlite3.connect(path).close()
    settings = Settings(
        secret=SECRET, database_url=f"sqlite+aiosqlite:///{path}", clock=lambda: NOW, query_stats=True
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            response = await http.post(
                "/graphql", json={"query": "{ clients { edges { cursor } } }"}, headers=bearer()
            )

    assert response.json()["errors"][0]["message"] == "Internal error."
    assert response.json()["extensions"]["queryStats"]["sqlStatements"] == 1
