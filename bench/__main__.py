"""`make bench` (`python -m bench`): seed, load, and print the table of ratios.

For each engine and size: seed the database unless it already holds that many contacts, serve it
with `carnet serve` and with the hand-written limit, check both answer the same JSON, run the
reference query closed-loop (Carnet and the limit taking turns, `--runs` times) and time a
rare-name search. Medians of the runs are printed as ratios: Carnet ÷ limit, and 1M ÷ 10k.

Loopback only; the machine is shared, so read ratios, not absolute figures.
"""

import argparse
import asyncio
import json
import statistics
from pathlib import Path
from typing import Any

from bench import scenarios
from bench.data import VERSION
from bench.seed import contacts_in, seed

RESULTS = Path("var/bench/results.json")
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"
THROUGHPUT_TARGET = 0.2
SEARCH_DB_TARGET, SEARCH_HTTP_TARGET = 10.0, 1.5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--sizes", default="10000,1000000", help="contacts per database, comma-separated")
    parser.add_argument("--postgres", default=POSTGRES, help="server URL; databases carnet_bench_<size>")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database is there")
    return parser.parse_args()


def _url(engine: str, size: int, postgres: str) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///var/bench/carnet-{size}-v{VERSION}.db"
    return f"{postgres}/carnet_bench_{size}_v{VERSION}"


async def _measure(url: str, size: int, options: scenarios.Options, reseed: bool) -> scenarios.Result:
    if reseed or await contacts_in(url) != size:
        print(f"  seeding {size:,} contacts… ", end="", flush=True)
        print(f"{await seed(url, size):.0f} s")
    result = scenarios.Result()
    with scenarios.servers(url) as both:
        await scenarios.same_answers(both)
        await scenarios.reference(both, options, result)
        await scenarios.search(url, both, result)
    print(
        f"  reference: Carnet {statistics.median(result.ours):.1f} req/s, "
        f"limit {statistics.median(result.limit):.1f} req/s, ratio {result.ratio:.3f}"
    )
    return result


def _table(results: dict[tuple[str, int], scenarios.Result], sizes: list[int]) -> str:
    small, large = min(sizes), max(sizes)
    lines = [
        "| engine | contacts | Carnet req/s | limit req/s | Carnet ÷ limit (target ≥ 0.2) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for (engine, size), result in results.items():
        lines.append(
            f"| {engine} | {size:,} | {statistics.median(result.ours):.1f} | "
            f"{statistics.median(result.limit):.1f} | **{result.ratio:.2f}** |"
        )
    if small != large:
        lines += ["", _search_table(results, small, large)]
    return "\n".join(lines)


def _search_table(results: dict[tuple[str, int], scenarios.Result], small: int, large: int) -> str:
    lines = [
        f"| engine | search | SQL p50 {small:,} | SQL p50 {large:,} | ratio (≤ {SEARCH_DB_TARGET:g}) "
        f"| request p50 {small:,} | request p50 {large:,} | ratio (≤ {SEARCH_HTTP_TARGET:g}) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine in dict.fromkeys(engine for engine, _ in results):
        if (engine, small) not in results or (engine, large) not in results:
            continue
        low, high = results[engine, small], results[engine, large]
        for words in scenarios.SEARCHES:
            db_low, db_high = low.search_db_ms[words], high.search_db_ms[words]
            http_low, http_high = low.search_http_ms[words], high.search_http_ms[words]
            lines.append(
                f"| {engine} | `{words}` | {db_low:.2f} ms | {db_high:.2f} ms | **{db_high / db_low:.2f}** "
                f"| {http_low:.2f} ms | {http_high:.2f} ms | **{http_high / http_low:.2f}** |"
            )
    return "\n".join(lines)


def _save(results: dict[tuple[str, int], scenarios.Result]) -> None:
    plain: dict[str, Any] = {
        f"{engine}/{size}": {
            "ours_rps": result.ours,
            "limit_rps": result.limit,
            "ratio": result.ratio,
            "search_db_ms": result.search_db_ms,
            "search_http_ms": result.search_http_ms,
        }
        for (engine, size), result in results.items()
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(plain, indent=2))


async def main() -> None:
    arguments = _arguments()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    options = scenarios.Options(
        runs=arguments.runs, seconds=arguments.seconds, concurrency=arguments.concurrency
    )
    results: dict[tuple[str, int], scenarios.Result] = {}
    for engine in arguments.engines.split(","):
        for size in sizes:
            print(f"{engine}, {size:,} contacts")
            url = _url(engine, size, arguments.postgres)
            results[engine, size] = await _measure(url, size, options, arguments.reseed)
    _save(results)
    print()
    print(_table(results, sizes))


if __name__ == "__main__":
    asyncio.run(main())
