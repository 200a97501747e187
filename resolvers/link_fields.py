"""What is true of a contact at one organisation: checking and applying a link's fields.

`fields` holds only what the caller gave (snake_case keys): a key left out is unchanged,
None clears it. Recipient flags, sites and interlocutor types exist only on client links.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ContactLink, InterlocutorType, Organization, OrganizationKind, Site
from resolvers.card_fields import CLIENT_ONLY, GRAPHQL_NAMES, LINK_BY_COLUMN, LINK_FIELDS, cleaned
from resolvers.cards import Card, Link
from resolvers.errors import Duplicate, ErrorCode, NotFound, Path, Problems
from resolvers.organizations import OrganizationRef


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
    for field in LINK_FIELDS:
        if field.on_new_link is not None and field.column != "is_primary":
            setattr(row, field.column, field.on_new_link)
    link = Link(row=row, organization=organization)
    card.links.append(link)
    return link


async def apply_link_fields(
    session: AsyncSession, card: Card, link: Link, fields: Mapping[str, Any], path: Path
) -> None:
    """Check every given field (all problems at once), then apply them to `link`."""
    problems = Problems()
    values = cleaned(fields, LINK_BY_COLUMN, path, date.min, problems)  # no link field is about today
    _check_client_only(link, fields, path, problems)
    _check_primary(link, fields, path, problems)
    if link.organization.kind is OrganizationKind.CLIENT:
        if fields.get("site_ids"):
            await check_sites(session, link.organization.id, fields["site_ids"], path, problems)
        await _check_types(session, link, fields.get("interlocutor_type_codes"), path, problems)
    problems.raise_if_any()
    for name, value in values.items():
        setattr(link.row, name, value)
    if "site_ids" in fields:
        link.site_ids = set(fields["site_ids"] or ())
    if "interlocutor_type_codes" in fields:
        link.type_codes = set(fields["interlocutor_type_codes"] or ())
    if fields.get("is_primary"):
        make_primary(card, link)


def make_primary(card: Card, link: Link) -> None:
    for other in card.links:
        other.row.is_primary = other is link


def _check_client_only(link: Link, fields: Mapping[str, Any], path: Path, problems: Problems) -> None:
    if link.organization.kind is OrganizationKind.CLIENT:
        return
    for name in CLIENT_ONLY:
        if fields.get(name):
            problems.add(
                ErrorCode.INVALID,
                (*path, GRAPHQL_NAMES[name]),
                "Only a client link has recipient flags, sites and interlocutor types.",
            )


def _check_primary(link: Link, fields: Mapping[str, Any], path: Path, problems: Problems) -> None:
    if "is_primary" not in fields:
        return
    if fields["is_primary"] is None:
        problems.add(ErrorCode.INVALID, (*path, "isPrimary"), "isPrimary cannot be null.")
    elif fields["is_primary"] is False and link.row.is_primary:
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
