"""Importing whole cards already drafted (the demo data set), set-based: a few statements per
table per chunk of contacts, so that thousands load in seconds.

Each card's fields are cleaned by the card's field table (`card_fields`), as an edit's are, and
its creation is recorded (DOMAIN.md rule 18): one history entry per contact, stamped with the
time it was made, listing every field it sets in the text `history_text` writes; the same
entry `createContact` records for a card given the same fields.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
from db.models import (
    Affair,
    Base,
    Contact,
    ContactAffair,
    ContactChange,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    Event,
    EventParticipation,
    FieldChange,
    InterlocutorType,
    Organization,
    OrganizationKind,
    ParticipationStatus,
    Site,
    Target,
    TargetMember,
)
from resolvers.access import Actor
from resolvers.card_fields import CONTACT_FIELDS, LINK_FIELDS, UNSET, ContactEdit, LinkEdit, cleaned, given
from resolvers.errors import Path, Problems
from resolvers.history_text import Difference, contact_shown, differences, link_shown
from resolvers.search import refresh_contact_keys


@dataclass(frozen=True)
class ImportedLink:
    """A link of a card being imported: the organisation, and the link's fields, sites and types."""

    organization_id: int
    fields: LinkEdit

    @property
    def site_ids(self) -> Sequence[int]:
        return self.fields.site_ids if self.fields.site_ids not in (UNSET, None) else ()

    @property
    def type_codes(self) -> Sequence[str]:
        codes = self.fields.interlocutor_type_codes
        return codes if codes is not UNSET and codes is not None else ()


