"""`carnet demo-data`: a believable French data set, the same on every run (one seeded generator).

Everything goes through the use cases, in one transaction so that a failed load leaves nothing
behind: the reference data one row at a time (`organization_mutations`, `reference_mutations`),
the contacts set-based by chunks (`contact_imports`), so a large data set loads in seconds.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from db.engine import Database
from db.models import ClientStatus
from resolvers import contact_imports
from resolvers.access import Actor
from resolvers.organization_mutations import create_affair, create_organization, create_site
from resolvers.reference_mutations import create_event, create_interlocutor_type, create_target
from server.demo_catalogue import (
    AFFAIRS,
    AREAS,
    CLIENT,
    CLIENTS,
    EVENTS,
    INTERLOCUTOR_TYPES,
    OTHERS,
    SITE_KINDS,
    TARGETS,
    split,
)
from server.demo_people import Org, World, draft_contact
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
    """Make the reference data and `contacts` contacts in one transaction; what there is, counted."""
    rng = random.Random(seed)  # noqa: S311 -- made-up data, not secrets
    actor = Actor(ACTOR, OPERATION, now, today)
    async with database.begin() as session:
        if await contact_imports.has_contacts(session):
            raise AlreadyLoaded
        world = await _reference_data(session, today)
        # `delay`: the bar shows only when loading takes more than a moment.
        with tqdm(total=contacts, unit=" contacts", delay=1.0, leave=False) as bar:
            for start in range(0, contacts, CHUNK):
                size = min(CHUNK, contacts - start)
                cards = [draft_contact(rng, world, now, today) for _ in range(size)]
                await contact_imports.import_cards(session, actor, cards)
                bar.update(size)
        return await contact_imports.counts(session)


# ---------------------------------------------------------------- reference data


async def _reference_data(session: AsyncSession, today: date) -> World:
    for code, label in INTERLOCUTOR_TYPES.items():
        await create_interlocutor_type(session, code=code, label=label)
    others = [
        Org((await create_organization(session, kind=kind, code=code, name=name)).id, kind, domain, "1")
        for kind, code, name, domain in OTHERS
    ]
    clients = await _clients(session)
    targets = [
        await create_target(session, name=name, description=description) for name, description in TARGETS
    ]
    events = [
        await create_event(
            session,
            name=name,
            location=place,
            starts_on=today + timedelta(days=offset),
            ends_on=today + timedelta(days=offset + days - 1) if days > 1 else None,
        )
        for name, offset, days, place in EVENTS
    ]
    return World(clients, others, [target.id for target in targets], [event.id for event in events])


async def _clients(session: AsyncSession) -> list[Org]:
    """The clients and prospects, each with one site per city and two or three affairs."""
    statuses = {True: ClientStatus.PROSPECT, False: ClientStatus.CLIENT}
    rows = [
        await create_organization(session, kind=CLIENT, code=code, name=name, status=statuses[prospect])
        for code, name, _, prospect, _ in CLIENTS
    ]
    clients: list[Org] = []
    for row, (code, _, domain, _, cities) in zip(rows, CLIENTS, strict=True):
        places = split(cities)
        sites = [
            await create_site(
                session,
                client_id=row.id,
                code=f"{code}-{n + 1:02d}",
                name=f"{city} — {SITE_KINDS[n % len(SITE_KINDS)]}",
                city=city,
            )
            for n, city in enumerate(places)
        ]
        first = len(clients) * 3
        affairs = [
            await create_affair(
                session,
                client_id=row.id,
                code=f"AFF-{code[4:]}-{n + 1}",
                name=AFFAIRS[(first + n) % len(AFFAIRS)],
            )
            for n in range(2 + len(clients) % 2)
        ]
        site_ids = tuple(site.id for site in sites)
        affair_ids = tuple(affair.id for affair in affairs)
        clients.append(Org(row.id, CLIENT, domain, AREAS[places[0]], site_ids, affair_ids))
    return clients
