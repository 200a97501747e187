"""`python -m bench.duplicates`: how well `duplicateGroups` finds planted duplicates, and what the
duplicate check costs `createContact`.

Quality: a fresh database gets the demo data (`carnet demo-data`'s generator), then `--planted`
duplicates of distinct demo contacts, in equal shares of the four kinds rule 21 names, each
differing from its source in everything but its one sign:

- EMAIL: the same e-mail with its local part in upper case, at another client, last name only;
- PHONE: the same number typed the French way ("01 23 45 67 89"), at another client, last name only;
- TYPO: one letter of the last name changed, at the same client, no coordinates;
- SWAPPED: first and last name swapped, at the same client, no coordinates.

Recall: planted pairs whose two contacts share a group at the default `minScore`. Precision:
groups holding a planted pair ÷ all groups. The demo generator also makes its own look-alikes
(two "Marie Dupont" at one client get the same generated e-mail): they count as false here,
and are reported apart.

Cost: `createContact` through the schema (no HTTP), `--creates` times with and without asking
for `possibleDuplicates`, one by one in turn, `--rounds` times, on each `--cost-url` database
(seeded by bench/seed.py); the medians and their ratio. The names come from the base, at a
random client, so that the name probe reads an organisation of the usual size; e-mails and
phones are new.
"""

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from db.engine import Database, open_database
from db.migrate import upgrade
from db.models import Contact, ContactLink, Organization, OrganizationKind
from resolvers.access import Actor, Role, Viewer
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_edits import create_contact
from resolvers.duplicate_groups import duplicate_groups
from resolvers.global_ids import to_global_id
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from server.demo import load
from server.settings import Settings

KINDS = ("EMAIL", "PHONE", "TYPO", "SWAPPED")
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"
SQLITE_URL = "sqlite+aiosqlite:///var/bench/duplicates.db"


@dataclass(frozen=True)
class Source:
    contact_id: int
    last_name: str
    first_name: str | None
    email: str | None
    phone: str | None
    organization_id: int


def _typo(name: str, rng: random.Random) -> str:
    """One letter changed (never the first: people get that one right)."""
    at = rng.randrange(1, len(name))
    letters = [c for c in "aeioulnrst" if c != name[at].lower()]
    return name[:at] + rng.choice(letters) + name[at + 1 :]


def _valid(e164: str) -> bool:
    return e164.startswith("+33") and bool(phonenumbers.is_valid_number(phonenumbers.parse(e164)))


def _french(e164: str) -> str:
    """+33123456789 -> "01 23 45 67 89": the same number, typed differently."""
    national = "0" + e164.removeprefix("+33")
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


async def _sources(db: Database) -> list[Source]:
    async with db.read() as session:
        rows = await session.execute(
            select(
                Contact.id,
                Contact.last_name,
                Contact.first_name,
                ContactLink.email,
                ContactLink.phone,
                ContactLink.organization_id,
            )
            .join(ContactLink, ContactLink.contact_id == Contact.id)
            .where(ContactLink.is_primary.is_(True))
            .order_by(Contact.id)
        )
        return [Source(*row) for row in rows]


async def plant(db: Database, count: int, *, seed: int = 14) -> list[tuple[int, int, str]]:
    """`count` duplicates of distinct demo contacts: (source id, duplicate id, kind)."""
    rng = random.Random(seed)
    sources = await _sources(db)
    rng.shuffle(sources)
    async with db.read() as session:
        clients = list(
            await session.scalars(select(Organization.id).where(Organization.kind == OrganizationKind.CLIENT))
        )
    planted: list[tuple[int, int, str]] = []
    actor = Actor(subject="bench", operation="createContact", now=_now(), today=_now().date())
    async with db.begin() as session:
        for index in range(count):
            kind = KINDS[index % len(KINDS)]
            source = next(s for s in sources if _fits(s, kind))
            sources.remove(source)
            elsewhere = rng.choice([c for c in clients if c != source.organization_id])
            fields, link, at = _duplicate(source, kind, rng, elsewhere)
            made = await create_contact(
                session,
                actor,
                fields=fields,
                link=NewLink(OrganizationRef(at, OrganizationKind.CLIENT), link),
                affair_ids=[],
            )
            planted.append((source.contact_id, made.id, kind))
    return planted


def _fits(source: Source, kind: str) -> bool:
    if kind == "EMAIL":
        return source.email is not None
    if kind == "PHONE":  # a number Carnet would refuse cannot be typed again (the demo makes none now)
        return source.phone is not None and _valid(source.phone)
    if kind == "SWAPPED":
        return source.first_name is not None
    return len(source.last_name) > 3


