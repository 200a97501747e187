"""Creating and editing a contact card (DOMAIN.md rules 1, 2, 5, 8, 16, 17)."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Affair,
    Contact,
    ContactStatus,
    Organization,
    OrganizationKind,
)
from resolvers.access import Actor
from resolvers.card_fields import CONTACT_FIELDS, ContactEdit, LinkEdit, cleaned, given
from resolvers.cards import Card, load_card, new_card, save_card
from resolvers.errors import ErrorCode, Invalid, Path, Problems
from resolvers.link_fields import NewLink, apply_link_fields, find_organization, new_link
from resolvers.organizations import OrganizationRef


def contact_values(fields: ContactEdit, path: Path, *, today: date) -> ContactEdit:
    """The card's own fields, cleaned; every problem reported at once."""
    problems = Problems()
    values = cleaned(fields, CONTACT_FIELDS, path, today, problems)
    problems.raise_if_any()
    return values


async def create_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    fields: ContactEdit,
    link: NewLink | None,
    affair_ids: Sequence[int],
) -> Contact:
    """A new card with its primary link: the given one, else the first affair's client."""
    values = contact_values(fields, ("input",), today=actor.today)
    now = actor.now
    if link is None and not affair_ids:
        raise Invalid(("input", "link"), "A contact needs a link to an organisation or an affair.")
    affairs = await _affairs(session, affair_ids)
    organization = await _primary_organization(session, link, affairs)
    contact = Contact(
        status=ContactStatus.ACTIVE, version=1, created_at=now, updated_at=now, hidden_from_crm=False
    )
    for name, value in given(values, CONTACT_FIELDS).items():
        setattr(contact, name, value)
    session.add(contact)
    await session.flush()
    card = new_card(contact)
    primary = new_link(card, organization, primary=True, now=now)
    await apply_link_fields(session, card, primary, link.fields if link else LinkEdit(), ("input", "link"))
    card.affair_ids = {affair.id for affair in affairs}
    await save_card(session, card, actor)
    return contact


async def _affairs(session: AsyncSession, affair_ids: Sequence[int]) -> list[Affair]:
    found = {row.id: row for row in await session.scalars(select(Affair).where(Affair.id.in_(affair_ids)))}
    problems = Problems()
    for index, affair_id in enumerate(affair_ids):
        if affair_id not in found:
            problems.add(ErrorCode.NOT_FOUND, ("input", "affairIds", str(index)), "No affair has this id.")
    problems.raise_if_any()
    return [found[affair_id] for affair_id in dict.fromkeys(affair_ids)]


async def _primary_organization(
    session: AsyncSession, link: NewLink | None, affairs: Sequence[Affair]
) -> Organization:
    if link is not None:
        return await find_organization(session, link.organization, ("input", "link", "organizationId"))
    return await find_organization(
        session, OrganizationRef(affairs[0].client_id, OrganizationKind.CLIENT), ("input", "affairIds", "0")
    )


async def update_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    contact_id: int,
    expected_version: int | None,
    fields: ContactEdit,
) -> Contact:
    """Change the given fields; a field left out is unchanged, None clears it."""
    values = contact_values(fields, ("input",), today=actor.today)
    card = await load_card(session, contact_id, expected_version=expected_version)
    assign(card, values)
    await save_card(session, card, actor)
    return card.contact


def assign(card: Card, values: ContactEdit) -> None:
    """Set the card's own given fields, touching only those that really change."""
    for name, value in given(values, CONTACT_FIELDS).items():
        if getattr(card.contact, name) != value:
            setattr(card.contact, name, value)
