"""Files out (DOMAIN "Files out"): every contact a viewer may see that matches a filter, in
reading order, page after page, each with its primary link and that link's organisation.

Pages are read by keyset, each in its own short session, so memory and transactions stay
small whatever the count. Each export is an entry of the audit log (`record_export`, rule 23).
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import Database
from db.models import TEXT_MAX, AuditAction, ContactLink, Organization
from resolvers.access import Viewer
from resolvers.audit import record_access
from resolvers.contact_lists import ContactFilter, list_contacts
from resolvers.contacts import display_name, linkedin_search_url
from resolvers.paging import MAX_PAGE_SIZE, PageRequest
from resolvers.rows import ContactRow


@dataclass(frozen=True)
class ExportedContact:
    """One contact as a file shows it: the person, and where they work (their primary link)."""

    contact: ContactRow
    link: ContactLink | None
    organization: Organization | None

    @property
    def display_name(self) -> str:
        return display_name(self.contact.civility, self.contact.first_name, self.contact.last_name)

    @property
    def social_profile(self) -> str:
        """The explicit profile, else rule 8's generated search link."""
        contact, organization = self.contact, self.organization
        return contact.linkedin_url or linkedin_search_url(
            contact.first_name, contact.last_name, organization.name if organization else None
        )


async def exported_pages(
    db: Database, viewer: Viewer, criteria: Sequence[ContactFilter], *, page_size: int = MAX_PAGE_SIZE
) -> AsyncIterator[list[ExportedContact]]:
    """The matching contacts `viewer` may see, in reading order, one page at a time."""
    after: str | None = None
    while True:
        async with db.read() as session:
            page = await list_contacts(
                session, viewer, criteria=criteria, order=None, page=PageRequest(first=page_size, after=after)
            )
            contacts: list[ContactRow] = [row[0] for row in page.rows]
            primary = await _primary_links(session, [contact.id for contact in contacts])
        yield [ExportedContact(contact, *primary.get(contact.id, (None, None))) for contact in contacts]
        if not page.has_next:
            return
        after = page.cursors[-1]


async def _primary_links(
    session: AsyncSession, contact_ids: Sequence[int]
) -> dict[int, tuple[ContactLink, Organization]]:
    if not contact_ids:
        return {}
    rows = await session.execute(
        select(ContactLink, Organization)
        .join(Organization, Organization.id == ContactLink.organization_id)
        .where(ContactLink.contact_id.in_(contact_ids), ContactLink.is_primary.is_(True))
        .order_by(ContactLink.contact_id)
    )
    return {link.contact_id: (link, organization) for link, organization in rows.all()}


@dataclass(frozen=True)
class ExportRecord:
    """What rule 23 keeps of a file export: who, when, what (file and filter), how many."""

    actor: str
    at: datetime
    file_name: str
    # The filter's parameter names and ids ("organizationId=…&search"): never the search words,
    # which may be a person's name.
    criteria: str
    contacts: int

    @property
    def subject(self) -> str:
        """`contacts.csv?organizationId=…&search`, clipped to the audit column's length."""
        full = f"{self.file_name}?{self.criteria}" if self.criteria else self.file_name
        return full if len(full) <= TEXT_MAX else full[: TEXT_MAX - 1] + "…"


async def record_export(db: Database, record: ExportRecord) -> None:
    """Record one file export in the audit log (rule 23), in a transaction of its own."""
    async with db.begin() as session:
        await record_access(
            session,
            actor=record.actor,
            at=record.at,
            action=AuditAction.FILE_EXPORT,
            subject=record.subject,
            contact_count=record.contacts,
        )
