"""Stewardship's tables: merges of duplicate contacts (undoable) and the audit trail."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.columns import NOTES_MAX, Base, UtcDateTime, enum_column, optional_text, pk, short_text, timestamp


class ContactMerge(Base):
    """One merge (rule 21): who folded which contacts into which, and what an exact undo needs.

    `snapshot` is JSON: each contact's card before the merge (fields, links with their sites and
    types, memberships, accounts) and what moved (links, history entries, accounts). It holds
    personal data, so an erasure of any contact involved clears it (the merge then cannot be
    undone). `merged_ids` stays: it says which contacts were merged, nothing about them.
    """

    __tablename__ = "contact_merge"

    id: Mapped[pk]
    kept_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    # The merged contacts' ids, comma-separated, in the order they were given.
    merged_ids: Mapped[short_text]
    at: Mapped[timestamp]
    actor: Mapped[short_text]
    snapshot: Mapped[str | None] = mapped_column(Text)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    undone_by: Mapped[optional_text]


class AuditAction(enum.Enum):
    PERSONAL_DATA_EXPORT = "PERSONAL_DATA_EXPORT"
    FILE_EXPORT = "FILE_EXPORT"
    ERASURE = "ERASURE"


class AuditEntry(Base):
    """An access to personal data (rule 23): who, when, what, why, how many; never the data itself."""

    __tablename__ = "audit_entry"

    id: Mapped[pk]
    at: Mapped[timestamp]
    actor: Mapped[short_text]
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    # What was reached, without personal values: "Contact:42", "contacts.csv".
    subject: Mapped[short_text]
    reason: Mapped[str | None] = mapped_column(String(NOTES_MAX))
    contact_count: Mapped[int] = mapped_column(Integer)
