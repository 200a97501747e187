"""A field error nulls its subtree and graphql-core cancels that subtree's tasks: a DataLoader
future that a sibling still awaits must survive, or the request ends in a 500 (issue 11, 1)."""

import asyncio
from typing import Any

from db.engine import Database
from resolvers.loaders import Loaders, now_or_later
from tests import factories
from tests.conftest import viewer


async def _two_awaiters(awaitable_of: Any) -> tuple[asyncio.Task[Any], asyncio.Task[Any]]:
    refused = asyncio.ensure_future(awaitable_of())
    sibling = asyncio.ensure_future(awaitable_of())
    await asyncio.sleep(0)  # both now wait on the loader's one future for the key
    refused.cancel()  # what graphql-core does to the subtree of a field error
    return refused, sibling


async def test_a_cancelled_awaiter_leaves_the_shared_future_to_its_sibling(db: Database) -> None:
    acme = await factories.client(db)
    loader = Loaders(db, viewer()).organizations_by_id

    async def load() -> Any:
        return await loader.load(acme.id)

    refused, sibling = await _two_awaiters(load)
    assert (await sibling).name == "Acme"
    assert refused.cancelled()


async def test_a_cancelled_later_leaves_the_shared_future_to_its_sibling(db: Database) -> None:
    acme = await factories.client(db)
    loader = Loaders(db, viewer()).organizations_by_id

    async def later() -> Any:
        code: Any = now_or_later(loader, acme.id, lambda row: row.code if row else None)
        return await code

    refused, sibling = await _two_awaiters(later)
    assert await sibling == "ACME"
    assert refused.cancelled()


async def test_load_many_survives_a_cancelled_awaiter(db: Database) -> None:
    acme = await factories.client(db)
    other = await factories.supplier(db)
    loader = Loaders(db, viewer()).organizations_by_id

    async def load() -> Any:
        return await loader.load_many([acme.id, other.id])

    refused, sibling = await _two_awaiters(load)
    assert [row.code for row in await sibling] == ["ACME", "SUP"]
    assert refused.cancelled()
