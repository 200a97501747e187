"""Structured logs: one JSON line per request, with who, what, how long, how many statements;
never a query string, variables or a document."""

import json
import logging
import os
from pathlib import Path

import httpx
import pytest

from resolvers.access import Role
from server.logs import JsonFormatter
from tests.conftest import SECRET, bearer
from tests.server.test_serve import serving

SECRET_EMAIL = "marie.dupont@example.com"
NAMED = "query WhoAmI($email: String) { viewer { role } contacts(filter: {search: $email}) { totalCount } }"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "carnet.request"]


def _without_timing(line: dict[str, object]) -> dict[str, object]:
    assert isinstance(line.pop("durationMs"), float)
    assert len(str(line.pop("requestId"))) == 16
    assert str(line.pop("time")).endswith("+00:00")
    assert line.pop("pid") == os.getpid()
    return line


async def test_a_request_is_one_line_with_who_what_and_the_statements_it_ran(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="carnet.request")
    params = {"query": NAMED, "variables": json.dumps({"email": SECRET_EMAIL})}

    answer = await client.get("/graphql", params=params, headers=bearer(Role.STAFF))

    statements = answer.json()["extensions"]["queryStats"]["sqlStatements"]
    [line] = _request_lines(caplog)
    assert _without_timing(line) == {
        "level": "INFO",
        "logger": "carnet.request",
        "message": "request",
        "method": "GET",
        "path": "/graphql",
        "status": 200,
        "subject": "staff",
        "role": "STAFF",
        "operation": "WhoAmI",
        "sqlStatements": statements,
        "errorCodes": [],
    }
    assert statements > 0
    assert SECRET_EMAIL not in caplog.text


async def test_a_refusal_is_logged_with_its_code(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="carnet.request")
    document = '{ recipients(clientId: "Q2xpZW50OjE=", document: INVOICE) { email } }'

    await client.post("/graphql", json={"query": document}, headers=bearer(Role.PORTAL))

    [line] = _request_lines(caplog)
    assert (line["operation"], line["role"], line["errorCodes"]) == ("anonymous", "PORTAL", ["FORBIDDEN"])


async def test_a_request_without_a_token_is_logged_as_nobodys(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="carnet.request")

    await client.post("/graphql", json={"query": "{ viewer { role } }"})

    [line] = _request_lines(caplog)
    assert (line["status"], line["subject"], line["role"], line["operation"]) == (401, None, None, None)


def test_an_exception_is_one_json_line_with_its_stack() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("carnet", logging.ERROR, __file__, 1, "failed", None, exc_info=True)
        record.exc_info = __import__("sys").exc_info()
    record.fields = {"requestId": "abc"}

    text = JsonFormatter().format(record)

    assert "\n" not in text
    parsed = json.loads(text)
    assert (parsed["message"], parsed["requestId"]) == ("failed", "abc")
    assert parsed["exception"].endswith("RuntimeError: boom")


@pytest.mark.subprocess
def test_a_served_process_logs_json_lines_and_no_access_log(tmp_path: Path, database_url: str) -> None:
    params = {"query": NAMED, "variables": json.dumps({"email": SECRET_EMAIL})}
    with serving(tmp_path, "--database-url", database_url, secret=SECRET) as server:
        httpx.get(f"{server.url}/graphql", params=params, headers=bearer())
    logged = [json.loads(line) for line in server.stderr.read_text().splitlines()]

    requests = [line for line in logged if line["logger"] == "carnet.request" and line["path"] == "/graphql"]
    assert [(line["operation"], line["status"]) for line in requests] == [("WhoAmI", 200)]
    assert SECRET_EMAIL not in server.stderr.read_text() + server.stdout.read_text()
    assert "WhoAmI" not in server.stdout.read_text()  # uvicorn's access line is off
