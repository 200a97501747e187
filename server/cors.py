"""CORS for the browser front ends named in CARNET_CORS_ORIGINS.

The request headers allowed are those the common GraphQL clients send (Apollo Client's
client name and version, its CSRF-prevention header, the operation name some clients and
gateways add, W3C trace context), plus any listed in CARNET_CORS_HEADERS.
"""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from server.settings import Settings

CLIENT_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-client-name",
    "graphql-client-version",
    "x-request-id",
    "traceparent",
    "tracestate",
)


def allowed_headers(settings: Settings) -> list[str]:
    """Ours, then the configured ones, each once (compared without case, as HTTP does)."""
    seen: dict[str, str] = {}
    for header in (*CLIENT_HEADERS, *settings.cors_headers):
        seen.setdefault(header.lower(), header)
    return list(seen.values())


def cors_middleware(settings: Settings) -> list[Middleware]:
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=allowed_headers(settings),
            max_age=600,
        )
    ]
