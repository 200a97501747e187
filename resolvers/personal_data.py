"""`personalDataExport` (DOMAIN.md rule 23): everything Carnet holds on one person, as JSON and
as a vCard 4.0 (RFC 6350), for a data subject's request. Recorded in the audit log.

The JSON holds every stored column of the contact, of each link (with its organisation, sites
and interlocutor types), its memberships (affairs, targets, events with their names), its
accounts and its whole history, field by field.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Affair,
    AuditAction,
    Contact,
    ContactChange,
    Event,
    ExternalCollaborator,
    ExtranetUser,
    FieldChange,
    Organization,
    Site,
    Target,
)
from resolvers.access import Actor
from resolvers.audit import checked_reason, record_contact_access
from resolvers.contacts import display_name, linkedin_search_url
from resolvers.errors import NotFound
from resolvers.merge_states import ContactState, plain, read_states

# Search keys are derived from the names; they are not more data on the person.
_DERIVED = {"last_name_key", "first_name_key", "search_tokens"}


class Named(TypedDict):
    """An affair, a target or an event of the contact, as the export shows it."""

    id: int
    name: str


@dataclass(frozen=True)
class PersonalData:
    contact: Contact
    generated_at: datetime
    json: str
    vcard: str


def _columns(values: dict[str, Any]) -> dict[str, object]:  # a state's columns (see ContactState)
    return {name: plain(value) for name, value in values.items() if name not in _DERIVED}


async def export_personal_data(
    session: AsyncSession, actor: Actor, *, contact_id: int, reason: str | None
) -> PersonalData:
    """What is held on the person behind `contact_id`; the export is recorded (who, when, why)."""
    why = checked_reason(reason, ("reason",))
    states = await read_states(session, [contact_id], lock=False)
    if contact_id not in states:
        raise NotFound(("contactId",), "No contact has this id.")
    state = states[contact_id]
    document = {
        "contact": _columns(state.values),
        "links": await _links(session, state),
        "affairs": await _named(session, Affair, state.affairs),
        "targets": await _named(session, Target, state.targets),
        "events": [
            {**event, "status": state.events[event["id"]].value}
            for event in await _named(session, Event, set(state.events))
        ],
        "accounts": await _accounts(session, contact_id),
        "history": await _history(session, contact_id),
    }
    await record_contact_access(
        session, actor, AuditAction.PERSONAL_DATA_EXPORT, contact_id, count=1, reason=why
    )
    contact = await session.get_one(Contact, contact_id)
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return PersonalData(contact, actor.now, text, vcard(state))


async def _links(session: AsyncSession, state: ContactState) -> list[dict[str, object]]:
    site_ids = {site for link in state.links for site in link.sites}
    sites = dict((await session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids)))).all())
    kinds = dict(
        (
            await session.execute(
                select(Organization.id, Organization.kind).where(
                    Organization.id.in_([link.organization_id for link in state.links])
                )
            )
        ).all()
    )
    return [
        {
            **_columns(link.values),
            "organization": {
                "id": link.organization_id,
                "kind": kinds[link.organization_id].value,
                "name": link.organization_name,
            },
            "sites": [{"id": site, "name": sites[site]} for site in sorted(link.sites)],
            "interlocutorTypes": sorted(link.types),
        }
        for link in state.links
    ]


async def _named(
    session: AsyncSession, model: type[Affair] | type[Target] | type[Event], ids: set[int]
) -> list[Named]:
    rows = await session.execute(select(model.id, model.name).where(model.id.in_(ids)).order_by(model.id))
    return [Named(id=row_id, name=name) for row_id, name in rows]


async def _accounts(session: AsyncSession, contact_id: int) -> dict[str, object]:
    user = await session.scalar(select(ExtranetUser).where(ExtranetUser.contact_id == contact_id))
    collaborator = await session.scalar(
        select(ExternalCollaborator).where(ExternalCollaborator.contact_id == contact_id)
    )
    return {
        "extranetUser": None
        if user is None
        else {
            "login": user.login,
            "email": user.email,
            "active": user.active,
            "createdAt": plain(user.created_at),
        },
        "externalCollaborator": None
        if collaborator is None
        else {
            "code": collaborator.code,
            "active": collaborator.active,
            "createdAt": plain(collaborator.created_at),
        },
    }


async def _history(session: AsyncSession, contact_id: int) -> list[dict[str, object]]:
    entries = (
        await session.scalars(
            select(ContactChange).where(ContactChange.contact_id == contact_id).order_by(ContactChange.id)
        )
    ).all()
    fields: dict[int, list[dict[str, object]]] = {}
    rows = await session.scalars(
        select(FieldChange)
        .where(FieldChange.change_id.in_([entry.id for entry in entries]))
        .order_by(FieldChange.id)
    )
    for row in rows:
        fields.setdefault(row.change_id, []).append(
            {
                "organizationId": row.organization_id,
                "field": row.field,
                "before": row.before,
                "after": row.after,
            }
        )
    return [
        {
            "at": plain(entry.at),
            "actor": entry.actor,
            "operation": entry.operation,
            "changes": fields.get(entry.id, []),
        }
        for entry in entries
    ]


# ---------------------------------------------------------------- vCard 4.0


def vcard_text(text: str) -> str:
    """RFC 6350 §3.4: backslash, comma, semicolon and line breaks are escaped in text values."""
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 6350 §3.2: lines longer than 75 octets continue on the next, after a space."""
    encoded, parts = line.encode(), list[str]()
    while len(encoded) > 75:
        cut = 75 if not parts else 74
        while cut and (encoded[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(encoded[:cut].decode())
        encoded = encoded[cut:]
    parts.append(encoded.decode())
    return "\r\n ".join(parts)


def vcard(state: ContactState) -> str:
    values = state.values
    primary = next((link for link in state.links if link.values["is_primary"]), None)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{vcard_text(display_name(values['civility'], values['first_name'], values['last_name']))}",
        f"N:{vcard_text(values['last_name'])};{vcard_text(values['first_name'] or '')};;;",
    ]
    for link in state.links:
        lines.append(f"ORG:{vcard_text(link.organization_name)}")
        if link.values["function"]:
            lines.append(f"TITLE:{vcard_text(link.values['function'])}")
    emails = [values["email"], *(link.values["email"] for link in state.links)]
    lines += [f"EMAIL:{vcard_text(email)}" for email in dict.fromkeys(e for e in emails if e)]
    phones = [
        ("voice", values["phone"]),
        ("cell", values["mobile"]),
        *(("work,voice", link.values["phone"]) for link in state.links),
        *(("cell", link.values["mobile"]) for link in state.links),
        *(("fax", link.values["fax"]) for link in state.links),
    ]
    seen: set[str] = set()
    for kind, number in phones:
        if number and number not in seen:
            seen.add(number)
            lines.append(f'TEL;VALUE=uri;TYPE="{kind}":tel:{number}')
    url = values["linkedin_url"] or linkedin_search_url(
        values["first_name"], values["last_name"], primary.organization_name if primary else None
    )
    lines.append(f"URL:{url}")
    if values["notes"]:
        lines.append(f"NOTE:{vcard_text(values['notes'])}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
