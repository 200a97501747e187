"""Plain functions that put data in the database for tests, each in its own transaction."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert

from db.engine import Database
from db.models import (
    Affair,
    Civility,
    ClientStatus,
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    ContactStatus,
    Event,
    EventParticipation,
    InterlocutorType,
    Organization,
    OrganizationKind,
    ParticipationStatus,
    Site,
    Target,
    TargetMember,
)
from resolvers.search import refresh_contact_keys
from resolvers.text import fold
from tests.conftest import NOW


async def _add(db: Database, row: Any) -> Any:
    async with db.begin() as session:
        session.add(row)
    return row


async def client(
    db: Database, code: str = "ACME", name: str = "Acme", status: ClientStatus = ClientStatus.CLIENT
) -> Organization:
    return await _add(
        db,
        Organization(kind=OrganizationKind.CLIENT, code=code, name=name, name_key=fold(name), status=status),
    )


async def supplier(db: Database, code: str = "SUP", name: str = "Fournitures Martin") -> Organization:
    return await _add(
        db, Organization(kind=OrganizationKind.SUPPLIER, code=code, name=name, name_key=fold(name))
    )


async def third_party(db: Database, code: str = "BANK", name: str = "Banque Populaire") -> Organization:
    return await _add(
        db, Organization(kind=OrganizationKind.THIRD_PARTY, code=code, name=name, name_key=fold(name))
    )


async def site(
    db: Database, owner: Organization, code: str = "PAR", name: str = "Paris", city: str | None = None
) -> Site:
    return await _add(db, Site(client_id=owner.id, code=code, name=name, name_key=fold(name), city=city))


async def affair(
    db: Database, owner: Organization, code: str = "AFF1", name: str = "Migration ERP"
) -> Affair:
    return await _add(db, Affair(client_id=owner.id, code=code, name=name, name_key=fold(name)))


async def target(db: Database, name: str = "Salon 2027", description: str | None = None) -> Target:
    return await _add(db, Target(name=name, name_key=fold(name), description=description))


async def event(db: Database, name: str = "Petit-déjeuner DSI", starts_on: date = date(2026, 12, 3)) -> Event:
    return await _add(db, Event(name=name, name_key=fold(name), starts_on=starts_on))


async def interlocutor_type(
    db: Database, code: str = "DEC", label: str = "Décideur", archived: bool = False
) -> InterlocutorType:
    return await _add(db, InterlocutorType(code=code, label=label, archived=archived))


async def contact(
    db: Database,
    last_name: str,
    first_name: str | None = None,
    *,
    at: Organization,
    civility: Civility | None = None,
    email: str | None = None,
    linkedin_url: str | None = None,
    hidden_from_crm: bool = False,
    status: ContactStatus = ContactStatus.ACTIVE,
    created_at: datetime = NOW,
    last_follow_up_on: date | None = None,
    **link: Any,
) -> Contact:
    """A contact with its primary link to `at`; `link` sets the link's columns."""
    async with db.begin() as session:
        person = Contact(
            civility=civility,
            last_name=last_name,
            first_name=first_name,
            email=email,
            linkedin_url=linkedin_url,
            hidden_from_crm=hidden_from_crm,
            status=status,
            last_follow_up_on=last_follow_up_on,
            version=1,
            created_at=created_at,
            updated_at=created_at,
        )
        session.add(person)
        await session.flush()
        session.add(
            ContactLink(
                contact_id=person.id, organization_id=at.id, is_primary=True, created_at=created_at, **link
            )
        )
        await session.flush()
        await refresh_contact_keys(session, [person.id])
    return person


async def link(db: Database, person: Contact, at: Organization, **columns: Any) -> ContactLink:
    return await _add(
        db,
        ContactLink(contact_id=person.id, organization_id=at.id, is_primary=False, created_at=NOW, **columns),
    )


async def attach_sites(db: Database, link_row: ContactLink, *sites: Site) -> None:
    async with db.begin() as session:
        session.add_all([ContactLinkSite(link_id=link_row.id, site_id=s.id) for s in sites])


async def give_types(db: Database, link_row: ContactLink, *codes: str) -> None:
    async with db.begin() as session:
        session.add_all([ContactLinkInterlocutorType(link_id=link_row.id, type_code=code) for code in codes])


async def primary_link(db: Database, person: Contact) -> ContactLink:
    from sqlalchemy import select

    async with db.read() as session:
        row = await session.scalar(
            select(ContactLink).where(ContactLink.contact_id == person.id, ContactLink.is_primary)
        )
    assert row is not None
    return row


async def member(
    db: Database, person: Contact, *, of_affair: Affair | None = None, of_target: Target | None = None
) -> None:
    async with db.begin() as session:
        if of_affair is not None:
            session.add(ContactAffair(contact_id=person.id, affair_id=of_affair.id))
        if of_target is not None:
            session.add(TargetMember(contact_id=person.id, target_id=of_target.id))


async def participate(
    db: Database, person: Contact, in_event: Event, status: ParticipationStatus = ParticipationStatus.INVITED
) -> None:
    await _add(db, EventParticipation(contact_id=person.id, event_id=in_event.id, status=status))


async def database_state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: equal before and after means nothing was written."""
    from sqlalchemy import select

    from db.models import Base

    state = {}
    async with db.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return state


async def bulk_contacts(
    db: Database,
    count: int,
    at: Organization,
    *,
    last_name: str = "nom",
    first_name: str | None = "prénom",
    emails: bool = False,
    **link: Any,
) -> list[int]:
    """`count` contacts with a primary link to `at`, in a few statements: their ids.

    Last names are numbered (`nom0000`…); with `emails`, each link has its own e-mail.
    """
    async with db.begin() as session:
        connection = await session.connection()
        people = [
            {
                "last_name": f"{last_name}{index:04d}",
                "first_name": first_name,
                "version": 1,
                "hidden_from_crm": False,
                "status": "ACTIVE",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for index in range(count)
        ]
        ids = list(
            (
                await connection.execute(insert(Contact.__table__).returning(Contact.__table__.c.id), people)
            ).scalars()
        )
        links = [
            {
                "contact_id": contact_id,
                "organization_id": at.id,
                "is_primary": True,
                "created_at": NOW,
                "email": f"{person['last_name']}@acme.example" if emails else None,
                **link,
            }
            for contact_id, person in zip(ids, people, strict=True)
        ]
        await connection.execute(insert(ContactLink.__table__), links)
        await refresh_contact_keys(session, sorted(ids))
    return sorted(ids)
