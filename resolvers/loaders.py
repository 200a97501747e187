"""Per-request DataLoaders: one `SELECT … WHERE key IN (…)` per relation per request.

A batch function takes a session, the viewer and the keys, and returns one value per key, in
the keys' order. Each batch opens its own short session: sibling fields load concurrently.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from strawberry.dataloader import DataLoader

from db.engine import Database
from resolvers.access import Viewer

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

BatchFunction = Callable[[AsyncSession, Viewer, Sequence[K]], Awaitable[Sequence[V]]]


class SharedDataLoader(DataLoader[K, V]):
    """A DataLoader whose futures survive the cancellation of one of their awaiters.

    A field error nulls its subtree and graphql-core cancels the subtree's pending tasks. A task
    awaiting a future directly cancels that future, which every sibling awaiting the same key
    shares: the sibling got a CancelledError and the whole request a 500. Each awaiter gets a
    shield of its own instead; the loader's future settles for everyone else.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class Loaders:
    """The DataLoaders of one request, made on first use, one per batch function."""

    def __init__(self, db: Database, viewer: Viewer) -> None:
        self._db = db
        self._viewer = viewer
        self._made: dict[Callable[..., Any], DataLoader[Any, Any]] = {}

    def of(self, batch: BatchFunction[K, V]) -> DataLoader[K, V]:
        loader = self._made.get(batch)
        if loader is None:
            loader = SharedDataLoader(load_fn=self._bound(batch))
            self._made[batch] = loader
        return loader

    def _bound(self, batch: BatchFunction[K, V]) -> Callable[[Sequence[K]], Awaitable[Sequence[V]]]:
        async def load(keys: Sequence[K]) -> Sequence[V]:
            async with self._db.read() as session:
                return await batch(session, self._viewer, keys)

        return load


def in_key_order(keys: Sequence[K], rows_by_key: dict[K, V], missing: V) -> list[V]:
    """The values of `rows_by_key` in the order of `keys`, `missing` where there is none."""
    return [rows_by_key.get(key, missing) for key in keys]


def grouped(keys: Sequence[K], pairs: Sequence[tuple[K, V]]) -> list[list[V]]:
    """Values grouped by key, in the keys' order: for one-to-many relations."""
    groups: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in pairs:
        groups[key].append(value)
    return [groups[key] for key in keys]


def now_or_later(loader: DataLoader[K, V], key: K, convert: Callable[[V], T]) -> T | Awaitable[T]:
    """`convert` of the value for `key`: at once when the loader already holds it (a page read
    it ahead), else an awaitable. A resolver answering at once costs GraphQL a fraction of one
    that must be awaited: no coroutine, no task, no gathering of a list of them."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return convert(future.result())

    async def later() -> T:
        return convert(await loader.load(key))

    return later()


async def members_by_owner(
    session: AsyncSession,
    ids: Sequence[Any],
    *,
    owner: QueryableAttribute[Any],
    member: type[Any],
    joined_on: ColumnElement[bool],
    order_by: Sequence[QueryableAttribute[Any]],
) -> list[list[Any]]:
    """A many-to-many relation in one statement: each owner's members, through a link table."""
    query = select(owner, member).join(member, joined_on).where(owner.in_(ids)).order_by(*order_by)
    return grouped(ids, [(key, value) for key, value in (await session.execute(query)).all()])
