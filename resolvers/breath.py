"""A request gives the event loop back at bounded intervals while it builds a large answer.

A response of thousands of objects is completed in steps that each run without awaiting
anything: a page of 100 contacts read ahead, or the thousands of small tasks a list of async
fields starts at once, all ready in the same turn of the loop. Meanwhile no other request is
read, `/healthz` included (measured: turns of 300 ms for 30 aliases of 100 contacts). So the
request's completion asks `due()` as it goes and, once it has held the loop for `budget`
seconds since it last let go, `take()`s a breath: one turn of the loop, which polls the
sockets and runs what else is ready, then it goes on.

A breath must not split a DataLoader batch (a statement per breath): the request's loaders
dispatch only once none of its tasks is out for a breath (resolvers.loaders.SharedDataLoader),
so that every key queued before and after the breath is fetched together, as without it.
"""

import asyncio
import time

BUDGET_SECONDS = 0.02


class Breath:
    """One request's account of how long it has held the loop; `budget=0` breathes at every
    check (tests: the mechanism without timing)."""

    __slots__ = ("budget", "out", "since", "taken")

    def __init__(self, budget: float = BUDGET_SECONDS) -> None:
        self.budget = budget
        self.since = time.perf_counter()
        self.out = 0  # tasks of the request out for a breath now
        self.taken = 0  # breaths taken so far (tests, and whoever tunes the budget)

    def due(self) -> bool:
        return time.perf_counter() - self.since >= self.budget

    async def take(self) -> None:
        """One turn of the loop for everyone else."""
        self.out += 1
        try:
            await asyncio.sleep(0)
        finally:
            self.out -= 1
        self.taken += 1
        self.since = time.perf_counter()
