"""The contact card's fields, in one table each for the contact and for a link.

A row says everything the code needs to know about one field: its GraphQL name (also the name
history records it under), its column, how a given value is cleaned, whether only a client
link has it, and the value a new link starts with. The rows are declared on the fields of the
typed edits (`ContactEdit`, `LinkEdit`), so that a field's type and its row are one line. The
card's snapshot (what history compares), the cleaning of an edit, the fields a batch's new link
shows and the demo loader all read these tables; a new field of the card is one more line.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from dataclasses import field as dataclass_field
from datetime import date
from enum import Enum
from typing import Any, Final, TypeAlias, TypeVar

from db.models import NOTES_MAX, PERSON_NAME_MAX, TEXT_MAX, Civility, ContactStatus
from resolvers.coordinates import clean_email, clean_linkedin_url, clean_phone
from resolvers.errors import DomainError, Invalid, Path, Problems
from resolvers.text import clean

# How a given value is cleaned: (value, where in the input, today) -> the value to store. Each
# cleaner below is typed for its field's values; a table mixes fields of every type, and the
# edit dataclasses are what check a value's type, hence Any here. (The cleaners are not named
# like the fields: a class body would find a field declared above it.)
Cleaner = Callable[[Any, Path, date], object]
V = TypeVar("V")


@dataclass(frozen=True)
class CardField:
    name: str  # the GraphQL name, which history records too
    column: str  # the attribute of the row (`Contact` or `ContactLink`)
    clean: Cleaner | None  # None: not set from an input as such (a link is made primary)
    client_only: bool = False  # recipient flags: only a client link has them
    on_new_link: bool | None = None  # what a new link starts with, when it is not left empty


def as_given(value: V, where: Path, today: date) -> V:
    return value


def required(value: V | None, where: Path, today: date) -> V:
    if value is None:
        raise Invalid(where, "A value is required.")
    return value


def text(max_length: int, *, is_required: bool = False) -> Callable[[str | None, Path, date], str | None]:
    """Trimmed and bounded; a required text must have a value and not be blank."""

    def cleaned(value: str | None, where: Path, today: date) -> str | None:
        if is_required:
            required(value, where, today)
        return clean(value, where, max_length, required=is_required)

    return cleaned


def email_address(value: str | None, where: Path, today: date) -> str | None:
    return clean_email(value, where)


def phone_number(value: str | None, where: Path, today: date) -> str | None:
    return clean_phone(value, where)


def profile_url(value: str | None, where: Path, today: date) -> str | None:
    return clean_linkedin_url(value, where)


def not_in_future(value: date | None, where: Path, today: date) -> date | None:
    if value is not None and value > today:
        raise Invalid(where, "A follow-up cannot be in the future.")
    return value


def flag(value: bool | None, where: Path, today: date) -> bool:
    return bool(value)  # null clears a flag


class Unset(Enum):
    """A field left out of an edit: it stays as it is (None, by contrast, clears it)."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET
T = TypeVar("T")
Maybe: TypeAlias = T | Unset  # a field of an edit: a value (None clears), or UNSET
_ROW = "card field"
_SET = "link set"


def row(
    name: str, clean: Cleaner | None, *, client_only: bool = False, on_new_link: bool | None = None
) -> Unset:
    """A field of an edit that is a row of the table; it starts UNSET (left out)."""
    field = CardField(name, "", clean, client_only=client_only, on_new_link=on_new_link)
    return dataclass_field(default=UNSET, metadata={_ROW: field})


def link_set(name: str) -> Unset:
    """A field of a link edit that is one of the link's sets (sites, interlocutor types)."""
    return dataclass_field(default=UNSET, metadata={_SET: name})


