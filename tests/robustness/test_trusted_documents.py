"""Trusted documents for the portal, and introspection refused to it (issue 11, 4)."""

import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from db.engine import Database
from resolvers.access import Role
from server.app import create_app
from server.settings import Settings, SettingsError
from tests import factories
from tests.conftest import bearer

NAMES = "query Names { contacts { edges { node { lastName } } } }"
COUNT = "query Count { contacts { totalCount } }"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    path = tmp_path / "portal-documents.json"
    path.write_text(json.dumps({_hash(NAMES): NAMES, f"sha256:{_hash(COUNT)}": COUNT}))
    return path


@pytest.fixture
async def trusting(settings: Settings, db: Database, documents: Path) -> AsyncIterator[httpx.AsyncClient]:
    await factories.contact(db, "Martin", at=await factories.client(db))
    app = create_app(dataclasses.replace(settings, portal_documents=documents), database=db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


MARTIN = {"contacts": {"edges": [{"node": {"lastName": "Martin"}}]}}


async def test_the_portal_runs_a_trusted_document_by_id_or_by_its_text(trusting: httpx.AsyncClient) -> None:
    portal = bearer(Role.PORTAL)
    by_id = await trusting.post("/graphql", json={"documentId": _hash(NAMES)}, headers=portal)
    by_prefixed_id = await trusting.post(
        "/graphql", json={"documentId": f"sha256:{_hash(COUNT)}"}, headers=portal
    )
    by_text = await trusting.post("/graphql", json={"query": NAMES}, headers=portal)
    by_get = await trusting.get("/graphql", params={"documentId": _hash(NAMES)}, headers=portal)
    assert [answer.status_code for answer in (by_id, by_prefixed_id, by_text, by_get)] == [200] * 4
    assert by_id.json()["data"] == MARTIN
    assert by_prefixed_id.json()["data"] == {"contacts": {"totalCount": 1}}
    assert by_text.json()["data"] == MARTIN
    assert by_get.json()["data"] == MARTIN


@pytest.mark.parametrize(
    "request_body",
    [
        {"query": NAMES + " "},  # not the identical text
        {"query": "{ contacts { totalCount } }"},
        {"documentId": _hash("{ contacts { totalCount } }")},
        {"documentId": _hash(NAMES), "query": COUNT},  # an id and another text
        {"variables": {}},
        [{"query": NAMES}],
    ],
)
async def test_anything_else_is_forbidden_to_the_portal_before_it_runs(
    trusting: httpx.AsyncClient, request_body: object
) -> None:
    answer = await trusting.post("/graphql", json=request_body, headers=bearer(Role.PORTAL))
    assert answer.status_code == 403
    assert answer.json() == {
        "errors": [
            {
                "message": "The portal may run only its trusted documents (by documentId or their exact text).",
                "extensions": {"code": "FORBIDDEN"},
            }
        ]
    }


async def test_other_roles_run_any_document(trusting: httpx.AsyncClient) -> None:
    answer = await trusting.post("/graphql", json={"query": "{ contacts { totalCount } }"}, headers=bearer())
    assert answer.json()["data"] == {"contacts": {"totalCount": 1}}


def test_a_file_whose_keys_are_not_the_hashes_is_refused_at_start(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "forged.json"
    path.write_text(json.dumps({_hash(NAMES): COUNT}))
    with pytest.raises(SettingsError, match="is not the SHA-256 of its document"):
        create_app(dataclasses.replace(settings, portal_documents=path))


async def test_introspection_is_refused_to_the_portal(db: Database, client: httpx.AsyncClient) -> None:
    for query in ("{ __schema { queryType { name } } }", '{ __type(name: "Contact") { name } }'):
        portal = await client.post("/graphql", json={"query": query}, headers=bearer(Role.PORTAL))
        assert portal.json()["data"] is None
        assert [error["extensions"]["code"] for error in portal.json()["errors"]] == ["FORBIDDEN"]
    staff = await client.post(
        "/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=bearer()
    )
    assert staff.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    typename = await client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(Role.PORTAL))
    assert typename.json()["data"] == {"__typename": "Query"}
