"""Creating and changing the reference data (DOMAIN.md rule 20): organisations, sites, affairs,
targets, events and interlocutor types.

An update takes `changes`: the fields the caller gave, by column name. A field left out is not
in it; one given as None clears it, or is INVALID where a value is required. Only the columns
whose value really differs are written, so an update that changes nothing writes nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, String, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    NOTES_MAX,
    TEXT_MAX,
    Affair,
    ClientStatus,
    ContactLink,
    Event,
    InterlocutorType,
    Organization,
    OrganizationKind,
    Site,
    Target,
)
from resolvers.errors import Duplicate, Invalid, NotFound, Problems
from resolvers.search import refresh_contact_keys
from resolvers.text import clean, fold

Changes = Mapping[str, Any]
Row = TypeVar("Row", Organization, Site, Affair, Target, Event, InterlocutorType)


@dataclass(frozen=True)
class Rule:
    """How one input field is checked: its GraphQL name (for the path), its text limit, if any."""

    field: str
    max_length: int | None = TEXT_MAX
    required: bool = False


ORGANIZATION = {
    "code": Rule("code", required=True),
    "name": Rule("name", required=True),
    "status": Rule("status", None, required=True),
}
SITE = {"code": Rule("code", required=True), "name": Rule("name", required=True), "city": Rule("city")}
AFFAIR = {"code": Rule("code", required=True), "name": Rule("name", required=True)}
TARGET = {"name": Rule("name", required=True), "description": Rule("description", NOTES_MAX)}
EVENT = {
    "name": Rule("name", required=True),
    "starts_on": Rule("startsOn", None, required=True),
    "ends_on": Rule("endsOn", None),
    "location": Rule("location"),
}
INTERLOCUTOR_TYPE = {
    "code": Rule("code", required=True),
    "label": Rule("label", required=True),
    "archived": Rule("archived", None, required=True),
}
KIND_NAMES = {
    OrganizationKind.CLIENT: "client",
    OrganizationKind.SUPPLIER: "supplier",
    OrganizationKind.THIRD_PARTY: "third party",
}


def checked(values: Changes, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """`values` with texts trimmed and bounded, and required values present; all problems at once."""
    problems, result = Problems(), {}
    for column, value in values.items():
        rule = rules[column]
        path = ("input", rule.field)
        try:
            if rule.max_length is not None:
                result[column] = clean(value, path, rule.max_length, required=rule.required)
            elif value is None and rule.required:
                raise Invalid(path, "A value is required.")
            else:
                result[column] = value
        except Invalid as error:
            problems.extend(error)
    problems.raise_if_any()
    return result


def _apply(row: object, values: Changes) -> set[str]:
    """Set the columns whose value differs (a name with its sort key); the names of those columns."""
    changed = {column for column, value in values.items() if getattr(row, column) != value}
    for column in changed:
        setattr(row, column, values[column])
    if "name" in changed:
        setattr(row, "name_key", fold(values["name"]))  # noqa: B010
    return changed


def same_code(column: Any, code: str) -> ColumnElement[bool]:
    """Codes are one code regardless of case (rule 20): compared as the unique indexes do."""
    same: ColumnElement[bool] = func.lower(column) == func.lower(literal(code, String()))
    return same


async def _refuse_taken(session: AsyncSession, what: str, code: str, *where: ColumnElement[bool]) -> None:
    if await session.scalar(select(1).where(*where).limit(1)) is not None:
        raise Duplicate(("input", "code"), f"Another {what} already has the code {code!r}.")


async def _added(session: AsyncSession, row: Row) -> Row:
    session.add(row)
    await session.flush()
    return row


async def _client(session: AsyncSession, client_id: int) -> Organization:
    client = await session.get(Organization, client_id)
    if client is None or client.kind is not OrganizationKind.CLIENT:
        raise NotFound(("input", "clientId"), "No client has that id.")
    return client


# ---------------------------------------------------------------- organisations


async def create_organization(
    session: AsyncSession, *, kind: OrganizationKind, code: str, name: str, status: ClientStatus | None = None
) -> Organization:
    """A client, supplier or third party whose code is new within its kind."""
    given: dict[str, Any] = {"code": code, "name": name}
    if kind is OrganizationKind.CLIENT:
        given["status"] = status
    values = checked(given, ORGANIZATION)
    await _taken_organization_code(session, kind, values["code"])
    return await _added(session, Organization(kind=kind, name_key=fold(values["name"]), **values))


async def update_organization(
    session: AsyncSession, *, organization_id: int, kind: OrganizationKind, changes: Changes
) -> Organization:
    """Change an organisation's code, name (and a client's status); contacts follow a new name."""
    values = checked(changes, ORGANIZATION)
    row = await session.get(Organization, organization_id)
    if row is None or row.kind is not kind:
        raise NotFound(("input", "id"), f"No {KIND_NAMES[kind]} has that id.")
    if "status" in values and kind is not OrganizationKind.CLIENT:
        raise Invalid(("input", "status"), "Only a client has a status.")
    if values.get("code", row.code) != row.code:
        await _taken_organization_code(session, kind, values["code"], Organization.id != row.id)
    if "name" in _apply(row, values):
        await session.flush()
        # Contacts are searched by the names of their organisations.
        linked = await session.scalars(
            select(ContactLink.contact_id)
            .where(ContactLink.organization_id == row.id)
            .order_by(ContactLink.contact_id)
        )
        await refresh_contact_keys(session, list(linked))
    await session.flush()
    return row


async def _taken_organization_code(
    session: AsyncSession, kind: OrganizationKind, code: str, *besides: ColumnElement[bool]
) -> None:
    where = (Organization.kind == kind, same_code(Organization.code, code), *besides)
    await _refuse_taken(session, KIND_NAMES[kind], code, *where)


# ---------------------------------------------------------------- sites and affairs


async def create_site(
    session: AsyncSession, *, client_id: int, code: str, name: str, city: str | None = None
) -> Site:
    """A site of a client; site codes are unique."""
    values = checked({"code": code, "name": name, "city": city}, SITE)
    await _client(session, client_id)
    await _refuse_taken(session, "site", values["code"], same_code(Site.code, values["code"]))
    return await _added(session, Site(client_id=client_id, name_key=fold(values["name"]), **values))


async def update_site(session: AsyncSession, *, site_id: int, changes: Changes) -> Site:
    """Change a site's code, name or city."""
    values = checked(changes, SITE)
    row = await session.get(Site, site_id)
    if row is None:
        raise NotFound(("input", "id"), "No site has that id.")
    if values.get("code", row.code) != row.code:
        taken = (same_code(Site.code, values["code"]), Site.id != row.id)
        await _refuse_taken(session, "site", values["code"], *taken)
    _apply(row, values)
    await session.flush()
    return row


