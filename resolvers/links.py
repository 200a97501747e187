"""A contact's links to organisations: linking, changing a link, unlinking (DOMAIN.md rules 1, 10).

Each use case goes through the card: loaded locked with its version checked, changed in
memory, saved with a new version and one history entry when anything shows differently.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact
from resolvers.access import Actor
from resolvers.card_fields import LinkEdit
from resolvers.cards import Card, Link, load_card, save_card
from resolvers.errors import LastAttachment, NotFound
from resolvers.link_fields import (
    NewLink,
    apply_link_fields,
    find_organization,
    make_primary,
    new_link,
    refuse_duplicate_link,
)
from resolvers.organizations import OrganizationRef

CONTACT_PATH = ("input", "contactId")
ORGANIZATION_PATH = ("input", "organizationId")


async def link_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    contact_id: int,
    expected_version: int | None,
    link: NewLink,
) -> Contact:
    """Attach the contact to one more organisation, with that link's own details."""
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    where = ("input", "link", "organizationId")
    organization = await find_organization(session, link.organization, where)
    refuse_duplicate_link(card, organization.id, where)
    added = new_link(card, organization, primary=False, now=actor.now)
    await apply_link_fields(session, card, added, link.fields, ("input", "link"))
    await save_card(session, card, actor)
    return card.contact


async def update_contact_link(
    session: AsyncSession,
    actor: Actor,
    *,
    contact_id: int,
    expected_version: int | None,
    organization: OrganizationRef,
    fields: LinkEdit,
) -> Contact:
    """Change the given fields of the contact's link to an organisation; `is_primary` promotes it."""
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    link = _link_to(card, organization)
    await apply_link_fields(session, card, link, fields, ("input",))
    await save_card(session, card, actor)
    return card.contact


async def unlink_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    contact_id: int,
    expected_version: int | None,
    organization: OrganizationRef,
) -> Contact:
    """Remove a link; the last one is refused, and the oldest remaining replaces a removed primary."""
    card = await load_card(session, contact_id, expected_version=expected_version, path=CONTACT_PATH)
    link = _link_to(card, organization)
    if len(card.links) == 1:
        raise LastAttachment(ORGANIZATION_PATH, "A contact stays attached to at least one organisation.")
    card.remove(link)
    if link.row.is_primary:
        make_primary(card, oldest(card.links))
    await save_card(session, card, actor)
    return card.contact


def oldest(links: list[Link]) -> Link:
    """The link made first; links made in one transaction share a time, so the id decides."""
    return min(links, key=lambda link: (link.row.created_at, link.row.id))


def _link_to(card: Card, organization: OrganizationRef) -> Link:
    link = card.link_to(organization.id)
    if link is None or link.organization.kind is not organization.kind:
        raise NotFound(ORGANIZATION_PATH, "The contact has no link to this organisation.")
    return link
