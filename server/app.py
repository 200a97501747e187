"""`create_app(settings)`: the Starlette application that serves Carnet."""

import logging
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http.ides import GraphQL_IDE

from db.engine import Database
from db.migrate import current_revision, head_revision
from schema.context import Context
from schema.schema import schema
from server.auth import BadToken, viewer_from_header
from server.bodies import WellFormedBodies, chunks_of, decode_json, replayed
from server.busy import failed_busy, mark_busy
from server.cors import cors_middleware
from server.exports import export_endpoint
from server.http import GraphQLOverHTTP
from server.ide import ide_assets, ide_page
from server.logs import RequestLog
from server.metrics import Metrics, metrics_endpoint
from server.settings import Settings, SettingsError
from server.tracing import enable_tracing
from server.trusted_documents import PortalDocuments, load_documents

MAX_BODY_BYTES = 1024 * 1024
log = logging.getLogger("carnet")


def create_app(settings: Settings, *, database: Database | None = None) -> Starlette:
    """The app for `settings`; `database` lets a caller share an engine it already has."""
    if not settings.secret:
        raise SettingsError("CARNET_SECRET is empty: tokens could not be checked.")
    if settings.tracing:
        enable_tracing(schema)  # a no-op unless OpenTelemetry is installed (server/tracing.py)
    graphql = CarnetGraphQL(settings)
    portal_documents = load_documents(settings.portal_documents) if settings.portal_documents else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = database or settings.open_database()
        app.state.db = db
        app.state.metrics.watch_pool(db)
        app.state.head_revision = head_revision()
        try:
            yield
        finally:
            if database is None:
                await db.dispose()

    metrics = Metrics()
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", Authenticated(graphql, settings.secret, portal_documents), methods=["GET", "POST"]),
        Route("/metrics", metrics_endpoint(metrics, open_to_all=settings.metrics, secret=settings.secret)),
        Route("/export/contacts.csv", export_endpoint(settings, "csv")),
        Route("/export/contacts.vcf", export_endpoint(settings, "vcf")),
        ide_assets(),
    ]
    # The request log outermost (it times and counts everything, refusals included), then CORS,
    # so that a browser may read every refusal, 413 included.
    middleware = [
        Middleware(RequestLog, on_finish=metrics.observe),
        *cors_middleware(settings),
        Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES),
        Middleware(WellFormedBodies),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.metrics = metrics
    return app


async def healthz(_request: Request) -> Response:
    """Alive; the header names the process that answered (which worker, behind one port)."""
    return JSONResponse({"status": "alive"}, headers={"Carnet-Worker": str(os.getpid())})


async def readyz(request: Request) -> Response:
    """Ready when the database answers and is migrated to the code's newest revision."""
    db: Database = request.app.state.db
    try:
        await db.answer()
        async with db.read() as session:
            revision = await current_revision(session)
    except Exception:
        log.exception("readiness check failed")
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    if revision != request.app.state.head_revision:
        return JSONResponse({"status": "database not migrated"}, status_code=503)
    return JSONResponse({"status": "ready"})


class CarnetGraphQL(GraphQLOverHTTP):
    """Strawberry's ASGI view with Carnet's per-request context. GET runs queries, never mutations."""

    def __init__(self, settings: Settings) -> None:
        ide: GraphQL_IDE | None = "graphiql" if settings.graphiql else None
        super().__init__(schema, graphql_ide=ide, allow_queries_via_get=True)
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        """Carnet's own GraphiQL page, its assets served here too (server/ide.py)."""
        return ide_page()

    def encode_json(self, data: object) -> bytes:
        """orjson: a 100-contact page serialises ~10x faster than with json.dumps."""
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        return mark_busy(response) if failed_busy(response_data) else response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        now = self.settings.clock()
        return Context(
            db=request.app.state.db,
            viewer=request.scope["carnet.viewer"],  # set by Authenticated, or the request never came
            now=now,
            today=now.astimezone(self.settings.timezone).date(),
            max_selection=self.settings.max_selection,
            request_id=request.scope["carnet.request_id"],
            report_query_stats=self.settings.query_stats,
            compiled=self.settings.compiled,
        )


def _wants_ide(scope: Scope) -> bool:
    """A browser's plain GET of /graphql: the IDE page, which needs no token."""
    # Parsed as Strawberry parses it: a raw search for b"query=" let `%71uery=` run unauthenticated.
    if scope.get("method") != "GET" or "query" in QueryParams(scope.get("query_string", b"")):
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


class Authenticated:
    """Turns the bearer token into a viewer, or answers 401 and runs nothing.

    The IDE page, the one thing served without a token, is rendered here as a page: a request
    without a viewer never reaches the view that executes documents.
    """

    def __init__(
        self, graphql: CarnetGraphQL, secret: str, portal_documents: Mapping[str, str] | None = None
    ) -> None:
        self.graphql = graphql
        self.secret = secret
        self.run = PortalDocuments(graphql, portal_documents)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("carnet.request_id", uuid.uuid4().hex[:16])  # RequestLog gives one first
        if _wants_ide(scope):
            await (await self._ide_page(scope))(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        try:
            scope["carnet.viewer"] = viewer_from_header(header, self.secret)
        except BadToken as error:
            await _unauthorized(str(error))(scope, receive, send)
            return
        await self.run(scope, receive, send)

    async def _ide_page(self, scope: Scope) -> Response:
        if not self.graphql.graphql_ide:
            return PlainTextResponse("Not Found", status_code=404)
        return await self.graphql.render_graphql_ide(Request(scope))


def _unauthorized(message: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = dict(scope["headers"]).get(b"content-length", b"")
        if announced.isdigit() and int(announced) > self.max_bytes:
            await _too_large()(scope, receive, send)
            return
        body = await self._read(receive)
        if body is None:
            await _too_large()(scope, receive, send)
            return
        # The body read, then the client's own messages: a streamed response (an export) listens
        # for the real disconnect, and a made-up one would cut it off at once.
        await self.app(scope, replayed(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit (a body sent without a length)."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in chunks_of(receive):
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)


def _too_large() -> Response:
    # A limit checked before anything runs, like a document's depth, aliases and tokens.
    error = {
        "message": f"The request body is over {MAX_BODY_BYTES} bytes.",
        "extensions": {"code": "QUERY_TOO_COMPLEX"},
    }
    body = {"errors": [error]}
    return JSONResponse(body, status_code=413)
