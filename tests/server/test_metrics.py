"""/metrics: Prometheus' text format, open with CARNET_METRICS=1, otherwise to ADMIN tokens only."""

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from db.engine import Database
from resolvers.access import Role
from server.app import create_app
from server.settings import Settings
from tests.conftest import bearer


@pytest.fixture
async def open_metrics(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(**{**settings.__dict__, "metrics": True}), database=db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_requests_latency_and_statements_are_counted_by_operation_and_outcome(
    open_metrics: httpx.AsyncClient,
) -> None:
    named = {"query": "query Count { contacts { totalCount } }"}
    answer = await open_metrics.post("/graphql", json=named, headers=bearer())
    await open_metrics.post("/graphql", json=named, headers=bearer())
    await open_metrics.post("/graphql", json={"query": "{ zzz }"}, headers=bearer())
    await open_metrics.post("/graphql", json=named)  # no token

    scraped = await open_metrics.get("/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    samples = _samples(scraped.text)
    statements = answer.json()["extensions"]["queryStats"]["sqlStatements"]
    assert samples[("carnet_requests_total", (("operation", "Count"), ("outcome", "ok")))] == 2
    assert samples[("carnet_requests_total", (("operation", "anonymous"), ("outcome", "errors")))] == 1
    assert samples[("carnet_requests_total", (("operation", "/graphql"), ("outcome", "client_error")))] == 1
    assert (
        samples[("carnet_request_duration_seconds_count", (("operation", "Count"), ("outcome", "ok")))] == 2
    )
    assert samples[("carnet_sql_statements_total", (("operation", "Count"),))] == 2 * statements > 0
    assert ("carnet_db_pool_connections", (("state", "checked_out"),)) in samples


async def test_closed_metrics_answer_only_an_admin_token(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/metrics")
    staff = await client.get("/metrics", headers=bearer(Role.STAFF))
    admin = await client.get("/metrics", headers=bearer(Role.ADMIN))

    assert (anonymous.status_code, anonymous.json()["errors"][0]["extensions"]["code"]) == (
        401,
        "UNAUTHENTICATED",
    )
    assert (staff.status_code, staff.json()["errors"][0]["extensions"]["code"]) == (403, "FORBIDDEN")
    assert admin.status_code == 200
    assert "carnet_requests_total" in admin.text
