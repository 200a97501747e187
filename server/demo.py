"""`carnet demo-data`: a believable French data set, the same on every run (one seeded generator).

Everything is inserted set-based (one INSERT per table per chunk of contacts) in one
transaction, so a large data set loads in seconds and a failed load leaves nothing behind.
"""

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from db import models
from db.engine import Database
from db.models import (
    Contact,
    ContactChange,
    Organization,
)
from resolvers.history_text import contact_shown, differences, link_shown
from resolvers.search import refresh_contact_keys
from resolvers.text import fold
from server.demo_catalogue import (
    AFFAIRS,
    AREAS,
    CLIENT,
    CLIENTS,
    EVENTS,
    INTERLOCUTOR_TYPES,
    OTHERS,
    SITE_KINDS,
    SUPPLIER,
    TARGETS,
    THIRD_PARTY,
    split,
)
from server.demo_people import Draft, Org, World, draft_contact
from server.settings import Settings

SEED = 1792
CHUNK = 500
ACTOR, OPERATION = "demo-data", "demoData"


class AlreadyLoaded(Exception):
    """The database already has contacts: demo data goes only into an empty one."""


async def load_demo_data(settings: Settings, *, contacts: int) -> None:
    """Load the demo data set into the database of `settings`; exit 1 if it already has contacts."""
    if contacts < 0:
        raise SystemExit("carnet demo-data: --contacts must be 0 or more.")
    database = settings.open_database()
    now = settings.clock()
    try:
        counts = await load(
            database, contacts=contacts, now=now, today=now.astimezone(settings.timezone).date()
        )
    except AlreadyLoaded:
        raise SystemExit(
            "carnet demo-data: the database already has contacts; demo data only goes into an empty one."
        ) from None
    finally:
        await database.dispose()
    print("Demo data loaded: " + ", ".join(f"{count} {name}" for name, count in counts.items()) + ".")


async def load(
    database: Database, *, contacts: int, now: datetime, today: date, seed: int = SEED
) -> dict[str, int]:
    """Insert the reference data and `contacts` contacts in one transaction; what there is, counted."""
    rng = random.Random(seed)  # noqa: S311 -- made-up data, not secrets
    async with database.begin() as session:
        if await session.scalar(select(Contact.id).limit(1)) is not None:
            raise AlreadyLoaded
        world = await _reference_data(session, today)
        # `delay`: the bar shows only when loading takes more than a moment.
        with tqdm(total=contacts, unit=" contacts", delay=1.0, leave=False) as bar:
            for start in range(0, contacts, CHUNK):
                size = min(CHUNK, contacts - start)
                await _insert(session, [draft_contact(rng, world, now, today) for _ in range(size)])
                bar.update(size)
        return await _counts(session)


