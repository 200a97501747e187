"""The reference data contacts are attached to: organisations, their sites and affairs,
interlocutor types, targets and events, as SQLAlchemy 2.0 typed models.

Every organisation kind lives in one `organization` table (a `kind` column tells them apart) so
that a contact link, an extranet user or a collaborator points to "an organisation" with one
foreign key. `db.models` re-exports these: import them from there.
"""

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from db.columns import (
    NOTES_MAX,
    TEXT_MAX,
    Base,
    code_key,
    code_key_column,
    enum_column,
    optional_text,
    pk,
    short_text,
    sort_key,
)


class OrganizationKind(enum.Enum):
    CLIENT = "CLIENT"
    SUPPLIER = "SUPPLIER"
    THIRD_PARTY = "THIRD_PARTY"


class ClientStatus(enum.Enum):
    PROSPECT = "PROSPECT"
    CLIENT = "CLIENT"


class CodeKeyed:
    """A row whose code is unique regardless of case (rule 20): a unique index holds its key,
    set here whenever the code is, so that two racing writers are stopped by the database."""

    code_key: Mapped[code_key_column]

    @validates("code")
    def _keep_code_key(self, _: str, code: str | None) -> str | None:
        if code is not None:
            self.code_key = code_key(code)
        return code


class Organization(CodeKeyed, Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    id: Mapped[pk]
    kind: Mapped[OrganizationKind] = mapped_column(enum_column(OrganizationKind))
    code: Mapped[short_text]
    name: Mapped[short_text]
    name_key: Mapped[sort_key] = mapped_column(index=True)
    # Only clients have a status; NULL for suppliers and third parties.
    status: Mapped[ClientStatus | None] = mapped_column(enum_column(ClientStatus))

    sites: Mapped[list["Site"]] = relationship(back_populates="client", lazy="raise")


# Codes are unique within their kind regardless of case (rule 20): "ACME" and "acme" are one.
Index("uq_organization_kind_code_key", Organization.kind, Organization.code_key, unique=True)


class Site(CodeKeyed, Base):
    __tablename__ = "site"

    id: Mapped[pk]
    client_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    code: Mapped[short_text] = mapped_column(unique=True)
    name: Mapped[short_text]
    name_key: Mapped[sort_key]
    city: Mapped[optional_text]

    client: Mapped[Organization] = relationship(back_populates="sites", lazy="raise")


Index("uq_site_code_key", Site.code_key, unique=True)


class Affair(CodeKeyed, Base):
    __tablename__ = "affair"

    id: Mapped[pk]
    client_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    code: Mapped[short_text] = mapped_column(unique=True)
    name: Mapped[short_text]
    name_key: Mapped[sort_key]


Index("uq_affair_code_key", Affair.code_key, unique=True)


class InterlocutorType(CodeKeyed, Base):
    __tablename__ = "interlocutor_type"

    code: Mapped[str] = mapped_column(String(TEXT_MAX), primary_key=True)
    label: Mapped[short_text]
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


Index("uq_interlocutor_type_code_key", InterlocutorType.code_key, unique=True)


class Target(Base):
    __tablename__ = "target"

    id: Mapped[pk]
    name: Mapped[short_text]
    name_key: Mapped[sort_key] = mapped_column(index=True)
    description: Mapped[str | None] = mapped_column(String(NOTES_MAX))


class Event(Base):
    __tablename__ = "event"

    id: Mapped[pk]
    name: Mapped[short_text]
    name_key: Mapped[sort_key] = mapped_column(index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    location: Mapped[optional_text]
