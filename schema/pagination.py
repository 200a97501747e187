"""Connections: edges with keyset cursors, page info, and a total counted only when asked."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from resolvers.paging import BadPageRequest, Page, PageRequest
from schema.context import Context
from schema.errors import read_error

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T] = strawberry.field(description="The edges' nodes, for a client that needs no cursor.")
    page_info: PageInfo
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, whatever the page.")
    async def total_count(self) -> int:
        return await self.counter()


def page_request(
    first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None
) -> PageRequest:
    """The page asked for; out-of-range sizes and foreign cursors are GraphQL errors, before any SQL."""
    try:
        return PageRequest(first=first, after=after, last=last, before=before)
    except BadPageRequest as error:
        raise read_error(str(error)) from error


def connection(page: Page, nodes: Sequence[Any], counter: Callable[[], Awaitable[int]]) -> Connection[Any]:
    edges = [Edge(cursor=cursor, node=node) for cursor, node in zip(page.cursors, nodes, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return Connection(edges=edges, nodes=list(nodes), page_info=info, counter=counter)


async def read_page(ctx: Context, fetch: Callable[[AsyncSession], Awaitable[Page]]) -> Page:
    """Run one page read; a cursor that is not ours is a GraphQL error.

    On the request's shared read connection when there is one (a query): a request that holds a
    connection must never wait for a second one from the same bounded pool, or a full pool (or
    PgBouncer's few server connections) deadlocks.
    """
    try:
        async with ctx.reads.read() as session:
            return await fetch(session)
    except BadPageRequest as error:
        raise read_error(str(error)) from error


class PageLoad(Protocol):
    """A page to read through a loader, that can refuse its cursors before it is batched."""

    def __hash__(self) -> int: ...

    def check(self) -> None: ...


L = TypeVar("L", bound=PageLoad)


async def load_page(loader: DataLoader[L, Page], request: L) -> Page:
    """One of the pages a loader reads together (the nested lists of a list, one statement for
    all); a cursor that is not ours, or not of this list, is a GraphQL error, and is refused
    before the loader batches it with the others."""
    try:
        request.check()
        return await loader.load(request)
    except BadPageRequest as error:
        raise read_error(str(error)) from error


def counter(ctx: Context, count: Callable[[AsyncSession], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
    """`totalCount`, only if the client asks for it (on the request's reads, as `read_page`)."""

    async def total() -> int:
        async with ctx.reads.read() as session:
            return await count(session)

    return total
