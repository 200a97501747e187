"""Prometheus metrics at /metrics: requests and latency by operation and outcome, SQL statements,
the connection pool. Open to anyone only with CARNET_METRICS=1, otherwise to an ADMIN token.

Each app has its own registry (no process-wide state: two apps in one process, as in the tests,
count apart). Under `carnet serve --workers N` each worker writes its counts to files in a
directory they share (PROMETHEUS_MULTIPROC_DIR, made and removed by server/workers.py), and
/metrics sums every worker's (prometheus-client's multiprocess mode), whichever answers.
"""

import os
import re
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from db.engine import Database
from resolvers.access import Role
from server.auth import BadToken, viewer_from_header

# Operation names come from clients: a bounded, well-formed set of labels, the rest as "other".
MAX_OPERATIONS = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def outcome(status: int, error_codes: list[str]) -> str:
    """ok, errors (answered, with GraphQL errors), client_error (4xx), server_error (5xx)."""
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "errors" if error_codes else "ok"


class Metrics:
    """The app's metrics; `observe` takes the same summary of a request as its log line."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "carnet_requests", "HTTP requests answered", ["operation", "outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "carnet_request_duration_seconds",
            "Time to answer a request",
            ["operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.statements = Counter(
            "carnet_sql_statements", "SQL statements run by requests", ["operation"], registry=self.registry
        )
        self._operations: set[str] = set()
        self._pool: PoolCollector | None = None

    def watch_pool(self, database: Database) -> None:
        self._pool = PoolCollector(database)
        self.registry.register(self._pool)

    def observe(self, fields: dict[str, Any]) -> None:
        if fields["path"] == "/metrics":
            return
        operation = self._label(fields["operation"] or fields["path"])
        result = outcome(fields["status"], fields["errorCodes"])
        self.requests.labels(operation, result).inc()
        self.latency.labels(operation, result).observe(fields["durationMs"] / 1000)
        self.statements.labels(operation).inc(fields["sqlStatements"])

    def _label(self, name: str) -> str:
        if name.startswith("/"):
            return name if name.startswith("/export/") or name == "/graphql" else "other"
        if not _NAME.fullmatch(name):
            return "other"
        if name not in self._operations and len(self._operations) >= MAX_OPERATIONS:
            return "other"
        self._operations.add(name)
        return name

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            combined = CollectorRegistry()
            MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
            if self._pool is not None:  # the pool of the worker that answers the scrape
                combined.register(self._pool)
            return generate_latest(combined)
        return generate_latest(self.registry)


class PoolCollector(Collector):
    """The connection pool as it is at scrape time (checked out, idle, configured size)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool: Any = self.database.engine.sync_engine.pool
        gauge = GaugeMetricFamily("carnet_db_pool_connections", "Database connections", labels=["state"])
        for state, reading in (("checked_out", "checkedout"), ("idle", "checkedin"), ("size", "size")):
            if callable(getattr(pool, reading, None)):
                gauge.add_metric([state], float(getattr(pool, reading)()))
        yield gauge


def metrics_endpoint(metrics: Metrics, *, open_to_all: bool, secret: str) -> Any:
    """GET /metrics: the text format; with the endpoint closed, only an ADMIN token reads it."""

    async def endpoint(request: Request) -> Response:
        if not open_to_all:
            try:
                viewer = viewer_from_header(request.headers.get("authorization"), secret)
            except BadToken as error:
                return _refused(401, str(error), "UNAUTHENTICATED")
            request.scope["carnet.viewer"] = viewer
            if viewer.role is not Role.ADMIN:
                return _refused(403, "Metrics are open to ADMIN tokens only.", "FORBIDDEN")
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint


def _refused(status: int, message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)
