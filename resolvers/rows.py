"""What the read path reads of a relation's rows: plain named tuples, not ORM objects.

A page of the reference query reads 100 contacts and some 600 rows of their relations (links,
organisations, sites, interlocutor types, targets, participations, events). As ORM objects each
cost an identity-map entry, an instance state and instrumented attributes that a read never
uses: about 8 ms of a request. These tuples come from Core selects of the same columns
(`columns_of`), under the models' attribute names, so that a GraphQL type's `from_row` takes
either.
"""

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement

from db.models import Base, Civility, ClientStatus, ContactStatus, OrganizationKind, ParticipationStatus


class ContactRow(NamedTuple):
    """A contact as a page of contacts reads it (resolvers.contact_lists): what the Contact type
    and the files out show."""

    id: int
    linkedin_url: str | None
    merged_into_id: int | None
    civility: Civility | None
    last_name: str
    first_name: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    notes: str | None
    hidden_from_crm: bool
    last_follow_up_on: date | None
    status: ContactStatus
    disappeared_on: date | None
    disappearance_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class LinkRow(NamedTuple):
    id: int
    contact_id: int
    organization_id: int
    is_primary: bool
    function: str | None
    department: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    fax: str | None
    extension: str | None
    left_on: date | None
    receives_invoices: bool
    receives_invoices_all_sites: bool
    receives_reminders: bool
    receives_reminders_all_sites: bool


class OrganizationRow(NamedTuple):
    id: int
    kind: OrganizationKind
    code: str
    name: str
    status: ClientStatus | None


class SiteRow(NamedTuple):
    id: int
    client_id: int
    code: str
    name: str
    city: str | None


class InterlocutorTypeRow(NamedTuple):
    code: str
    label: str
    archived: bool


class TargetRow(NamedTuple):
    id: int
    name: str
    description: str | None


class EventRow(NamedTuple):
    id: int
    name: str
    starts_on: date
    ends_on: date | None
    location: str | None


class ParticipationRow(NamedTuple):
    event_id: int
    contact_id: int
    status: ParticipationStatus


def columns_of(fields: tuple[str, ...], model: type[Base]) -> list[ColumnElement[Any]]:
    """The columns of `model`'s table named `fields`, in that order: what a row type reads."""
    table = model.__table__
    return [table.c[name] for name in fields]
