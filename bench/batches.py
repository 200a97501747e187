"""Batch benchmarks (`python -m bench.batches`): associate 10,000 contacts to a client site,
normalise 100,000 contacts' names, each against its limit.

The limit is hand-written SQL doing the same writes in one transaction (links, sites, versions,
history, sort keys and search tokens; values computed in Python, `executemany` or
`INSERT … SELECT`). Carnet runs through the GraphQL schema, as a request would. Carnet and the
limit take turns, `--runs` times, from the same state; medians are printed as ratios (target:
≤ 5×). On SQLite, the normalisation also reports how long Carnet held the write lock (target:
≤ 3 s) and what a reader on another connection saw meanwhile (WAL: it keeps reading).

The machine is shared: read the ratios, not the absolute times.
"""

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Integer, String, bindparam, event, text
from sqlalchemy.engine import make_url

from db.engine import Database, open_database
from db.migrate import upgrade
from db.models import UtcDateTime
from resolvers.access import Role, Viewer
from resolvers.global_ids import id_list_text, to_global_id
from resolvers.normalization import TextStyle, styled
from resolvers.search import tokens_text
from resolvers.text import fold
from schema.context import Context
from schema.schema import schema

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACTOR = "bench"
LAST_NAMES = ["dupont", "DE LA FONTAINE", "le goff", "d'ARTAGNAN", "van der BERG", "O'BRIEN", "martin-durand"]
FIRST_NAMES = ["jean-PIERRE", "marie", "ÉLÉONORE", "anne-sophie", "LOÏC"]
FUNCTION = "directeur financier"
RATIO_TARGET, LOCK_TARGET = 5.0, 3.0
KINDS: dict[str, Any] = {"int": Integer(), "str": String(), "at": UtcDateTime()}


def sql(statement: str, **types: str) -> Any:
    """Hand-written SQL with typed parameters (PostgreSQL must know them in a SELECT list)."""
    return text(statement).bindparams(*(bindparam(name, type_=KINDS[kind]) for name, kind in types.items()))


# Every statement below works on the selection: the contacts linked to :organization (the people
# of one seeded organisation).
SEED_CONTACTS = sql(
    "INSERT INTO contact (last_name, first_name, last_name_key, first_name_key, hidden_from_crm, "
    "status, search_tokens, version, created_at, updated_at) VALUES (:last, :first, :last_key, "
    ":first_key, false, 'ACTIVE', :tokens, 1, :now, :now)",
    now="at",
)
SEED_LINKS = sql(
    "INSERT INTO contact_link (contact_id, organization_id, is_primary, function, receives_invoices, "
    "receives_invoices_all_sites, receives_reminders, receives_reminders_all_sites, created_at) "
    "SELECT id, :organization, true, :function, false, false, false, false, :now "
    "FROM contact WHERE id > :after",
    organization="int",
    function="str",
    now="at",
    after="int",
)
SEED_SEARCH = sql(
    "INSERT INTO contact_search (rowid, tokens) SELECT id, search_tokens FROM contact WHERE id > :after",
    after="int",
)
LOCKED_SELECTION = {
    "sqlite": sql(
        "SELECT id, last_name, first_name FROM contact "
        "WHERE id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
        organization="int",
    ),
    "postgresql": sql(
        "SELECT id, last_name, first_name FROM contact "
        "WHERE id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) FOR UPDATE",
        organization="int",
    ),
}
BUMP = sql(
    "UPDATE contact SET version = version + 1, updated_at = :now WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    now="at",
    organization="int",
)
ENTRIES = sql(
    "INSERT INTO contact_change (contact_id, at, actor, operation) "
    "SELECT id, :now, :actor, :operation FROM contact WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) "
    "RETURNING contact_id, id",
    now="at",
    actor="str",
    operation="str",
    organization="int",
)
FIELDS = text(
    "INSERT INTO field_change (change_id, organization_id, field, before, after) "
    "VALUES (:change, :organization, :field, :before, :after)"
)
SHOWN = sql(
    "SELECT c.id, c.last_name, c.first_name, c.email, l.email, l.function, o.name FROM contact c "
    "JOIN contact_link l ON l.contact_id = c.id JOIN organization o ON o.id = l.organization_id "
    "WHERE c.id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) ORDER BY l.id",
    organization="int",
)
KEYS = text(
    "UPDATE contact SET last_name_key = :last, first_name_key = :first, search_tokens = :tokens "
    "WHERE id = :id"
)
FORGET_SEARCH = sql(
    "DELETE FROM contact_search WHERE rowid IN "
    "(SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    organization="int",
)
LEARN_SEARCH = text("INSERT INTO contact_search (rowid, tokens) VALUES (:id, :tokens)")
NEW_LINKS = sql(
    "INSERT INTO contact_link (contact_id, organization_id, is_primary, receives_invoices, "
    "receives_invoices_all_sites, receives_reminders, receives_reminders_all_sites, created_at) "
    "SELECT id, :client, false, false, false, false, false, :now FROM contact WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    client="int",
    now="at",
    organization="int",
)
NEW_SITES = sql(
    "INSERT INTO contact_link_site (link_id, site_id) SELECT id, :site FROM contact_link "
    "WHERE organization_id = :client AND contact_id IN "
    "(SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    site="int",
    client="int",
    organization="int",
)
RESEED = text(
    "UPDATE contact SET last_name = :last, first_name = :first, last_name_key = :last_key, "
    "first_name_key = :first_key, search_tokens = :tokens, version = 1 WHERE id = :id"
)
RENAME = text("UPDATE contact SET last_name = :last, first_name = :first WHERE id = :id")
ASSOCIATE = """mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { message } } }"""
NORMALIZE = """mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) { changedCount userErrors { message } } }"""


