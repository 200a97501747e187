"""Optional OpenTelemetry tracing: with CARNET_TRACING=1 and the `opentelemetry-api` package
installed, every GraphQL operation, its parsing, validation and each resolver become spans (Strawberry's
OpenTelemetryExtension), exported wherever the process's OpenTelemetry SDK is configured to
send them (e.g. `opentelemetry-instrument` with OTEL_EXPORTER_OTLP_ENDPOINT).

Resolver arguments are never recorded (they carry personal data): the extension's argument
filter here drops them all. The operation span does carry the document, as Strawberry writes
it; documents sent with variables hold no values.
"""

from collections.abc import Callable
from typing import Any

from strawberry import Schema


def _no_arguments(_arguments: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {}


def _is_tracing(extension: object) -> bool:
    return bool(getattr(extension, "carnet_tracing", False))


def disable_tracing(schema: Schema) -> None:
    """Take the tracing extension off `schema` again (the schema is one per process)."""
    schema.extensions = tuple(extension for extension in schema.extensions if not _is_tracing(extension))


def enable_tracing(schema: Schema) -> bool:
    """Add the tracing extension to `schema` once, if OpenTelemetry is installed; whether it is on."""
    try:
        from strawberry.extensions.tracing import OpenTelemetryExtension
    except ImportError:  # opentelemetry-api not installed: tracing stays off
        return False
    if any(_is_tracing(extension) for extension in schema.extensions):
        return True

    def tracing() -> Any:
        return OpenTelemetryExtension(arg_filter=_no_arguments)

    factory: Callable[[], Any] = tracing
    factory.carnet_tracing = True  # type: ignore[attr-defined]
    schema.extensions = (*schema.extensions, factory)
    return True
