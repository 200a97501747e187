"""`python -m bench.reliability`: many clients at once against `carnet serve`, on loopback.

N clients (each its own kept-alive connection) for T seconds, each in a closed loop of reads
(a page of contacts with their links, a contact by id), versioned single edits (read a counter
kept in a contact's notes, write it + 1 with `expectedVersion`, retried on CONFLICT) and
batches (associate 20 contacts with a site). Prints the requests, p50/p95 of reads and writes,
HTTP 5xx, INTERNAL errors, SERVICE_BUSY answers and lost updates (the counters' final values
against the increments the server acknowledged). Bounded by time; stops by itself.
"""

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bench.load import Target, answer
from bench.seed import seed
from bench.servers import carnet

READ_PAGE = (
    """{ contacts(first: 20) { edges { node { id lastName links { function organization { name } } } } } }"""
)
READ_ONE = "query ($id: ID!) { node(id: $id) { ... on Contact { id notes version } } }"
EDIT = """mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version notes } userErrors { code } } }"""
ASSOCIATE = """mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { code } } }"""
# One request doing its worst within the limits, two ways. "nested": near the cost limit
# (2 x 23,100 of 50,000), lists in lists. "wide": as many contacts as aliases allow (30 x 100),
# every scalar field and the async socialProfiles (cost 33,000; an answer of ~1.7 MB).
_PAGE = (
    "contacts(first: 100) { edges { node { lastName links { organization { name } sites { name } "
    "interlocutorTypes { code } } targets { name } events { status } } } }"
)
_WIDE_PAGE = (
    "contacts(first: 100) { edges { node { id civility lastName firstName displayName email phone "
    "mobile notes hiddenFromCrm lastFollowUpOn status disappearedOn disappearanceReason version "
    "createdAt updatedAt socialProfiles { network url } } } }"
)
WORST = {
    "nested": "{ a: " + _PAGE + " b: " + _PAGE + " }",
    "wide": "{ " + " ".join(f"a{n}: {_WIDE_PAGE}" for n in range(30)) + " }",
}
SETUP = """{ contacts(first: 100) { edges { node { id } } }
  clients(first: 1) { edges { node { id sites { id } } } } }"""
COUNTERS = 5  # contacts whose notes hold a counter: shared by every client, so edits collide
MAX_RETRIES = 50


@dataclass
class Tally:
    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    increments: Counter[str] = field(default_factory=Counter)
    gave_up: int = 0
    conflicts: int = 0
    health: list[float] = field(default_factory=list)


class Client:
    def __init__(self, target: Target, tally: Tally) -> None:
        self.target, self.tally = target, tally

    async def __aenter__(self) -> "Client":
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.target.port)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.writer.close()

    async def post(self, query: str, variables: dict[str, Any] | None, kind: str) -> dict[str, Any]:
        sent = time.perf_counter()
        self.writer.write(self.target.request({"query": query, "variables": variables or {}}))
        status, body = await answer(self.reader)
        (self.tally.reads if kind == "read" else self.tally.writes).append(time.perf_counter() - sent)
        self.tally.statuses[status] += 1
        decoded: dict[str, Any] = orjson.loads(body)
        for error in decoded.get("errors") or []:
            self.tally.codes[(error.get("extensions") or {}).get("code", "NO CODE")] += 1
        return decoded


async def _increment(client: Client, counter: str) -> None:
    """Read the counter and its version, write +1 with that version; on CONFLICT, again."""
    for _ in range(MAX_RETRIES):
        shown = (await client.post(READ_ONE, {"id": counter}, "read")).get("data") or {}
        node = shown.get("node") or {}
        if "version" not in node:
            continue
        value = int(node["notes"] or 0)
        edit = {"id": counter, "expectedVersion": node["version"], "notes": str(value + 1)}
        done = (await client.post(EDIT, {"input": edit}, "write")).get("data") or {}
        result = done.get("updateContact") or {}
        if result.get("contact") is not None and not result.get("userErrors"):
            client.tally.increments[counter] += 1
            return
        if any(error.get("code") == "CONFLICT" for error in result.get("userErrors") or []):
            client.tally.conflicts += 1
    client.tally.gave_up += 1


async def _worst(target: Target, tally: Tally, stop_at: float, document: str) -> None:
    """The worst document again and again, each time a new text (a numbered comment), as a
    hostile client would send it: nothing of it is cached, it is parsed, validated and compiled
    every time."""
    async with Client(target, tally) as client:
        sent = 0
        while time.perf_counter() < stop_at:
            sent += 1
            await client.post(f"# {sent}\n{document}", None, "read")


