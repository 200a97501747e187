"""A card over its life: quick creation from an affair, follow-up, disappearance and return
(DOMAIN.md rules 2, 4 and 9).
"""

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    TEXT_MAX,
    Affair,
    Contact,
    ContactStatus,
    ExternalCollaborator,
    ExtranetUser,
    OrganizationKind,
)
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit
from resolvers.cards import load_card, save_card
from resolvers.contact_edits import assign, contact_values, create_contact
from resolvers.errors import DomainError, ErrorCode, Invalid, NotAllowed, Problems
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from resolvers.text import clean

CONTACT_PATH = ("input", "contactId")


async def quick_create_contact(
    session: AsyncSession, actor: Actor, *, affair_id: int, fields: ContactEdit
) -> Contact:
    """The strict minimum from an affair: attached to it, linked to its client as primary."""
    problems = _field_problems(fields, actor.today)
    affair = await session.get(Affair, affair_id)
    if affair is None:
        problems.add(ErrorCode.NOT_FOUND, ("input", "affairId"), "No affair has this id.")
        raise DomainError(problems.found)
    problems.raise_if_any()
    return await create_contact(
        session,
        actor,
        fields=fields,
        link=NewLink(OrganizationRef(affair.client_id, OrganizationKind.CLIENT)),
        affair_ids=[affair.id],
    )


def _field_problems(fields: ContactEdit, today: date) -> Problems:
    """The card's own fields checked first, so that a bad affair and bad fields are named together."""
    problems = Problems()
    try:
        contact_values(fields, ("input",), today=today)
    except DomainError as error:
        problems.extend(error)
    return problems


async def mark_followed_up(
    session: AsyncSession, actor: Actor, *, contact_id: int, expected_version: int | None, on: date
) -> Contact:
    """Record the day of the last follow-up; a day in the future is refused."""
    if on > actor.today:
        raise Invalid(("input", "on"), "A follow-up cannot be in the future.")
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    assign(card, ContactEdit(last_follow_up_on=on))
    await save_card(session, card, actor)
    return card.contact


async def declare_disappeared(
    session: AsyncSession,
    actor: Actor,
    *,
    contact_id: int,
    expected_version: int | None,
    on: date,
    reason: str | None,
) -> Contact:
    """The person is gone: status, day and reason recorded, accounts deactivated, nothing deleted."""
    cleaned = _disappearance(on, reason, actor.today)
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    if card.contact.status is ContactStatus.DISAPPEARED:
        raise NotAllowed(CONTACT_PATH, "The contact has already disappeared.", contact_id=contact_id)
    assign(
        card, ContactEdit(status=ContactStatus.DISAPPEARED, disappeared_on=on, disappearance_reason=cleaned)
    )
    await _deactivate_accounts(session, contact_id)
    await save_card(session, card, actor)
    return card.contact


def _disappearance(on: date, reason: str | None, today: date) -> str | None:
    """The reason, trimmed and bounded; the day and the reason checked together."""
    problems, cleaned = Problems(), None
    if on > today:
        problems.add(ErrorCode.INVALID, ("input", "on"), "A disappearance cannot be in the future.")
    try:
        cleaned = clean(reason, ("input", "reason"), TEXT_MAX)
    except DomainError as error:
        problems.extend(error)
    problems.raise_if_any()
    return cleaned


async def _deactivate_accounts(session: AsyncSession, contact_id: int) -> None:
    """The accounts are objects of their own: switched off here, never deleted (rule 15)."""
    for account in (ExtranetUser, ExternalCollaborator):
        await session.execute(
            update(account)
            .where(account.contact_id == contact_id, account.active.is_(True))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )


async def reinstate_contact(
    session: AsyncSession, actor: Actor, *, contact_id: int, expected_version: int | None
) -> Contact:
    """Bring a disappeared contact back; its accounts stay inactive until reactivated."""
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    if card.contact.status is ContactStatus.ACTIVE:
        raise NotAllowed(CONTACT_PATH, "The contact has not disappeared.", contact_id=contact_id)
    assign(card, ContactEdit(status=ContactStatus.ACTIVE, disappeared_on=None, disappearance_reason=None))
    await save_card(session, card, actor)
    return card.contact
