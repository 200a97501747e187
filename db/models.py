"""The tables of Carnet, as SQLAlchemy 2.0 typed models: the contact, its links, memberships,
accounts and history here; the reference data (organisations, sites, affairs, interlocutor types,
targets, events) in `db.reference` and stewardship's tables in `db.stewardship`, both
re-exported, so that every model is imported from here. Columns ending in `_key` hold sort keys
folded in Python (case and accents aside) so that both engines order rows the same way, byte-wise.
"""

import enum
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.columns import NOTES_MAX as NOTES_MAX
from db.columns import PERSON_NAME_MAX as PERSON_NAME_MAX
from db.columns import TEXT_MAX as TEXT_MAX
from db.columns import Base as Base
from db.columns import UtcDateTime as UtcDateTime
from db.columns import (
    enum_column,
    optional_text,
    pk,
    short_text,
    sort_key,
    timestamp,
)
from db.reference import Affair as Affair
from db.reference import ClientStatus as ClientStatus
from db.reference import Event as Event
from db.reference import InterlocutorType as InterlocutorType
from db.reference import Organization as Organization
from db.reference import OrganizationKind as OrganizationKind
from db.reference import Site as Site
from db.reference import Target as Target


def _where_present(column: str) -> dict[str, Any]:
    return {f"{dialect}_where": text(f"{column} IS NOT NULL") for dialect in ("sqlite", "postgresql")}


def _present(name: str, column: str) -> Index:
    """An index of the rows that have a value: most contacts have no phone of some kind, and an
    index full of NULLs makes the planners (rightly, from their statistics) prefer a scan."""
    return Index(name, column, **_where_present(column))


class Civility(enum.Enum):
    MR = "MR"
    MRS = "MRS"
    DR = "DR"
    PR = "PR"
    ME = "ME"


class ContactStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    DISAPPEARED = "DISAPPEARED"
    # Folded into another contact (rule 21): read-only, out of every list, until unmerged.
    MERGED = "MERGED"


class ParticipationStatus(enum.Enum):
    INVITED = "INVITED"
    REGISTERED = "REGISTERED"
    ATTENDED = "ATTENDED"
    DECLINED = "DECLINED"
    ABSENT = "ABSENT"


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_name_order", "last_name_key", "first_name_key", "id"),
        Index("ix_contact_created_order", "created_at", "id"),
        Index("ix_contact_updated_order", "updated_at", "id"),
        Index("ix_contact_follow_up_order", "last_follow_up_on", "id"),
        # Duplicate look-ups (rule 21): first and last name swapped, or a typo in the last name.
        Index("ix_contact_first_name_order", "first_name_key", "last_name_key"),
        # The merged contacts, few, found without a scan: what a search's count takes off the
        # search index's own count (resolvers.dense_search).
        Index("ix_contact_status", "status"),
        _present("ix_contact_phone", "phone"),
        _present("ix_contact_mobile", "mobile"),
    )

    id: Mapped[pk]
    civility: Mapped[Civility | None] = mapped_column(enum_column(Civility))
    last_name: Mapped[str] = mapped_column(String(PERSON_NAME_MAX))
    first_name: Mapped[str | None] = mapped_column(String(PERSON_NAME_MAX))
    last_name_key: Mapped[sort_key]
    first_name_key: Mapped[sort_key]
    email: Mapped[optional_text]
    phone: Mapped[str | None] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    hidden_from_crm: Mapped[bool] = mapped_column(Boolean, default=False)
    last_follow_up_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ContactStatus] = mapped_column(enum_column(ContactStatus), default=ContactStatus.ACTIVE)
    disappeared_on: Mapped[date | None] = mapped_column(Date)
    disappearance_reason: Mapped[optional_text]
    # An explicit LinkedIn profile; NULL means the generated people-search link (rule 8).
    linkedin_url: Mapped[optional_text]
    # Folded words of the names, e-mails, functions and organisation names, for search.
    search_tokens: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    # The contact this one was merged into, while its status is MERGED.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)

    links: Mapped[list["ContactLink"]] = relationship(
        back_populates="contact", lazy="raise", order_by="ContactLink.id", cascade="all, delete-orphan"
    )