@dataclass(frozen=True)
class ImportedCard:
    """A card being imported: its fields, when it was made, and what hangs off it. Its first link
    is the primary one (an `isPrimary` given in a link's fields is not read)."""

    fields: ContactEdit
    created_at: datetime
    links: Sequence[ImportedLink]
    affair_ids: Sequence[int] = ()
    target_ids: Sequence[int] = ()
    events: Mapping[int, ParticipationStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class _Cleaned:
    """A card cleaned: the columns of its contact row and of each link's row, as given."""

    card: ImportedCard
    contact: dict[str, object]
    links: list[dict[str, object]]


async def has_contacts(session: AsyncSession) -> bool:
    return await session.scalar(select(Contact.id).limit(1)) is not None


async def import_cards(session: AsyncSession, actor: Actor, cards: Sequence[ImportedCard]) -> list[int]:
    """Insert these cards, cleaned, with their history; their new ids, in the cards' order.

    All or nothing: a field its cleaner refuses refuses the whole import, every culprit named
    (path `cards`, the card's place, then the field's GraphQL name).
    """
    problems = Problems()
    found = [_cleaned(card, ("cards", str(n)), actor, problems) for n, card in enumerate(cards)]
    problems.raise_if_any()
    people = list(zip(await _contact_ids(session, found), found, strict=True))
    await _insert_links(session, people)
    await _insert_memberships(session, people)
    contact_ids = [contact_id for contact_id, _ in people]
    await refresh_contact_keys(session, contact_ids)
    await _history(session, actor, people)
    return contact_ids


def _cleaned(card: ImportedCard, path: Path, actor: Actor, problems: Problems) -> _Cleaned:
    contact = cleaned(card.fields, CONTACT_FIELDS, path, actor.today, problems)
    links = [
        cleaned(link.fields, LINK_FIELDS, (*path, "links", str(n)), actor.today, problems)
        for n, link in enumerate(card.links)
    ]
    return _Cleaned(
        card,
        given(contact, CONTACT_FIELDS),
        [{**given(link, LINK_FIELDS), "is_primary": n == 0} for n, link in enumerate(links)],
    )


async def _rows(session: AsyncSession, model: type[Base], rows: Sequence[Mapping[str, object]]) -> None:
    """Insert `rows`, one executemany per set of keys (cards that give the same fields share one).

    A Core insert: the ORM's bulk insert leaves out None values and so splits rows with
    different empty fields into as many statements.
    """
    by_keys: dict[frozenset[str], list[Mapping[str, object]]] = {}
    for row in rows:
        by_keys.setdefault(frozenset(row), []).append(row)
    for same_keys in by_keys.values():
        await session.execute(insert(table_of(model)), same_keys)


async def _contact_ids(session: AsyncSession, found: list[_Cleaned]) -> list[int]:
    """Insert the contacts; their ids, in the cards' order.

    Not `RETURNING` in parameter order: SQLite cannot guarantee it in one statement and
    SQLAlchemy then inserts row by row. Each row carries a marker in `search_tokens` instead,
    which `refresh_contact_keys` overwrites once the links are in.
    """
    newest = await session.scalar(select(func.max(Contact.id))) or 0
    rows = [
        {
            **one.contact,
            "version": 1,
            "created_at": one.card.created_at,
            "updated_at": one.card.created_at,
            "search_tokens": f"import:{n}",
        }
        for n, one in enumerate(found)
    ]
    await _rows(session, Contact, rows)
    query = select(Contact.search_tokens, Contact.id).where(
        Contact.id > newest, Contact.search_tokens.like("import:%")
    )
    ids = dict((await session.execute(query)).all())
    return [ids[f"import:{n}"] for n in range(len(found))]


async def _insert_links(session: AsyncSession, people: list[tuple[int, _Cleaned]]) -> None:
    """The links, then their sites and interlocutor types (a link is known by its organisation)."""
    rows = [
        {
            **columns,
            "contact_id": contact_id,
            "organization_id": link.organization_id,
            "created_at": one.card.created_at,
        }
        for contact_id, one in people
        for link, columns in zip(one.card.links, one.links, strict=True)
    ]
    await _rows(session, ContactLink, rows)
    query = select(ContactLink.contact_id, ContactLink.organization_id, ContactLink.id).where(
        ContactLink.contact_id.in_([contact_id for contact_id, _ in people])
    )
    link_ids = {(contact, org): pk for contact, org, pk in await session.execute(query)}
    hanging = [
        (link_ids[contact_id, link.organization_id], link)
        for contact_id, one in people
        for link in one.card.links
    ]
    sites = [{"link_id": pk, "site_id": site} for pk, link in hanging for site in link.site_ids]
    types = [{"link_id": pk, "type_code": code} for pk, link in hanging for code in link.type_codes]
    await _rows(session, ContactLinkSite, sites)
    await _rows(session, ContactLinkInterlocutorType, types)


async def _insert_memberships(session: AsyncSession, people: list[tuple[int, _Cleaned]]) -> None:
    cards = [(contact_id, one.card) for contact_id, one in people]
    affairs = [{"contact_id": c, "affair_id": a} for c, card in cards for a in card.affair_ids]
    targets = [{"contact_id": c, "target_id": t} for c, card in cards for t in card.target_ids]
    events = [
        {"contact_id": c, "event_id": e, "status": s} for c, card in cards for e, s in card.events.items()
    ]
    await _rows(session, ContactAffair, affairs)
    await _rows(session, TargetMember, targets)
    await _rows(session, EventParticipation, events)


async def _history(session: AsyncSession, actor: Actor, people: list[tuple[int, _Cleaned]]) -> None:
    """One creation entry per contact, at the time it was made, listing every field set."""
    entries = [
        {
            "contact_id": contact_id,
            "at": one.card.created_at,
            "actor": actor.subject,
            "operation": actor.operation,
        }
        for contact_id, one in people
    ]
    await _rows(session, ContactChange, entries)
    # Each of these contacts has just this one entry.
    query = select(ContactChange.contact_id, ContactChange.id).where(
        ContactChange.contact_id.in_([contact_id for contact_id, _ in people])
    )
    change_ids = dict((await session.execute(query)).all())
    fields = [
        {
            "change_id": change_ids[contact_id],
            "organization_id": change.organization_id,
            "field": change.field,
            "before": change.before,
            "after": change.after,
        }
        for contact_id, one in people
        for change in _made(one)
    ]
    await _rows(session, FieldChange, fields)


def _made(one: _Cleaned) -> list[Difference]:
    """What making the card records: every field it sets, the contact's own then each link's."""
    card = one.card
    shown = contact_shown(one.contact, card.affair_ids, card.target_ids, card.events)
    for link, columns in zip(card.links, one.links, strict=True):
        shown.update(link_shown(link.organization_id, columns, link.site_ids, link.type_codes))
    return differences(0, {}, shown)


async def counts(session: AsyncSession) -> dict[str, int]:
    """What the database holds, counted: what an import reports."""
    kinds = dict(
        (await session.execute(select(Organization.kind, func.count()).group_by(Organization.kind))).all()
    )
    counted = {
        "clients": kinds.get(OrganizationKind.CLIENT, 0),
        "suppliers": kinds.get(OrganizationKind.SUPPLIER, 0),
        "third parties": kinds.get(OrganizationKind.THIRD_PARTY, 0),
    }
    tables: dict[str, type[Base]] = {
        "sites": Site,
        "affairs": Affair,
        "targets": Target,
        "events": Event,
        "interlocutor types": InterlocutorType,
        "contacts": Contact,
    }
    for name, model in tables.items():
        counted[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return counted