@dataclass
class World:
    """The benchmark database: a client and its site, and two crowds of seeded contacts."""

    db: Database
    client: int
    site: int
    crowd: int  # the organisation of the contacts to associate
    people: int  # the organisation of the contacts to normalise
    sizes: tuple[int, int]


@dataclass
class Timings:
    carnet: list[float] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def ratio(self) -> float:
        return statistics.median(self.carnet) / statistics.median(self.limit)


# ---------------------------------------------------------------- the database


async def open_world(url: str, associate: int, normalize: int) -> World:
    db = open_database(url)
    await upgrade(db.engine)
    async with db.begin() as session:
        connection = await session.connection()
        for kind, code, name in (
            ("CLIENT", "ACME", "Acme"),
            ("SUPPLIER", "CROWD", "Foule"),
            ("SUPPLIER", "PEOPLE", "Gens"),
        ):
            await connection.execute(
                text(
                    "INSERT INTO organization (kind, code, name, name_key) VALUES (:kind, :code, :name, :key)"
                ),
                {"kind": kind, "code": code, "name": name, "key": fold(name)},
            )
        ids: dict[str, int] = dict(
            (await connection.execute(text("SELECT code, id FROM organization"))).all()
        )
        await connection.execute(
            text(
                "INSERT INTO site (client_id, code, name, name_key) VALUES (:client, 'PAR', 'Paris', 'paris')"
            ),
            {"client": ids["ACME"]},
        )
        site = (await connection.execute(text("SELECT id FROM site"))).scalar_one()
    world = World(db, ids["ACME"], site, ids["CROWD"], ids["PEOPLE"], (associate, normalize))
    await _seed(world, world.crowd, "Foule", associate)
    await _seed(world, world.people, "Gens", normalize)
    return world


async def _seed(world: World, organization: int, organization_name: str, count: int) -> None:
    """`count` contacts with carelessly typed names, each with a primary link to `organization`."""
    async with world.db.begin() as session:
        connection = await session.connection()
        after = (await connection.execute(text("SELECT coalesce(max(id), 0) FROM contact"))).scalar_one()
        for start in range(0, count, 10_000):
            rows = [_person(index, organization_name) for index in range(start, min(count, start + 10_000))]
            await connection.execute(SEED_CONTACTS, rows)
        given = {"organization": organization, "function": FUNCTION, "now": NOW, "after": after}
        await connection.execute(SEED_LINKS, given)
        if world.db.is_sqlite:
            await connection.execute(SEED_SEARCH, {"after": after})


def _person(index: int, organization_name: str) -> dict[str, Any]:
    last = f"{LAST_NAMES[index % len(LAST_NAMES)]} {index:06d}"
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    return {
        "last": last,
        "first": first,
        "last_key": fold(last),
        "first_key": fold(first),
        "tokens": tokens_text(last, first, None, None, FUNCTION, organization_name),
        "now": NOW,
    }


