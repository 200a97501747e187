"""`carnet serve` as a real process: it migrates, keeps a secret, prints a token, and answers."""

import os
import socket
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
import pytest

from tests.conftest import SECRET, bearer
from tests.server.test_cli import CARNET

pytestmark = pytest.mark.subprocess  # starts `carnet` as a process: `make unit` leaves it out

STARTUP_SECONDS = 60  # two workers importing everything on a busy 2-core machine take a while
VIEWER = {"query": "{ viewer { role subject } }"}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def printed(self) -> list[str]:
        """What `carnet` itself printed, without uvicorn's access log (which also goes to stdout)."""
        return [line for line in self.stdout.read_text().splitlines() if not line.startswith("INFO:")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    cwd: Path, *arguments: str, secret: str | None = None, environment: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """`carnet serve` in `cwd` until /healthz answers; always stopped on the way out.

    It sees no CARNET_ variable but the secret and those of `environment`."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CARNET_")}
    env.update(environment or {})
    if secret is not None:
        env["CARNET_SECRET"] = secret
    stdout, stderr = cwd / "serve.out", cwd / "serve.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [str(CARNET), "serve", "--port", str(port), *arguments], cwd=cwd, env=env, stdout=out, stderr=err
        )
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        _wait_until_alive(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_alive(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"carnet serve exited {server.process.returncode}:\n{server.stderr.read_text()}"
            )
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"carnet serve did not answer /healthz:\n{server.stderr.read_text()}")


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_serve_without_a_secret_keeps_one_and_prints_an_admin_token(tmp_path: Path) -> None:
    with serving(tmp_path, "--database-url", f"sqlite+aiosqlite:///{tmp_path}/serve.db") as server:
        printed = server.printed()
        token = printed[-1]  # what a user copies
        answered = httpx.post(
            f"{server.url}/graphql", json=VIEWER, headers={"Authorization": f"Bearer {token}"}
        )
        anonymous = httpx.post(f"{server.url}/graphql", json=VIEWER)

    secret_file = tmp_path / "var" / "secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert printed == [
        "No CARNET_SECRET set: using the one kept in var/secret.",
        f"GraphiQL: {server.url}/graphql (paste this ADMIN token in its Bearer token field):",
        token,
    ]
    claims = jwt.decode(token, secret_file.read_text().strip(), algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("admin", "ADMIN")
    assert (answered.status_code, answered.json()) == (
        200,
        {"data": {"viewer": {"role": "ADMIN", "subject": "admin"}}},
    )
    assert anonymous.status_code == 401
    assert {"contact", "contact_link", "organization", "alembic_version"} <= _tables(tmp_path / "serve.db")


def test_a_restart_keeps_the_secret_so_earlier_tokens_still_work(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/serve.db"
    with serving(tmp_path, "--database-url", url) as first:
        token = first.printed()[-1]
    kept = (tmp_path / "var" / "secret").read_text()

    with serving(tmp_path, "--database-url", url) as second:
        answered = httpx.post(
            f"{second.url}/graphql", json=VIEWER, headers={"Authorization": f"Bearer {token}"}
        )

    assert (tmp_path / "var" / "secret").read_text() == kept
    assert answered.json() == {"data": {"viewer": {"role": "ADMIN", "subject": "admin"}}}


def test_no_migrate_leaves_an_empty_database_empty_and_still_answers(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()

    with serving(
        tmp_path, "--no-migrate", "--database-url", f"sqlite+aiosqlite:///{tmp_path}/empty.db", secret=SECRET
    ) as server:
        alive = httpx.get(f"{server.url}/healthz")
        answered = httpx.post(f"{server.url}/graphql", json=VIEWER, headers=bearer())

    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    assert answered.json() == {"data": {"viewer": {"role": "STAFF", "subject": "staff"}}}
    assert _tables(tmp_path / "empty.db") == set()


def test_serve_on_the_suites_database_answers_with_the_configured_secret(
    tmp_path: Path, database_url: str
) -> None:
    with serving(tmp_path, "--database-url", database_url, secret=SECRET) as server:
        ready = httpx.get(f"{server.url}/readyz")
        answered = httpx.post(f"{server.url}/graphql", json=VIEWER, headers=bearer())
        printed = server.printed()

    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    assert answered.json() == {"data": {"viewer": {"role": "STAFF", "subject": "staff"}}}
    assert printed == []
    assert not (tmp_path / "var").exists()