def _duplicate(
    source: Source, kind: str, rng: random.Random, elsewhere: int
) -> tuple[ContactEdit, LinkEdit, int]:
    if kind == "EMAIL":
        assert source.email is not None
        local, _, domain = source.email.partition("@")
        return ContactEdit(last_name=source.last_name), LinkEdit(email=f"{local.upper()}@{domain}"), elsewhere
    if kind == "PHONE":
        assert source.phone is not None
        return ContactEdit(last_name=source.last_name), LinkEdit(phone=_french(source.phone)), elsewhere
    if kind == "TYPO":
        names = ContactEdit(last_name=_typo(source.last_name, rng), first_name=source.first_name)
        return names, LinkEdit(), source.organization_id
    swapped = ContactEdit(last_name=source.first_name, first_name=source.last_name)
    return swapped, LinkEdit(), source.organization_id


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def quality(db: Database, planted: list[tuple[int, int, str]]) -> dict[str, Any]:
    async with db.read() as session:
        page = await duplicate_groups(session, first=1_000_000)
    group_of = {contact_id: n for n, group in enumerate(page.groups) for contact_id in group.contact_ids}
    found = [(a, b, kind) for a, b, kind in planted if a in group_of and group_of.get(a) == group_of.get(b)]
    true_groups = {group_of[a] for a, _, _ in found}
    by_kind = {kind: sum(1 for *_, k in found if k == kind) for kind in KINDS}
    return {
        "planted": len(planted),
        "found": len(found),
        "recall": len(found) / len(planted),
        "groups": len(page.groups),
        "precision": len(true_groups) / len(page.groups) if page.groups else 1.0,
        "found_by_kind": by_kind,
        "other_groups": [
            (group.contact_ids, [r.value for r in group.reasons])
            for n, group in enumerate(page.groups)
            if n not in true_groups
        ][:10],
    }


# ---------------------------------------------------------------- cost


CREATE = """mutation ($input: CreateContactInput!) { createContact(input: $input) {
  contact { id } %s userErrors { code } } }"""


async def cost(url: str, creates: int, rounds: int, warm_up: int = 1) -> dict[str, float]:
    from schema.context import Context
    from schema.schema import schema

    db = open_database(url)
    async with db.read() as session:
        clients = list(
            await session.scalars(select(Organization.id).where(Organization.kind == OrganizationKind.CLIENT))
        )
        names = list(await session.execute(select(Contact.last_name, Contact.first_name).limit(2000)))
        # Seeded by the base's size: a run again on the same base does not create the contacts of
        # the run before (each would find its twin, and the measure would drift from run to run).
        rng = random.Random(await session.scalar(select(func.max(Contact.id))))
    paris = Settings(secret="x" * 40).timezone

    async def one(with_check: bool) -> float:
        last, first = rng.choice(names)
        client = rng.choice(clients)
        variables = {
            "input": {
                "lastName": last,
                "firstName": first,
                "email": f"{(first or 'x').lower()}.{rng.randrange(10**6)}@bench.example",
                "link": {
                    "organizationId": to_global_id("Client", client),
                    "phone": f"01 {rng.randrange(10**8):08}",
                },
            }
        }
        context = Context(
            db=db,
            viewer=Viewer("bench", Role.STAFF),
            now=_now(),
            today=_now().astimezone(paris).date(),
            max_selection=100_000,
            request_id="bench",
            report_query_stats=False,
        )
        document = CREATE % ("possibleDuplicates { score reasons contact { id } }" if with_check else "")
        started = time.perf_counter()
        result = await schema.execute(document, variable_values=variables, context_value=context)
        elapsed = time.perf_counter() - started
        assert result.errors is None, result.errors
        assert result.data is not None and result.data["createContact"]["userErrors"] == [], result.data
        return elapsed

    # Per round, the median of each; creates with and without take turns one by one, so that a
    # shared machine's load, which comes and goes, weighs on both alike.
    # One round first, not counted: PostgreSQL plans a prepared statement afresh for its first
    # five runs on each connection before it keeps a generic plan, and a server's connections
    # live long past that. `--warm-up 0` counts them.
    timings: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(warm_up * creates):
            await one(False), await one(True)
        for _ in range(rounds):
            pairs = [(await one(False), await one(True)) for _ in range(creates)]
            for index, asked in enumerate((False, True)):
                timings[asked].append(statistics.median(pair[index] for pair in pairs))
    finally:
        await db.dispose()
    without, with_check = statistics.median(timings[False]), statistics.median(timings[True])
    return {"without_ms": without * 1000, "with_ms": with_check * 1000, "ratio": with_check / without}


# ---------------------------------------------------------------- running it


async def _fresh(url: str) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
    else:
        admin = await asyncpg.connect(
            parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        )
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
        await admin.close()
    db = open_database(url)
    await upgrade(db.engine)
    return db


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--contacts", type=int, default=2000, help="demo contacts before planting")
    parser.add_argument("--planted", type=int, default=1000)
    parser.add_argument(
        "--cost-url", action="append", default=[], help="a seeded database to time createContact on"
    )
    parser.add_argument("--creates", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm-up", type=int, default=1, help="rounds run first and not counted")
    arguments = parser.parse_args()
    for engine in filter(None, arguments.engines.split(",")):
        url = (
            "sqlite+aiosqlite:///var/bench/duplicates.db"
            if engine == "sqlite"
            else f"{POSTGRES}/carnet_bench_duplicates"
        )
        db = await _fresh(url)
        try:
            await load(db, contacts=arguments.contacts, now=_now(), today=_now().date())
            planted = await plant(db, arguments.planted)
            result = await quality(db, planted)
        finally:
            await db.dispose()
        print(f"{engine}: {result}")
    for url in arguments.cost_url:
        measured = await cost(url, arguments.creates, arguments.rounds, arguments.warm_up)
        print(f"createContact on {url}: {measured}")


if __name__ == "__main__":
    asyncio.run(main())
