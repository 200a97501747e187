"""Optional OpenTelemetry: with the SDK installed, operations and resolvers become spans, and
no resolver argument is recorded."""

from collections.abc import AsyncIterator
from dataclasses import replace
from functools import cache

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from db.engine import Database
from schema.schema import schema
from server.app import create_app
from server.settings import Settings
from server.tracing import disable_tracing, enable_tracing
from tests.conftest import bearer

SECRET_WORD = "dupont-secret"


@cache
def _exporter() -> InMemorySpanExporter:
    """The process's tracer provider can be set once: one in-memory exporter for the run."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.fixture
async def traced(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app with CARNET_TRACING=1; tracing is taken off the process's schema afterwards."""
    app = create_app(replace(settings, tracing=True), database=db)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
                yield http
    finally:
        disable_tracing(schema)


async def test_tracing_is_off_unless_the_setting_asks_for_it(client: httpx.AsyncClient) -> None:
    exporter = _exporter()
    exporter.clear()

    await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=bearer())

    assert exporter.get_finished_spans() == ()


async def test_an_operation_is_traced_without_its_arguments(traced: httpx.AsyncClient) -> None:
    client = traced
    exporter = _exporter()
    exporter.clear()
    document = "query Find($s: String) { contacts(filter: {search: $s}) { totalCount } }"

    await client.post("/graphql", json={"query": document, "variables": {"s": SECRET_WORD}}, headers=bearer())

    spans = exporter.get_finished_spans()
    assert enable_tracing(schema) is True
    assert "GraphQL Query: Find" in [span.name for span in spans]
    assert any(span.name.startswith("GraphQL Resolving: contacts") for span in spans)
    assert SECRET_WORD not in repr([dict(span.attributes or {}) for span in spans])
