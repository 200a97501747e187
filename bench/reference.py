"""The reference query, `contacts(first: 100)` with links, organisation, sites, interlocutor
types, targets and events: Carnet's throughput, with compiled plans and with the stock
executor, against the hand-written limit's, the three taking turns in one run."""

import statistics
from dataclasses import dataclass, field

from bench import servers
from bench.load import Target, closed_loop, fetch

REFERENCE = """
query Reference($first: Int!) {
  contacts(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id lastName firstName displayName email phone status
      links {
        function email isPrimary
        organization { id code name }
        sites { id code name }
        interlocutorTypes { code label }
      }
      targets { id name }
      events { status event { id name startsOn } }
    } }
  }
}
"""
PAYLOAD = {"query": REFERENCE, "variables": {"first": 100}}


@dataclass(frozen=True)
class Options:
    runs: int = 3
    seconds: float = 8.0
    warmup: float = 2.0
    concurrency: int = 4


@dataclass
class Throughput:
    """Requests per second, one figure per run: compiled plans (`ours`), stock executor, limit."""

    ours: list[float] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)
    stock: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours) / statistics.median(self.limit)

    @property
    def stock_ratio(self) -> float:
        return statistics.median(self.stock) / statistics.median(self.limit)


async def same_answers(ours: Target, limit: Target) -> None:
    """The limit must answer exactly what Carnet answers, or the comparison means nothing."""
    if await fetch(ours, PAYLOAD) != await fetch(limit, PAYLOAD):
        raise AssertionError("the limit's JSON differs from Carnet's: fix bench/limit.py")


async def measure(url: str, options: Options) -> Throughput:
    """Closed-loop throughput of the reference query, Carnet (compiled, stock) and the limit
    taking turns, so that the machine's other work weighs on the three alike."""
    result = Throughput()
    with (
        servers.carnet(url) as ours,
        servers.carnet(url, compiled=False) as stock,
        servers.limit(url) as limit,
    ):
        await same_answers(ours, limit)
        await same_answers(stock, limit)
        for _ in range(options.runs):
            for target, runs in ((ours, result.ours), (stock, result.stock), (limit, result.limit)):
                measure = await closed_loop(
                    target,
                    PAYLOAD,
                    concurrency=options.concurrency,
                    seconds=options.seconds,
                    warmup=options.warmup,
                )
                runs.append(measure.throughput)
    return result
