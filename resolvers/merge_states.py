"""Contacts as plain values, for merging and unmerging them (rule 21): read set-based, compared
as history shows them, kept as JSON in the merge so that an undo can put every row back.

A state is every column of the contact, of each of its links (with their sites and types), its
memberships and its accounts: exactly what a card reads back, so that "restored" can be checked
byte for byte. Plain values rather than ORM objects: a merge writes with set-based statements,
and no object should flush behind its back.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import CompoundSelect, Date, String, Table, cast, literal, select, union_all
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
from db.models import (
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    EventParticipation,
    ExternalCollaborator,
    ExtranetUser,
    Organization,
    ParticipationStatus,
    TargetMember,
    UtcDateTime,
)
from resolvers.history_text import Shown, contact_shown, link_shown

CONTACT_TABLE = table_of(Contact)
LINK_TABLE = table_of(ContactLink)
ACCOUNT_KINDS: dict[str, type[ExtranetUser] | type[ExternalCollaborator]] = {
    "extranet": ExtranetUser,
    "collaborator": ExternalCollaborator,
}


@dataclass
class LinkState:
    values: dict[str, Any]  # the row's columns by name, each of its own type
    organization_name: str
    sites: set[int] = field(default_factory=set)
    types: set[str] = field(default_factory=set)

    @property
    def organization_id(self) -> int:
        return int(self.values["organization_id"])


@dataclass
class ContactState:
    values: dict[str, Any]  # the row's columns by name, each of its own type
    links: list[LinkState] = field(default_factory=list)
    affairs: set[int] = field(default_factory=set)
    targets: set[int] = field(default_factory=set)
    events: dict[int, ParticipationStatus] = field(default_factory=dict)
    # Per kind ("extranet", "collaborator"): the account's id and whether it is active.
    accounts: dict[str, tuple[int, bool]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.values["id"])

    def link_to(self, organization_id: int) -> LinkState | None:
        return next((link for link in self.links if link.organization_id == organization_id), None)

    def shown(self) -> Shown:
        """What the card shows, as history writes it (the same keys as `Card.snapshot`)."""
        shown = contact_shown(self.values, self.affairs, self.targets, self.events)
        for link in self.links:
            shown.update(link_shown(link.organization_id, link.values, link.sites, link.types))
        return shown


async def read_states(session: AsyncSession, ids: list[int], *, lock: bool) -> dict[int, ContactState]:
    """The states of these contacts, their rows locked when `lock`: seven statements, whatever the count."""
    contacts = select(CONTACT_TABLE).where(CONTACT_TABLE.c.id.in_(ids)).order_by(CONTACT_TABLE.c.id)
    if lock:
        contacts = contacts.with_for_update()
    states = {row["id"]: ContactState(dict(row)) for row in (await session.execute(contacts)).mappings()}
    if not states:
        return states
    await _read_links(session, states)
    await _read_memberships(session, states)
    await _read_accounts(session, states)
    return states


async def _read_links(session: AsyncSession, states: dict[int, ContactState]) -> None:
    query = (
        select(LINK_TABLE, Organization.name.label("organization_name"))
        .join(Organization, Organization.id == LINK_TABLE.c.organization_id)
        .where(LINK_TABLE.c.contact_id.in_(states))
        .order_by(LINK_TABLE.c.id)
    )
    by_id: dict[int, LinkState] = {}
    for row in (await session.execute(query)).mappings():
        values = {column.name: row[column.name] for column in LINK_TABLE.columns}
        link = LinkState(values, row["organization_name"])
        states[values["contact_id"]].links.append(link)
        by_id[values["id"]] = link
    links = select(ContactLink.id).where(ContactLink.contact_id.in_(states))
    hanging = union_all(
        select(literal("site"), ContactLinkSite.link_id, cast(ContactLinkSite.site_id, String)).where(
            ContactLinkSite.link_id.in_(links)
        ),
        select(
            literal("type"), ContactLinkInterlocutorType.link_id, ContactLinkInterlocutorType.type_code
        ).where(ContactLinkInterlocutorType.link_id.in_(links)),
    )
    for kind, link_id, value in await session.execute(hanging):
        if kind == "site":
            by_id[link_id].sites.add(int(value))
        else:
            by_id[link_id].types.add(value)


async def _read_memberships(session: AsyncSession, states: dict[int, ContactState]) -> None:
    ids = list(states)
    # The fourth column is a status for an event, an empty text otherwise.
    query: CompoundSelect[str, int, int, str | ParticipationStatus] = union_all(
        select(literal("affair"), ContactAffair.contact_id, ContactAffair.affair_id, literal("")).where(
            ContactAffair.contact_id.in_(ids)
        ),
        select(literal("target"), TargetMember.contact_id, TargetMember.target_id, literal("")).where(
            TargetMember.contact_id.in_(ids)
        ),
        select(
            literal("event"),
            EventParticipation.contact_id,
            EventParticipation.event_id,
            EventParticipation.status,
        ).where(EventParticipation.contact_id.in_(ids)),
    )
    for kind, contact_id, member_id, status in await session.execute(query):
        state = states[contact_id]
        if kind == "affair":
            state.affairs.add(member_id)
        elif kind == "target":
            state.targets.add(member_id)
        else:
            state.events[member_id] = ParticipationStatus(status)


async def _read_accounts(session: AsyncSession, states: dict[int, ContactState]) -> None:
    ids = list(states)
    query = union_all(
        *(
            select(literal(kind), model.contact_id, model.id, model.active).where(model.contact_id.in_(ids))
            for kind, model in ACCOUNT_KINDS.items()
        )
    )
    for kind, contact_id, account_id, active in await session.execute(query):
        states[contact_id].accounts[kind] = (account_id, bool(active))


# ---------------------------------------------------------------- JSON, both ways


def plain(value: object) -> object:
    """A column's value as JSON holds it: an enum by its value, a day or a time in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _typed(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """A row's columns decoded from JSON, each back to its column's type."""
    typed: dict[str, Any] = {}
    for name, value in values.items():
        column_type = table.c[name].type
        if value is None:
            typed[name] = None
        elif isinstance(column_type, UtcDateTime):
            typed[name] = datetime.fromisoformat(value)
        elif isinstance(column_type, Date):
            typed[name] = date.fromisoformat(value)
        elif isinstance(column_type, SqlEnum) and column_type.enum_class is not None:
            typed[name] = column_type.enum_class(value)
        else:
            typed[name] = value
    return typed


