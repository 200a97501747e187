"""The contact card's fields, in one table each for the contact and for a link.

A row says everything the code needs to know about one field: its GraphQL name (also the name
history records it under), its column, how a given value is cleaned, whether only a client
link has it, and the value a new link starts with. The card's snapshot (what history compares),
the cleaning of an edit, the fields a batch's new link shows and the demo loader all read these
tables; a new field of the card is one more row.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.models import NOTES_MAX, PERSON_NAME_MAX, TEXT_MAX
from resolvers.coordinates import clean_email, clean_linkedin_url, clean_phone
from resolvers.errors import DomainError, Invalid, Path, Problems
from resolvers.text import clean

# How a given value is cleaned: (value, where in the input, today) -> the value to store.
Cleaner = Callable[[Any, Path, date], Any]


@dataclass(frozen=True)
class CardField:
    name: str  # the GraphQL name, which history records too
    column: str  # the attribute of the row (`Contact` or `ContactLink`)
    clean: Cleaner | None  # None: not set from an input as such (a link is made primary)
    client_only: bool = False  # recipient flags: only a client link has them
    on_new_link: bool | None = None  # what a new link starts with, when it is not left empty


def as_given(value: Any, where: Path, today: date) -> Any:
    return value


def required(value: Any, where: Path, today: date) -> Any:
    if value is None:
        raise Invalid(where, "A value is required.")
    return value


def text(max_length: int, *, is_required: bool = False) -> Cleaner:
    """Trimmed and bounded; a required text must have a value and not be blank."""

    def cleaned(value: Any, where: Path, today: date) -> Any:
        if is_required:
            required(value, where, today)
        return clean(value, where, max_length, required=is_required)

    return cleaned


def email(value: Any, where: Path, today: date) -> Any:
    return clean_email(value, where)


def phone(value: Any, where: Path, today: date) -> Any:
    return clean_phone(value, where)


def linkedin_url(value: Any, where: Path, today: date) -> Any:
    return clean_linkedin_url(value, where)


def not_in_future(value: Any, where: Path, today: date) -> Any:
    if value is not None and value > today:
        raise Invalid(where, "A follow-up cannot be in the future.")
    return value


def flag(value: Any, where: Path, today: date) -> Any:
    return bool(value)  # null clears a flag


CONTACT_FIELDS = (
    CardField("civility", "civility", as_given),
    CardField("lastName", "last_name", text(PERSON_NAME_MAX, is_required=True)),
    CardField("firstName", "first_name", text(PERSON_NAME_MAX)),
    CardField("email", "email", email),
    CardField("phone", "phone", phone),
    CardField("mobile", "mobile", phone),
    CardField("notes", "notes", text(NOTES_MAX)),
    CardField("hiddenFromCrm", "hidden_from_crm", required),
    CardField("lastFollowUpOn", "last_follow_up_on", not_in_future),
    CardField("status", "status", as_given),
    CardField("disappearedOn", "disappeared_on", as_given),
    CardField("disappearanceReason", "disappearance_reason", text(TEXT_MAX)),
    CardField("linkedinUrl", "linkedin_url", linkedin_url),
)
LINK_FIELDS = (
    CardField("isPrimary", "is_primary", None, on_new_link=False),
    CardField("function", "function", text(TEXT_MAX)),
    CardField("department", "department", text(TEXT_MAX)),
    CardField("email", "email", email),
    CardField("phone", "phone", phone),
    CardField("mobile", "mobile", phone),
    CardField("fax", "fax", phone),
    CardField("extension", "extension", text(TEXT_MAX)),
    CardField("leftOn", "left_on", as_given),
    CardField("receivesInvoices", "receives_invoices", flag, client_only=True, on_new_link=False),
    CardField(
        "receivesInvoicesAllSites", "receives_invoices_all_sites", flag, client_only=True, on_new_link=False
    ),
    CardField("receivesReminders", "receives_reminders", flag, client_only=True, on_new_link=False),
    CardField(
        "receivesRemindersAllSites", "receives_reminders_all_sites", flag, client_only=True, on_new_link=False
    ),
)
# A link's sets, kept beside its row: only a client link has sites and interlocutor types.
LINK_SETS = (("site_ids", "siteIds"), ("interlocutor_type_codes", "interlocutorTypeCodes"))

CONTACT_BY_COLUMN = {field.column: field for field in CONTACT_FIELDS}
LINK_BY_COLUMN = {field.column: field for field in LINK_FIELDS if field.clean is not None}
CLIENT_ONLY = (*(field.column for field in LINK_FIELDS if field.client_only), *(key for key, _ in LINK_SETS))
GRAPHQL_NAMES = {  # snake_case input key -> the GraphQL name, for the paths of userErrors
    **{field.column: field.name for field in (*CONTACT_FIELDS, *LINK_FIELDS)},
    **dict(LINK_SETS),
}


def cleaned(
    fields: Mapping[str, Any], table: Mapping[str, CardField], path: Path, today: date, problems: Problems
) -> dict[str, Any]:
    """The given fields of `table` cleaned, in the order given; every problem kept in `problems`."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        field = table.get(name)
        if field is None or field.clean is None:
            continue
        try:
            values[name] = field.clean(value, (*path, field.name), today)
        except DomainError as error:
            problems.extend(error)
    return values
