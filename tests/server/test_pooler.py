"""`carnet serve --workers 2` behind a real PgBouncer in transaction mode
(CARNET_DATABASE_POOLER=pgbouncer): the clients of both workers share two server connections,
and no request meets "prepared statement … does not exist" (a statement cached by a client
connection, used again on another server connection) or "… already exists" (two processes
numbering their statements alike on one server connection). Without the setting, this test
fails with both.)"""

import asyncio
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import SECRET, bearer
from tests.server.test_cli import CARNET
from tests.server.test_serve import free_port, serving

pytestmark = pytest.mark.subprocess  # starts PgBouncer and `carnet` as processes

# Debian's pgbouncer package (.ci/run installs it) puts the program in /usr/sbin.
PGBOUNCER = shutil.which("pgbouncer", path=f"{os.environ.get('PATH', '')}:/usr/sbin") or "pgbouncer"
POOLED = {"CARNET_DATABASE_POOLER": "pgbouncer"}
CREATE = (
    "mutation ($name: String!) { createTarget(input: {name: $name}) { target { id } userErrors { code } } }"
)
READ = "{ targets(first: 100) { totalCount } contacts(first: 5) { totalCount } }"
CLIENTS, REQUESTS_EACH = 8, 10


@contextmanager
def pgbouncer(folder: Path, database_url: str) -> Iterator[str]:
    """PgBouncer in transaction mode with two server connections in front of the test database,
    until the block ends; yields the database URL through it."""
    url = make_url(database_url)
    port = free_port()
    (folder / "users.txt").write_text(f'"{url.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(_config(url.host or "127.0.0.1", url.port or 5432, port, folder))
    # PgBouncer refuses to run as root (CI's user): it reads its files, then becomes postgres.
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    with (folder / "pgbouncer.log").open("wb") as log:
        process = subprocess.Popen(
            [PGBOUNCER, *as_user, str(folder / "pgbouncer.ini")], stdout=log, stderr=log
        )
    try:
        _wait_for_port(port, process, folder / "pgbouncer.log")
        yield url.set(port=port).render_as_string(hide_password=False)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _config(host: str, port: int, listen_port: int, folder: Path) -> str:
    lines = [
        "[databases]",
        f"* = host={host} port={port}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {listen_port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'users.txt'}",
        "pool_mode = transaction",
        "default_pool_size = 2",
        "max_client_conn = 200",
        "ignore_startup_parameters = extra_float_digits",
    ]
    if _version() >= (1, 21):  # since 1.21 PgBouncer can track prepared statements itself: off,
        lines.append("max_prepared_statements = 0")  # as many poolers in transaction mode are
    return "\n".join(lines) + "\n"


def _version() -> tuple[int, int]:
    printed = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"PgBouncer (\d+)\.(\d+)", printed)
    assert found is not None, printed
    return int(found[1]), int(found[2])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError(f"pgbouncer exited {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"pgbouncer did not listen:\n{log.read_text()}")


async def _client(url: str, number: int) -> list[tuple[int, object]]:
    """One client's requests, a write then a read each time, on its own keep-alive connection."""
    answers = []
    async with httpx.AsyncClient(base_url=url, headers=bearer(), timeout=30) as http:
        for request in range(REQUESTS_EACH):
            created = await http.post(
                "/graphql", json={"query": CREATE, "variables": {"name": f"T{number}-{request}"}}
            )
            read = await http.post("/graphql", json={"query": READ})
            answers += [
                (created.status_code, created.json().get("errors")),
                (read.status_code, read.json().get("errors")),
            ]
    return answers


async def _load(url: str) -> tuple[list[tuple[int, object]], object]:
    per_client = await asyncio.gather(*(_client(url, number) for number in range(CLIENTS)))
    async with httpx.AsyncClient(base_url=url, headers=bearer(), timeout=30) as http:
        last = (await http.post("/graphql", json={"query": READ})).json()
    return [answer for answers in per_client for answer in answers], last


def test_behind_pgbouncer_in_transaction_mode_every_request_succeeds(
    tmp_path: Path, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        refused = subprocess.run(
            [str(CARNET), "serve", "--database-url", database_url],
            cwd=tmp_path,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}, **POOLED},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (refused.returncode, refused.stderr) == (
            2,
            "carnet: CARNET_DATABASE_POOLER: pgbouncer needs a PostgreSQL database URL.\n",
        )
        return
    with (
        pgbouncer(tmp_path, database_url) as pooled_url,
        serving(tmp_path, "--database-url", pooled_url, secret=SECRET, environment=POOLED) as server,
    ):
        answers, last = asyncio.run(_load(server.url))

    assert answers == [(200, None)] * (CLIENTS * REQUESTS_EACH * 2)
    assert last == {
        "data": {"targets": {"totalCount": CLIENTS * REQUESTS_EACH}, "contacts": {"totalCount": 0}}
    }
