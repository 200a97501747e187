"""What the bench measures on one seeded database: the reference query against the limit, and
a rare-name search (in the database alone, and as a whole GraphQL request)."""

import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.load import Target, closed_loop, fetch, free_port, python, serving
from db.engine import QueryStats, current_stats, open_database
from resolvers.access import Role, Viewer
from resolvers.contact_lists import ContactFilter, count_contacts, list_contacts
from resolvers.paging import PageRequest
from server.auth import issue_token

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
SEARCH = """
query Search($search: String!) {
  contacts(filter: {search: $search}, first: 20) {
    totalCount
    edges { node { id lastName firstName email links { function organization { name } } } }
  }
}
"""
SEARCHES = ("quemeneur", "quemen")  # the rare name, typed without accents; and its start
SEARCH_SAMPLES = 60


@dataclass(frozen=True)
class Options:
    runs: int = 3
    seconds: float = 8.0
    warmup: float = 2.0
    concurrency: int = 4


@dataclass
class Servers:
    ours: Target
    limit: Target


@dataclass
class Result:
    ours: list[float] = field(default_factory=list)  # requests per second, one per run
    limit: list[float] = field(default_factory=list)
    search_db_ms: dict[str, float] = field(default_factory=dict)  # p50 of the SQL of one search
    search_http_ms: dict[str, float] = field(default_factory=dict)  # p50 of the whole request

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours) / statistics.median(self.limit)


@contextmanager
def servers(url: str) -> Iterator[Servers]:
    """`carnet serve` and the limit, each a process of its own on loopback, both over `url`."""
    secret = secrets.token_urlsafe(48)
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=6)
    )
    carnet = str(Path(python()).parent / "carnet")
    ours, limit = free_port(), free_port()
    env = {"CARNET_SECRET": secret, "CARNET_GRAPHIQL": "0", "CARNET_QUERY_STATS": "0"}
    with ExitStack() as stack:
        stack.enter_context(
            serving(
                [carnet, "serve", "--no-migrate", "--database-url", url, "--port", str(ours)],
                ours,
                "carnet",
                env,
            )
        )
        stack.enter_context(
            serving(
                [python(), "-m", "bench.limit", "--database-url", url, "--port", str(limit)],
                limit,
                "limit",
                env,
            )
        )
        yield Servers(
            ours=Target(ours, "/graphql", {"Authorization": f"Bearer {token}"}),
            limit=Target(limit, "/graphql", {}),
        )


async def same_answers(both: Servers) -> None:
    """The limit must answer exactly what Carnet answers, or the comparison means nothing."""
    payload = {"query": REFERENCE, "variables": {"first": 100}}
    ours, limit = await fetch(both.ours, payload), await fetch(both.limit, payload)
    if ours != limit:
        raise AssertionError("the limit's JSON differs from Carnet's: fix bench/limit.py")


async def reference(both: Servers, options: Options, result: Result) -> None:
    """Closed-loop throughput of the reference query, Carnet and the limit taking turns."""
    payload = {"query": REFERENCE, "variables": {"first": 100}}
    for _ in range(options.runs):
        for target, runs in ((both.ours, result.ours), (both.limit, result.limit)):
            measure = await closed_loop(
                target,
                payload,
                concurrency=options.concurrency,
                seconds=options.seconds,
                warmup=options.warmup,
            )
            runs.append(measure.throughput)


async def search(url: str, both: Servers, result: Result) -> None:
    """p50 of a rare-name search: its SQL alone (page and count), and the GraphQL request."""
    for words in SEARCHES:
        result.search_db_ms[words] = await _search_sql_p50(url, words)
        payload = {"query": SEARCH, "variables": {"search": words}}
        timings = []
        for _ in range(SEARCH_SAMPLES):
            started = time.perf_counter()
            answer = await fetch(both.ours, payload)
            timings.append(time.perf_counter() - started)
        if answer["data"]["contacts"]["totalCount"] != 3:  # type: ignore[index]
            raise AssertionError(f"{words!r} should find the three contacts of that name: {answer}")
        result.search_http_ms[words] = statistics.median(timings) * 1000


async def _search_sql_p50(url: str, words: str) -> float:
    database, viewer = open_database(url), Viewer(subject="bench", role=Role.STAFF)
    criteria = [ContactFilter(search=words)]
    timings = []
    try:
        for _ in range(SEARCH_SAMPLES):
            stats = QueryStats()
            token = current_stats.set(stats)
            try:
                async with database.read() as session:
                    await list_contacts(
                        session, viewer, criteria=criteria, order=None, page=PageRequest(first=20)
                    )
                    await count_contacts(session, viewer, criteria=criteria)
            finally:
                current_stats.reset(token)
            timings.append(stats.seconds)
    finally:
        await database.dispose()
    return statistics.median(timings) * 1000