async def _worker(number: int, target: Target, tally: Tally, world: dict[str, Any], stop_at: float) -> None:
    chance = random.Random(number)
    async with Client(target, tally) as client:
        step = 0
        while time.perf_counter() < stop_at:
            step += 1
            if step % 10 in (1, 2, 3, 4, 5, 6):
                await client.post(READ_PAGE, None, "read")
            elif step % 10 in (7, 8):
                await _increment(client, chance.choice(world["counters"]))
            elif step % 10 == 9:
                contacts = chance.sample(world["contacts"], 20)
                batch = {
                    "selection": {"ids": contacts},
                    "clientId": world["client"],
                    "siteIds": [world["site"]],
                }
                await client.post(ASSOCIATE, {"input": batch}, "write")
            else:
                await client.post(READ_ONE, {"id": chance.choice(world["contacts"])}, "read")


async def _world(target: Target, tally: Tally) -> dict[str, Any]:
    async with Client(target, tally) as client:
        data = (await client.post(SETUP, None, "read"))["data"]
        contacts = [edge["node"]["id"] for edge in data["contacts"]["edges"]]
        first_client = data["clients"]["edges"][0]["node"]
        counters = contacts[:COUNTERS]
        for counter in counters:
            await client.post(EDIT, {"input": {"id": counter, "notes": "0"}}, "write")
    return {
        "contacts": contacts[COUNTERS:],
        "counters": counters,
        "client": first_client["id"],
        "site": first_client["sites"][0]["id"],
    }


async def _final_counters(target: Target, counters: list[str]) -> dict[str, int]:
    async with Client(target, Tally()) as client:
        return {
            c: int((await client.post(READ_ONE, {"id": c}, "read"))["data"]["node"]["notes"])
            for c in counters
        }


async def _probe_health(target: Target, tally: Tally, stop_at: float) -> None:
    """GET /healthz ten times a second on a connection of its own: is the event loop free?"""
    reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{target.port}\r\n\r\n".encode()
    try:
        while time.perf_counter() < stop_at:
            sent = time.perf_counter()
            writer.write(request)
            await answer(reader)
            tally.health.append(time.perf_counter() - sent)
            await asyncio.sleep(0.1)
    finally:
        writer.close()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


async def run(
    url: str, engine: str, clients: int, seconds: float, contacts: int, worst: str | None = None
) -> str:
    print(f"{engine}: seeding {contacts:,} contacts… ", end="", flush=True)
    print(f"{await seed(url, contacts):.0f} s")
    with carnet(url) as target:
        tally = Tally()
        world = await _world(target, tally)
        tally = Tally()
        stop_at = time.perf_counter() + seconds
        load = (
            [_worst(target, tally, stop_at, WORST[worst]) for _ in range(clients)]
            if worst
            else [_worker(n, target, tally, world, stop_at) for n in range(clients)]
        )
        await asyncio.gather(_probe_health(target, tally, stop_at), *load)
        final = await _final_counters(target, world["counters"])
    lost = sum(tally.increments[c] - final[c] for c in world["counters"])
    server_errors = sum(count for status, count in tally.statuses.items() if status >= 500)
    internal = tally.codes["INTERNAL_SERVER_ERROR"] + tally.codes["INTERNAL_ERROR"]
    return (
        f"| {engine} | {clients} × {seconds:g} s{f' worst query ({worst})' if worst else ''} "
        f"| {len(tally.reads) + len(tally.writes):,} "
        f"| {_percentile(tally.reads, 0.5):.0f} / {_percentile(tally.reads, 0.95):.0f} "
        f"| {_percentile(tally.writes, 0.5):.0f} / {_percentile(tally.writes, 0.95):.0f} "
        f"| {server_errors} | {internal} | {tally.codes['SERVICE_BUSY']} | {tally.conflicts} "
        f"| {sum(tally.increments.values())} | {lost} | {tally.gave_up} "
        f"| {_percentile(tally.health, 0.95):.0f} / {max(tally.health, default=0) * 1000:.0f} |"
    )


HEADER = (
    "| engine | load | requests | read p50 / p95 ms | write p50 / p95 ms | 5xx | INTERNAL "
    "| SERVICE_BUSY | CONFLICT (retried) | increments acknowledged | lost updates | edits given up "
    "| /healthz p95 / max ms |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--contacts", type=int, default=2_000)
    parser.add_argument(
        "--worst",
        nargs="?",
        const="nested",
        choices=sorted(WORST),
        help="each client sends a costliest query allowed (nested: lists in lists; wide: 3,000 contacts)",
    )
    return parser.parse_args()


async def main() -> None:
    options = _arguments()
    rows = []
    for engine in options.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{Path(folder) / 'reliability.db'}"
                rows.append(
                    await run(url, engine, options.clients, options.seconds, options.contacts, options.worst)
                )
        else:
            url = f"{options.postgres}/carnet_bench_reliability"
            rows.append(
                await run(url, engine, options.clients, options.seconds, options.contacts, options.worst)
            )
    print(HEADER)
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
