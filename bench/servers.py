"""The servers the bench loads: `carnet serve` and the hand-written limit, each its own process
on loopback, over the same database."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.load import Target, free_port, python, serving
from resolvers.access import Role
from server.auth import issue_token


@contextmanager
def carnet(url: str, *, compiled: bool = True) -> Iterator[Target]:
    """`carnet serve --no-migrate` over `url`, with a STAFF token; query statistics off;
    `compiled=False` runs it with CARNET_COMPILED=0 (graphql-core's stock executor)."""
    secret = secrets.token_urlsafe(48)
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=6)
    )
    port = free_port()
    command = [str(Path(python()).parent / "carnet"), "serve", "--no-migrate", "--database-url", url]
    env = {
        "CARNET_SECRET": secret,
        "CARNET_GRAPHIQL": "0",
        "CARNET_QUERY_STATS": "0",
        "CARNET_COMPILED": "1" if compiled else "0",
    }
    with serving([*command, "--port", str(port)], port, f"carnet-{port}", env) as process:
        yield Target(port, "/graphql", {"Authorization": f"Bearer {token}"}, pid=process.pid)


@contextmanager
def limit(url: str) -> Iterator[Target]:
    """bench/limit.py over `url`, served by uvicorn as `carnet serve` is."""
    port = free_port()
    command = [python(), "-m", "bench.limit", "--database-url", url, "--port", str(port)]
    with serving(command, port, f"limit-{port}", {}):
        yield Target(port, "/graphql", {})
