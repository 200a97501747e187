"""Objects that belong to a contact, read by their own key (for `node`, `nodes` and look-ups).

Each is shown only when its contact may be seen (rule 7); a contact's history only to staff.
"""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Contact,
    ContactChange,
    ContactLink,
    EventParticipation,
    ExternalCollaborator,
    ExtranetUser,
    InterlocutorType,
)
from resolvers.access import Viewer, visible_contact
from resolvers.keyed import in_key_order

# What belongs to one contact and is shown as a node only when that contact may be seen (rule 7).
Owned = TypeVar("Owned", ContactLink, ExtranetUser, ExternalCollaborator)


async def owned_by_id(
    session: AsyncSession, viewer: Viewer, model: type[Owned], ids: Sequence[int]
) -> list[Owned | None]:
    """Rows of `model` by id, in the keys' order; None where absent or its contact is not visible."""
    query = (
        select(model)
        .join(Contact, Contact.id == model.contact_id)
        .where(model.id.in_(ids), visible_contact(viewer))
    )
    rows = await session.scalars(query)
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def links_by_id(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> list[ContactLink | None]:
    return await owned_by_id(session, viewer, ContactLink, ids)


async def participations_by_key(
    session: AsyncSession, viewer: Viewer, keys: Sequence[tuple[int, int]]
) -> list[EventParticipation | None]:
    """Participations by (event id, contact id)."""
    query = (
        select(EventParticipation)
        .join(Contact, Contact.id == EventParticipation.contact_id)
        .where(
            tuple_(EventParticipation.event_id, EventParticipation.contact_id).in_(list(keys)),
            visible_contact(viewer),
        )
    )
    rows = await session.scalars(query)
    return in_key_order(keys, {(row.event_id, row.contact_id): row for row in rows}, None)


async def changes_by_id(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int]
) -> list[ContactChange | None]:
    """History entries: the portal may not read history at all."""
    if not viewer.is_staff:
        return [None for _ in ids]
    rows = await session.scalars(select(ContactChange).where(ContactChange.id.in_(ids)))
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def interlocutor_types_by_code(
    session: AsyncSession, codes: Sequence[str]
) -> list[InterlocutorType | None]:
    rows = await session.scalars(select(InterlocutorType).where(InterlocutorType.code.in_(codes)))
    return in_key_order(codes, {row.code: row for row in rows}, None)