def encode_state(state: ContactState) -> dict[str, object]:
    return {
        "values": {name: plain(value) for name, value in state.values.items()},
        "links": [
            {
                "values": {name: plain(value) for name, value in link.values.items()},
                "organization_name": link.organization_name,
                "sites": sorted(link.sites),
                "types": sorted(link.types),
            }
            for link in state.links
        ],
        "affairs": sorted(state.affairs),
        "targets": sorted(state.targets),
        "events": {str(event): status.value for event, status in sorted(state.events.items())},
        "accounts": {kind: list(account) for kind, account in state.accounts.items()},
    }


def decode_state(data: dict[str, Any]) -> ContactState:  # decoded JSON, as encode_state wrote it
    return ContactState(
        values=_typed(CONTACT_TABLE, data["values"]),
        links=[
            LinkState(
                _typed(LINK_TABLE, link["values"]),
                link["organization_name"],
                set(link["sites"]),
                set(link["types"]),
            )
            for link in data["links"]
        ],
        affairs=set(data["affairs"]),
        targets=set(data["targets"]),
        events={int(event): ParticipationStatus(status) for event, status in data["events"].items()},
        accounts={kind: (int(account[0]), bool(account[1])) for kind, account in data["accounts"].items()},
    )


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def transient(state: ContactState) -> Contact:
    """A contact row built from a state, never added to a session: no statement to read it back."""
    return Contact(**state.values)
