"""Every root query field and mutation x ADMIN / STAFF / PORTAL / no token (DOMAIN, "Who may do
what"; issue 11, 5). The table is written from DOMAIN, not read from the code: PORTAL reads
(never `recipients`, nor duplicates: rule 21) and writes nothing; only ADMIN changes the
interlocutor types, erases a person, exports their data and reads the audit log (rules 22, 23);
without a token nothing runs (401)."""

from typing import Any

import httpx
import hypothesis_graphql
import pytest
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from db.engine import Database
from resolvers.access import Role
from schema.schema import schema
from tests import factories
from tests.conftest import bearer
from tests.robustness.test_fuzz import generated

QUERIES = list(schema._schema.query_type.fields)
MUTATIONS = list(schema._schema.mutation_type.fields) if schema._schema.mutation_type else []
ADMIN_ONLY = {"personalDataExport", "auditLog"}
STAFF_FORBIDDEN = {"createInterlocutorType", "updateInterlocutorType", "anonymizeContact", *ADMIN_ONLY}
PORTAL_FORBIDDEN = {"recipients", "duplicateGroups", *ADMIN_ONLY, *MUTATIONS}
NOT_RUN = {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "QUERY_TOO_COMPLEX"}


def forbidden(role: Role, field: str) -> bool:
    if role is Role.ADMIN:
        return False
    if role is Role.STAFF:
        return field in STAFF_FORBIDDEN
    return field in PORTAL_FORBIDDEN


def document_for(field: str) -> str:
    """The simplest document the schema allows that uses `field` (hypothesis-graphql, fixed seed)."""
    make = hypothesis_graphql.queries if field in QUERIES else hypothesis_graphql.mutations
    scalars = {
        "Date": st.just(nodes.String("2026-11-28")),
        "DateTime": st.just(nodes.String("2026-11-28T09:00:00Z")),
    }
    return generated(1, make(schema._schema, fields=[field], allow_x00=False, custom_scalars=scalars))[0]


CASES = [
    (field, role) for field in QUERIES + MUTATIONS for role in (Role.ADMIN, Role.STAFF, Role.PORTAL, None)
]


def test_the_table_covers_every_root_field() -> None:
    assert set(QUERIES + MUTATIONS) >= STAFF_FORBIDDEN | PORTAL_FORBIDDEN
    assert len(CASES) == 4 * (len(QUERIES) + len(MUTATIONS))


@pytest.mark.parametrize(
    ("field", "role"), CASES, ids=[f"{f}-{r.value if r else 'anonymous'}" for f, r in CASES]
)
async def test_who_may_use_each_root_field(
    db: Database, client: httpx.AsyncClient, field: str, role: Role | None
) -> None:
    await factories.contact(db, "Martin", at=await factories.client(db))
    before = await factories.database_state(db)
    headers = bearer(role) if role is not None else {}

    answer = await client.post("/graphql", json={"query": document_for(field)}, headers=headers)

    if role is None:
        assert answer.status_code == 401
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert await factories.database_state(db) == before
        return
    assert answer.status_code == 200
    codes = _codes_at(answer.json(), field)
    assert not codes & NOT_RUN, answer.text[:300]  # the document ran: the role was what decided
    if forbidden(role, field):
        assert "FORBIDDEN" in codes
        assert await factories.database_state(db) == before
    else:
        assert "FORBIDDEN" not in codes, answer.text[:300]


def _codes_at(body: dict[str, Any], field: str) -> set[str]:
    return {
        error.get("extensions", {}).get("code", "")
        for error in body.get("errors", [])
        if not error.get("path") or error["path"][0] == field
    }
