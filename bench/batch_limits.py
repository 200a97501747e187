"""The limits the batch benchmarks compare Carnet with: hand-written SQL doing the same writes
in one transaction (links, sites, versions, history, sort keys and search tokens; values computed
in Python, `executemany` or `INSERT … SELECT`), and the floor of SQLite's write lock for the
normalisation."""

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
    VERSIONS,
    World,
)
from db.engine import Database
from resolvers.history_text import ids_text
from resolvers.search import tokens_text
from resolvers.text import fold
from resolvers.text_styles import TextStyle, styled

# ---------------------------------------------------------------- the limits, hand-written

Changes = dict[int, list[tuple[int | None, str, str | None, str | None]]]


async def _history(
    connection: Any, organization: int, operation: str, changed: Changes, *, bump: bool = True
) -> None:
    """Versions (unless already raised), one entry per contact (INSERT … SELECT), their fields
    (executemany)."""
    if bump:
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


Names = dict[int, tuple[str, str | None]]


def _rename_rows(names: Names) -> list[dict[str, Any]]:
    return [{"id": c, "last": last, "first": first, "now": NOW} for c, (last, first) in names.items()]


def _new_keys_or_words(before: Names, names: Names) -> bool:
    """Whether any sort key or search word changes (TITLE changes case and spaces only: none).
    Words come from folded names: the same folded names, the same words."""
    return any(
        (fold(names[c][0]), fold(names[c][1])) != (fold(last), fold(first))
        for c, (last, first) in before.items()
    )


async def _write_names(
    connection: Any,
    db: Database,
    organization: int,
    names: Names,
    changes: tuple[list[dict[str, Any]], Changes, bool],
) -> None:
    """Each contact row once (names, version, time), the history, and only if they change the
    keys, tokens and SQLite's index."""
    rows, changed, new_keys = changes
    await connection.execute(RENAME, rows)
    await _history(connection, organization, "normalizeContacts", changed, bump=False)
    if new_keys:
        await _keys(connection, db, organization, names)


def _changes(before: Names, names: Names) -> tuple[list[dict[str, Any]], Changes, bool]:
    """What the writes bind, computed before the floor's transaction (in the limit's)."""
    return _rename_rows(names), _name_changes(before, names), _new_keys_or_words(before, names)


async def limit_normalize(world: World) -> None:
    db = world.db
    async with db.begin() as session:
        connection = await session.connection()
        locked = await connection.execute(
            LOCKED_SELECTION[db.engine.dialect.name], {"organization": world.people}
        )
        before = {contact_id: (last, first) for contact_id, last, first in locked}
        names = _titled(before)
        await _write_names(connection, db, world.people, names, _changes(before, names))


async def floor_normalize(world: World) -> None:
    """The least any normalisation in one transaction could hold SQLite's write lock: every value
    computed before it, then the versions read again (a plan made outside the transaction must
    be checked) and the limit's writes alone. The bench times it as it times Carnet's."""
    db = world.db
    async with db.read() as session:
        connection = await session.connection()
        locked = await connection.execute(LOCKED_SELECTION["sqlite"], {"organization": world.people})
        before = {contact_id: (last, first) for contact_id, last, first in locked}
        planned = dict(list(await connection.execute(VERSIONS, {"organization": world.people})))
    names = _titled(before)
    changes = _changes(before, names)
    async with db.begin() as session:
        connection = await session.connection()
        versions = dict(list(await connection.execute(VERSIONS, {"organization": world.people})))
        assert versions == planned, "nobody else writes while the floor runs"
        await _write_names(connection, db, world.people, names, changes)
