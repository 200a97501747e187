"""Batch benchmarks (`python -m bench.batches`): associate 10,000 contacts to a client site,
normalise 100,000 contacts' names, each against its limit.

The limit is hand-written SQL doing the same writes in one transaction (links, sites, versions,
history, sort keys and search tokens; values computed in Python, `executemany` or
`INSERT … SELECT`). Carnet runs through the GraphQL schema, as a request would. Carnet and the
limit take turns, `--runs` times, from the same state; medians are printed as ratios (target:
≤ 5×). On SQLite, the normalisation also reports how long Carnet held the write lock (target:
≤ 3 s) and what a reader on another connection saw meanwhile (WAL: it keeps reading).

The machine is shared: read the ratios, not the absolute times.
"""

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench.batch_limits import floor_normalize, limit_associate, limit_normalize
from bench.batch_world import (
    LOCK_TARGET,
    RATIO_TARGET,
    Timings,
    World,
    carnet_associate,
    carnet_normalize,
    forget_history,
    open_world,
    restore_names,
)
from db.engine import Database
from resolvers.text_styles import TextStyle

# ---------------------------------------------------------------- what SQLite's lock and readers see


class WriteLock:
    """How long each write transaction held SQLite's write lock: from BEGIN IMMEDIATE to COMMIT."""

    def __init__(self, db: Database) -> None:
        self.held: list[float] = []
        self._began = 0.0
        # Listeners run in the order they were added: this one after the engine's BEGIN IMMEDIATE.
        event.listen(db.engine.sync_engine, "begin", self._begin)
        event.listen(db.engine.sync_engine, "commit", self._commit)

    def _begin(self, _connection: Any) -> None:
        self._began = time.perf_counter()

    def _commit(self, _connection: Any) -> None:
        self.held.append(time.perf_counter() - self._began)


class Reader(threading.Thread):
    """Reads the first page of contacts on its own connection every 10 ms, until stopped.

    It pauses between reads so as not to take the interpreter from the batch it watches.
    """

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.latencies: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        query = "SELECT id, last_name FROM contact ORDER BY last_name_key, first_name_key, id LIMIT 50"
        while not self.stop.is_set():
            started = time.perf_counter()
            connection.execute(query).fetchall()
            self.latencies.append(time.perf_counter() - started)
            self.stop.wait(0.01)
        connection.close()


# ---------------------------------------------------------------- running

Work = Callable[[], Awaitable[None]]


async def take_turns(runs: int, reset: Work, carnet: Work, limit: Work) -> Timings:
    """Carnet then the limit, `runs` times, each from the same state."""
    timings = Timings()
    for _ in range(runs):
        for work, times in ((carnet, timings.carnet), (limit, timings.limit)):
            await reset()
            started = time.perf_counter()
            await work()
            times.append(time.perf_counter() - started)
    return timings


async def bench_associate(world: World, runs: int) -> Timings:
    async def reset() -> None:
        await forget_history(world, links_to_client=True)

    return await take_turns(runs, reset, lambda: carnet_associate(world), lambda: limit_associate(world))


async def bench_normalize(world: World, runs: int) -> Timings:
    """Every turn puts the seeded names in TITLE style: every name changes."""
    lock = WriteLock(world.db) if world.db.is_sqlite else None
    held: list[float] = []

    async def reset() -> None:
        await forget_history(world, links_to_client=False)
        await restore_names(world)

    async def carnet() -> None:
        before = len(lock.held) if lock else 0
        await carnet_normalize(world, TextStyle.TITLE)
        held.extend(lock.held[before:] if lock else [])

    reader = Reader(make_url(str(world.db.engine.url)).database or "") if lock else None
    if reader:
        reader.start()
    timings = await take_turns(runs, reset, carnet, lambda: limit_normalize(world))
    if reader:
        reader.stop.set()
        reader.join()
        await reset()
        floor = await floor_normalize(world)
        slowest, longest = max(reader.latencies) * 1000, statistics.median(held)
        timings.notes += [
            f"Carnet held the write lock {longest:.2f} s (median; ≤ {LOCK_TARGET:.0f} s: "
            f"{'met' if longest <= LOCK_TARGET else 'NOT met'}); the limit's writes alone, values "
            f"computed beforehand, hold it {floor:.2f} s",
            f"a reader on another connection meanwhile read {len(reader.latencies):,} times, "
            f"the slowest read took {slowest:.0f} ms",
        ]
    return timings


def report(engine: str, name: str, timings: Timings) -> list[str]:
    ratio = timings.ratio()
    carnet, limit = statistics.median(timings.carnet), statistics.median(timings.limit)
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    line = (
        f"{engine:10} {name:30} Carnet {carnet:6.2f} s  limit {limit:6.2f} s  ratio {ratio:4.2f}× ({verdict})"
    )
    return [line, *(f"{'':10} {note}" for note in timings.notes)]


async def run_engine(engine: str, url: str, options: argparse.Namespace) -> list[str]:
    world = await open_world(url, options.associate, options.normalize)
    try:
        associate = await bench_associate(world, options.runs)
        normalize = await bench_normalize(world, options.runs)
    finally:
        await world.db.dispose()
    return [
        *report(engine, f"associate {options.associate:,} to a site", associate),
        *report(engine, f"normalize {options.normalize:,} names", normalize),
    ]


async def _postgres_database(admin_url: str) -> tuple[str, Work]:
    """A new, empty PostgreSQL database for this run, and how to drop it."""
    admin = make_url(admin_url)
    name = f"carnet_bench_batches_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(
        admin.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    await connection.execute(f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.batches", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--associate", type=int, default=10_000, help="contacts to associate")
    parser.add_argument("--normalize", type=int, default=100_000, help="contacts to normalise")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


async def main() -> None:
    options = _arguments()
    for engine in options.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                lines = await run_engine(
                    engine, f"sqlite+aiosqlite:///{Path(folder) / 'batches.db'}", options
                )
        else:
            url, drop = await _postgres_database(options.postgres)
            try:
                lines = await run_engine(engine, url, options)
            finally:
                await drop()
        print("\n".join(lines), flush=True)
    print(f"medians of {options.runs} runs, Carnet and the limit taking turns from the same state")


if __name__ == "__main__":
    asyncio.run(main())
