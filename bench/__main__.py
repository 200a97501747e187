"""`make bench` (`python -m bench`): seed, load, and print the tables of ratios.

For each engine: seed a database per size unless it already holds that many contacts; for each
size, serve it with `carnet serve` and with the hand-written limit (bench/limit.py), check both
answer the same JSON, and run the reference query closed-loop, Carnet and the limit taking
turns, `--runs` times. Then search a rare name at every size side by side. Medians of the runs
are printed as ratios: Carnet ÷ limit, and largest size ÷ smallest.

Loopback only; the machine is shared, so read the ratios rather than the absolute figures.
"""

import argparse
import asyncio
import json
import statistics
from pathlib import Path

from bench import reference, search
from bench.data import VERSION
from bench.seed import contacts_in, seed

RESULTS = Path("var/bench/results.json")
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"
THROUGHPUT_TARGET, SQL_TARGET, REQUEST_TARGET = 0.7, 10.0, 1.5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--sizes", default="10000,1000000", help="contacts per database, comma-separated")
    parser.add_argument("--postgres", default=POSTGRES, help="server URL; databases carnet_bench_<size>_v<n>")
    parser.add_argument("--runs", type=int, default=3, help="runs (and search rounds) per measure")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database is there")
    return parser.parse_args()


def _url(engine: str, size: int, postgres: str) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///var/bench/carnet-{size}-v{VERSION}.db"
    return f"{postgres}/carnet_bench_{size}_v{VERSION}"


async def _seeded(url: str, size: int, reseed: bool) -> None:
    if reseed or await contacts_in(url) != size:
        print(f"  seeding {size:,} contacts… ", end="", flush=True)
        print(f"{await seed(url, size):.0f} s")


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


def _save(
    throughputs: dict[tuple[str, int], reference.Throughput], searches: dict[str, search.Timings]
) -> None:
    plain = {
        "reference": {
            f"{engine}/{size}": {
                "compiled_rps": result.ours,
                "stock_rps": result.stock,
                "limit_rps": result.limit,
                "ratio": result.ratio,
                "stock_ratio": result.stock_ratio,
            }
            for (engine, size), result in throughputs.items()
        },
        "search": {
            engine: {
                f"{size}/{words}": {
                    "sql_ms": timings.sql[size, words],
                    "request_ms": timings.request[size, words],
                }
                for size, words in timings.sql
            }
            for engine, timings in searches.items()
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(plain, indent=2))


async def main() -> None:
    arguments = _arguments()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    options = reference.Options(
        runs=arguments.runs, seconds=arguments.seconds, concurrency=arguments.concurrency
    )
    throughputs: dict[tuple[str, int], reference.Throughput] = {}
    searches: dict[str, search.Timings] = {}
    for engine in arguments.engines.split(","):
        urls = {size: _url(engine, size, arguments.postgres) for size in sizes}
        for size, url in urls.items():
            print(f"{engine}, {size:,} contacts")
            await _seeded(url, size, arguments.reseed)
            result = throughputs[engine, size] = await reference.measure(url, options)
            print(
                f"  reference query: compiled ÷ limit = {result.ratio:.3f}, "
                f"stock ÷ limit = {result.stock_ratio:.3f}"
            )
        if len(sizes) > 1:
            print(f"{engine}, searching {', '.join(f'{size:,}' for size in sizes)} side by side")
            searches[engine] = await search.measure(
                {size: urls[size] for size in (sizes[0], sizes[-1])}, arguments.runs
            )
    _save(throughputs, searches)
    print()
    print(_reference_table(throughputs))
    if searches:
        print()
        print(_search_table(searches, sizes[0], sizes[-1]))


if __name__ == "__main__":
    asyncio.run(main())
