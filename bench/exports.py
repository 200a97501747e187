"""Peak memory of `carnet serve` exporting every contact as CSV and as vCard, against the same
server idle (DOMAIN "Files out": memory stays flat whatever the count; target: within 50 MB).

    python -m bench.exports --engine sqlite --size 100000
    python -m bench.exports --engine postgresql --size 100000

The server's peak resident set (VmHWM in /proc) is read once it has answered one small
request (idle), then after each export read to the end by a client that throws the bytes away.
"""

import argparse
import asyncio
import os
import secrets
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.__main__ import POSTGRES, _seeded, _url
from bench.load import LOGS, free_port, python
from resolvers.access import Role
from server.auth import issue_token

MB = 1024 * 1024


def _peak_rss(pid: int) -> int:
    """The process's high-water mark of resident memory, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc")


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc")


def _export(base: str, headers: dict[str, str], name: str) -> tuple[int, int, float]:
    """Bytes and lines of one export, read in chunks and thrown away; seconds it took."""
    size, lines, started = 0, 0, time.perf_counter()
    with httpx.stream("GET", f"{base}/export/{name}", headers=headers, timeout=600) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    return size, lines, time.perf_counter() - started


def measure(url: str) -> None:
    secret = secrets.token_urlsafe(48)
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=1)
    )
    headers = {"Authorization": f"Bearer {token}"}
    port = free_port()
    command = [str(Path(python()).parent / "carnet"), "serve", "--no-migrate", "--database-url", url]
    env = {**os.environ, "CARNET_SECRET": secret, "CARNET_GRAPHIQL": "0"}
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / "exports.log").open("wb") as log:
        process = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        httpx.post(
            f"{base}/graphql", json={"query": "{ contacts(first: 5) { totalCount } }"}, headers=headers
        )
        idle = _peak_rss(process.pid)
        print(f"idle server: peak RSS {idle / MB:.1f} MB")
        for name in ("contacts.csv", "contacts.vcf"):
            size, lines, seconds = _export(base, headers, name)
            peak = _peak_rss(process.pid)
            print(
                f"{name}: {size / MB:.1f} MB, {lines:,} lines in {seconds:.1f} s; "
                f"server peak RSS {peak / MB:.1f} MB = idle + {(peak - idle) / MB:.1f} MB "
                f"(now {_rss(process.pid) / MB:.1f} MB)"
            )
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"carnet serve did not start: see {LOGS}/exports.log")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__)
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--postgres", default=POSTGRES)
    arguments = parser.parse_args()
    url = _url(arguments.engine, arguments.size, arguments.postgres)
    asyncio.run(_seeded(url, arguments.size, reseed=False))
    measure(url)


if __name__ == "__main__":
    main()
