"""How every mutation writes: one transaction; a refusal rolls it back and becomes `userErrors`."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import WriteBusy
from resolvers.errors import DomainError, ErrorCode, Problem
from schema.context import Context

T = TypeVar("T")


async def write(ctx: Context, work: Callable[[AsyncSession], Awaitable[T]]) -> T | DomainError:
    """Run `work` in one transaction: committed when it returns, rolled back when it refuses.

    A uniqueness race the use case could not see (two writers creating the same code at once
    on PostgreSQL) reads as DUPLICATE rather than an internal error; a write that could not
    get the database in time reads SERVICE_BUSY (retry) and has changed nothing.
    """
    try:
        async with ctx.db.begin() as session:
            return await work(session)
    except DomainError as error:
        return error
    except WriteBusy:
        raise service_busy() from None
    except IntegrityError as error:
        if "unique" not in str(error.orig).lower():
            raise
        return DomainError([Problem(ErrorCode.DUPLICATE, ("input",), "That already exists.")])


def service_busy() -> GraphQLError:
    return GraphQLError(
        "The database is busy with other writes: nothing was changed, retry in a moment.",
        extensions={"code": "SERVICE_BUSY"},
    )
