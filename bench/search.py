"""A rare accent-insensitive name, searched at every size: the SQL alone (page and count, in the
database) and the whole GraphQL request (over HTTP), p50 per size.

The sizes are measured side by side, one request each in turn, so that whatever else the
machine does weighs on all of them alike: the ratio between sizes is what counts.
"""

import statistics
import time
from contextlib import ExitStack
from dataclasses import dataclass, field

from bench import servers
from bench.load import Target, fetch
from db.engine import Database, open_database
from db.statements import QueryStats, current_stats
from resolvers.access import Role, Viewer
from resolvers.contact_lists import ContactFilter, count_contacts, list_contacts
from resolvers.paging import PageRequest

SEARCH = """
query Search($search: String!) {
  contacts(filter: {search: $search}, first: 20) {
    totalCount
    edges { node { id lastName firstName email links { function organization { name } } } }
  }
}
"""
WORDS = ("quemeneur", "quemen")  # the rare name (Quéméneur) typed without accents; and its start
FOUND = 3  # the seed gives that name to three contacts, whatever the size
SAMPLES = 40
VIEWER = Viewer(subject="bench", role=Role.STAFF)


@dataclass
class Timings:
    """p50s in milliseconds, one per round, by (size, words)."""

    sql: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    request: dict[tuple[int, str], list[float]] = field(default_factory=dict)


async def measure(urls: dict[int, str], rounds: int) -> Timings:
    timings = Timings()
    databases = {size: open_database(url) for size, url in urls.items()}
    try:
        with ExitStack() as stack:
            targets = {size: stack.enter_context(servers.carnet(url)) for size, url in urls.items()}
            for _ in range(rounds):
                for words in WORDS:
                    await _round(databases, targets, words, timings)
    finally:
        for database in databases.values():
            await database.dispose()
    return timings


async def _round(
    databases: dict[int, Database], targets: dict[int, Target], words: str, timings: Timings
) -> None:
    sql: dict[int, list[float]] = {size: [] for size in databases}
    request: dict[int, list[float]] = {size: [] for size in databases}
    for _ in range(SAMPLES):
        for size in databases:
            sql[size].append(await _search_sql(databases[size], words))
            request[size].append(await _search_request(targets[size], words))
    for size in databases:
        timings.sql.setdefault((size, words), []).append(statistics.median(sql[size]) * 1000)
        timings.request.setdefault((size, words), []).append(statistics.median(request[size]) * 1000)


async def _search_sql(database: Database, words: str) -> float:
    """Seconds spent in the database by the search's statements (the page and the count)."""
    criteria = [ContactFilter(search=words)]
    stats = QueryStats()
    token = current_stats.set(stats)
    try:
        async with database.read() as session:
            page = await list_contacts(
                session, VIEWER, criteria=criteria, order=None, page=PageRequest(first=20)
            )
            total = await count_contacts(session, VIEWER, criteria=criteria)
    finally:
        current_stats.reset(token)
    if (len(page.rows), total) != (FOUND, FOUND):
        raise AssertionError(f"{words!r} should find {FOUND} contacts, found {total}")
    return stats.seconds


async def _search_request(target: Target, words: str) -> float:
    started = time.perf_counter()
    answer = await fetch(target, {"query": SEARCH, "variables": {"search": words}})
    elapsed = time.perf_counter() - started
    if answer["data"]["contacts"]["totalCount"] != FOUND:  # type: ignore[index]
        raise AssertionError(f"{words!r} should find {FOUND} contacts: {answer}")
    return elapsed