@dataclass(frozen=True)
class ContactEdit:
    """The contact's own fields as given, each with its row of the table: UNSET is unchanged."""

    civility: Maybe[Civility | None] = row("civility", as_given)
    last_name: Maybe[str | None] = row("lastName", text(PERSON_NAME_MAX, is_required=True))
    first_name: Maybe[str | None] = row("firstName", text(PERSON_NAME_MAX))
    email: Maybe[str | None] = row("email", email_address)
    phone: Maybe[str | None] = row("phone", phone_number)
    mobile: Maybe[str | None] = row("mobile", phone_number)
    notes: Maybe[str | None] = row("notes", text(NOTES_MAX))
    hidden_from_crm: Maybe[bool | None] = row("hiddenFromCrm", required)
    last_follow_up_on: Maybe[date | None] = row("lastFollowUpOn", not_in_future)
    status: Maybe[ContactStatus] = row("status", as_given)
    disappeared_on: Maybe[date | None] = row("disappearedOn", as_given)
    disappearance_reason: Maybe[str | None] = row("disappearanceReason", text(TEXT_MAX))
    linkedin_url: Maybe[str | None] = row("linkedinUrl", profile_url)


@dataclass(frozen=True)
class LinkEdit:
    """A link's fields as given, each with its row of the table (or its set): UNSET is unchanged."""

    is_primary: Maybe[bool | None] = row("isPrimary", None, on_new_link=False)
    function: Maybe[str | None] = row("function", text(TEXT_MAX))
    department: Maybe[str | None] = row("department", text(TEXT_MAX))
    email: Maybe[str | None] = row("email", email_address)
    phone: Maybe[str | None] = row("phone", phone_number)
    mobile: Maybe[str | None] = row("mobile", phone_number)
    fax: Maybe[str | None] = row("fax", phone_number)
    extension: Maybe[str | None] = row("extension", text(TEXT_MAX))
    left_on: Maybe[date | None] = row("leftOn", as_given)
    receives_invoices: Maybe[bool | None] = row("receivesInvoices", flag, client_only=True, on_new_link=False)
    receives_invoices_all_sites: Maybe[bool | None] = row(
        "receivesInvoicesAllSites", flag, client_only=True, on_new_link=False
    )
    receives_reminders: Maybe[bool | None] = row(
        "receivesReminders", flag, client_only=True, on_new_link=False
    )
    receives_reminders_all_sites: Maybe[bool | None] = row(
        "receivesRemindersAllSites", flag, client_only=True, on_new_link=False
    )
    # Only a client link has sites and interlocutor types, kept beside its row.
    site_ids: Maybe[Sequence[int] | None] = link_set("siteIds")
    interlocutor_type_codes: Maybe[Sequence[str] | None] = link_set("interlocutorTypeCodes")


def _table(edit: type[ContactEdit | LinkEdit]) -> tuple[CardField, ...]:
    """The rows of an edit's fields, in their order, each named by its column."""
    rows: list[CardField] = [
        replace(f.metadata[_ROW], column=f.name) for f in fields(edit) if _ROW in f.metadata
    ]
    return tuple(rows)


CONTACT_FIELDS = _table(ContactEdit)
LINK_FIELDS = _table(LinkEdit)
LINK_SETS: tuple[tuple[str, str], ...] = tuple(
    (f.name, f.metadata[_SET]) for f in fields(LinkEdit) if _SET in f.metadata
)
CLIENT_ONLY = (*(field.column for field in LINK_FIELDS if field.client_only), *(key for key, _ in LINK_SETS))
GRAPHQL_NAMES = {  # snake_case field of an edit -> the GraphQL name, for the paths of userErrors
    **{field.column: field.name for field in (*CONTACT_FIELDS, *LINK_FIELDS)},
    **dict(LINK_SETS),
}
E = TypeVar("E", ContactEdit, LinkEdit)


def cleaned(edit: E, table: Sequence[CardField], path: Path, today: date, problems: Problems) -> E:
    """The edit with its given fields of `table` cleaned, in the table's order; every problem kept."""
    values: dict[str, Any] = {}  # by column, of each field's own type (`replace` checks no more)
    for field in table:
        value = getattr(edit, field.column)
        if value is UNSET or field.clean is None:
            continue
        try:
            values[field.column] = field.clean(value, (*path, field.name), today)
        except DomainError as error:
            problems.extend(error)
    return replace(edit, **values)


def given(edit: ContactEdit | LinkEdit, table: Sequence[CardField]) -> dict[str, object]:
    """What the edit sets on the row, by column: the given fields (None included) that have a cleaner."""
    values = {field.column: getattr(edit, field.column) for field in table if field.clean is not None}
    return {column: value for column, value in values.items() if value is not UNSET}
