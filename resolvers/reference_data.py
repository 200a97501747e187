"""The rules of the reference data (DOMAIN.md rule 20), shared by its use cases
(`organization_mutations`: organisations, sites, affairs; `reference_mutations`: targets,
events, interlocutor types): each field's rule, the checking of given values, unique codes.

An update takes `changes`: the fields the caller gave, by column name. A field left out is not
in it; one given as None clears it, or is INVALID where a value is required. Only the columns
whose value really differs are written, so an update that changes nothing writes nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.columns import code_key
from db.models import (
    NOTES_MAX,
    TEXT_MAX,
    Affair,
    Event,
    InterlocutorType,
    Organization,
    OrganizationKind,
    Site,
    Target,
)
from resolvers.errors import Duplicate, Invalid, NotFound, Path, Problems
from resolvers.text import clean, fold

Changes = Mapping[str, Any]  # given values by column, each of its own type: `checked` checks them
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


def apply_changes(row: object, values: Changes) -> set[str]:
    """Set the columns whose value differs (a name with its sort key); the names of those columns."""
    changed = {column for column, value in values.items() if getattr(row, column) != value}
    for column in changed:
        setattr(row, column, values[column])
    if "name" in changed:
        setattr(row, "name_key", fold(values["name"]))  # noqa: B010
    return changed


def same_code(key_column: InstrumentedAttribute[str], code: str) -> ColumnElement[bool]:
    """Codes are one code regardless of case (rule 20): compared by key, as the unique indexes do."""
    return key_column == code_key(code)


async def refuse_taken(session: AsyncSession, what: str, code: str, *where: ColumnElement[bool]) -> None:
    if await session.scalar(select(1).where(*where).limit(1)) is not None:
        raise Duplicate(("input", "code"), f"Another {what} already has the code {code!r}.")


async def added(session: AsyncSession, row: Row) -> Row:
    session.add(row)
    await session.flush()
    return row


async def existing(
    session: AsyncSession, model: type[Row], key: int | str, message: str, path: Path = ("input", "id")
) -> Row:
    """The row an update names; NotFound at `path` when there is none."""
    row = await session.get(model, key)
    if row is None:
        raise NotFound(path, message)
    return row


async def changed(session: AsyncSession, row: Row, values: Changes) -> Row:
    """The row with the checked values that differ set, and flushed."""
    apply_changes(row, values)
    await session.flush()
    return row
