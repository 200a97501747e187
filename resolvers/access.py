"""Who is asking, and the one rule that decides which contacts they may see (DOMAIN.md rule 7)."""

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import ColumnElement, and_, true

from db.models import Contact, ContactStatus


class Role(Enum):
    ADMIN = "ADMIN"
    STAFF = "STAFF"
    PORTAL = "PORTAL"


@dataclass(frozen=True)
class Viewer:
    subject: str
    role: Role

    @property
    def is_staff(self) -> bool:
        """Administrators and collaborators see and change everything."""
        return self.role in (Role.ADMIN, Role.STAFF)


def visible_contact(viewer: Viewer) -> ColumnElement[bool]:
    """The criterion every read of a contact goes through.

    The portal's CRM module never sees a contact hidden from the CRM nor a disappeared one;
    staff see everything. Anything pointing to a contact (link, participation, account) is
    shown only when this holds for that contact.
    """
    if viewer.is_staff:
        return true()
    return and_(Contact.hidden_from_crm.is_(False), Contact.status == ContactStatus.ACTIVE)
