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

Cost: see bench/duplicate_cost.py (`--cost-url`).
"""

import argparse
import asyncio
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import phonenumbers
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.duplicate_cost import NOW, cost
from db.engine import Database, open_database
from db.migrate import upgrade
from db.models import Contact, ContactLink, Organization, OrganizationKind
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_edits import create_contact
from resolvers.duplicate_groups import duplicate_groups
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from server.demo import load

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
    actor = Actor(subject="bench", operation="createContact", now=NOW, today=NOW.date())
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
            await load(db, contacts=arguments.contacts, now=NOW, today=NOW.date())
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
