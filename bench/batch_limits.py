"""The limits the batch benchmarks compare Carnet with: hand-written SQL doing the same writes
in one transaction (links, sites, versions, history, sort keys and search tokens; values computed
in Python, `executemany` or `INSERT … SELECT`)."""

import time
from typing import Any

from bench.batch_world import (
    ACTOR,
    BUMP,
    ENTRIES,
    FIELDS,
    FORGET_SEARCH,
    KEYS,
    LEARN_SEARCH,
    LOCKED_SELECTION,
    NEW_LINKS,
    NEW_SITES,
    NOW,
    RENAME,
    SHOWN,
    World,
)
from db.engine import Database
from resolvers.history_text import ids_text
from resolvers.search import tokens_text
from resolvers.text import fold
from resolvers.text_styles import TextStyle, styled

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
    sites = ids_text("Site", [world.site])
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
