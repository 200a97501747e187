"""The reference query at 16 keep-alive clients against `carnet serve --workers 1` and `--workers 2`
on PostgreSQL (target: 2 workers at least 1.6x one, on 2 cores), and where the CPU goes.

    python -m bench.workers [--size 10000] [--runs 3] [--seconds 8] [--concurrency 16]
                            [--generator python|wrk]

Both servers run on the same database and take turns, run after run, so that whatever else the
machine does weighs on both alike; each run is a closed loop after a warm-up, by
bench/load.py's raw-socket generator or by wrk (C, Debian's `wrk`). Around each run the CPU
seconds of every process are read from /proc (bench/cpu.py): each worker's, PostgreSQL's, the
generator's and the rest of the machine's, printed as milliseconds per request. From the one
worker runs, the bound the two cores allow two workers follows: every request needs its
worker's, PostgreSQL's and the generator's CPU, and two cores are all there is. The spread of
requests over the workers is printed too, from the `carnet.request` log lines.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench.__main__ import POSTGRES, _seeded, _url
from bench.cpu import Snapshot, Usage, usage
from bench.load import LOGS, Target, closed_loop, free_port, python, serving
from bench.reference import PAYLOAD
from resolvers.access import Role
from server.auth import issue_token

CORES = 2


@dataclass(frozen=True)
class Run:
    throughput: float
    seconds: float
    cpu: Usage
    connections: int  # PostgreSQL connections opened during the run

    @property
    def requests(self) -> float:
        return self.throughput * self.seconds

    def per_request_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.requests

    def described(self) -> str:
        workers = " + ".join(
            f"{self.per_request_ms(spent):.1f}" for spent in sorted(self.cpu.workers.values())
        )
        return (
            f"{self.throughput:.1f} req/s; CPU ms per request: workers {workers}, "
            f"PostgreSQL {self.per_request_ms(self.cpu.postgres):.1f}, "
            f"generator {self.per_request_ms(self.cpu.generator):.1f}, "
            f"rest of the machine {self.per_request_ms(self.cpu.others):.1f}; "
            f"machine's cores busy {self.cpu.machine / self.cpu.wall:.2f} of {CORES}; "
            f"PostgreSQL connections opened per request {self.connections / self.requests:.2f}"
        )


def _workers_of(log: Path) -> Counter[str]:
    """Requests answered per worker process, from the JSON lines of the server's log."""
    counts: Counter[str] = Counter()
    for line in log.read_text().splitlines():
        if '"carnet.request"' in line and '"/graphql"' in line:
            counts[str(json.loads(line).get("pid", "?"))] += 1
    return counts


async def _python_load(
    target: Target, arguments: argparse.Namespace, seconds: float
) -> tuple[float, list[int]]:
    result = await closed_loop(
        target, PAYLOAD, concurrency=arguments.concurrency, seconds=seconds, warmup=0.0
    )
    return result.throughput, [os.getpid()]


WRK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}
"""


def _wrk_load(
    target: Target, arguments: argparse.Namespace, seconds: float
) -> tuple[subprocess.Popen[str], Path]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        WRK_SCRIPT.format(
            body=json.dumps(json.dumps(PAYLOAD)), authorization=json.dumps(target.headers["Authorization"])
        )
    )
    command = ["wrk", "-t1", f"-c{arguments.concurrency}", f"-d{seconds:g}s", "-s", str(script)]
    url = f"http://127.0.0.1:{target.port}{target.path}"
    return subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True), script


def _wrk_throughput(printed: str) -> float:
    if "Non-2xx" in printed:
        raise RuntimeError(f"wrk saw failed requests:\n{printed}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", printed)
    if found is None:
        raise RuntimeError(f"wrk printed no throughput:\n{printed}")
    return float(found[1])


@dataclass(frozen=True)
class Bench:
    """What a run is measured against: the server's process, its database."""

    server: int
    target: Target
    database: str
    postgres: str

    async def connections(self) -> int:
        """Connections ever opened to the database (PostgreSQL's own count, 14 and later)."""
        admin = await asyncpg.connect(
            self.postgres.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
        )
        try:
            query = "SELECT sessions FROM pg_stat_database WHERE datname = $1"
            return int(await admin.fetchval(query, self.database))
        finally:
            await admin.close()


