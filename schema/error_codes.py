"""Every entry of a response's `errors` carries a code from one closed list (DOMAIN "Errors").

Parse errors, validation errors and limits are coded where they are made (schema.guards); this
module names the list, codes what graphql-core reports while executing (a variable that does
not fit its type), and rewrites graphql-core's messages that end in a Python repr of the value.
"""

import re
from collections.abc import Iterator
from enum import Enum

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension


class ErrorCode(Enum):
    """The closed list of `extensions.code` values."""

    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    SERVICE_BUSY = "SERVICE_BUSY"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


CODES = frozenset(code.value for code in ErrorCode)

# graphql-core ends some messages with the value as Python prints it ("…, found: {'id': 1}.").
_FOUND = re.compile(r"[,;]? [Ff]ound: .*$", re.DOTALL)
_TOO_MANY_TOKENS = "tokens. Parsing aborted."


def coded(error: GraphQLError, code: ErrorCode, message: str | None = None) -> GraphQLError:
    """A copy of `error` with `code` (and `message`, when given); the original may be cached."""
    return GraphQLError(
        message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code.value},
    )


def parse_error(error: GraphQLError) -> GraphQLError:
    """A document that does not parse, or has more tokens than allowed."""
    too_many = isinstance(error, GraphQLSyntaxError) and error.message.endswith(_TOO_MANY_TOKENS)
    return coded(error, ErrorCode.QUERY_TOO_COMPLEX if too_many else ErrorCode.GRAPHQL_PARSE_FAILED)


def sentence(message: str) -> str:
    """graphql-core's message without the Python repr of the value it ends with."""
    cut = _FOUND.sub("", message).rstrip()
    return cut if cut.endswith((".", "?", "!")) else cut + "."


def _code_of(error: GraphQLError) -> ErrorCode:
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if error.path is None:  # about the request (its variables, its operation name), not a field
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


def with_code(error: GraphQLError) -> GraphQLError:
    """`error` as answered: coded, and a sentence."""
    if isinstance(error, GraphQLSyntaxError):
        return error if (error.extensions or {}).get("code") in CODES else parse_error(error)
    if (error.extensions or {}).get("code") in CODES:
        return error
    return coded(error, _code_of(error), sentence(error.message))


class CodedErrors(SchemaExtension):
    """The last word on every answer's errors: none leaves without a code of the closed list."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [with_code(error) for error in result.errors]
