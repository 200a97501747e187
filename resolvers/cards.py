"""The contact card as one aggregate: loaded locked, changed in memory, saved with its version
and history (DOMAIN.md rules 16 and 18). Every single-contact mutation goes through `Card`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.models import (
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    ContactStatus,
    EventParticipation,
    Organization,
    ParticipationStatus,
    TargetMember,
)
from resolvers import history
from resolvers.access import Actor
from resolvers.card_sets import SavedSets, write_set_changes
from resolvers.errors import Conflict, NotAllowed, NotFound
from resolvers.history_text import Difference, Shown, contact_shown, differences, link_shown
from resolvers.search import refresh_contact_keys


@dataclass
class Link:
    """A link of the card with the sets that hang off it."""

    row: ContactLink
    organization: Organization
    site_ids: set[int] = field(default_factory=set)
    type_codes: set[str] = field(default_factory=set)


@dataclass
class Card:
    contact: Contact
    links: list[Link]
    affair_ids: set[int]
    target_ids: set[int]
    event_statuses: dict[int, ParticipationStatus]
    seen_version: int
    original: Shown = field(default_factory=dict)
    removed: list[ContactLink] = field(default_factory=list)
    _saved_sets: SavedSets = field(default_factory=SavedSets)

    def remove(self, link: Link) -> None:
        """Take a link off the card; it is deleted, with its sites and types, on save."""
        self.links.remove(link)
        self.removed.append(link.row)

    def link_to(self, organization_id: int) -> Link | None:
        return next((link for link in self.links if link.row.organization_id == organization_id), None)

    @property
    def primary(self) -> Link | None:
        return next((link for link in self.links if link.row.is_primary), None)

    def snapshot(self) -> Shown:
        """What the card shows, as history writes it, keyed by (organisation, field)."""
        shown = contact_shown(self.contact, self.affair_ids, self.target_ids, self.event_statuses)
        for link in self.links:
            shown.update(link_shown(link.row.organization_id, link.row, link.site_ids, link.type_codes))
        return shown


async def load_card(
    session: AsyncSession,
    contact_id: int,
    *,
    expected_version: int | None,
    path: tuple[str, ...] = ("input", "id"),
) -> Card:
    """The card, its row locked for this transaction; NotFound, or Conflict on a stale version."""
    contact = await session.scalar(select(Contact).where(Contact.id == contact_id).with_for_update())
    if contact is None:
        raise NotFound(path, "No contact has this id.")
    if contact.status is ContactStatus.MERGED:
        message = "This contact was merged into another: change that one."
        raise NotAllowed(path, message, contact_id=contact_id)
    if expected_version is not None and contact.version != expected_version:
        raise Conflict(contact_id, expected_version, contact.version)
    card = Card(
        contact=contact,
        links=await _links(session, contact_id),
        affair_ids=set(
            await session.scalars(
                select(ContactAffair.affair_id).where(ContactAffair.contact_id == contact_id)
            )
        ),
        target_ids=set(
            await session.scalars(select(TargetMember.target_id).where(TargetMember.contact_id == contact_id))
        ),
        event_statuses=dict(
            (
                await session.execute(
                    select(EventParticipation.event_id, EventParticipation.status).where(
                        EventParticipation.contact_id == contact_id
                    )
                )
            ).all()
        ),
        seen_version=contact.version,
    )
    _remember(card)
    return card


async def _links(session: AsyncSession, contact_id: int) -> list[Link]:
    rows = (
        await session.execute(
            select(ContactLink, Organization)
            .join(Organization, Organization.id == ContactLink.organization_id)
            .where(ContactLink.contact_id == contact_id)
            .order_by(ContactLink.id)
        )
    ).all()
    links = [Link(row=row, organization=organization) for row, organization in rows]
    by_id = {link.row.id: link for link in links}
    if by_id:
        for link_id, site_id in await session.execute(
            select(ContactLinkSite.link_id, ContactLinkSite.site_id).where(ContactLinkSite.link_id.in_(by_id))
        ):
            by_id[link_id].site_ids.add(site_id)
        typed = select(ContactLinkInterlocutorType.link_id, ContactLinkInterlocutorType.type_code)
        for link_id, code in await session.execute(
            typed.where(ContactLinkInterlocutorType.link_id.in_(by_id))
        ):
            by_id[link_id].type_codes.add(code)
    return links


def new_card(contact: Contact) -> Card:
    """A card for a contact being created: nothing shown before, so every field set is recorded."""
    card = Card(
        contact=contact, links=[], affair_ids=set(), target_ids=set(), event_statuses={}, seen_version=0
    )
    card._saved_sets = _sets(card)
    return card


def _remember(card: Card) -> None:
    card.original = card.snapshot()
    card._saved_sets = _sets(card)


def _sets(card: Card) -> SavedSets:
    return SavedSets(
        affairs=set(card.affair_ids),
        targets=set(card.target_ids),
        events=dict(card.event_statuses),
        sites={link.row.id: set(link.site_ids) for link in card.links if link.row.id is not None},
        types={link.row.id: set(link.type_codes) for link in card.links if link.row.id is not None},
    )


async def save_card(session: AsyncSession, card: Card, actor: Actor) -> list[Difference]:
    """Write what changed on the card; when anything did, raise its version and record it.

    An edit that changes nothing writes nothing: no new version, no history entry.
    """
    await _flush_rows(session, card)
    await write_set_changes(session, card.contact.id, card._saved_sets, _sets(card))
    changes = differences(card.contact.id, card.original, card.snapshot())
    if changes:
        if card.seen_version:
            await _bump_version(session, card, actor.now)
        await history.record(session, contact_id=card.contact.id, actor=actor, changes=changes)
        await refresh_contact_keys(session, [card.contact.id])
    _remember(card)
    return changes


async def _flush_rows(session: AsyncSession, card: Card) -> None:
    """Flush the rows, demoting the old primary link before promoting the new one.

    A unique index allows one primary link per contact: the two updates must not be
    flushed in the other order.
    """
    for row in card.removed:
        await session.delete(row)
    promoted = [link.row for link in card.links if link.row.is_primary and not _was_primary(card, link)]
    for row in promoted:
        row.is_primary = False
    for link in card.links:
        if link.row.id is None:
            session.add(link.row)
    await session.flush()
    for row in promoted:
        row.is_primary = True
    await session.flush()


def _was_primary(card: Card, link: Link) -> bool:
    return card.original.get((link.row.organization_id, "isPrimary")) == "true"


async def _bump_version(session: AsyncSession, card: Card, now: datetime) -> None:
    """Raise the version in the statement that checks it: two writers can never both win."""
    contact = card.contact
    bumped = await session.scalar(
        update(Contact)
        .where(Contact.id == contact.id, Contact.version == card.seen_version)
        .values(version=Contact.version + 1, updated_at=now)
        .returning(Contact.version)
        .execution_options(synchronize_session=False)
    )
    if bumped is None:
        current = await session.scalar(select(Contact.version).where(Contact.id == contact.id))
        raise Conflict(contact.id, card.seen_version, current or 0)
    set_committed_value(contact, "version", bumped)
    set_committed_value(contact, "updated_at", now)
    card.seen_version = bumped
