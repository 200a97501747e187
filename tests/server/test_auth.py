"""A GraphQL request without a valid token gets 401 and runs nothing."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from resolvers.access import Role
from server.auth import issue_token
from tests.conftest import SECRET, bearer

VIEWER = {"query": "{ viewer { subject role } }"}


def _expired() -> str:
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    return issue_token(SECRET, subject="old", role=Role.STAFF, now=long_ago, ttl=timedelta(hours=1))


def _unsigned() -> str:
    claims = {"sub": "eve", "role": "ADMIN", "exp": datetime.now(UTC) + timedelta(hours=1)}
    return jwt.encode(claims, key=None, algorithm="none")


def _wrongly_signed() -> str:
    claims = {"sub": "eve", "role": "ADMIN", "exp": datetime.now(UTC) + timedelta(hours=1)}
    return jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")


def _unknown_role() -> str:
    claims = {"sub": "eve", "role": "ROOT", "exp": datetime.now(UTC) + timedelta(hours=1)}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _no_expiry() -> str:
    return jwt.encode({"sub": "eve", "role": "ADMIN"}, SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "expired",
        "unsigned",
        "wrongly-signed",
        "unknown-role",
        "no-expiry",
    ],
)
async def test_a_bad_token_gets_401_with_a_json_error(client: httpx.AsyncClient, header: str | None) -> None:
    makers = {
        "expired": _expired,
        "unsigned": _unsigned,
        "wrongly-signed": _wrongly_signed,
        "unknown-role": _unknown_role,
        "no-expiry": _no_expiry,
    }
    value = f"Bearer {makers[header]()}" if header in makers else header
    headers = {"Authorization": value} if value is not None else {}

    response = await client.post("/graphql", json=VIEWER, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "data" not in response.json()


@pytest.mark.parametrize("role", list(Role))
async def test_viewer_answers_the_tokens_subject_and_role(client: httpx.AsyncClient, role: Role) -> None:
    response = await client.post("/graphql", json=VIEWER, headers=bearer(role))

    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": {"subject": role.value.lower(), "role": role.value}},
        "extensions": {"queryStats": {"sqlStatements": 0, "sqlMs": 0.0}},
    }


async def test_the_ide_page_needs_no_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_a_get_query_from_a_browser_still_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params=VIEWER, headers={"Accept": "text/html"})

    assert response.status_code == 401


async def test_health_endpoints_need_no_token(client: httpx.AsyncClient) -> None:
    alive = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
