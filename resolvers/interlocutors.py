"""A client's interlocutors (DOMAIN.md rule 6): its active, typed links, of contacts that have
not disappeared and that the viewer may see, in the contacts' order."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Contact,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactStatus,
    Organization,
    OrganizationKind,
)
from resolvers.access import Viewer, listed_contact


@dataclass(frozen=True)
class InterlocutorsRequest:
    """One client's interlocutors to read: the client, the type asked for (any without one), today."""

    client_id: int
    type_code: str | None
    today: date


async def interlocutors(
    session: AsyncSession, viewer: Viewer, *, client_id: int, type_code: str | None, today: date
) -> list[ContactLink]:
    """A client's active links typed `type_code` (any type without it), of contacts that have not
    disappeared, in the contacts' order."""
    request = InterlocutorsRequest(client_id, type_code, today)
    return (await interlocutors_by_request(session, viewer, [request]))[0]


async def interlocutors_by_request(
    session: AsyncSession, viewer: Viewer, requests: Sequence[InterlocutorsRequest]
) -> list[list[ContactLink]]:
    """The interlocutors of several clients (under a page of clients): one statement for all the
    clients asked about the same type, whatever their number."""
    found: dict[InterlocutorsRequest, list[ContactLink]] = {request: [] for request in requests}
    shapes: dict[tuple[str | None, date], list[int]] = {}
    for request in requests:
        shapes.setdefault((request.type_code, request.today), []).append(request.client_id)
    for (type_code, today), client_ids in shapes.items():
        for link in await session.scalars(_interlocutors_query(viewer, client_ids, type_code, today)):
            found[InterlocutorsRequest(link.organization_id, type_code, today)].append(link)
    return [found[request] for request in requests]


def _interlocutors_query(
    viewer: Viewer, client_ids: Sequence[int], type_code: str | None, today: date
) -> Select[ContactLink]:
    typed = [ContactLinkInterlocutorType.link_id == ContactLink.id]
    if type_code is not None:
        typed.append(ContactLinkInterlocutorType.type_code == type_code)
    return (
        select(ContactLink)
        .join(Contact, Contact.id == ContactLink.contact_id)
        .join(Organization, Organization.id == ContactLink.organization_id)
        .where(
            ContactLink.organization_id.in_(client_ids),
            Organization.kind == OrganizationKind.CLIENT,
            or_(ContactLink.left_on.is_(None), ContactLink.left_on > today),
            exists().where(*typed),
            Contact.status == ContactStatus.ACTIVE,  # rule 6: a disappeared contact is no one's interlocutor
            listed_contact(viewer),
        )
        .order_by(Contact.last_name_key, Contact.first_name_key, Contact.id)
    )
