"""The reference query at 16 keep-alive clients against `carnet serve --workers 1` and `--workers 2`
on PostgreSQL (target: 2 workers at least 1.6x one, on 2 cores).

    python -m bench.workers [--size 10000] [--runs 3] [--seconds 8] [--concurrency 16]

Each server runs in turn on the same database; each run is a closed loop (bench/load.py) after
a warm-up. The spread of connections over the workers is printed too: each worker's count of
requests, from the `carnet.request` log lines it wrote.
"""

import argparse
import asyncio
import json
import secrets
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.__main__ import POSTGRES, _seeded, _url
from bench.load import LOGS, Target, closed_loop, free_port, python, serving
from bench.reference import PAYLOAD
from resolvers.access import Role
from server.auth import issue_token


def _workers_of(log: Path) -> Counter[str]:
    """Requests answered per worker process, from the JSON lines of the server's log."""
    counts: Counter[str] = Counter()
    for line in log.read_text().splitlines():
        if '"carnet.request"' in line and '"/graphql"' in line:
            counts[str(json.loads(line).get("pid", "?"))] += 1
    return counts


async def measure(url: str, workers: int, arguments: argparse.Namespace) -> list[float]:
    secret = secrets.token_urlsafe(48)
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=1)
    )
    port = free_port()
    command = [
        str(Path(python()).parent / "carnet"),
        *("serve", "--no-migrate", "--database-url", url, "--workers", str(workers), "--port", str(port)),
    ]
    env = {"CARNET_SECRET": secret, "CARNET_GRAPHIQL": "0", "CARNET_QUERY_STATS": "0"}
    name = f"workers-{workers}"
    with serving(command, port, name, env):
        await asyncio.sleep(2)  # every worker listening
        target = Target(port, "/graphql", {"Authorization": f"Bearer {token}"})
        figures = []
        for _ in range(arguments.runs):
            result = await closed_loop(
                target, PAYLOAD, concurrency=arguments.concurrency, seconds=arguments.seconds, warmup=2.0
            )
            figures.append(result.throughput)
    spread = _workers_of(LOGS / f"{name}.log")
    print(
        f"  {workers} worker(s): {statistics.median(figures):.1f} req/s (runs: "
        + ", ".join(f"{figure:.1f}" for figure in figures)
        + f"); requests per worker: {sorted(spread.values(), reverse=True)}"
    )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    arguments = parser.parse_args()
    url = _url("postgresql", arguments.size, arguments.postgres)
    await _seeded(url, arguments.size, reseed=False)
    print(f"reference query, {arguments.concurrency} clients, PostgreSQL, {arguments.size:,} contacts")
    one = await measure(url, 1, arguments)
    two = await measure(url, 2, arguments)
    print(f"  2 workers / 1 worker: {statistics.median(two) / statistics.median(one):.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
