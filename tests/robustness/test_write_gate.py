"""Writers of one process queue at one gate, in order; a write that cannot start in time is
SERVICE_BUSY (HTTP 503 + Retry-After), never INTERNAL; readers never wait (issue 11, 2)."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from db.engine import Database, open_database
from db.write_gate import WriteBusy, WriteGate
from resolvers.global_ids import to_global_id
from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.conftest import bearer

DEADLINE = 0.3
UPDATE = """
mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { notes version } userErrors { code } }
}
"""
READ = "query ($id: ID!) { node(id: $id) { ... on Contact { lastName notes } } }"


@pytest.fixture
async def impatient(database_url: str, db: Database) -> AsyncIterator[Database]:
    """The same database, opened with a short write deadline."""
    database = open_database(database_url, write_deadline=DEADLINE)
    yield database
    await database.dispose()


@pytest.fixture
async def impatient_client(settings: Settings, impatient: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database=impatient)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://carnet.test") as http:
            yield http


async def _hold_a_write(database: Database, started: asyncio.Event, release: asyncio.Event) -> None:
    async with database.begin() as session:
        await session.connection()  # BEGIN IMMEDIATE has run: the write lock is held
        started.set()
        await release.wait()


async def test_the_gate_lets_writers_in_in_order_of_arrival() -> None:
    gate = WriteGate(deadline=5)
    order: list[int] = []

    async def writer(number: int) -> None:
        async with gate.turn():
            await asyncio.sleep(0)
            order.append(number)

    async with gate.turn():
        tasks = [asyncio.create_task(writer(number)) for number in range(20)]
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    assert order == list(range(20))


async def test_a_write_that_cannot_start_in_time_is_busy_not_locked(impatient: Database) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_a_write(impatient, started, release))
    await started.wait()
    try:
        if impatient.is_sqlite:
            with pytest.raises(WriteBusy):
                async with impatient.begin():
                    pass
        else:  # PostgreSQL locks rows, not the database: another write goes through at once
            async with impatient.begin():
                pass
    finally:
        release.set()
        await holder


async def test_service_busy_over_http_changes_nothing_and_reads_do_not_wait(
    db: Database, impatient: Database, impatient_client: httpx.AsyncClient
) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Martin", at=acme)
    contact_id = to_global_id("Contact", person.id)
    before = await factories.database_state(db)
    started, release = asyncio.Event(), asyncio.Event()
    holder = asyncio.create_task(_hold_a_write(impatient, started, release))
    await started.wait()
    try:
        read = await impatient_client.post(
            "/graphql", json={"query": READ, "variables": {"id": contact_id}}, headers=bearer()
        )
        write = await impatient_client.post(
            "/graphql",
            json={"query": UPDATE, "variables": {"input": {"id": contact_id, "notes": "x"}}},
            headers=bearer(),
        )
    finally:
        release.set()
        await holder
    assert read.status_code == 200
    assert read.json()["data"] == {"node": {"lastName": "Martin", "notes": None}}
    if impatient.is_sqlite:
        _assert_busy(write)
        assert await factories.database_state(db) == before
    else:
        assert write.json()["data"]["updateContact"]["contact"] == {"notes": "x", "version": 2}


def _assert_busy(answer: httpx.Response) -> None:
    body: dict[str, Any] = answer.json()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["SERVICE_BUSY"]
    assert body["errors"][0]["message"] == (
        "The database is busy with other writes: nothing was changed, retry in a moment."
    )
