"""`make bench` (`python -m bench`): seed, load, and print the tables of ratios.

For each engine: seed a database per size unless it already holds that many contacts; for each
size, serve it with `carnet serve` and with the hand-written limit (bench/limit.py), check both
answer the same JSON, and run the reference query closed-loop, Carnet and the limit taking
turns, `--runs` times; then 16 clients at once (latency p50, p95, and the server's memory over
2,000 requests). Then search a rare name at every size side by side, and every prefix of a rare
and a common name at the largest size. Last, on SQLite, normalise `--normalize` names while 4
clients edit, `--runs` times: how long Carnet held the write lock against the floor, and whether
any edit failed or was lost (`bench.batches`' measure, without its limit). Medians of the runs are
printed as ratios (Carnet ÷ limit, largest size ÷ smallest, Carnet ÷ floor), the raw figures
saved to var/bench/results.json, and the chart drawn to bench/performance.png (bench/chart.py).

Loopback only; the machine is shared, so read the ratios rather than the absolute figures.
"""

import argparse
import asyncio
import json
import os
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import batches, chart, concurrency, prefixes, reference, search
from bench.batch_world import FLOOR_TARGET
from bench.data import VERSION
from bench.seed import contacts_in, migrate, seed

RESULTS = Path("var/bench/results.json")
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"
THROUGHPUT_TARGET, SQL_TARGET, REQUEST_TARGET, PREFIX_TARGET_MS = 0.7, 10.0, 1.5, 150.0
EDITING = batches.Editing()  # bench.batches' defaults: 4 clients, 50 ms between a client's edits


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--sizes", default="10000,1000000", help="contacts per database, comma-separated")
    parser.add_argument("--postgres", default=POSTGRES, help="server URL; databases carnet_bench_<size>_v<n>")
    parser.add_argument("--runs", type=int, default=3, help="runs (and search rounds) per measure")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--clients", type=int, default=16, help="clients at once for p50/p95 and memory; 0: skip"
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests those clients send in all")
    parser.add_argument(
        "--normalize",
        type=int,
        default=100_000,
        help="names normalised on SQLite, the write lock measured while clients edit; 0: skip",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database is there")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the raw figures go (JSON)")
    return parser.parse_args()


def _url(engine: str, size: int, postgres: str) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///var/bench/carnet-{size}-v{VERSION}.db"
    return f"{postgres}/carnet_bench_{size}_v{VERSION}"


async def _seeded(url: str, size: int, reseed: bool) -> None:
    if reseed or await contacts_in(url) != size:
        print(f"  seeding {size:,} contacts… ", end="", flush=True)
        print(f"{await seed(url, size):.0f} s")
    else:  # seeded by an older revision: migrate it as a deployment would
        await migrate(url)


