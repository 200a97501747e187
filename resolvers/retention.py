"""`carnet retention` (DOMAIN.md rule 23): the contacts of prospects kept too long.

The French regulator's rule of thumb: a prospect's contact with no activity for three years is
erased. "No activity" for a contact all of whose links are to prospects: no follow-up, no new
link, no event and no change of the card since the cut-off. Contacts already erased (an
`anonymizeContact` or `retention` entry in their history) and merged ones are left alone, so
running it twice erases nothing the second time.
"""

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ClientStatus,
    Contact,
    ContactChange,
    ContactLink,
    ContactStatus,
    Event,
    EventParticipation,
    Organization,
    OrganizationKind,
)
from resolvers.access import Actor
from resolvers.erasure import anonymize_contact

ERASING_OPERATIONS = ("anonymizeContact", "retention")
REASON = "Rétention : prospect sans activité depuis {since} (règle des 3 ans de la CNIL)."


def _not_a_prospect() -> ColumnElement[bool]:
    return and_(
        ContactLink.contact_id == Contact.id,
        ContactLink.organization_id == Organization.id,
        or_(Organization.kind != OrganizationKind.CLIENT, Organization.status != ClientStatus.PROSPECT),
    )


async def stale_prospect_contacts(session: AsyncSession, *, since: datetime, since_day: date) -> list[int]:
    """The ids of prospects' contacts with no follow-up, no new link, no event, no change since then."""
    prospect_link = exists().where(
        ContactLink.contact_id == Contact.id,
        ContactLink.organization_id == Organization.id,
        Organization.kind == OrganizationKind.CLIENT,
        Organization.status == ClientStatus.PROSPECT,
    )
    other_link = exists().where(_not_a_prospect())
    new_link = exists().where(ContactLink.contact_id == Contact.id, ContactLink.created_at >= since)
    recent_event = exists().where(
        EventParticipation.contact_id == Contact.id,
        EventParticipation.event_id == Event.id,
        Event.starts_on >= since_day,
    )
    erased = exists().where(
        ContactChange.contact_id == Contact.id, ContactChange.operation.in_(ERASING_OPERATIONS)
    )
    query = (
        select(Contact.id)
        .where(
            Contact.status != ContactStatus.MERGED,
            prospect_link,
            ~other_link,
            or_(Contact.last_follow_up_on.is_(None), Contact.last_follow_up_on < since_day),
            ~new_link,
            ~recent_event,
            Contact.updated_at < since,
            ~erased,
        )
        .order_by(Contact.id)
    )
    return list(await session.scalars(query))


async def erase_stale(session: AsyncSession, actor: Actor, contact_ids: Sequence[int], *, since: date) -> int:
    """Anonymise these contacts (those still stale are the caller's to choose); how many were."""
    for contact_id in contact_ids:
        await anonymize_contact(
            session, actor, contact_id=contact_id, reason=REASON.format(since=since.isoformat()), purge=False
        )
    return len(contact_ids)
