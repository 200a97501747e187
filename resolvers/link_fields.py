"""What is true of a contact at one organisation: checking and applying a link's fields.

A `LinkEdit` holds what the caller gave: a field left UNSET is unchanged, None clears it.
Recipient flags, sites and interlocutor types exist only on client links.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ContactLink, InterlocutorType, Organization, OrganizationKind, Site
from resolvers.card_fields import (
    CLIENT_ONLY,
    GRAPHQL_NAMES,
    LINK_FIELDS,
    UNSET,
    LinkEdit,
    Unset,
    cleaned,
    given,
)
from resolvers.cards import Card, Link
from resolvers.errors import Duplicate, ErrorCode, NotFound, Path, Problems
from resolvers.organizations import OrganizationRef


@dataclass(frozen=True)
class NewLink:
    """A link to make: the organisation, and the fields it starts with."""

    organization: OrganizationRef
    fields: LinkEdit = field(default_factory=LinkEdit)


async def find_organization(session: AsyncSession, ref: OrganizationRef, path: Path) -> Organization:
    """The organisation an input names; NotFound also when the id claimed another kind."""
    organization = await session.get(Organization, ref.id)
    if organization is None or organization.kind is not ref.kind:
        raise NotFound(path, "No organisation has this id.")
    return organization


def new_link(card: Card, organization: Organization, *, primary: bool, now: datetime) -> Link:
    """A link of the card to `organization`, not yet written (save_card writes it)."""
    row = ContactLink(
        contact_id=card.contact.id, organization_id=organization.id, is_primary=primary, created_at=now
    )
    for card_field in LINK_FIELDS:
        if card_field.on_new_link is not None and card_field.column != "is_primary":
            setattr(row, card_field.column, card_field.on_new_link)
    link = Link(row=row, organization=organization)
    card.links.append(link)
    return link


async def apply_link_fields(
    session: AsyncSession, card: Card, link: Link, fields: LinkEdit, path: Path
) -> None:
    """Check every given field (all problems at once), then apply them to `link`."""
    problems = Problems()
    values = cleaned(fields, LINK_FIELDS, path, date.min, problems)  # no link field is about today
    _check_client_only(link, fields, path, problems)
    _check_primary(link, fields.is_primary, path, problems)
    site_ids, type_codes = fields.site_ids, fields.interlocutor_type_codes
    if link.organization.kind is OrganizationKind.CLIENT:
        if site_ids is not UNSET and site_ids:
            await check_sites(session, link.organization.id, site_ids, path, problems)
        await _check_types(session, link, None if type_codes is UNSET else type_codes, path, problems)
    problems.raise_if_any()
    for name, value in given(values, LINK_FIELDS).items():
        setattr(link.row, name, value)
    if site_ids is not UNSET:
        link.site_ids = set(site_ids or ())
    if type_codes is not UNSET:
        link.type_codes = set(type_codes or ())
    if fields.is_primary is True:
        make_primary(card, link)


def make_primary(card: Card, link: Link) -> None:
    for other in card.links:
        other.row.is_primary = other is link


def _check_client_only(link: Link, fields: LinkEdit, path: Path, problems: Problems) -> None:
    if link.organization.kind is OrganizationKind.CLIENT:
        return
    for name in CLIENT_ONLY:
        value = getattr(fields, name)
        if value is not UNSET and value:
            problems.add(
                ErrorCode.INVALID,
                (*path, GRAPHQL_NAMES[name]),
                "Only a client link has recipient flags, sites and interlocutor types.",
            )


def _check_primary(link: Link, is_primary: bool | Unset | None, path: Path, problems: Problems) -> None:
    if is_primary is None:
        problems.add(ErrorCode.INVALID, (*path, "isPrimary"), "isPrimary cannot be null.")
    elif is_primary is False and link.row.is_primary:
        problems.add(ErrorCode.INVALID, (*path, "isPrimary"), "Make another link primary instead.")


async def check_sites(
    session: AsyncSession,
    client_id: int | None,
    site_ids: Sequence[int | None],
    path: Path,
    problems: Problems,
) -> set[int]:
    """Each site known, and the client's when there is a client to compare with; the known ids.

    A None among `site_ids` is an id that named no site: NOT_FOUND at its place, like an unknown one.
    """
    known = {site_id for site_id in site_ids if site_id is not None}
    owners = dict((await session.execute(select(Site.id, Site.client_id).where(Site.id.in_(known)))).all())
    for index, site_id in enumerate(site_ids):
        where = (*path, "siteIds", str(index))
        if site_id not in owners:
            problems.add(ErrorCode.NOT_FOUND, where, "No site has this id.")
        elif client_id is not None and owners[site_id] != client_id:
            problems.add(ErrorCode.INVALID, where, "This site belongs to another client.")
    return known


async def _check_types(
    session: AsyncSession, link: Link, codes: Sequence[str] | None, path: Path, problems: Problems
) -> None:
    """Known, unarchived types; an archived one may stay on a link that already has it."""
    if not codes:
        return
    archived = dict(
        (
            await session.execute(
                select(InterlocutorType.code, InterlocutorType.archived).where(
                    InterlocutorType.code.in_(codes)
                )
            )
        ).all()
    )
    for index, code in enumerate(codes):
        where = (*path, "interlocutorTypeCodes", str(index))
        if code not in archived:
            problems.add(ErrorCode.INVALID, where, f"No interlocutor type has the code {code!r}.")
        elif archived[code] and code not in link.type_codes:
            problems.add(ErrorCode.INVALID, where, f"The interlocutor type {code!r} is archived.")


def refuse_duplicate_link(card: Card, organization_id: int, path: Path) -> None:
    """Rule 10: one link per organisation."""
    if card.link_to(organization_id) is not None:
        raise Duplicate(path, "The contact is already linked to this organisation.")
