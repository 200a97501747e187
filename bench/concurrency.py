"""The reference query from 16 clients at once: latency p50 and p95, and the memory of the
`carnet serve` process as the requests add up (RSS after the first 100, then after 2,000).

A request's latency is measured from its send to the end of its answer, each client sending its
next request as soon as it has read the previous answer (closed loop, keep-alive). The first 100
requests warm the process up (plans compiled, pools filled) and are not in the percentiles.
"""

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import servers
from bench.load import Target, answer
from bench.reference import PAYLOAD

WARMUP = 100


@dataclass(frozen=True)
class Options:
    clients: int = 16
    requests: int = 2000


@dataclass
class Concurrency:
    """One run: latencies in seconds after the warm-up; RSS in bytes after it and at the end."""

    clients: int
    requests: int
    latencies: list[float] = field(default_factory=list)
    rss_warm: int = 0
    rss_end: int = 0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50)

    @property
    def p95_ms(self) -> float:
        return self.percentile(0.95)

    @property
    def rss_ratio(self) -> float:
        return self.rss_end / self.rss_warm


def rss(pid: int) -> int:
    """The resident set of a process, in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def measure(url: str, options: Options) -> Concurrency:
    """A fresh `carnet serve` (compiled plans) over `url`, loaded by `options.clients` clients."""
    with servers.carnet(url) as target:
        return await _load(target, options)


async def _load(target: Target, options: Options) -> Concurrency:
    if target.pid is None:
        raise RuntimeError("the server's process id is needed to read its memory")
    result = Concurrency(options.clients, options.requests)
    await _requests(target, WARMUP, options.clients, [])
    result.rss_warm = rss(target.pid)
    await _requests(target, options.requests - WARMUP, options.clients, result.latencies)
    result.rss_end = rss(target.pid)
    return result


async def _requests(target: Target, count: int, clients: int, latencies: list[float]) -> None:
    """`count` reference queries shared among `clients` kept-alive connections."""
    request = target.request(PAYLOAD)
    left = count

    async def client() -> None:
        nonlocal left
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        try:
            while left > 0:
                left -= 1
                sent = time.perf_counter()
                writer.write(request)
                status, body = await answer(reader)
                latencies.append(time.perf_counter() - sent)
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))


def table(results: dict[tuple[str, int], Concurrency]) -> str:
    lines = [
        f"| engine | contacts | clients | p50 | p95 | p95 ÷ p50 (≤ 2) | RSS after {WARMUP} | at the end "
        "| ratio (≤ 1.3) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (engine, size), run in results.items():
        lines.append(
            f"| {engine} | {size:,} | {run.clients} ({run.requests:,} requests) | {run.p50_ms:.0f} ms "
            f"| {run.p95_ms:.0f} ms | **{run.p95_ms / run.p50_ms:.2f}** | {run.rss_warm / 2**20:.0f} MiB "
            f"| {run.rss_end / 2**20:.0f} MiB | **{run.rss_ratio:.2f}** |"
        )
    return "\n".join(lines)
