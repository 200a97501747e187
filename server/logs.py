"""Structured logs: one JSON line per request, and every log record as one JSON line.

A request line says who (subject, role), what (method, path, operation name), how it went
(HTTP status, error codes), and what it cost (duration, SQL statements), with the request id
that an error's log line and a masked error's `requestId` carry too. It never holds a query
string, variables, a document or SQL parameters: those carry personal data.
"""

import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.statements import RequestCount, request_count

REQUEST_ID = "carnet.request_id"
VIEWER = "carnet.viewer"
OPERATION = "carnet.operation"
ERROR_CODES = "carnet.error_codes"
request_log = logging.getLogger("carnet.request")
log = logging.getLogger("carnet")


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object on one line; fields passed as `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure_logging(level: int = logging.INFO) -> None:
    """Every logger of the process (Carnet's, uvicorn's, SQLAlchemy's) as JSON lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the request line below replaces it


class RequestLog:
    """Outermost middleware: gives each request its id, and logs it once it is answered.

    An exception that escapes the app is logged here, once, with the request id, and answered
    500 with that id (nothing else: no traceback, SQL or path in a response)."""

    def __init__(self, app: ASGIApp, on_finish: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.app = app
        self.on_finish = on_finish  # the metrics observe the same summary

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[REQUEST_ID] = uuid.uuid4().hex[:16]
        started, status = time.perf_counter(), [0]
        count = RequestCount()
        token = request_count.set(count)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("request failed", extra={"fields": {"requestId": scope[REQUEST_ID]}})
            if status[0] == 0:
                status[0] = 500
                await _internal_error(scope[REQUEST_ID])(scope, receive, send)
        finally:
            request_count.reset(token)
            fields = request_fields(scope, status[0], started, count)
            request_log.info("request", extra={"fields": fields})
            if self.on_finish is not None:
                self.on_finish(fields)


def request_fields(scope: Scope, status: int, started: float, count: RequestCount) -> dict[str, Any]:
    viewer = scope.get(VIEWER)
    return {
        "requestId": scope[REQUEST_ID],
        "pid": os.getpid(),  # which worker, when several serve one port
        "method": scope["method"],
        "path": scope["path"],  # never the query string: GET variables are personal data
        "status": status,
        "durationMs": round((time.perf_counter() - started) * 1000, 3),
        "subject": viewer.subject if viewer is not None else None,
        "role": viewer.role.value if viewer is not None else None,
        "operation": scope.get(OPERATION),
        "sqlStatements": count.statements,
        "errorCodes": scope.get(ERROR_CODES, []),
    }


def _internal_error(request_id: str) -> JSONResponse:
    body = {
        "errors": [
            {
                "message": "Internal error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ]
    }
    return JSONResponse(body, status_code=500)
