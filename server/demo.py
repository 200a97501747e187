"""`carnet demo-data`: a believable French data set, the same on every run (one seeded generator).

Everything is inserted set-based (one INSERT per table per chunk of contacts) in one
transaction, so a large data set loads in seconds and a failed load leaves nothing behind.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from db import models
from db.engine import Database, open_database
from db.models import (
    Civility,
    Contact,
    ContactChange,
    ContactStatus,
    Organization,
    OrganizationKind,
    ParticipationStatus,
)
from resolvers.history_text import contact_shown, differences, link_shown
from resolvers.search import refresh_contact_keys
from resolvers.text import fold
from server.demo_catalogue import (
    AFFAIRS,
    AREAS,
    CLIENT,
    CLIENTS,
    DEPARTMENTS,
    DEPARTURES,
    EVENTS,
    FUNCTIONS,
    INTERLOCUTOR_TYPES,
    LAST_NAMES,
    MEN,
    NOTES,
    OTHERS,
    SITE_KINDS,
    SUPPLIER,
    TARGETS,
    THIRD_PARTY,
    WOMEN,
    split,
)
from server.settings import Settings

SEED = 1792
CHUNK = 500
ACTOR, OPERATION = "demo-data", "demoData"


class AlreadyLoaded(Exception):
    """The database already has contacts: demo data goes only into an empty one."""


@dataclass(frozen=True)
class Org:
    id: int
    kind: OrganizationKind
    domain: str
    area: str
    site_ids: tuple[int, ...] = ()
    affair_ids: tuple[int, ...] = ()


# The person at one organisation: the organisation, the link's columns, its sites and types.
LinkDraft = tuple[Org, dict[str, Any], list[int], list[str]]


@dataclass
class Draft:
    """One contact to insert, with what hangs off it; its first link is the primary one."""

    contact: dict[str, Any]
    links: list[LinkDraft]
    affair_ids: list[int] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)
    events: dict[int, ParticipationStatus] = field(default_factory=dict)


@dataclass
class World:
    """The reference data the contacts are attached to."""

    clients: list[Org]
    others: list[Org]
    target_ids: list[int]
    event_ids: list[int]


async def load_demo_data(settings: Settings, *, contacts: int) -> None:
    """Load the demo data set into the database of `settings`; exit 1 if it already has contacts."""
    if contacts < 0:
        raise SystemExit("carnet demo-data: --contacts must be 0 or more.")
    database = open_database(settings.database_url)
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
                await _insert(session, [_draft(rng, world, now, today) for _ in range(size)])
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


# ---------------------------------------------------------------- contacts


def _draft(rng: random.Random, world: World, now: datetime, today: date) -> Draft:
    """One believable person at a client, sometimes also at a supplier or a third party."""
    woman = rng.random() < 0.5
    first, last = rng.choice(WOMEN if woman else MEN), rng.choice(LAST_NAMES)
    client = rng.choice(world.clients)
    contact = _person(rng, first, last, woman, client.domain, now, today)
    links = [_link(rng, client, first, last, woman, today, primary=True)]
    if rng.random() < 0.12:
        links.append(_link(rng, rng.choice(world.others), first, last, woman, today, primary=False))
    return Draft(
        contact,
        links,
        affair_ids=rng.sample(client.affair_ids, rng.choice([0, 0, 1, 1, 2])),
        target_ids=[target for target in world.target_ids if rng.random() < 0.15],
        events={
            event: rng.choice(list(ParticipationStatus)) for event in world.event_ids if rng.random() < 0.12
        },
    )


def _person(
    rng: random.Random, first: str, last: str, woman: bool, domain: str, now: datetime, today: date
) -> dict[str, Any]:
    """The contact's own columns: a few are hidden from the CRM, a few have disappeared."""
    created = now - timedelta(days=rng.randint(20, 1500), minutes=rng.randint(0, 1440))
    gone = rng.random() < 0.02
    return {
        "civility": _civility(rng, woman),
        "last_name": last,
        "first_name": first,
        "email": _email(first, last, domain) if rng.random() < 0.4 else None,
        "mobile": _mobile(rng) if rng.random() < 0.4 else None,
        "notes": rng.choice(NOTES) if rng.random() < 0.1 else None,
        "hidden_from_crm": rng.random() < 0.03,
        "last_follow_up_on": today - timedelta(days=rng.randint(0, 540)) if rng.random() < 0.6 else None,
        "status": ContactStatus.DISAPPEARED if gone else ContactStatus.ACTIVE,
        "disappeared_on": today - timedelta(days=rng.randint(5, 300)) if gone else None,
        "disappearance_reason": rng.choice(DEPARTURES) if gone else None,
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


def _link(
    rng: random.Random, org: Org, first: str, last: str, woman: bool, today: date, *, primary: bool
) -> LinkDraft:
    """The person at one organisation; sites, recipient flags and types only at a client."""
    at_client = org.kind is CLIENT
    sites = rng.sample(org.site_ids, min(len(org.site_ids), rng.choice([0, 1, 1, 2])))
    forms = rng.choice(FUNCTIONS).split("/")
    columns = {
        "is_primary": primary,
        "function": forms[-1] if woman else forms[0],
        "department": rng.choice(DEPARTMENTS) if rng.random() < 0.7 else None,
        "email": _email(first, last, org.domain) if rng.random() < 0.9 else None,
        "phone": f"+33{org.area}{rng.randint(1, 9)}{rng.randint(0, 9_999_999):07d}"
        if rng.random() < 0.8
        else None,
        "mobile": _mobile(rng) if rng.random() < 0.5 else None,
        "extension": str(rng.randint(100, 9999)) if rng.random() < 0.3 else None,
        "left_on": _left_on(rng, today),
        "receives_invoices": bool(sites) and rng.random() < 0.2,
        "receives_invoices_all_sites": at_client and rng.random() < 0.06,
        "receives_reminders": bool(sites) and rng.random() < 0.12,
        "receives_reminders_all_sites": at_client and rng.random() < 0.04,
    }
    types = rng.sample(list(INTERLOCUTOR_TYPES), rng.choice([0, 0, 1, 1, 2])) if at_client else []
    return org, columns, sites, types


def _civility(rng: random.Random, woman: bool) -> Civility | None:
    draw = rng.random()
    for civility, below in ((Civility.DR, 0.04), (Civility.PR, 0.05), (Civility.ME, 0.06), (None, 0.1)):
        if draw < below:
            return civility
    return Civility.MRS if woman else Civility.MR


def _email(first: str, last: str, domain: str) -> str:
    """first.last@domain, in plain ASCII ("Hélène Le Goff" -> helene.le-goff@…)."""
    first, last = (re.sub(r"[^a-z0-9-]", "", fold(name).replace(" ", "-")) for name in (first, last))
    return f"{first}.{last}@{domain}"


def _mobile(rng: random.Random) -> str:
    """A French mobile number in E.164: 06 then 0-2 or 4-8, or 07 then 3-9."""
    prefix = "6" + rng.choice("0124578") if rng.random() < 0.8 else "7" + rng.choice("3456789")
    return f"+33{prefix}{rng.randint(0, 9_999_999):07d}"


def _left_on(rng: random.Random, today: date) -> date | None:
    """Most are still there; a few have left, a few leave soon."""
    draw = rng.random()
    if draw < 0.05:
        return today - timedelta(days=rng.randint(10, 400))
    return today + timedelta(days=rng.randint(10, 120)) if draw < 0.07 else None


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
