"""Optional OpenTelemetry: with the SDK installed, operations and resolvers become spans, and
no resolver argument is recorded."""

from functools import cache

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from schema.schema import schema
from server.tracing import enable_tracing
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


async def test_an_operation_is_traced_without_its_arguments(client: httpx.AsyncClient) -> None:
    exporter = _exporter()
    exporter.clear()
    document = "query Find($s: String) { contacts(filter: {search: $s}) { totalCount } }"

    await client.post("/graphql", json={"query": document, "variables": {"s": SECRET_WORD}}, headers=bearer())

    spans = exporter.get_finished_spans()
    assert enable_tracing(schema) is True
    assert "GraphQL Query: Find" in [span.name for span in spans]
    assert any(span.name.startswith("GraphQL Resolving: contacts") for span in spans)
    assert SECRET_WORD not in repr([dict(span.attributes or {}) for span in spans])