async def _ids(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows`; their new ids, in the rows' order (row by row on SQLite: for a few rows only)."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(await session.scalars(statement, rows))


async def _rows(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) in one executemany.

    A Core insert: the ORM's bulk insert leaves out None values and so splits rows with
    different empty fields into as many statements.
    """
    if rows:
        await session.execute(insert(model.__table__), rows)


def _named(name: str, **columns: Any) -> dict[str, Any]:
    return {"name": name, "name_key": fold(name), **columns}


# ---------------------------------------------------------------- reference data


async def _reference_data(session: AsyncSession, today: date) -> World:
    types = [{"code": code, "label": label} for code, label in INTERLOCUTOR_TYPES.items()]
    await _rows(session, models.InterlocutorType, types)
    others = [_named(name, kind=kind, code=code) for kind, code, name, _ in OTHERS]
    other_ids = await _ids(session, Organization, others)
    targets = [_named(name, description=description) for name, description in TARGETS]
    events = [
        _named(
            name,
            location=place,
            starts_on=today + timedelta(days=offset),
            ends_on=today + timedelta(days=offset + days - 1) if days > 1 else None,
        )
        for name, offset, days, place in EVENTS
    ]
    return World(
        clients=await _clients(session),
        others=[
            Org(pk, kind, domain, "1") for pk, (kind, _, _, domain) in zip(other_ids, OTHERS, strict=True)
        ],
        target_ids=await _ids(session, models.Target, targets),
        event_ids=await _ids(session, models.Event, events),
    )


async def _clients(session: AsyncSession) -> list[Org]:
    """The clients and prospects, each with one site per city and two or three affairs."""
    statuses = {True: models.ClientStatus.PROSPECT, False: models.ClientStatus.CLIENT}
    rows = [
        _named(name, kind=CLIENT, code=code, status=statuses[prospect])
        for code, name, _, prospect, _ in CLIENTS
    ]
    clients: list[Org] = []
    for pk, (code, _, domain, _, cities) in zip(
        await _ids(session, Organization, rows), CLIENTS, strict=True
    ):
        places = split(cities)
        sites = [
            _named(
                f"{city} — {SITE_KINDS[n % len(SITE_KINDS)]}",
                client_id=pk,
                code=f"{code}-{n + 1:02d}",
                city=city,
            )
            for n, city in enumerate(places)
        ]
        first = len(clients) * 3
        affairs = [
            _named(AFFAIRS[(first + n) % len(AFFAIRS)], client_id=pk, code=f"AFF-{code[4:]}-{n + 1}")
            for n in range(2 + len(clients) % 2)
        ]
        site_ids = tuple(await _ids(session, models.Site, sites))
        affair_ids = tuple(await _ids(session, models.Affair, affairs))
        clients.append(Org(pk, CLIENT, domain, AREAS[places[0]], site_ids, affair_ids))
    return clients


async def _insert(session: AsyncSession, drafts: list[Draft]) -> None:
    """Insert a chunk of contacts and everything that hangs off them, one statement per table."""
    people = list(zip(await _contact_ids(session, drafts), drafts, strict=True))
    links = [
        (contact_id, draft.contact["created_at"], link)
        for contact_id, draft in people
        for link in draft.links
    ]
    rows = [
        {**columns, "contact_id": contact_id, "organization_id": org.id, "created_at": created}
        for contact_id, created, (org, columns, _, _) in links
    ]
    await _rows(session, models.ContactLink, rows)
    link_ids = await _pairs(session, models.ContactLink, [contact_id for contact_id, _ in people])
    hanging = [(link_ids[c, org.id], sites, codes) for c, _, (org, _, sites, codes) in links]
    sites = [{"link_id": link, "site_id": site} for link, ids, _ in hanging for site in ids]
    types = [{"link_id": link, "type_code": code} for link, _, codes in hanging for code in codes]
    affairs = [{"contact_id": c, "affair_id": a} for c, d in people for a in d.affair_ids]
    targets = [{"contact_id": c, "target_id": t} for c, d in people for t in d.target_ids]
    events = [{"contact_id": c, "event_id": e, "status": s} for c, d in people for e, s in d.events.items()]
    for model, chunk in (
        (models.ContactLinkSite, sites),
        (models.ContactLinkInterlocutorType, types),
        (models.ContactAffair, affairs),
        (models.TargetMember, targets),
        (models.EventParticipation, events),
    ):
        await _rows(session, model, chunk)
    await refresh_contact_keys(session, [contact_id for contact_id, _ in people])
    await _history(session, people)


async def _contact_ids(session: AsyncSession, drafts: list[Draft]) -> list[int]:
    """Insert the contacts; their ids, in the drafts' order.

    Not `RETURNING` in parameter order: SQLite cannot guarantee it in one statement and
    SQLAlchemy then inserts row by row. Each row carries a marker in `search_tokens` instead,
    which `refresh_contact_keys` overwrites at the end of the chunk.
    """
    newest = await session.scalar(select(func.max(Contact.id))) or 0
    await _rows(
        session, Contact, [{**draft.contact, "search_tokens": f"demo:{n}"} for n, draft in enumerate(drafts)]
    )
    query = select(Contact.search_tokens, Contact.id).where(
        Contact.id > newest, Contact.search_tokens.like("demo:%")
    )
    found = dict((await session.execute(query)).all())
    return [found[f"demo:{n}"] for n in range(len(drafts))]


async def _pairs(session: AsyncSession, model: Any, contact_ids: list[int]) -> dict[tuple[int, int], int]:
    """The ids of these contacts' links, by (contact, organisation)."""
    query = select(model.contact_id, model.organization_id, model.id).where(model.contact_id.in_(contact_ids))
    return {(contact, org): pk for contact, org, pk in (await session.execute(query))}


# ---------------------------------------------------------------- history


async def _history(session: AsyncSession, people: list[tuple[int, Draft]]) -> None:
    """One creation entry per contact, listing every field set (DOMAIN.md rule 18)."""
    entries = [
        {"contact_id": contact_id, "at": draft.contact["created_at"], "actor": ACTOR, "operation": OPERATION}
        for contact_id, draft in people
    ]
    await _rows(session, models.ContactChange, entries)
    # Each of these contacts has just this one entry.
    query = select(ContactChange.contact_id, ContactChange.id).where(
        ContactChange.contact_id.in_([contact_id for contact_id, _ in people])
    )
    change_ids = dict((await session.execute(query)).all())
    fields = [
        {
            "change_id": change_ids[contact_id],
            "organization_id": org_id,
            "field": name,
            "before": None,
            "after": after,
        }
        for contact_id, draft in people
        for org_id, name, after in _fields(draft)
    ]
    await _rows(session, models.FieldChange, fields)


def _fields(draft: Draft) -> list[tuple[int | None, str, str | None]]:
    """(organisation of a link's field, field, value as text): what creating the card records."""
    shown = contact_shown(draft.contact, draft.affair_ids, draft.target_ids, draft.events)
    for org, columns, sites, codes in draft.links:
        shown.update(link_shown(org.id, columns, sites, codes))
    return [(change.organization_id, change.field, change.after) for change in differences(0, {}, shown)]


async def _counts(session: AsyncSession) -> dict[str, int]:
    kinds = dict(
        (await session.execute(select(Organization.kind, func.count()).group_by(Organization.kind))).all()
    )
    counted = {"clients": kinds[CLIENT], "suppliers": kinds[SUPPLIER], "third parties": kinds[THIRD_PARTY]}
    tables = {
        "sites": models.Site,
        "affairs": models.Affair,
        "targets": models.Target,
        "events": models.Event,
    }
    for name, model in (
        *tables.items(),
        ("interlocutor types", models.InterlocutorType),
        ("contacts", Contact),
    ):
        counted[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return counted
