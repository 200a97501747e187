"""Reading contact cards: what a contact shows, and its relations, batched per request.

Every batch that returns contacts, or objects that point to one, goes through
`visible_contact(viewer)`: the portal never meets a hidden or disappeared contact.
"""

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import KeyIn
from db.models import (
    Affair,
    Civility,
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkSite,
    Event,
    EventParticipation,
    ExternalCollaborator,
    ExtranetUser,
    Organization,
    Site,
    Target,
    TargetMember,
)
from resolvers.access import Viewer, visible_contact
from resolvers.keyed import (
    Joined,
    core_rows,
    in_key_order,
    joined_rows_by_owner,
    member_rows_by_owner,
    member_rows_query,
    members_by_owner,
)
from resolvers.nodes import owned_by_id
from resolvers.rows import (
    EventRow,
    LinkRow,
    OrganizationRow,
    ParticipationRow,
    SiteRow,
    TargetRow,
    columns_of,
)

CIVILITY_ABBREVIATIONS = {
    Civility.MR: "M.",
    Civility.MRS: "Mme",
    Civility.DR: "Dr",
    Civility.PR: "Pr",
    Civility.ME: "Me",
}
LINKEDIN_SEARCH = "https://www.linkedin.com/search/results/people/?keywords="


def display_name(civility: Civility | None, first_name: str | None, last_name: str) -> str:
    """ "Mme Marie DUPONT": civility abbreviation, first name, last name in upper case."""
    parts = [CIVILITY_ABBREVIATIONS[civility] if civility else None, first_name, last_name.upper()]
    return " ".join([part for part in parts if part])


def linkedin_search_url(first_name: str | None, last_name: str, organization_name: str | None) -> str:
    """The generated people-search link of rule 8, percent-encoded (a space is %20)."""
    keywords = " ".join(part for part in (first_name, last_name, organization_name) if part)
    return LINKEDIN_SEARCH + quote(keywords, safe="")


def link_is_active(left_on: date | None, today: date) -> bool:
    """A link's function ends on its leaving day: active while `leftOn` is null or after today."""
    return left_on is None or left_on > today


async def contacts_by_id(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> list[Contact | None]:
    query = select(Contact).where(KeyIn(Contact.id, ids), visible_contact(viewer))
    rows = await session.scalars(query)
    return in_key_order(ids, {row.id: row for row in rows}, None)


# A link's organisation and a participation's event are read in their row's statement: a
# page's links name some 100 organisations, its participations some 100 events, and a statement
# of their own each cost more than the repeated columns (a round trip to the database thread).
_LINKS = (
    select(*columns_of(LinkRow._fields, ContactLink), *columns_of(OrganizationRow._fields, Organization))
    .join(Organization, Organization.id == ContactLink.organization_id)
    .where(KeyIn(ContactLink.contact_id))
    .order_by(ContactLink.is_primary.desc(), ContactLink.id)
)
_PRIMARY_ORGANIZATION_NAMES = (
    select(ContactLink.contact_id, Organization.name)
    .join(Organization, Organization.id == ContactLink.organization_id)
    .where(KeyIn(ContactLink.contact_id), ContactLink.is_primary.is_(True))
)
_SITES = member_rows_query(
    owner=ContactLinkSite.link_id,
    member=Site,
    fields=SiteRow._fields,
    joined_on=Site.id == ContactLinkSite.site_id,
    order_by=(Site.name_key, Site.id),
)
_TARGETS = member_rows_query(
    owner=TargetMember.contact_id,
    member=Target,
    fields=TargetRow._fields,
    joined_on=Target.id == TargetMember.target_id,
    order_by=(Target.name_key, Target.id),
)
_PARTICIPATIONS = (
    select(*columns_of(ParticipationRow._fields, EventParticipation), *columns_of(EventRow._fields, Event))
    .join(Event, Event.id == EventParticipation.event_id)
    .where(KeyIn(EventParticipation.contact_id))
    .order_by(Event.starts_on.desc(), Event.id)
)


async def links_by_contact_id(
    session: AsyncSession, ids: Sequence[int]
) -> Joined[list[LinkRow], int, OrganizationRow]:
    """A contact's links, primary first, then oldest first; and their organisations."""
    return await joined_rows_by_owner(
        session,
        ids,
        _LINKS,
        make=LinkRow._make,
        width=len(LinkRow._fields),
        make_related=OrganizationRow._make,
        owner=attrgetter("contact_id"),
        related_key=attrgetter("organization_id"),
    )


async def primary_organization_name_by_contact_id(
    session: AsyncSession, ids: Sequence[int]
) -> list[str | None]:
    rows = await core_rows(session, _PRIMARY_ORGANIZATION_NAMES, ids)
    return in_key_order(ids, {row.contact_id: row.name for row in rows}, None)


async def sites_by_link_id(session: AsyncSession, ids: Sequence[int]) -> list[list[SiteRow]]:
    return await member_rows_by_owner(session, ids, _SITES, SiteRow._make)


async def affairs_by_contact_id(session: AsyncSession, ids: Sequence[int]) -> list[list[Affair]]:
    return await members_by_owner(
        session,
        ids,
        owner=ContactAffair.contact_id,
        member=Affair,
        joined_on=Affair.id == ContactAffair.affair_id,
        order_by=(Affair.name_key, Affair.id),
    )


async def targets_by_contact_id(session: AsyncSession, ids: Sequence[int]) -> list[list[TargetRow]]:
    return await member_rows_by_owner(session, ids, _TARGETS, TargetRow._make)


async def participations_by_contact_id(
    session: AsyncSession, ids: Sequence[int]
) -> Joined[list[ParticipationRow], int, EventRow]:
    """A contact's participations, latest event first; and their events."""
    return await joined_rows_by_owner(
        session,
        ids,
        _PARTICIPATIONS,
        make=ParticipationRow._make,
        width=len(ParticipationRow._fields),
        make_related=EventRow._make,
        owner=attrgetter("contact_id"),
        related_key=attrgetter("event_id"),
    )


async def extranet_user_by_contact_id(session: AsyncSession, ids: Sequence[int]) -> list[ExtranetUser | None]:
    rows = await session.scalars(select(ExtranetUser).where(KeyIn(ExtranetUser.contact_id, ids)))
    return in_key_order(ids, {row.contact_id: row for row in rows}, None)


async def collaborator_by_contact_id(
    session: AsyncSession, ids: Sequence[int]
) -> list[ExternalCollaborator | None]:
    rows = await session.scalars(
        select(ExternalCollaborator).where(KeyIn(ExternalCollaborator.contact_id, ids))
    )
    return in_key_order(ids, {row.contact_id: row for row in rows}, None)


async def extranet_users_by_id(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int]
) -> list[ExtranetUser | None]:
    """Accounts as nodes: shown only when their contact may be seen."""
    return await owned_by_id(session, viewer, ExtranetUser, ids)


async def collaborators_by_id(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int]
) -> list[ExternalCollaborator | None]:
    return await owned_by_id(session, viewer, ExternalCollaborator, ids)
