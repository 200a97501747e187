"""A closed-loop HTTP/1.1 load generator on raw asyncio streams, and the servers it loads.

Each of `concurrency` workers sends one request on its keep-alive connection, reads the whole
answer, and sends the next: throughput is what the server sustains. Raw sockets rather than an
HTTP client library, so that the generator spends little of the machine's CPU (it shares it
with the server). Loops are bounded by time and by a request ceiling.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson

MAX_REQUESTS = 1_000_000
LOGS = Path("var/bench")


@dataclass(frozen=True)
class Target:
    port: int
    path: str
    headers: dict[str, str]
    pid: int | None = None  # the server's process, where the bench started it

    def request(self, payload: object) -> bytes:
        body = orjson.dumps(payload)
        lines = [
            f"POST {self.path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass(frozen=True)
class Measure:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def p50_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[len(ordered) // 2] * 1000


async def answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The status and body of one HTTP/1.1 answer on a kept-alive connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:] if line)
    }
    body = await reader.readexactly(int(headers[b"content-length"]))
    return int(status), body


async def _answer(reader: asyncio.StreamReader) -> bytes:
    status, body = await answer(reader)
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return body


async def fetch(target: Target, payload: object) -> object:
    """One request, its JSON answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
    try:
        writer.write(target.request(payload))
        return orjson.loads(await _answer(reader))
    finally:
        writer.close()


async def closed_loop(
    target: Target, payload: object, *, concurrency: int, seconds: float, warmup: float
) -> Measure:
    """Requests answered per second by `concurrency` workers after `warmup` seconds, for `seconds`."""
    request = target.request(payload)
    started = time.perf_counter()
    measure_from, stop_at = started + warmup, started + warmup + seconds
    latencies: list[float] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        try:
            for _ in range(MAX_REQUESTS):
                sent = time.perf_counter()
                if sent >= stop_at:
                    return
                writer.write(request)
                await _answer(reader)
                if sent >= measure_from:
                    latencies.append(time.perf_counter() - sent)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Measure(requests=len(latencies), seconds=seconds, latencies=latencies)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    command: list[str], port: int, name: str, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process on loopback for the block's duration; its output goes to var/bench/NAME.log."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env})
        try:
            _wait_until_listening(port, process)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: see {LOGS}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after 30 s")


def python() -> str:
    return sys.executable