async def restore_names(world: World) -> None:
    """The names to normalise as seeded, with their keys and tokens: every turn does the same work."""
    async with world.db.begin() as session:
        connection = await session.connection()
        people = await connection.execute(
            text("SELECT contact_id FROM contact_link WHERE organization_id = :organization ORDER BY 1"),
            {"organization": world.people},
        )
        rows = [{**_person(index, "Gens"), "id": contact_id} for index, (contact_id,) in enumerate(people)]
        await connection.execute(RESEED, rows)
        if world.db.is_sqlite:
            await connection.execute(FORGET_SEARCH, {"organization": world.people})
            await connection.execute(LEARN_SEARCH, rows)


async def forget_history(world: World, *, links_to_client: bool) -> None:
    """Back to the same state between runs: no history (and, for associate, no client links)."""
    async with world.db.begin() as session:
        connection = await session.connection()
        await connection.execute(text("DELETE FROM field_change"))
        await connection.execute(text("DELETE FROM contact_change"))
        if links_to_client:
            await connection.execute(
                text("DELETE FROM contact_link WHERE organization_id = :client"), {"client": world.client}
            )


# ---------------------------------------------------------------- Carnet, through the schema


async def _execute(db: Database, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    viewer = Viewer(subject=ACTOR, role=Role.STAFF)
    ctx = Context(db=db, viewer=viewer, now=NOW, today=NOW.date(), max_selection=100_000, request_id="bench")
    result = await schema.execute(document, variable_values=variables, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    payload: dict[str, Any] = next(iter(result.data.values()))
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def carnet_associate(world: World) -> None:
    given = {
        "selection": {"filter": {"organizationId": to_global_id("Supplier", world.crowd)}},
        "clientId": to_global_id("Client", world.client),
        "siteIds": [to_global_id("Site", world.site)],
    }
    payload = await _execute(world.db, ASSOCIATE, {"input": given})
    assert payload["affectedCount"] == world.sizes[0], payload


async def carnet_normalize(world: World, style: TextStyle) -> None:
    rule = {"style": style.value}
    selection = {"filter": {"organizationId": to_global_id("Supplier", world.people)}}
    given = {"selection": selection, "lastName": rule, "firstName": rule}
    payload = await _execute(world.db, NORMALIZE, {"input": given})
    assert payload["changedCount"] == 2 * world.sizes[1], payload


# ---------------------------------------------------------------- the limits, hand-written

Changes = dict[int, list[tuple[int | None, str, str | None, str | None]]]


async def _history(connection: Any, organization: int, operation: str, changed: Changes) -> None:
    """Versions, one entry per contact (INSERT … SELECT), their fields (executemany)."""
    await connection.execute(BUMP, {"now": NOW, "organization": organization})
    given = {"now": NOW, "actor": ACTOR, "operation": operation, "organization": organization}
    fields = [
        {"change": entry, "organization": org, "field": name, "before": before, "after": after}
        for contact_id, entry in await connection.execute(ENTRIES, given)
        for org, name, before, after in changed[contact_id]
    ]
    await connection.execute(FIELDS, fields)


Keys = list[dict[str, Any]]


def _key_rows(shown_rows: Any, names: dict[int, tuple[str, str | None]]) -> Keys:
    """Sort keys and search tokens from what each contact shows (its new names where given)."""
    shown: dict[int, list[str | None]] = {}
    for contact_id, last, first, email, link_email, function, name in shown_rows:
        last, first = names.get(contact_id, (last, first))
        shown.setdefault(contact_id, [last, first, email]).extend((link_email, function, name))
    return [
        {"id": c, "last": fold(v[0]), "first": fold(v[1]), "tokens": tokens_text(*v)}
        for c, v in shown.items()
    ]


async def _write_keys(connection: Any, db: Database, organization: int, keys: Keys) -> None:
    await connection.execute(KEYS, keys)
    if db.is_sqlite:
        await connection.execute(FORGET_SEARCH, {"organization": organization})
        await connection.execute(LEARN_SEARCH, keys)


async def _keys(
    connection: Any, db: Database, organization: int, names: dict[int, tuple[str, str | None]]
) -> None:
    """Sort keys and search tokens of the selection from what it shows now (and SQLite's index)."""
    shown = await connection.execute(SHOWN, {"organization": organization})
    await _write_keys(connection, db, organization, _key_rows(shown, names))


async def limit_associate(world: World) -> None:
    db, client = world.db, world.client
    flags = [
        "isPrimary",
        "receivesInvoices",
        "receivesInvoicesAllSites",
        "receivesReminders",
        "receivesRemindersAllSites",
    ]
    sites = id_list_text("Site", [world.site])
    shown: list[tuple[int | None, str, str | None, str | None]] = [
        *((client, name, None, "false") for name in flags),
        (client, "siteIds", None, sites),
    ]
    async with db.begin() as session:
        connection = await session.connection()
        locked = await connection.execute(
            LOCKED_SELECTION[db.engine.dialect.name], {"organization": world.crowd}
        )
        changed: Changes = {contact_id: shown for contact_id, _, _ in locked}
        await connection.execute(NEW_LINKS, {"client": client, "now": NOW, "organization": world.crowd})
        await connection.execute(
            NEW_SITES, {"site": world.site, "client": client, "organization": world.crowd}
        )
        await _history(connection, world.crowd, "associateContacts", changed)
        await _keys(connection, db, world.crowd, {})


def _titled(before: dict[int, tuple[str, str | None]]) -> dict[int, tuple[str, str | None]]:
    return {
        c: (styled(TextStyle.TITLE, last) or last, styled(TextStyle.TITLE, first))
        for c, (last, first) in before.items()
    }


def _name_changes(
    before: dict[int, tuple[str, str | None]], names: dict[int, tuple[str, str | None]]
) -> Changes:
    return {
        c: [(None, "lastName", before[c][0], names[c][0]), (None, "firstName", before[c][1], names[c][1])]
        for c in names
    }


async def limit_normalize(world: World) -> None:
    db = world.db
    async with db.begin() as session:
        connection = await session.connection()
        locked = await connection.execute(
            LOCKED_SELECTION[db.engine.dialect.name], {"organization": world.people}
        )
        before = {contact_id: (last, first) for contact_id, last, first in locked}
        names = _titled(before)
        await connection.execute(
            RENAME, [{"id": c, "last": last, "first": first} for c, (last, first) in names.items()]
        )
        await _history(connection, world.people, "normalizeContacts", _name_changes(before, names))
        await _keys(connection, db, world.people, names)


async def floor_normalize(world: World) -> float:
    """The limit's writes alone, every value computed before its write transaction: the least
    time any one-transaction normalisation could hold SQLite's write lock on this machine."""
    db = world.db
    async with db.read() as session:
        connection = await session.connection()
        locked = await connection.execute(LOCKED_SELECTION["sqlite"], {"organization": world.people})
        before = {contact_id: (last, first) for contact_id, last, first in locked}
        shown = list(await connection.execute(SHOWN, {"organization": world.people}))
    names = _titled(before)
    keys, changed = _key_rows(shown, names), _name_changes(before, names)
    started = time.perf_counter()
    async with db.begin() as session:
        connection = await session.connection()
        await connection.execute(
            RENAME, [{"id": c, "last": last, "first": first} for c, (last, first) in names.items()]
        )
        await _history(connection, world.people, "normalizeContacts", changed)
        await _write_keys(connection, db, world.people, keys)
    return time.perf_counter() - started


# ---------------------------------------------------------------- what SQLite's lock and readers see


class WriteLock:
    """How long each write transaction held SQLite's write lock: from BEGIN IMMEDIATE to COMMIT."""

    def __init__(self, db: Database) -> None:
        self.held: list[float] = []
        self._began = 0.0
        # Listeners run in the order they were added: this one after the engine's BEGIN IMMEDIATE.
        event.listen(db.engine.sync_engine, "begin", self._begin)
        event.listen(db.engine.sync_engine, "commit", self._commit)

    def _begin(self, _connection: Any) -> None:
        self._began = time.perf_counter()

    def _commit(self, _connection: Any) -> None:
        self.held.append(time.perf_counter() - self._began)


class Reader(threading.Thread):
    """Reads the first page of contacts on its own connection every 10 ms, until stopped.

    It pauses between reads so as not to take the interpreter from the batch it watches.
    """

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.latencies: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        query = "SELECT id, last_name FROM contact ORDER BY last_name_key, first_name_key, id LIMIT 50"
        while not self.stop.is_set():
            started = time.perf_counter()
            connection.execute(query).fetchall()
            self.latencies.append(time.perf_counter() - started)
            self.stop.wait(0.01)
        connection.close()


# ---------------------------------------------------------------- running

Work = Callable[[], Awaitable[None]]


async def take_turns(runs: int, reset: Work, carnet: Work, limit: Work) -> Timings:
    """Carnet then the limit, `runs` times, each from the same state."""
    timings = Timings()
    for _ in range(runs):
        for work, times in ((carnet, timings.carnet), (limit, timings.limit)):
            await reset()
            started = time.perf_counter()
            await work()
            times.append(time.perf_counter() - started)
    return timings


async def bench_associate(world: World, runs: int) -> Timings:
    async def reset() -> None:
        await forget_history(world, links_to_client=True)

    return await take_turns(runs, reset, lambda: carnet_associate(world), lambda: limit_associate(world))


async def bench_normalize(world: World, runs: int) -> Timings:
    """Every turn puts the seeded names in TITLE style: every name changes."""
    lock = WriteLock(world.db) if world.db.is_sqlite else None
    held: list[float] = []

    async def reset() -> None:
        await forget_history(world, links_to_client=False)
        await restore_names(world)

    async def carnet() -> None:
        before = len(lock.held) if lock else 0
        await carnet_normalize(world, TextStyle.TITLE)
        held.extend(lock.held[before:] if lock else [])

    reader = Reader(make_url(str(world.db.engine.url)).database or "") if lock else None
    if reader:
        reader.start()
    timings = await take_turns(runs, reset, carnet, lambda: limit_normalize(world))
    if reader:
        reader.stop.set()
        reader.join()
        await reset()
        floor = await floor_normalize(world)
        slowest, longest = max(reader.latencies) * 1000, statistics.median(held)
        timings.notes += [
            f"Carnet held the write lock {longest:.2f} s (median; ≤ {LOCK_TARGET:.0f} s: "
            f"{'met' if longest <= LOCK_TARGET else 'NOT met'}); the limit's writes alone, values "
            f"computed beforehand, hold it {floor:.2f} s",
            f"a reader on another connection meanwhile read {len(reader.latencies):,} times, "
            f"the slowest read took {slowest:.0f} ms",
        ]
    return timings


def report(engine: str, name: str, timings: Timings) -> list[str]:
    ratio = timings.ratio()
    carnet, limit = statistics.median(timings.carnet), statistics.median(timings.limit)
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    line = (
        f"{engine:10} {name:30} Carnet {carnet:6.2f} s  limit {limit:6.2f} s  ratio {ratio:4.2f}× ({verdict})"
    )
    return [line, *(f"{'':10} {note}" for note in timings.notes)]


async def run_engine(engine: str, url: str, options: argparse.Namespace) -> list[str]:
    world = await open_world(url, options.associate, options.normalize)
    try:
        associate = await bench_associate(world, options.runs)
        normalize = await bench_normalize(world, options.runs)
    finally:
        await world.db.dispose()
    return [
        *report(engine, f"associate {options.associate:,} to a site", associate),
        *report(engine, f"normalize {options.normalize:,} names", normalize),
    ]


async def _postgres_database(admin_url: str) -> tuple[str, Work]:
    """A new, empty PostgreSQL database for this run, and how to drop it."""
    admin = make_url(admin_url)
    name = f"carnet_bench_batches_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(
        admin.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    await connection.execute(f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.batches", description=__doc__)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--associate", type=int, default=10_000, help="contacts to associate")
    parser.add_argument("--normalize", type=int, default=100_000, help="contacts to normalise")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


async def main() -> None:
    options = _arguments()
    for engine in options.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                lines = await run_engine(
                    engine, f"sqlite+aiosqlite:///{Path(folder) / 'batches.db'}", options
                )
        else:
            url, drop = await _postgres_database(options.postgres)
            try:
                lines = await run_engine(engine, url, options)
            finally:
                await drop()
        print("\n".join(lines), flush=True)
    print(f"medians of {options.runs} runs, Carnet and the limit taking turns from the same state")


if __name__ == "__main__":
    asyncio.run(main())
