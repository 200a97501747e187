"""The test harness: a real database per backend (SQLite always, PostgreSQL when
CARNET_TEST_DATABASE_URL names one), wiped between tests; a fixed clock; GraphQL as any role."""

import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from strawberry.types import ExecutionResult

from db.engine import Database, open_database
from db.migrate import upgrade
from db.models import Base
from resolvers.access import Role, Viewer
from schema.context import Context
from schema.error_codes import CODES
from schema.schema import schema
from server.app import create_app
from server.auth import BadToken, issue_token, viewer_from_header
from server.settings import Settings
from tests.equivalence import Recorder, Sent

# Saturday 28 November 2026, 10:00 in Paris: "today" for every test unless one sets its own.
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SECRET = "test-secret-" + "x" * 40
POSTGRES_URL = os.environ.get("CARNET_TEST_DATABASE_URL", "")
# CARNET_COMPILED=0 runs the suite on the stock executor alone: no test may change outcome.
COMPILED = os.environ.get("CARNET_COMPILED", "1").strip().lower() not in ("0", "false", "no", "off")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]

GraphQL = Callable[..., Awaitable[ExecutionResult]]


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A new, migrated database for this run of the suite on one backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "carnet.db"
        url = f"sqlite+aiosqlite:///{path}"
        await _migrate(url)
        yield url
        return
    admin = make_url(POSTGRES_URL)
    name = f"carnet_test_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_asyncpg_dsn(admin))
    await connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(url)
        yield url
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


def _asyncpg_dsn(url: Any) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _migrate(url: str) -> None:
    database = open_database(url)
    try:
        await upgrade(database.engine)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
async def shared_database(database_url: str) -> AsyncIterator[Database]:
    database = open_database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def db(shared_database: Database) -> AsyncIterator[Database]:
    """The database, emptied before the test; after it, every link still carries its contact's
    name keys (migration 0008's triggers): every write path of the suite checks them."""
    await wipe(shared_database)
    yield shared_database
    assert await links_with_other_keys(shared_database) == []


async def links_with_other_keys(database: Database) -> list[tuple[int, str, str, str, str]]:
    drifted = text(
        "SELECT l.id, l.last_name_key, l.first_name_key, c.last_name_key, c.first_name_key "
        "FROM contact_link AS l JOIN contact AS c ON c.id = l.contact_id "
        "WHERE l.last_name_key <> c.last_name_key OR l.first_name_key <> c.first_name_key"
    )
    async with database.read() as session:
        return [tuple(row) for row in await session.execute(drifted)]


async def wipe(database: Database) -> None:
    from db.dialect import empty_search_index

    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with database.begin() as session:
        if database.is_sqlite:
            # The FTS5 table is no model (PostgreSQL's index goes with its table).
            await empty_search_index(await session.connection())
            for table in tables:
                await session.execute(text(f'DELETE FROM "{table}"'))
        else:
            quoted = ", ".join(f'"{table}"' for table in tables)
            await session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        secret=SECRET, database_url=database_url, clock=lambda: NOW, query_stats=True, compiled=COMPILED
    )


def viewer(role: Role = Role.STAFF, subject: str = "") -> Viewer:
    return Viewer(subject=subject or role.value.lower(), role=role)


def context(
    db: Database,
    role: Role = Role.STAFF,
    *,
    now: datetime = NOW,
    max_selection: int = 100_000,
    compiled: bool = COMPILED,
    who: Viewer | None = None,
) -> Context:
    paris = Settings(secret=SECRET).timezone
    return Context(
        db=db,
        viewer=who or viewer(role),
        now=now,
        today=now.astimezone(paris).date(),
        max_selection=max_selection,
        request_id="test",
        report_query_stats=True,
        compiled=compiled,
    )


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    """The queries a test sends, replayed through both executors when it ends (tests/equivalence.py)."""
    sent = Recorder()
    yield sent
    await sent.check()


@pytest.fixture
def graphql(db: Database, recorder: Recorder) -> GraphQL:
    """Run a GraphQL document through the schema as a role (STAFF by default)."""

    async def run(
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role = Role.STAFF,
        now: datetime = NOW,
    ) -> ExecutionResult:
        recorder.record(
            Sent(document, variables, None, lambda compiled: context(db, role, now=now, compiled=compiled))
        )
        result = await schema.execute(
            document, variable_values=variables, context_value=context(db, role, now=now)
        )
        assert_coded([error.formatted for error in result.errors or []])
        return result

    return run


def assert_coded(errors: Any) -> None:
    """Every entry of `errors` carries a code of the closed list (DOMAIN "Errors"): checked on
    every answer of the suite, through the `graphql` and `client` fixtures."""
    assert isinstance(errors, list), errors
    uncoded = [error for error in errors if (error.get("extensions") or {}).get("code") not in CODES]
    assert uncoded == [], f"errors without a code of the closed list: {uncoded}"


async def _check_codes(response: httpx.Response) -> None:
    if "json" not in response.headers.get("content-type", ""):
        return
    await response.aread()
    body = response.json()
    if isinstance(body, dict) and "errors" in body:
        assert_coded(body["errors"])


def token(role: Role = Role.STAFF, subject: str = "", *, secret: str = SECRET) -> str:
    from datetime import timedelta

    return issue_token(
        secret,
        subject=subject or role.value.lower(),
        role=role,
        now=datetime.now(UTC),
        ttl=timedelta(hours=1),
    )


def bearer(role: Role = Role.STAFF) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role)}"}


@pytest.fixture
async def client(settings: Settings, db: Database, recorder: Recorder) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the Starlette app (its lifespan running)."""
    app = create_app(settings, database=db)

    async def record(request: httpx.Request) -> None:
        sent = _sent_over_http(request, db, settings)
        if sent is not None:
            recorder.record(sent)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        hooks = {"request": [record], "response": [_check_codes]}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://carnet.test", event_hooks=hooks
        ) as http:
            yield http


def _sent_over_http(request: httpx.Request, db: Database, settings: Settings) -> Sent | None:
    """A GraphQL query sent over HTTP by a known caller, as the equivalence check replays it."""
    if request.url.path != "/graphql":
        return None
    try:
        who = viewer_from_header(request.headers.get("authorization"), settings.secret)
        if request.method == "POST":
            body = json.loads(request.content)
        else:
            body = dict(request.url.params)
            body["variables"] = json.loads(body["variables"]) if body.get("variables") else None
    except (BadToken, ValueError, KeyError, TypeError, RecursionError, httpx.RequestNotRead):  # not replayed
        return None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return None
    now = settings.clock()
    variables = body.get("variables") if isinstance(body.get("variables"), dict) else None
    operation = body.get("operationName") if isinstance(body.get("operationName"), str) else None
    return Sent(
        body["query"],
        variables,
        operation,
        lambda compiled: context(
            db, now=now, max_selection=settings.max_selection, compiled=compiled, who=who
        ),
    )
