"""Who is sent a client's sales invoices or payment reminders, and why (DOMAIN.md rule 3)."""

from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy import ColumnElement, Select, and_, null, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.models import (
    Contact,
    ContactLink,
    ContactLinkSite,
    ContactStatus,
    Organization,
    OrganizationKind,
    Site,
)
from resolvers.access import Viewer, visible_contact
from resolvers.errors import NotFound


class DocumentKind(Enum):
    INVOICE = "INVOICE"
    REMINDER = "REMINDER"


class RecipientReason(Enum):
    ALL_SITES = "ALL_SITES"
    ATTACHED_SITE = "ATTACHED_SITE"


# Per document: (the flag for the link's own sites, the flag for every site of the client).
FLAGS: dict[DocumentKind, tuple[QueryableAttribute[bool], QueryableAttribute[bool]]] = {
    DocumentKind.INVOICE: (ContactLink.receives_invoices, ContactLink.receives_invoices_all_sites),
    DocumentKind.REMINDER: (ContactLink.receives_reminders, ContactLink.receives_reminders_all_sites),
}


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    link: ContactLink
    email: str | None
    reason: RecipientReason


async def resolve_recipients(
    session: AsyncSession,
    viewer: Viewer,
    *,
    client_id: int,
    site_id: int | None,
    document: DocumentKind,
    today: date,
) -> list[Recipient]:
    """The recipients in name order; NotFound for an unknown client or a site that is not its own.

    One statement answers everything: the client's row, outer-joined to the site (when one is
    asked) and to the receiving links, so that an empty answer still tells an unknown client or
    a foreign site from a client nobody receives for.
    """
    rows = (await session.execute(_query(viewer, client_id, site_id, document, today))).all()
    if not rows:
        raise NotFound(("clientId",), "No client has this id.")
    if site_id is not None and rows[0].site_id is None:
        raise NotFound(("siteId",), "This client has no site with this id.")
    return [_recipient(link, contact, document) for _, link, contact in rows if link is not None]


def _query(
    viewer: Viewer, client_id: int, site_id: int | None, document: DocumentKind, today: date
) -> Select[int | None, ContactLink, Contact]:
    site_column = Site.id if site_id is not None else null()
    query = select(site_column.label("site_id"), ContactLink, Contact).select_from(Organization)
    if site_id is not None:
        query = query.outerjoin(Site, and_(Site.id == site_id, Site.client_id == Organization.id))
    return (
        query.outerjoin(ContactLink, _receiving_link(viewer, site_id, document, today))
        .outerjoin(Contact, Contact.id == ContactLink.contact_id)
        .where(Organization.id == client_id, Organization.kind == OrganizationKind.CLIENT)
        .order_by(Contact.last_name_key, Contact.first_name_key, Contact.id)
    )


def _receiving_link(
    viewer: Viewer, site_id: int | None, document: DocumentKind, today: date
) -> ColumnElement[bool]:
    """An active link of the client, of an active contact, with a flag that covers the site."""
    on_sites, all_sites = FLAGS[document]
    covered: ColumnElement[bool] = true()
    if site_id is not None:
        covered = ContactLink.id.in_(
            select(ContactLinkSite.link_id).where(ContactLinkSite.site_id == site_id)
        )
    # Not correlated: the statement's own Contact is joined after the links, from them.
    active_contacts = (
        select(Contact.id)
        .where(Contact.status == ContactStatus.ACTIVE, visible_contact(viewer))
        .correlate(None)
    )
    return and_(
        ContactLink.organization_id == Organization.id,
        or_(all_sites.is_(True), and_(on_sites.is_(True), covered)),
        or_(ContactLink.left_on.is_(None), ContactLink.left_on > today),
        ContactLink.contact_id.in_(active_contacts),
    )


def _recipient(link: ContactLink, contact: Contact, document: DocumentKind) -> Recipient:
    """`ALL_SITES` when the all-sites flag is on (it wins over the other), else `ATTACHED_SITE`."""
    _, all_sites = FLAGS[document]
    reason = RecipientReason.ALL_SITES if getattr(link, all_sites.key) else RecipientReason.ATTACHED_SITE
    # The coordinates at the client win over the person's own.
    return Recipient(contact=contact, link=link, email=link.email or contact.email, reason=reason)