async def _one_run(bench: Bench, arguments: argparse.Namespace) -> Run:
    seconds, opened = arguments.seconds, await bench.connections()
    before = Snapshot.take()
    if arguments.generator == "wrk":
        process, script = _wrk_load(bench.target, arguments, seconds)
        printed, _ = await asyncio.to_thread(process.communicate)
        after = Snapshot.take()
        script.unlink()
        throughput, generator_pids = _wrk_throughput(printed), []
    else:
        throughput, generator_pids = await _python_load(bench.target, arguments, seconds)
        after = Snapshot.take()
    cpu = usage(before, after, server=bench.server, generator=generator_pids, database=bench.database)
    if arguments.generator == "wrk":  # wrk has exited: its CPU is in this process's children's times
        cpu = _with_generator(cpu, _reaped_children_seconds())
    await asyncio.sleep(0.6)  # PostgreSQL counts a session once its backend has reported its end
    return Run(throughput, seconds, cpu, await bench.connections() - opened)


_reaped = [0.0]


def _reaped_children_seconds() -> float:
    """CPU seconds of this process's exited children since the last call (wrk, once it ended)."""
    times = os.times()
    total = times.children_user + times.children_system
    spent, _reaped[0] = total - _reaped[0], total
    return spent


def _with_generator(run_usage: Usage, generator: float) -> Usage:
    return Usage(
        run_usage.server, run_usage.workers, run_usage.postgres, generator, run_usage.machine, run_usage.wall
    )


async def measure(url: str, arguments: argparse.Namespace) -> tuple[list[Run], list[Run]]:
    """Runs against one worker and against two, taking turns, so that whatever else the machine
    does weighs on both alike."""
    secret = secrets.token_urlsafe(48)
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=1)
    )
    env = {"CARNET_SECRET": secret, "CARNET_GRAPHIQL": "0", "CARNET_QUERY_STATS": "0"}
    headers = {"Authorization": f"Bearer {token}"}
    database = make_url(url).database or ""
    _reaped_children_seconds()  # start wrk's account from here
    with ExitStack() as servers:
        benches = []
        for workers in (1, 2):
            port = free_port()
            command = [
                str(Path(python()).parent / "carnet"),
                *(
                    "serve",
                    "--no-migrate",
                    "--database-url",
                    url,
                    "--workers",
                    str(workers),
                    "--port",
                    str(port),
                ),
            ]
            server = servers.enter_context(serving(command, port, f"workers-{workers}", env))
            benches.append(Bench(server.pid, Target(port, "/graphql", headers), database, arguments.postgres))
        await asyncio.sleep(2)  # every worker listening
        for bench in benches:
            await closed_loop(
                bench.target, PAYLOAD, concurrency=arguments.concurrency, seconds=2.0, warmup=0.0
            )
        runs: tuple[list[Run], list[Run]] = ([], [])
        for _ in range(arguments.runs):
            for bench, figures in zip(benches, runs, strict=True):
                figures.append(await _one_run(bench, arguments))
    for workers, figures in zip((1, 2), runs, strict=True):
        spread = _workers_of(LOGS / f"workers-{workers}.log")
        print(f"  {workers} worker(s), requests per worker: {sorted(spread.values(), reverse=True)}")
        for run in figures:
            print(f"    {run.described()}")
    return runs


@dataclass(frozen=True)
class Bound:
    """The most one and two workers could answer per second, from the CPU a request costs."""

    one: float
    two: float


def bounds(one: list[Run]) -> Bound:
    """Each worker runs on at most one core, and every request needs its worker's, PostgreSQL's
    and the generator's CPU out of the two cores there are (the rest of the machine left out)."""
    worker = statistics.median(run.per_request_ms(run.cpu.server) for run in one) / 1000
    rest = statistics.median(run.per_request_ms(run.cpu.postgres + run.cpu.generator) for run in one) / 1000
    machine = CORES / (worker + rest)
    return Bound(one=min(1 / worker, machine), two=min(2 / worker, machine))


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--generator", choices=("python", "wrk"), default="python")
    arguments = parser.parse_args()
    url = _url("postgresql", arguments.size, arguments.postgres)
    await _seeded(url, arguments.size, reseed=False)
    print(
        f"reference query, {arguments.concurrency} clients, PostgreSQL, {arguments.size:,} contacts, "
        f"generator {arguments.generator}"
    )
    one, two = await measure(url, arguments)
    single = statistics.median(run.throughput for run in one)
    ratio = statistics.median(run.throughput for run in two) / single
    bound = bounds(one)
    print(f"  2 workers / 1 worker: {ratio:.2f}x (1 worker {single:.1f} req/s)")
    print(
        f"  bounds on {CORES} cores from 1 worker's CPU per request: 1 worker {bound.one:.1f} req/s, "
        f"2 workers {bound.two:.1f} req/s: {bound.two / bound.one:.2f}x at most"
    )


if __name__ == "__main__":
    asyncio.run(main())
