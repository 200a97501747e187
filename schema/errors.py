"""`userErrors`: how a refusal reads in a payload; and the GraphQL errors of bad reads."""

from enum import Enum

import strawberry
from graphql import GraphQLError

from resolvers.errors import DomainError, ErrorCode
from schema.ids import to_global_id

UserErrorCode = ErrorCode
strawberry.enum(UserErrorCode, name="UserErrorCode")  # decorates in place: annotate with the class


@strawberry.type
class UserError:
    field: list[str] | None
    message: str
    code: UserErrorCode
    contact_id: strawberry.ID | None = None


def user_errors(error: DomainError) -> list[UserError]:
    return [
        UserError(
            field=list(problem.path) if problem.path is not None else None,
            message=problem.message,
            code=problem.code,
            contact_id=(
                strawberry.ID(to_global_id("Contact", problem.contact_id))
                if problem.contact_id is not None
                else None
            ),
        )
        for problem in error.problems
    ]


class ReadErrorCode(Enum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"


def read_error(message: str, code: ReadErrorCode = ReadErrorCode.BAD_USER_INPUT) -> GraphQLError:
    """A GraphQL error for a query that cannot be answered as asked (never masked)."""
    return GraphQLError(message, extensions={"code": code.value})
