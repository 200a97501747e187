"""CORS: the headers common GraphQL clients send are allowed, and more may be listed."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from db.engine import Database
from server.app import create_app
from server.settings import Settings, SettingsError

SPA = "https://spa.example.com"


@pytest.fixture
async def cors_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    configured = Settings(**{**settings.__dict__, "cors_origins": (SPA,), "cors_headers": ("X-Tenant",)})
    app = create_app(configured, database=db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


@pytest.mark.parametrize(
    "headers",
    [
        "authorization,content-type",
        "apollographql-client-name,apollographql-client-version,content-type",
        "apollo-require-preflight,x-apollo-operation-name",
        "x-tenant,traceparent",
    ],
)
async def test_a_preflight_with_the_headers_of_graphql_clients_is_allowed(
    cors_client: httpx.AsyncClient, headers: str
) -> None:
    preflight = await cors_client.options(
        "/graphql",
        headers={
            "Origin": SPA,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SPA
    allowed = {name.strip().lower() for name in preflight.headers["access-control-allow-headers"].split(",")}
    assert set(headers.split(",")) <= allowed


async def test_a_header_not_listed_is_refused(cors_client: httpx.AsyncClient) -> None:
    preflight = await cors_client.options(
        "/graphql",
        headers={
            "Origin": SPA,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-other",
        },
    )

    assert preflight.status_code == 400


def test_the_extra_headers_come_from_the_environment() -> None:
    env = {"CARNET_CORS_ORIGINS": SPA, "CARNET_CORS_HEADERS": "X-Tenant, X-Trace"}

    assert Settings.from_env(env).cors_headers == ("X-Tenant", "X-Trace")
    with pytest.raises(
        SettingsError, match=re.escape("CARNET_CORS_HEADERS: 'X Bad' is not an HTTP header name.")
    ):
        Settings.from_env({"CARNET_CORS_HEADERS": "X Bad"})
