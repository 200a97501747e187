"""CPU time of one reference query in process: Carnet (compiled plans or the stock executor) and
the limit, each through its ASGI app without sockets, so that only the server's work is counted
(process time: the event loop's thread and, on SQLite, aiosqlite's). Optionally a cProfile of
the measured requests, for `python -m pstats`.

    .venv/bin/python -m bench.in_process --database-url URL [--requests 150] [--profile FILE]

Run each variant alternately a few times on a busy machine: the ratio is what means something.
"""

import argparse
import asyncio
import cProfile
import secrets
import time
from datetime import UTC, datetime, timedelta

import httpx
import orjson
from starlette.applications import Starlette

from bench.limit import create_limit_app
from bench.reference import PAYLOAD
from resolvers.access import Role
from server.app import create_app
from server.auth import issue_token
from server.settings import Settings

WARM_UP = 20


def _app(variant: str, url: str) -> tuple[Starlette, dict[str, str]]:
    if variant == "limit":
        return create_limit_app(url), {}
    secret = secrets.token_urlsafe(48)
    settings = Settings(secret=secret, database_url=url, graphiql=False, compiled=variant == "compiled")
    token = issue_token(
        secret, subject="bench", role=Role.STAFF, now=datetime.now(UTC), ttl=timedelta(hours=1)
    )
    return create_app(settings), {"Authorization": f"Bearer {token}"}


async def cpu_per_request(variant: str, url: str, requests: int, profile: str | None) -> float:
    """Milliseconds of process time per reference query, after a warm-up."""
    app, headers = _app(variant, url)
    headers["Content-Type"] = "application/json"
    body = orjson.dumps(PAYLOAD)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def one() -> None:
                answer = await client.post("/graphql", content=body, headers=headers)
                if answer.status_code != 200 or "errors" in answer.json():
                    raise AssertionError(f"{variant}: {answer.status_code} {answer.text[:300]}")

            for _ in range(WARM_UP):
                await one()
            profiler = cProfile.Profile() if profile else None
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            for _ in range(requests):
                await one()
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
            return (time.process_time() - started) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--variants", default="compiled,stock,limit", help="comma-separated")
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--profile", help="write a cProfile of the first variant's requests here")
    arguments = parser.parse_args()
    for index, variant in enumerate(arguments.variants.split(",")):
        profile = arguments.profile if index == 0 else None
        spent = asyncio.run(cpu_per_request(variant, arguments.database_url, arguments.requests, profile))
        print(f"{variant}: {spent:.1f} ms of CPU per reference query")


if __name__ == "__main__":
    main()
