"""Who is asking, and the one rule that decides which contacts they may see (DOMAIN.md rule 7)."""

from dataclasses import dataclass
from datetime import date, datetime
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


@dataclass(frozen=True)
class Actor:
    """Who writes, through which mutation (its GraphQL name), and when: what every change of a
    contact carries into its history. "Today" travels with "now" so that a rule about days
    (no follow-up in the future) and the time stamped on the change come from the same clock."""

    subject: str
    operation: str
    now: datetime
    today: date


def visible_contact(viewer: Viewer) -> ColumnElement[bool]:
    """The criterion every read of a contact goes through.

    The portal's CRM module never sees a contact hidden from the CRM, nor a disappeared or
    merged one; staff see everything (a merged contact too, by its id). Anything pointing to a
    contact (link, participation, account) is shown only when this holds for that contact.
    """
    return true() if viewer.is_staff else in_crm()


def in_crm() -> ColumnElement[bool]:
    """What the CRM shows of a contact: not hidden from it, and not disappeared."""
    return and_(Contact.hidden_from_crm.is_(False), Contact.status == ContactStatus.ACTIVE)


def listed_contact(viewer: Viewer, *, merged_asked: bool = False) -> ColumnElement[bool]:
    """The criterion of every list, count, selection and recipient answer (rule 21).

    `visible_contact`, and never a merged contact: it lives on in the contact it was folded
    into. Only a staff filter `status: MERGED` (`merged_asked`) lists them.
    """
    if merged_asked:
        return visible_contact(viewer)
    return and_(visible_contact(viewer), Contact.status != ContactStatus.MERGED)
