"""Settings come from the environment once, exactly as written, and a bad value is refused by name."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import event, text

from db.engine import POOL_SIZE, Database, unique_statement_name
from server.app import MAX_BODY_BYTES, create_app
from server.settings import DEFAULT_DATABASE_URL, DEFAULT_MAX_SELECTION, Settings, SettingsError
from tests.conftest import NOW, SECRET, bearer

SPA = "https://spa.example.com"
VIEWER = {"query": "{ viewer { role } }"}


def test_every_variable_is_read_with_its_exact_value() -> None:
    environ = {
        "CARNET_SECRET": SECRET,
        "CARNET_DATABASE_URL": "postgresql+asyncpg://carnet:pw@db.internal:5433/carnet",
        "CARNET_TIMEZONE": "America/Montreal",
        "CARNET_GRAPHIQL": "0",
        "CARNET_CORS_ORIGINS": " https://spa.example.com , http://localhost:5173,",
        "CARNET_QUERY_STATS": "yes",
        "CARNET_MAX_SELECTION": "2500",
        "CARNET_DATABASE_POOLER": "PgBouncer",
        "CARNET_DATABASE_POOL_SIZE": "7",
    }

    settings = Settings.from_env(environ)

    assert settings.secret == SECRET
    assert settings.database_url == "postgresql+asyncpg://carnet:pw@db.internal:5433/carnet"
    assert settings.timezone == ZoneInfo("America/Montreal")
    assert settings.graphiql is False
    assert settings.cors_origins == ("https://spa.example.com", "http://localhost:5173")
    assert settings.query_stats is True
    assert settings.max_selection == 2500
    assert settings.transaction_pooler is True
    assert settings.database_pool_size == 7


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = Settings.from_env({})

    assert settings.secret == ""
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///./var/carnet.db"
    assert settings.timezone == ZoneInfo("Europe/Paris")
    assert settings.graphiql is True
    assert settings.cors_origins == ()
    assert settings.query_stats is False
    assert settings.max_selection == DEFAULT_MAX_SELECTION == 100_000
    assert settings.transaction_pooler is False
    assert settings.database_pool_size == POOL_SIZE == 15


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("On", True), ("0", False), ("FALSE", False), ("off", False), ("", True)],
)
def test_a_flag_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert Settings.from_env({"CARNET_GRAPHIQL": raw}).graphiql is expected


def test_overrides_win_over_the_environment() -> None:
    settings = Settings.from_env(
        {"CARNET_DATABASE_URL": "sqlite+aiosqlite:///./env.db"},
        overrides={"database_url": "sqlite+aiosqlite:///./flag.db"},
    )

    assert settings.database_url == "sqlite+aiosqlite:///./flag.db"


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("CARNET_SECRET", "too-short"),
        ("CARNET_DATABASE_URL", "not a url"),
        ("CARNET_DATABASE_URL", "sqlite:///./var/carnet.db"),
        ("CARNET_DATABASE_URL", "postgresql://carnet:pw@db.internal/carnet"),
        ("CARNET_DATABASE_URL", "nosuchdb+driver://host/carnet"),
        ("CARNET_TIMEZONE", "Mars/Olympus_Mons"),
        ("CARNET_GRAPHIQL", "maybe"),
        ("CARNET_CORS_ORIGINS", "spa.example.com"),
        ("CARNET_CORS_ORIGINS", "https://spa.example.com/"),
        ("CARNET_CORS_ORIGINS", "ftp://spa.example.com"),
        ("CARNET_QUERY_STATS", "2"),
        ("CARNET_MAX_SELECTION", "0"),
        ("CARNET_MAX_SELECTION", "-5"),
        ("CARNET_MAX_SELECTION", "1.5"),
        ("CARNET_MAX_SELECTION", "ten"),
        ("CARNET_DATABASE_POOL_SIZE", "0"),
        ("CARNET_DATABASE_POOLER", "pgpool"),
        ("CARNET_DATABASE_POOLER", "pgbouncer"),  # on the default database, SQLite
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({name: raw})

    assert str(refused.value).startswith(f"{name}: ")


def test_a_refused_database_url_does_not_echo_its_password() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"CARNET_DATABASE_URL": "postgresql://carnet:hunter2@db.internal/carnet"})

    assert "hunter2" not in str(refused.value)


POOLER_ARGUMENTS = ("statement_cache_size", "prepared_statement_cache_size", "prepared_statement_name_func")


async def _connect_arguments(settings: Settings) -> dict[str, Any]:
    """What the engine of `settings` hands the driver when it opens a connection."""
    database = settings.open_database()
    seen: list[dict[str, Any]] = []
    event.listen(database.engine.sync_engine, "do_connect", lambda *args: seen.append(dict(args[3])))
    try:
        async with database.engine.connect():
            pass
    finally:
        await database.dispose()
    return seen[0]


async def test_behind_pgbouncer_nothing_is_prepared_beyond_a_transaction(database_url: str) -> None:
    environ = {"CARNET_DATABASE_URL": database_url, "CARNET_DATABASE_POOLER": "pgbouncer"}
    if database_url.startswith("sqlite"):
        with pytest.raises(SettingsError) as refused:
            Settings.from_env(environ)
        assert str(refused.value) == "CARNET_DATABASE_POOLER: pgbouncer needs a PostgreSQL database URL."
        return

    pooled = await _connect_arguments(Settings.from_env(environ))
    direct = await _connect_arguments(Settings.from_env({"CARNET_DATABASE_URL": database_url}))

    assert {name: pooled[name] for name in POOLER_ARGUMENTS} == {
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": unique_statement_name,
    }
    assert set(direct) & set(POOLER_ARGUMENTS) == set()  # straight to PostgreSQL, the caches stay


async def test_a_burst_waits_for_the_pool_s_connections_instead_of_opening_more(database_url: str) -> None:
    database = Settings.from_env(
        {"CARNET_DATABASE_URL": database_url, "CARNET_DATABASE_POOL_SIZE": "3"}
    ).open_database()
    opened: list[object] = []
    event.listen(database.engine.sync_engine, "connect", lambda *_: opened.append(None))

    async def read() -> int:
        async with database.read() as session:
            await asyncio.sleep(0.01)  # held a while, so that the burst overlaps
            return int(await session.scalar(text("SELECT 1")) or 0)

    try:
        answers = [await asyncio.gather(*(read() for _ in range(20))) for _ in range(3)]
    finally:
        await database.dispose()

    assert answers == [[1] * 20] * 3
    assert len(opened) == 3  # 60 sessions, 20 at a time, on the same 3 connections


def test_prepared_statement_names_are_unique_across_clients() -> None:
    names = {unique_statement_name() for _ in range(1000)}

    assert len(names) == 1000
    assert all(name.startswith("__asyncpg_") and name.endswith("__") for name in names)


def test_the_app_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(SettingsError) as refused:
        create_app(Settings(secret=""))

    assert str(refused.value) == "CARNET_SECRET is empty: tokens could not be checked."


@asynccontextmanager
async def serving(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on an app built from `settings` (the `client` fixture's settings are fixed)."""
    app = create_app(settings, database=db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


@pytest.fixture
async def cors_client(database_url: str, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(secret=SECRET, database_url=database_url, clock=lambda: NOW, cors_origins=(SPA,))
    async with serving(settings, db) as http:
        yield http


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_a_preflight_from_an_allowed_origin_is_allowed(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options("/graphql", headers=_preflight(SPA))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SPA
    assert response.headers["access-control-allow-methods"] == "GET, POST"


async def test_a_preflight_from_another_origin_is_not(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options("/graphql", headers=_preflight("https://evil.example.com"))

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_request_from_an_allowed_origin_may_read_the_answer(cors_client: httpx.AsyncClient) -> None:
    allowed = await cors_client.post("/graphql", json=VIEWER, headers={**bearer(), "Origin": SPA})
    other = await cors_client.post(
        "/graphql", json=VIEWER, headers={**bearer(), "Origin": "https://evil.example.com"}
    )

    assert allowed.headers["access-control-allow-origin"] == SPA
    assert "access-control-allow-origin" not in other.headers


async def test_the_spa_can_read_a_refusal_of_a_body_too_large(cors_client: httpx.AsyncClient) -> None:
    body = b" " * (MAX_BODY_BYTES + 1)

    response = await cors_client.post(
        "/graphql", content=body, headers={**bearer(), "Origin": SPA, "Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == SPA


async def test_the_spa_can_read_a_refusal_of_a_bad_token(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.post("/graphql", json=VIEWER, headers={"Origin": SPA})

    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == SPA


async def test_without_cors_origins_no_origin_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=VIEWER, headers={**bearer(), "Origin": SPA})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_without_graphiql_the_browser_gets_no_ide(database_url: str, db: Database) -> None:
    settings = Settings(secret=SECRET, database_url=database_url, clock=lambda: NOW, graphiql=False)
    async with serving(settings, db) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        query = await http.post("/graphql", json=VIEWER, headers=bearer())

        assert (page.status_code, page.text) == (404, "Not Found")
        assert query.json() == {"data": {"viewer": {"role": "STAFF"}}}


async def test_without_query_stats_responses_carry_no_extensions(database_url: str, db: Database) -> None:
    settings = Settings(secret=SECRET, database_url=database_url, clock=lambda: NOW, query_stats=False)
    async with serving(settings, db) as http:
        answered = await http.post("/graphql", json=VIEWER, headers=bearer())
        refused = await http.post("/graphql", json={"query": "{ xyzzy }"}, headers=bearer())

        assert answered.json() == {"data": {"viewer": {"role": "STAFF"}}}
        assert "extensions" not in refused.json()
        assert refused.json()["errors"][0]["message"] == ("Cannot query field 'xyzzy' on type 'Query'.")
