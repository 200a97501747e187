"""Batch benchmarks (`python -m bench.batches`): associate 10,000 contacts to a client site,
normalise 100,000 contacts' names, each against its limit.

The limit is hand-written SQL doing the same writes in one transaction (links, sites, versions,
history, sort keys and search tokens; values computed in Python, `executemany` or
`INSERT … SELECT`). Carnet runs through the GraphQL schema, as a request would. Carnet and the
limit take turns, `--runs` times, from the same state; medians are printed as ratios (target:
≤ 5×). On SQLite, each normalisation turn also runs the floor (`floor_normalize`: every value
computed before the write transaction, then a version check and the writes alone), and reports
how long Carnet and the floor held the write lock (target: Carnet ≤ 1.2× the floor), what a
reader on another connection saw meanwhile (WAL: it keeps reading), and what became of the single
edits `--editors` clients sent during Carnet's normalisation (`bench.batch_edits`; target: none
fails, none is lost).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench.batch_edits import Editors, Edits
from bench.batch_limits import floor_normalize, limit_associate, limit_normalize
from bench.batch_world import (
    FLOOR_TARGET,
    RATIO_TARGET,
    Timings,
    World,
    carnet_associate,
    carnet_normalize,
    forget_history,
    open_world,
    people_ids,
    restore_names,
)
from db.engine import Database
from resolvers.text_styles import TextStyle

# ---------------------------------------------------------------- what SQLite's lock and readers see


class WriteLock:
    """How long each committed transaction held SQLite's write lock: from BEGIN IMMEDIATE to
    COMMIT. Reads, rolled back, are not counted; transactions are told apart by connection."""

    def __init__(self, db: Database) -> None:
        self.held: list[float] = []
        self._began: dict[int, float] = {}
        # Listeners run in the order they were added: this one after the engine's BEGIN IMMEDIATE.
        event.listen(db.engine.sync_engine, "begin", self._begin)
        event.listen(db.engine.sync_engine, "commit", self._commit)
        event.listen(db.engine.sync_engine, "rollback", self._rollback)

    def _begin(self, connection: Any) -> None:
        self._began[id(connection)] = time.perf_counter()

    def _commit(self, connection: Any) -> None:
        began = self._began.pop(id(connection), None)
        if began is not None:
            self.held.append(time.perf_counter() - began)

    def _rollback(self, connection: Any) -> None:
        self._began.pop(id(connection), None)

    async def longest(self, work: Awaitable[None]) -> float:
        """The longest any transaction committed during `work` held the lock (its own, when the
        others are single edits)."""
        before = len(self.held)
        await work
        return max(self.held[before:])


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


async def bench_normalize(world: World, options: argparse.Namespace) -> Timings:
    """Every turn puts the seeded names in TITLE style: every name changes."""
    if not world.db.is_sqlite:
        return await take_turns(
            options.runs,
            lambda: _reset(world),
            lambda: carnet_normalize(world, TextStyle.TITLE),
            lambda: limit_normalize(world),
        )
    timings = Timings()
    turns = await lock_turns(world, options.runs, Editing(options.editors, options.edit_pause), timings)
    timings.notes += _lock_notes(turns, options.editors)
    return timings


@dataclass
class Editing:
    """The clients sending single edits during Carnet's normalisations, and their pause between edits."""

    clients: int = 4
    pause: float = 0.05  # seconds


@dataclass
class LockTurns:
    """SQLite's write lock over the normalisation's turns: how long Carnet and the floor held it
    (seconds, one per run), what the edits sent during Carnet's turns came to, and how long each
    read on another connection took meanwhile (seconds)."""

    carnet: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    edits: Edits = field(default_factory=Edits)
    reads: list[float] = field(default_factory=list)

    def ratio(self) -> float:
        return statistics.median(self.carnet) / statistics.median(self.floor)


async def lock_turns(world: World, runs: int, editing: Editing, timings: Timings | None = None) -> LockTurns:
    """`runs` turns from the same state, on SQLite: Carnet's normalisation while clients edit, then
    the floor's. With `timings`, Carnet's turns are timed whole and the limit takes a turn between
    them (`python -m bench.batches`); without, only the lock is measured (`python -m bench`)."""
    lock, turns = WriteLock(world.db), LockTurns()
    reader = Reader(make_url(str(world.db.engine.url)).database or "")
    reader.start()
    contact_ids = await people_ids(world)
    try:
        for _ in range(runs):
            await _reset(world)
            editors = Editors(world, contact_ids, editing.clients, editing.pause)
            held, elapsed = await _carnet_turn(world, lock, editors)
            turns.carnet.append(held)
            turns.edits.add(await editors.check())
            if timings is not None:
                timings.carnet.append(elapsed)
                await _reset(world)
                timings.limit.append(await _timed(limit_normalize(world)))
            await _reset(world)
            turns.floor.append(await lock.longest(floor_normalize(world)))
    finally:
        reader.stop.set()
        reader.join()
    turns.reads = reader.latencies
    return turns


async def _carnet_turn(world: World, lock: WriteLock, editors: Editors) -> tuple[float, float]:
    """Carnet's normalisation while `editors` edit: how long it held the write lock, and how long
    it took in all (not counting the editors' last edits, sent after it)."""
    editing = asyncio.create_task(editors.run())
    started = time.perf_counter()
    held = await lock.longest(carnet_normalize(world, TextStyle.TITLE))
    elapsed = time.perf_counter() - started
    editors.stop.set()
    await editing
    return held, elapsed


async def sqlite_lock(names: int, runs: int, editing: Editing) -> LockTurns:
    """The lock's turns alone on a new SQLite database of `names` contacts to normalise (`python -m
    bench`: nothing to associate, no limit)."""
    with tempfile.TemporaryDirectory() as folder:
        world = await open_world(_sqlite_url(folder), 0, names)
        try:
            return await lock_turns(world, runs, editing)
        finally:
            await world.db.dispose()


def _sqlite_url(folder: str) -> str:
    return f"sqlite+aiosqlite:///{Path(folder) / 'batches.db'}"


async def _reset(world: World) -> None:
    await forget_history(world, links_to_client=False)
    await restore_names(world)


async def _timed(work: Awaitable[None]) -> float:
    started = time.perf_counter()
    await work
    return time.perf_counter() - started


def _lock_notes(turns: LockTurns, editors: int) -> list[str]:
    carnet, floor = statistics.median(turns.carnet), statistics.median(turns.floor)
    verdict = "met" if turns.ratio() <= FLOOR_TARGET else "NOT met"
    slowest = max(turns.reads) * 1000
    return [
        f"write lock: Carnet {carnet:.2f} s, the floor {floor:.2f} s (medians): {turns.ratio():.2f}× "
        f"the floor (≤ {FLOOR_TARGET}×: {verdict})",
        f"{editors} clients editing during Carnet's turns: {turns.edits.summary()}",
        f"a reader on another connection meanwhile read {len(turns.reads):,} times, "
        f"the slowest read took {slowest:.0f} ms",
    ]


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
        normalize = await bench_normalize(world, options)
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
    parser.add_argument(
        "--editors", type=int, default=Editing.clients, help="clients editing during a normalisation"
    )
    parser.add_argument(
        "--edit-pause", type=float, default=Editing.pause, help="seconds between a client's edits"
    )
    return parser.parse_args()


async def main() -> None:
    options = _arguments()
    for engine in options.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                lines = await run_engine(engine, _sqlite_url(folder), options)
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
