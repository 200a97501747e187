"""Request bodies that are not JSON get a 400 JSON answer, never a 500 (issue 11, 6).

Python's json module raises UnicodeDecodeError on invalid UTF-8 and RecursionError on deeply
nested arrays; Strawberry only catches JSONDecodeError, so either escaped as a 500 and the
kept-alive connection was reset. Checked here, inside the body-size limit, before Strawberry.
"""

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_PARAMETERS = ("variables", "extensions")


def decode_json(data: str | bytes) -> Any:
    """json.loads, with every way it can fail reported as a JSONDecodeError (a 400)."""
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return json.loads(data)
    except json.JSONDecodeError:
        raise
    except (UnicodeDecodeError, RecursionError, ValueError) as error:
        raise json.JSONDecodeError(_reason(error), "", 0) from None


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "The request body is not valid UTF-8."
    if isinstance(error, RecursionError):
        return "The request body is nested too deeply."
    return "The request body is not valid JSON."


def problem_with(body: bytes) -> str | None:
    """Why a JSON body cannot be read, as a sentence, or None."""
    try:
        decode_json(body)
    except json.JSONDecodeError as error:
        return error.msg if error.msg.startswith("The request") else "The request body is not valid JSON."
    return None


def problem_with_query_string(query_string: bytes) -> str | None:
    """GET carries `variables` and `extensions` as JSON in the query string."""
    try:
        parameters = parse_qs(query_string.decode("latin-1"), errors="strict")
    except ValueError:
        return "The query string cannot be read."
    for name in JSON_PARAMETERS:
        for value in parameters.get(name, []):
            problem = problem_with(value.encode("utf-8", "surrogatepass"))
            if problem is not None:
                return problem.replace("request body", f"`{name}` parameter")
    return None


class WellFormedBodies:
    """Answers 400 with a JSON error when a GraphQL request's JSON cannot be read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            problem = problem_with_query_string(scope.get("query_string", b""))
        elif _is_json(scope):
            body, receive = await _buffered(receive)
            problem = problem_with(body)
        else:
            problem = None
        if problem is None:
            await self.app(scope, receive, send)
            return
        answer = {"errors": [{"message": problem, "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]}
        await JSONResponse(answer, status_code=400)(scope, receive, send)


def _is_json(scope: Scope) -> bool:
    content_type: bytes = dict(scope["headers"]).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    body = await read_body(receive)
    return body, replayed(body, receive)


async def chunks_of(receive: Receive) -> AsyncIterator[bytes]:
    """A request's body as the client sends it, chunk by chunk, up to the last one."""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


async def read_body(receive: Receive) -> bytes:
    return b"".join([chunk async for chunk in chunks_of(receive)])


def replayed(body: bytes, then: Receive) -> Receive:
    """A `receive` that gives the body already read, in one message, then `then`'s messages."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
