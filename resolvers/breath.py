"""A request gives the event loop back at bounded intervals while it builds a large answer.

A response of thousands of objects is completed in steps that each run without awaiting
anything: a page of 100 contacts read ahead, or the thousands of small tasks a list of async
fields starts at once, all ready in the same turn of the loop. Meanwhile no other request is
read, `/healthz` included (measured: turns of 300 ms for 30 aliases of 100 contacts). So the
request's completion asks `due()` as it goes and, once its turn has lasted `budget` seconds,
`take()`s a breath: it waits in the request's queue of breathers.

The queue, not one `sleep(0)` per task: the loop runs every callback that is ready before it
polls the sockets again, so 3,000 sibling tasks breathing at once came back together in one
turn of 60 ms, and each reset the clock for the others. The queue gives the turns out itself
(`_wake`, a callback of its own): a handful of breathers per turn of the loop, as many as fit in
the budget the last time, the loop polling in between; the request's turn starts then.

A breath must not split a DataLoader batch (a statement per breath): the request's loaders
dispatch only once none of its tasks is out for a breath (resolvers.loaders.SharedDataLoader),
so that every key queued before and after the breath is fetched together, as without it.
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable

BUDGET_SECONDS = 0.02
MOST_WOKEN = 1024  # breathers woken together, at most
# Turns a loader's batch waits with no breath of its request before it is dispatched, once one
# breathed: each level of the document (at most 10 deep, schema.guards) may start its tasks in a
# turn of its own, an object's fields and a list's items each gathered.
QUIET_TURNS = 20
Waiter = asyncio.Future[None]


class Breath:
    """One request's account of how long its turn has held the loop; `budget=0` breathes at
    every check (tests: the mechanism without timing)."""

    __slots__ = ("_back", "_queue", "_served", "_waking", "budget", "out", "returned", "since", "taken")

    def __init__(self, budget: float = BUDGET_SECONDS) -> None:
        self.budget = budget
        self.since = time.perf_counter()  # when the request's current turn started
        self.out = 0  # tasks of the request out for a breath now
        self.returned = 0  # breathers back so far (cancelled or not): the loaders' dispatch watches it
        self.taken = 0  # breaths taken so far (tests, and whoever tunes the budget)
        self._queue: deque[Waiter] = deque()  # breathers waiting for a turn, first come first
        self._back: list[Waiter] = []  # woken once this turn was spent: first at the next one
        self._served = 0  # breathers that went on in this turn
        self._waking = False  # a `_wake` is queued on the loop

    def due(self) -> bool:
        return time.perf_counter() - self.since >= self.budget

    def restart(self) -> None:
        """A new turn: the request gave the loop back (it waited for the database)."""
        self.since = time.perf_counter()

    async def take(self) -> None:
        """Wait for a turn of the request's own, after the loop has polled the sockets. Woken
        once the turn's budget is spent by those woken before it (they cost more than the last
        ones did), it waits for the next turn, ahead of those queued after it."""
        loop = asyncio.get_running_loop()
        self.out += 1
        try:
            await self._wait(loop, self._queue.append)
            while self.due() and self._served:
                await self._wait(loop, self._back.append)
            self._served += 1
        finally:
            self.out -= 1
            self.returned += 1
        self.taken += 1

    async def _wait(self, loop: asyncio.AbstractEventLoop, queue: Callable[[Waiter], None]) -> None:
        waiter: Waiter = loop.create_future()
        queue(waiter)
        if not self._waking:
            self._waking = True
            loop.call_soon(self._wake, loop)
        await waiter

    def _wake(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start a turn: wake the next breathers, twice as many as the last turn served (the
        others go back ahead of the queue), then come back after them."""
        self._queue.extendleft(reversed(self._back))
        self._back.clear()
        self.since = time.perf_counter()
        to_wake = min(MOST_WOKEN, 2 * self._served + 1)
        self._served = 0
        while self._queue and to_wake:
            waiter = self._queue.popleft()
            if not waiter.done():  # a cancelled breather is no one's turn
                waiter.set_result(None)
                to_wake -= 1
        if self._queue:
            loop.call_soon(self._wake, loop)
        else:
            self._waking = False
