"""What is true of a contact at one organisation: checking and applying a link's fields.

`fields` holds only what the caller gave (snake_case keys): a key left out is unchanged,
None clears it. Recipient flags, sites and interlocutor types exist only on client links.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TEXT_MAX, ContactLink, InterlocutorType, Organization, OrganizationKind, Site
from resolvers.cards import Card, Link
from resolvers.coordinates import clean_email, clean_phone
from resolvers.errors import DomainError, Duplicate, ErrorCode, NotFound, Path, Problems
from resolvers.organizations import OrganizationRef
from resolvers.text import clean

TEXTS = ("function", "department", "extension")
PHONES = ("phone", "mobile", "fax")
FLAGS = (
    "receives_invoices",
    "receives_invoices_all_sites",
    "receives_reminders",
    "receives_reminders_all_sites",
)
CLIENT_ONLY = (*FLAGS, "site_ids", "interlocutor_type_codes")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


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
    for flag in FLAGS:
        setattr(row, flag, False)
    link = Link(row=row, organization=organization)
    card.links.append(link)
    return link


async def apply_link_fields(
    session: AsyncSession, card: Card, link: Link, fields: Mapping[str, Any], path: Path
) -> None:
    """Check every given field (all problems at once), then apply them to `link`."""
    problems = Problems()
    values = _plain_values(fields, path, problems)
    _check_client_only(link, fields, path, problems)
    _check_primary(link, fields, path, problems)
    if link.organization.kind is OrganizationKind.CLIENT:
        await _check_sites(session, link, fields.get("site_ids"), path, problems)
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


def _plain_values(fields: Mapping[str, Any], path: Path, problems: Problems) -> dict[str, Any]:
    """The link's columns, cleaned: texts trimmed and bounded, coordinates normalised."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        where = (*path, camel(name))
        try:
            if name in TEXTS:
                values[name] = clean(value, where, TEXT_MAX)
            elif name == "email":
                values[name] = clean_email(value, where)
            elif name in PHONES:
                values[name] = clean_phone(value, where)
            elif name == "left_on":
                values[name] = value
            elif name in FLAGS:
                values[name] = bool(value)  # null clears a flag
        except DomainError as error:
            problems.extend(error)
    return values


def _check_client_only(link: Link, fields: Mapping[str, Any], path: Path, problems: Problems) -> None:
    if link.organization.kind is OrganizationKind.CLIENT:
        return
    for name in CLIENT_ONLY:
        if fields.get(name):
            problems.add(
                ErrorCode.INVALID,
                (*path, camel(name)),
                "Only a client link has recipient flags, sites and interlocutor types.",
            )


def _check_primary(link: Link, fields: Mapping[str, Any], path: Path, problems: Problems) -> None:
    if "is_primary" not in fields:
        return
    if fields["is_primary"] is None:
        problems.add(ErrorCode.INVALID, (*path, "isPrimary"), "isPrimary cannot be null.")
    elif fields["is_primary"] is False and link.row.is_primary:
        problems.add(ErrorCode.INVALID, (*path, "isPrimary"), "Make another link primary instead.")


async def _check_sites(
    session: AsyncSession, link: Link, site_ids: Sequence[int] | None, path: Path, problems: Problems
) -> None:
    if not site_ids:
        return
    owners = dict((await session.execute(select(Site.id, Site.client_id).where(Site.id.in_(site_ids)))).all())
    for index, site_id in enumerate(site_ids):
        where = (*path, "siteIds", str(index))
        if site_id not in owners:
            problems.add(ErrorCode.NOT_FOUND, where, "No site has this id.")
        elif owners[site_id] != link.organization.id:
            problems.add(ErrorCode.INVALID, where, "This site belongs to another client.")


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
