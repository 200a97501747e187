"""GraphQL over HTTP (the spec's media types and status codes), on top of Strawberry's ASGI view.

A client that accepts `application/graphql-response+json` gets it, and with it status codes
that say what happened: 400 (and no `data`) when the request itself was wrong (document parse
or validation failure, variables that do not coerce), 200 once execution started. A client
that asks for `application/json` (or anything, or nothing) keeps getting 200 as before, which
is what that media type's section of the spec asks for. A mutation sent with GET is 405 with
`Allow: POST`.
"""

import re
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from schema.context import Context
from server.logs import ERROR_CODES, OPERATION

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SUB_RESPONSE = "carnet.sub_response"


def negotiated_media_type(accept: str) -> str:
    """The response media type for an `Accept` header: the client's preferred one of ours.

    `*/*`, `application/*` and a missing header mean `application/json` (the spec: a server
    must assume it when the client says nothing more specific)."""
    best, best_q = JSON, -1.0
    for index, item in enumerate(accept.split(",")):
        media, _, parameters = item.strip().partition(";")
        q = _quality(parameters)
        media = media.strip().lower()
        chosen = GRAPHQL_RESPONSE_JSON if media == GRAPHQL_RESPONSE_JSON else None
        if media in (JSON, "application/*", "*/*"):
            chosen = JSON
        # Equal weights: the first listed wins (minus a hair per position keeps it stable).
        if chosen and q > 0 and q - index * 1e-6 > best_q:
            best, best_q = chosen, q - index * 1e-6
    return best


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: the document or the variables were refused before execution.

    Such errors carry no `path`; an error raised while resolving a field always has one."""
    errors: list[GraphQLError] = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


# The first operation's name, past comments: enough to label a log line and a metric without
# parsing the document twice (graphql-core does not hand back the name it chose).
_OPERATION = re.compile(r"^(?:\s|,|#[^\n]*)*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def operation_label(operation_name: object, query: object) -> str:
    """The operation's name as the client gave it or named it in the document, else "anonymous"."""
    if isinstance(operation_name, str) and operation_name:
        return operation_name[:100]
    named = _OPERATION.match(query) if isinstance(query, str) else None
    return named.group(2)[:100] if named else "anonymous"


def error_codes(result: ExecutionResult) -> list[str]:
    return sorted({str((error.extensions or {}).get("code", "UNKNOWN")) for error in result.errors or []})


class MethodNotAllowed(HTTPException):
    """A mutation sent with GET: the spec's 405, naming the method that would work."""


class GraphQLOverHTTP(GraphQL[Context, None]):
    """Strawberry's ASGI view, answering with the media type and status code the spec asks for."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except MethodNotAllowed as error:
            response = PlainTextResponse(error.reason, status_code=405, headers={"Allow": "POST"})
        except HTTPException as error:
            response = PlainTextResponse(error.reason, status_code=error.status_code)
        await response(scope, receive, send)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        request.scope[_SUB_RESPONSE] = sub_response
        # Carried on the sub-response: create_response sees it, not the request.
        sub_response.media_type = negotiated_media_type(request.headers.get("accept", ""))
        return sub_response

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        data = kwargs.get("request_data")
        if data is not None and "request" in kwargs:
            kwargs["request"].scope[OPERATION] = operation_label(data.operation_name, data.query)
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            over_get = getattr(kwargs.get("request_adapter"), "method", None) == "GET"
            if over_get and isinstance(error.__cause__, InvalidOperationTypeError):
                raise MethodNotAllowed(405, "Mutations are sent with POST.") from error
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        request.scope.setdefault(ERROR_CODES, []).extend(error_codes(result))
        sub_response: Response = request.scope[_SUB_RESPONSE]
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            processed.pop("data", None)  # type: ignore[misc]
            sub_response.status_code = 400
        return processed

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type or JSON}; charset=utf-8"
        return response