def _reference_table(results: dict[tuple[str, int], reference.Throughput]) -> str:
    lines = [
        "| engine | contacts | compiled req/s | stock req/s | limit req/s "
        f"| compiled ÷ limit (target ≥ {THROUGHPUT_TARGET:g}) | stock ÷ limit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (engine, size), result in results.items():
        lines.append(
            f"| {engine} | {size:,} | {statistics.median(result.ours):.1f} | "
            f"{statistics.median(result.stock):.1f} | {statistics.median(result.limit):.1f} | "
            f"**{result.ratio:.2f}** | {result.stock_ratio:.2f} |"
        )
    return "\n".join(lines)


def _search_table(results: dict[str, search.Timings], small: int, large: int) -> str:
    lines = [
        f"| engine | search | SQL p50 {small:,} | SQL p50 {large:,} | ratio (≤ {SQL_TARGET:g}) "
        f"| request p50 {small:,} | request p50 {large:,} | ratio (≤ {REQUEST_TARGET:g}) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine, timings in results.items():
        for words in search.WORDS:
            sql = [statistics.median(timings.sql[size, words]) for size in (small, large)]
            request = [statistics.median(timings.request[size, words]) for size in (small, large)]
            lines.append(
                f"| {engine} | `{words}` | {sql[0]:.2f} ms | {sql[1]:.2f} ms | **{sql[1] / sql[0]:.2f}** "
                f"| {request[0]:.2f} ms | {request[1]:.2f} ms | **{request[1] / request[0]:.2f}** |"
            )
    return "\n".join(lines)


def _normalize_table(results: dict[tuple[str, int], batches.LockTurns]) -> str:
    lines = [
        "| engine | names | Carnet's write lock | the floor's | Carnet ÷ floor "
        f"(target ≤ {FLOOR_TARGET:g}) | edits sent | failed (target 0) | lost (target 0) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (engine, names), turns in results.items():
        edits = turns.edits
        lines.append(
            f"| {engine} | {names:,} | {statistics.median(turns.carnet):.2f} s "
            f"| {statistics.median(turns.floor):.2f} s | **{turns.ratio():.2f}** | {edits.sent} "
            f"| **{edits.failures}** | **{edits.lost}** |"
        )
    return "\n".join(lines)


@dataclass
class Run:
    """Everything one `python -m bench` measured (saved after each measure: a run cut short by the
    bench lock's timeout keeps what it measured)."""

    results: Path
    largest: int
    load_before: float = field(default_factory=lambda: os.getloadavg()[0])
    throughputs: dict[tuple[str, int], reference.Throughput] = field(default_factory=dict)
    searches: dict[str, search.Timings] = field(default_factory=dict)
    loads: dict[tuple[str, int], concurrency.Concurrency] = field(default_factory=dict)
    typed: dict[str, prefixes.Prefixes] = field(default_factory=dict)
    normalized: dict[tuple[str, int], batches.LockTurns] = field(default_factory=dict)


def _plain(run: Run) -> dict[str, Any]:
    """The run as JSON: raw figures, one per round; when, and how busy the machine was."""
    load = f"load average {run.load_before:.1f} → {os.getloadavg()[0]:.1f}"
    return {
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {load}",
        "reference": {
            f"{engine}/{size}": {
                "compiled_rps": result.ours,
                "stock_rps": result.stock,
                "limit_rps": result.limit,
                "ratio": result.ratio,
                "stock_ratio": result.stock_ratio,
            }
            for (engine, size), result in run.throughputs.items()
        },
        "search": {
            engine: {
                f"{size}/{words}": {
                    "sql_ms": timings.sql[size, words],
                    "request_ms": timings.request[size, words],
                }
                for size, words in timings.sql
            }
            for engine, timings in run.searches.items()
        },
        "concurrency": {
            f"{engine}/{size}": {
                "clients": load.clients,
                "requests": load.requests,
                "p50_ms": load.p50_ms,
                "p95_ms": load.p95_ms,
                "rss_warm": load.rss_warm,
                "rss_end": load.rss_end,
            }
            for (engine, size), load in run.loads.items()
        },
        "prefixes_size": run.largest,
        "prefixes": {
            engine: {
                word: {"found": typed.found[word], "request_ms": typed.request[word]}
                for word in typed.request
            }
            for engine, typed in run.typed.items()
        },
        "normalize": {
            f"{engine}/{names}": _plain_lock(turns) for (engine, names), turns in run.normalized.items()
        },
    }


def _plain_lock(turns: batches.LockTurns) -> dict[str, Any]:
    edits = turns.edits
    return {
        "carnet_lock_s": turns.carnet,
        "floor_lock_s": turns.floor,
        "ratio": turns.ratio(),
        "editors": EDITING.clients,
        "edits_sent": edits.sent,
        "edits_applied": edits.applied,
        "edits_normalised": edits.normalised,
        "conflicts_retried": edits.conflicts,
        "edits_failed": edits.failures,
        "failed_by_code": dict(edits.failed),
        "edits_lost": edits.lost,
        "slowest_edit_s": edits.slowest,
        "reads": len(turns.reads),
        "slowest_read_ms": max(turns.reads, default=0.0) * 1000,
    }


def _save(run: Run) -> dict[str, Any]:
    plain = _plain(run)
    run.results.parent.mkdir(parents=True, exist_ok=True)
    run.results.write_text(json.dumps(plain, indent=2))
    return plain


async def _engine(engine: str, sizes: list[int], arguments: argparse.Namespace, run: Run) -> None:
    options = reference.Options(
        runs=arguments.runs, seconds=arguments.seconds, concurrency=arguments.concurrency
    )
    urls = {size: _url(engine, size, arguments.postgres) for size in sizes}
    for size, url in urls.items():
        print(f"{engine}, {size:,} contacts")
        await _seeded(url, size, arguments.reseed)
        result = run.throughputs[engine, size] = await reference.measure(url, options)
        print(f"  reference query: compiled ÷ limit {result.ratio:.3f}, stock {result.stock_ratio:.3f}")
        _save(run)
        if arguments.clients:
            load = run.loads[engine, size] = await concurrency.measure(
                url, concurrency.Options(clients=arguments.clients, requests=arguments.requests)
            )
            spread = load.p95_ms / load.p50_ms
            print(f"  {load.clients} clients: p95 ÷ p50 {spread:.2f}, RSS × {load.rss_ratio:.2f}")
            _save(run)
    if len(sizes) > 1:
        print(f"{engine}, searching {', '.join(f'{size:,}' for size in sizes)} side by side")
        run.searches[engine] = await search.measure(
            {size: urls[size] for size in (sizes[0], sizes[-1])}, arguments.runs
        )
        _save(run)
    print(f"{engine}, typing {', '.join(prefixes.NAMES)} at {sizes[-1]:,} contacts")
    run.typed[engine] = await prefixes.measure(urls[sizes[-1]], arguments.runs)


async def _normalize(names: int, runs: int, run: Run) -> None:
    """SQLite's write lock during a normalisation: the lock is SQLite's alone (PostgreSQL locks rows)."""
    print(f"sqlite, normalising {names:,} names while {EDITING.clients} clients edit")
    turns = run.normalized["sqlite", names] = await batches.sqlite_lock(names, runs, EDITING)
    edits = turns.edits
    print(
        f"  write lock: Carnet ÷ the floor {turns.ratio():.2f}; "
        f"{edits.sent} edits, {edits.failures} failed, {edits.lost} lost"
    )


async def main() -> None:
    arguments = _arguments()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    run = Run(arguments.results, sizes[-1])
    engines = arguments.engines.split(",")
    for engine in engines:
        await _engine(engine, sizes, arguments, run)
        _save(run)
    if arguments.normalize and "sqlite" in engines:
        await _normalize(arguments.normalize, arguments.runs, run)
    plain = _save(run)
    print()
    print(_reference_table(run.throughputs))
    if run.loads:
        print()
        print(concurrency.table(run.loads))
    if run.searches:
        print()
        print(_search_table(run.searches, sizes[0], sizes[-1]))
    print()
    print(prefixes.table(run.typed, sizes[-1], PREFIX_TARGET_MS))
    if run.normalized:
        print()
        print(_normalize_table(run.normalized))
    print()
    print(f"{plain['measured']}; chart: {chart.write(plain, subtitle=plain['measured'])}")


if __name__ == "__main__":
    asyncio.run(main())
