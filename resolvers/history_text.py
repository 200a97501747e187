"""What history writes, in one place: every field's text, and the differences between two states.

Values are written as text: ISO dates, `true`/`false`, enum names, sets of ids as global ids
sorted and comma-joined, interlocutor type codes sorted and comma-joined. A field that belongs to
a link carries that link's organisation. A participation's status reads `eventStatus`, as
`<event id>=<status>`. The card (`cards.Card.snapshot`), the batches and the card imports (the
demo loader) all build their entries with these functions, so that one change reads the same whoever made it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from db.models import Contact, ContactLink, ParticipationStatus
from resolvers.card_fields import CONTACT_FIELDS, LINK_FIELDS
from resolvers.global_ids import to_global_id

# Where a field lives: (organisation id for a link's field, else None; the field's GraphQL name).
FieldKey = tuple[int | None, str]
Shown = dict[FieldKey, str | None]
EVENT_STATUS = "eventStatus"
_ONE_EVENT_STATUS = "eventStatus#"  # one key per event in a snapshot; it reads `eventStatus`


@dataclass(frozen=True)
class Difference:
    """One changed field of one contact, ready to be recorded or shown (a dry run)."""

    contact_id: int
    organization_id: int | None
    field: str
    before: str | None
    after: str | None


def as_text(value: object) -> str | None:
    """A value as history writes it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def ids_text(type_name: str, pks: Iterable[int]) -> str | None:
    """A set of ids: global ids, sorted, comma-joined (None when empty)."""
    ids = sorted(to_global_id(type_name, pk) for pk in pks)
    return ",".join(ids) if ids else None


def codes_text(codes: Iterable[str]) -> str | None:
    return ",".join(sorted(codes)) or None


def event_status_text(event_id: int, status: ParticipationStatus) -> str:
    return f"{to_global_id('Event', event_id)}={status.value}"


def contact_shown(
    contact: Contact | Mapping[str, object],
    affair_ids: Iterable[int],
    target_ids: Iterable[int],
    event_statuses: Mapping[int, ParticipationStatus],
) -> Shown:
    """What the card shows of the contact itself (a row, or the values of one being made)."""
    value = contact.get if isinstance(contact, Mapping) else lambda column: getattr(contact, column)
    shown: Shown = {(None, field.name): as_text(value(field.column)) for field in CONTACT_FIELDS}
    shown[(None, "affairIds")] = ids_text("Affair", affair_ids)
    shown[(None, "targetIds")] = ids_text("Target", target_ids)
    shown[(None, "eventIds")] = ids_text("Event", event_statuses)
    for event_id, status in event_statuses.items():
        shown[(None, f"{_ONE_EVENT_STATUS}{event_id}")] = event_status_text(event_id, status)
    return shown


def link_shown(
    organization_id: int,
    link: ContactLink | Mapping[str, object],
    site_ids: Iterable[int],
    type_codes: Iterable[str],
) -> Shown:
    """What the card shows of one link (a row, or the values of one being made)."""
    value = link.get if isinstance(link, Mapping) else lambda column: getattr(link, column)
    shown: Shown = {(organization_id, field.name): as_text(value(field.column)) for field in LINK_FIELDS}
    shown[(organization_id, "siteIds")] = ids_text("Site", site_ids)
    shown[(organization_id, "interlocutorTypeCodes")] = codes_text(type_codes)
    return shown


def new_link_shown(site_ids: Iterable[int]) -> list[tuple[str, str]]:
    """What a new link with these sites shows (its starting flags, its sites): the fields it sets."""
    starting = {field.column: field.on_new_link for field in LINK_FIELDS}
    shown = link_shown(0, starting, site_ids, ())
    return [(name, value) for (_, name), value in shown.items() if value is not None]


def differences(
    contact_id: int, before: Mapping[FieldKey, str | None], after: Mapping[FieldKey, str | None]
) -> list[Difference]:
    """The fields whose text differs, in the card's order: its own fields, then each link's.

    A participation's status change reads `eventStatus`; joining or leaving an event is told by
    `eventIds` alone.
    """
    keys = sorted(dict.fromkeys([*after, *before]), key=lambda key: key[0] is not None)
    found = []
    for organization_id, name in keys:
        old, new = before.get((organization_id, name)), after.get((organization_id, name))
        if old == new:
            continue
        if not name.startswith(_ONE_EVENT_STATUS):
            found.append(Difference(contact_id, organization_id, name, old, new))
        elif old is not None and new is not None:
            found.append(Difference(contact_id, None, EVENT_STATUS, old, new))
    return found


def set_change(
    contact_id: int,
    organization_id: int | None,
    field: str,
    type_name: str,
    before: set[int],
    after: set[int],
) -> Difference:
    """A set of ids that changed (`affairIds`, a link's `siteIds`…)."""
    return Difference(
        contact_id, organization_id, field, ids_text(type_name, before), ids_text(type_name, after)
    )


def status_change(
    contact_id: int, event_id: int, before: ParticipationStatus, after: ParticipationStatus
) -> Difference:
    return Difference(
        contact_id,
        None,
        EVENT_STATUS,
        event_status_text(event_id, before),
        event_status_text(event_id, after),
    )
