"""Documents generated from the served schema (hypothesis-graphql, fixed seed), sent through the
HTTP app as STAFF and PORTAL: no 5xx, no internal error, no traceback or SQL in any answer, and
never a hidden or disappeared contact to the portal (issue 11, 5).

CI sends 500 documents per engine; CARNET_FUZZ_DOCUMENTS raises it for a run by hand
(`CARNET_FUZZ_DOCUMENTS=10000 .venv/bin/pytest tests/robustness/test_fuzz.py`).
"""

import os
from collections.abc import Callable
from typing import Any

import httpx
import hypothesis_graphql
from graphql import GraphQLSchema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from schema.schema import schema
from tests import factories
from tests.conftest import bearer

DOCUMENTS = int(os.environ.get("CARNET_FUZZ_DOCUMENTS", "500"))
HIDDEN, GONE = "Zzcachee", "Zzpartie"
LEAKS = ("Traceback", "SELECT ", "sqlalchemy", "INTERNAL")


def generated(count: int, strategy: st.SearchStrategy[Any]) -> list[str]:
    """`count` documents drawn from `strategy`, the same ones on every run (derandomized)."""
    found: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def _scalars(ids: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "Date": st.sampled_from(["2026-11-28", "1900-01-01", "9999-12-31", "not a date"]).map(nodes.String),
        "DateTime": st.sampled_from(["2026-11-28T09:00:00Z", "2026-11-28", ""]).map(nodes.String),
        "ID": st.sampled_from([*ids, "", "Q29udGFjdDo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="]).map(
            nodes.String
        ),
    }


async def _world(db: Database) -> list[str]:
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    affair = await factories.affair(db, acme)
    target = await factories.target(db)
    event = await factories.event(db)
    visible = await factories.contact(db, "Visible", at=acme)
    hidden = await factories.contact(db, HIDDEN, at=acme, hidden_from_crm=True)
    gone = await factories.contact(db, GONE, at=acme, status=ContactStatus.DISAPPEARED)
    for person in (visible, hidden, gone):
        await factories.member(db, person, of_affair=affair, of_target=target)
        await factories.participate(db, person, event)
    return [
        to_global_id("Client", acme.id),
        to_global_id("Site", paris.id),
        to_global_id("Affair", affair.id),
        to_global_id("Target", target.id),
        to_global_id("Event", event.id),
        *(to_global_id("Contact", person.id) for person in (visible, hidden, gone)),
    ]


async def _send_all(
    client: httpx.AsyncClient, documents: list[str], role: Role, check: Callable[[str, httpx.Response], None]
) -> None:
    for document in documents:
        answer = await client.post("/graphql", json={"query": document}, headers=bearer(role))
        check(document, answer)


def _sound(document: str, answer: httpx.Response) -> None:
    assert answer.status_code < 500, (document, answer.text[:500])
    for leak in LEAKS:
        assert leak not in answer.text, (document, answer.text[:500])


def _sound_for_the_portal(document: str, answer: httpx.Response) -> None:
    _sound(document, answer)
    assert HIDDEN not in answer.text and GONE not in answer.text, (document, answer.text[:500])


async def test_generated_documents_never_break_carnet_nor_leak(
    db: Database, client: httpx.AsyncClient
) -> None:
    ids = await _world(db)
    served: GraphQLSchema = schema._schema
    scalars = _scalars(ids)
    queries = hypothesis_graphql.queries(served, custom_scalars=scalars, codec="utf-8")
    mutations = hypothesis_graphql.mutations(served, custom_scalars=scalars, codec="utf-8")
    portal, staff, writes = DOCUMENTS * 2 // 5, DOCUMENTS * 2 // 5, DOCUMENTS // 5

    await _send_all(client, generated(portal, queries), Role.PORTAL, _sound_for_the_portal)
    await _send_all(client, generated(staff, queries), Role.STAFF, _sound)
    await _send_all(client, generated(writes, mutations), Role.STAFF, _sound)