class ContactLink(Base):
    """The contact at one organisation: what is true of the person there."""

    __tablename__ = "contact_link"
    __table_args__ = (
        UniqueConstraint("contact_id", "organization_id"),
        # At most one primary link per contact, enforced by the database itself.
        Index(
            "uq_contact_link_primary",
            "contact_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
        _present("ix_contact_link_phone", "phone"),
        _present("ix_contact_link_mobile", "mobile"),
        # An organisation's contacts read from the index alone.
        Index("ix_contact_link_organization_contact", "organization_id", "contact_id"),
        # The duplicate look-up's namesakes at an organisation (rule 21): one seek per name.
        Index("ix_contact_link_organization_last_name_key", "organization_id", "last_name_key"),
        Index("ix_contact_link_organization_first_name_key", "organization_id", "first_name_key"),
    )

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    function: Mapped[optional_text]
    department: Mapped[optional_text]
    email: Mapped[optional_text]
    phone: Mapped[str | None] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(32))
    fax: Mapped[str | None] = mapped_column(String(32))
    extension: Mapped[optional_text]
    left_on: Mapped[date | None] = mapped_column(Date)
    receives_invoices: Mapped[bool] = mapped_column(Boolean, default=False)
    receives_invoices_all_sites: Mapped[bool] = mapped_column(Boolean, default=False)
    receives_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    receives_reminders_all_sites: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[timestamp]
    # The contact's own keys, copied for the index above. Triggers keep them equal to the
    # contact's on every write (migration 0008): whatever is written here is overridden.
    last_name_key: Mapped[sort_key] = mapped_column(server_default="")
    first_name_key: Mapped[sort_key] = mapped_column(server_default="")

    contact: Mapped[Contact] = relationship(back_populates="links", lazy="raise")


class ContactLinkSite(Base):
    __tablename__ = "contact_link_site"

    link_id: Mapped[int] = mapped_column(ForeignKey("contact_link.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True, index=True)


class ContactLinkInterlocutorType(Base):
    __tablename__ = "contact_link_interlocutor_type"

    link_id: Mapped[int] = mapped_column(ForeignKey("contact_link.id", ondelete="CASCADE"), primary_key=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("interlocutor_type.code"), primary_key=True, index=True)


class ContactAffair(Base):
    __tablename__ = "contact_affair"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    affair_id: Mapped[int] = mapped_column(ForeignKey("affair.id"), primary_key=True, index=True)


class TargetMember(Base):
    __tablename__ = "target_member"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EventParticipation(Base):
    __tablename__ = "event_participation"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[ParticipationStatus] = mapped_column(enum_column(ParticipationStatus))


class ExtranetUser(Base):
    __tablename__ = "extranet_user"

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    login: Mapped[short_text]
    # The login folded to lower case: logins are unique regardless of case (rule 15).
    login_key: Mapped[short_text] = mapped_column(unique=True)
    email: Mapped[short_text]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]


class ExternalCollaborator(Base):
    __tablename__ = "external_collaborator"

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    code: Mapped[short_text] = mapped_column(unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]


class ContactChange(Base):
    """One entry of a contact's history: one mutation's effect on one contact."""

    __tablename__ = "contact_change"
    __table_args__ = (Index("ix_contact_change_contact_newest", "contact_id", "id"),)

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    at: Mapped[timestamp]
    actor: Mapped[short_text]
    operation: Mapped[str] = mapped_column(String(64))


class FieldChange(Base):
    __tablename__ = "field_change"

    id: Mapped[pk]
    change_id: Mapped[int] = mapped_column(ForeignKey("contact_change.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    field: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


# E-mail addresses and profiles compared regardless of case (rule 21): expression indexes, so a
# look-up spelled `lower(column) = :value` never scans the base. PostgreSQL also keeps statistics
# on these expressions (migration 0006): its planner ignores those of a partial index.
Index("ix_contact_email_folded", func.lower(Contact.email), **_where_present("email"))
Index("ix_contact_linkedin_folded", func.lower(Contact.linkedin_url), **_where_present("linkedin_url"))
Index("ix_contact_link_email_folded", func.lower(ContactLink.email), **_where_present("email"))


# Stewardship's tables (merges, the audit trail) live in db/stewardship.py; they are part of the
# model all the same (Alembic and the tests read them through `Base.metadata`).
from db.stewardship import AuditAction as AuditAction  # noqa: E402
from db.stewardship import AuditEntry as AuditEntry  # noqa: E402
from db.stewardship import ContactMerge as ContactMerge  # noqa: E402
