"""The audit log of accesses to personal data (DOMAIN.md rule 23): who, when, what, why, how many.

Every personal-data export, every file export and every erasure writes one entry, in the
transaction of what it records. An entry never holds the data itself: `subject` names what was
reached (a contact's global id, a file's name), `reason` is what the administrator typed.

File exports (`GET /export/contacts.csv|vcf`) write theirs through `resolvers.exports.record_export`
once the stream has ended: action FILE_EXPORT, subject the file and its filter
("contacts.csv?organizationId=…&search"), the count of contacts that left.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TEXT_MAX, AuditAction, AuditEntry
from resolvers.access import Actor
from resolvers.cursors import list_key
from resolvers.errors import Path
from resolvers.global_ids import to_global_id
from resolvers.paging import Page, PageQuery, PageRequest, SortColumn, fetch_page
from resolvers.text import clean

NEWEST_FIRST = [SortColumn(AuditEntry.id, descending=True)]


def checked_reason(reason: str | None, path: Path) -> str:
    """A reason is required where personal data is reached on purpose: trimmed, at most 200."""
    cleaned = clean(reason, path, TEXT_MAX, required=True)
    assert cleaned is not None
    return cleaned


async def record_access(
    session: AsyncSession,
    *,
    actor: str,
    at: datetime,
    action: AuditAction,
    subject: str,
    contact_count: int,
    reason: str | None = None,
) -> AuditEntry:
    """Write one audit entry in the caller's transaction."""
    entry = AuditEntry(
        actor=actor, at=at, action=action, subject=subject, reason=reason, contact_count=contact_count
    )
    session.add(entry)
    await session.flush()
    return entry


async def record_contact_access(
    session: AsyncSession, actor: Actor, action: AuditAction, contact_id: int, *, count: int, reason: str
) -> AuditEntry:
    """An audit entry about one contact (and `count` contacts reached through it), by `actor`, now."""
    subject = to_global_id("Contact", contact_id)
    return await record_access(
        session,
        actor=actor.subject,
        at=actor.now,
        action=action,
        subject=subject,
        contact_count=count,
        reason=reason,
    )


async def list_audit(session: AsyncSession, *, page: PageRequest) -> Page:
    """The audit log, newest first (each row's entry is its first column)."""
    listing = PageQuery(select(AuditEntry), NEWEST_FIRST, page, list_key("auditLog"))
    listing.check()
    return await fetch_page(session, listing)


async def count_audit(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def audit_entries_by_id(session: AsyncSession, ids: Sequence[int]) -> list[AuditEntry | None]:
    rows = {row.id: row for row in await session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))}
    return [rows.get(entry_id) for entry_id in ids]