async def create_affair(session: AsyncSession, *, client_id: int, code: str, name: str) -> Affair:
    """An affair sold to a client; affair codes are unique."""
    values = checked({"code": code, "name": name}, AFFAIR)
    await _client(session, client_id)
    await _refuse_taken(session, "affair", values["code"], same_code(Affair.code, values["code"]))
    return await _added(session, Affair(client_id=client_id, name_key=fold(values["name"]), **values))


async def update_affair(session: AsyncSession, *, affair_id: int, changes: Changes) -> Affair:
    """Change an affair's code or name."""
    values = checked(changes, AFFAIR)
    row = await session.get(Affair, affair_id)
    if row is None:
        raise NotFound(("input", "id"), "No affair has that id.")
    if values.get("code", row.code) != row.code:
        taken = (same_code(Affair.code, values["code"]), Affair.id != row.id)
        await _refuse_taken(session, "affair", values["code"], *taken)
    _apply(row, values)
    await session.flush()
    return row


# ---------------------------------------------------------------- targets and events


async def create_target(session: AsyncSession, *, name: str, description: str | None = None) -> Target:
    """A marketing target list."""
    values = checked({"name": name, "description": description}, TARGET)
    return await _added(session, Target(name_key=fold(values["name"]), **values))


async def update_target(session: AsyncSession, *, target_id: int, changes: Changes) -> Target:
    """Change a target's name or description."""
    values = checked(changes, TARGET)
    row = await session.get(Target, target_id)
    if row is None:
        raise NotFound(("input", "id"), "No target has that id.")
    _apply(row, values)
    await session.flush()
    return row


async def create_event(
    session: AsyncSession,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    location: str | None = None,
) -> Event:
    """An event; it cannot end before it starts."""
    given = {"name": name, "starts_on": starts_on, "ends_on": ends_on, "location": location}
    values = checked(given, EVENT)
    _refuse_backwards(values["starts_on"], values["ends_on"], "endsOn")
    return await _added(session, Event(name_key=fold(values["name"]), **values))


async def update_event(session: AsyncSession, *, event_id: int, changes: Changes) -> Event:
    """Change an event; the days it ends up with must still be in order."""
    values = checked(changes, EVENT)
    row = await session.get(Event, event_id)
    if row is None:
        raise NotFound(("input", "id"), "No event has that id.")
    field = "endsOn" if "ends_on" in values else "startsOn"
    _refuse_backwards(values.get("starts_on", row.starts_on), values.get("ends_on", row.ends_on), field)
    _apply(row, values)
    await session.flush()
    return row


def _refuse_backwards(starts_on: date, ends_on: date | None, field: str) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(("input", field), f"An event cannot end ({ends_on}) before it starts ({starts_on}).")


# ---------------------------------------------------------------- interlocutor types


async def create_interlocutor_type(session: AsyncSession, *, code: str, label: str) -> InterlocutorType:
    """A new kind of interlocutor in the reference list."""
    values = checked({"code": code, "label": label}, INTERLOCUTOR_TYPE)
    taken = same_code(InterlocutorType.code, values["code"])
    await _refuse_taken(session, "interlocutor type", values["code"], taken)
    return await _added(session, InterlocutorType(archived=False, **values))


async def update_interlocutor_type(session: AsyncSession, *, code: str, changes: Changes) -> InterlocutorType:
    """Relabel, archive or bring back the type of that code (an archived type is never deleted)."""
    values = checked({"code": code, **changes}, INTERLOCUTOR_TYPE)
    row = await session.get(InterlocutorType, values.pop("code"))
    if row is None:
        raise NotFound(("input", "code"), f"No interlocutor type has the code {code!r}.")
    _apply(row, values)
    await session.flush()
    return row
