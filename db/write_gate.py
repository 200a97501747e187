"""SQLite's writers, one at a time in order of arrival, each with a deadline."""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# How long a write may wait for its turn before it is answered SERVICE_BUSY. Under the load of
# bench/load.py (50 clients) SQLite writes wait well under a second for their turn.
WRITE_DEADLINE_SECONDS = 10.0


class WriteBusy(Exception):
    """A write could not get the database before its deadline: the caller should retry."""


class WriteGate:
    """The writes of one process, one at a time and in order of arrival, each with a deadline.

    SQLite takes one writer at a time; left to its busy loop, waiting writers poll and some
    wait past the busy timeout and fail ("database is locked"). An asyncio lock is a fair
    queue (first come, first served). One lock per event loop: a lock is bound to its loop.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        lock = self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        try:
            async with asyncio.timeout(self.deadline):
                await lock.acquire()
        except TimeoutError:
            raise WriteBusy(f"No turn to write within {self.deadline:g} s.") from None
        try:
            yield
        finally:
            lock.release()
