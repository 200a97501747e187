"""The demo data's people, drafted in Python from one seeded generator: names, coordinates,
links, memberships. No database here: `server.demo` inserts what this drafts."""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from db.models import (
    Civility,
    ContactStatus,
    OrganizationKind,
    ParticipationStatus,
)
from resolvers.text import fold
from server.demo_catalogue import (
    CLIENT,
    DEPARTMENTS,
    DEPARTURES,
    FUNCTIONS,
    INTERLOCUTOR_TYPES,
    LAST_NAMES,
    MEN,
    NOTES,
    WOMEN,
)


@dataclass(frozen=True)
class Org:
    id: int
    kind: OrganizationKind
    domain: str
    area: str
    site_ids: tuple[int, ...] = ()
    affair_ids: tuple[int, ...] = ()


# The person at one organisation: the organisation, the link's columns, its sites and types.
LinkDraft = tuple[Org, dict[str, Any], list[int], list[str]]


@dataclass
class Draft:
    """One contact to insert, with what hangs off it; its first link is the primary one."""

    contact: dict[str, Any]
    links: list[LinkDraft]
    affair_ids: list[int] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)
    events: dict[int, ParticipationStatus] = field(default_factory=dict)


@dataclass
class World:
    """The reference data the contacts are attached to."""

    clients: list[Org]
    others: list[Org]
    target_ids: list[int]
    event_ids: list[int]


# ---------------------------------------------------------------- contacts


def draft_contact(rng: random.Random, world: World, now: datetime, today: date) -> Draft:
    """One believable person at a client, sometimes also at a supplier or a third party."""
    woman = rng.random() < 0.5
    first, last = rng.choice(WOMEN if woman else MEN), rng.choice(LAST_NAMES)
    client = rng.choice(world.clients)
    contact = _person(rng, first, last, woman, client.domain, now, today)
    links = [_link(rng, client, first, last, woman, today, primary=True)]
    if rng.random() < 0.12:
        links.append(_link(rng, rng.choice(world.others), first, last, woman, today, primary=False))
    return Draft(
        contact,
        links,
        affair_ids=rng.sample(client.affair_ids, rng.choice([0, 0, 1, 1, 2])),
        target_ids=[target for target in world.target_ids if rng.random() < 0.15],
        events={
            event: rng.choice(list(ParticipationStatus)) for event in world.event_ids if rng.random() < 0.12
        },
    )


def _person(
    rng: random.Random, first: str, last: str, woman: bool, domain: str, now: datetime, today: date
) -> dict[str, Any]:
    """The contact's own columns: a few are hidden from the CRM, a few have disappeared."""
    created = now - timedelta(days=rng.randint(20, 1500), minutes=rng.randint(0, 1440))
    gone = rng.random() < 0.02
    return {
        "civility": _civility(rng, woman),
        "last_name": last,
        "first_name": first,
        "email": _email(first, last, domain) if rng.random() < 0.4 else None,
        "mobile": _mobile(rng) if rng.random() < 0.4 else None,
        "notes": rng.choice(NOTES) if rng.random() < 0.1 else None,
        "hidden_from_crm": rng.random() < 0.03,
        "last_follow_up_on": today - timedelta(days=rng.randint(0, 540)) if rng.random() < 0.6 else None,
        "status": ContactStatus.DISAPPEARED if gone else ContactStatus.ACTIVE,
        "disappeared_on": today - timedelta(days=rng.randint(5, 300)) if gone else None,
        "disappearance_reason": rng.choice(DEPARTURES) if gone else None,
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


def _link(
    rng: random.Random, org: Org, first: str, last: str, woman: bool, today: date, *, primary: bool
) -> LinkDraft:
    """The person at one organisation; sites, recipient flags and types only at a client."""
    at_client = org.kind is CLIENT
    sites = rng.sample(org.site_ids, min(len(org.site_ids), rng.choice([0, 1, 1, 2])))
    forms = rng.choice(FUNCTIONS).split("/")
    columns = {
        "is_primary": primary,
        "function": forms[-1] if woman else forms[0],
        "department": rng.choice(DEPARTMENTS) if rng.random() < 0.7 else None,
        "email": _email(first, last, org.domain) if rng.random() < 0.9 else None,
        "phone": f"+33{org.area}{rng.randint(1, 9)}{rng.randint(0, 9_999_999):07d}"
        if rng.random() < 0.8
        else None,
        "mobile": _mobile(rng) if rng.random() < 0.5 else None,
        "extension": str(rng.randint(100, 9999)) if rng.random() < 0.3 else None,
        "left_on": _left_on(rng, today),
        "receives_invoices": bool(sites) and rng.random() < 0.2,
        "receives_invoices_all_sites": at_client and rng.random() < 0.06,
        "receives_reminders": bool(sites) and rng.random() < 0.12,
        "receives_reminders_all_sites": at_client and rng.random() < 0.04,
    }
    types = rng.sample(list(INTERLOCUTOR_TYPES), rng.choice([0, 0, 1, 1, 2])) if at_client else []
    return org, columns, sites, types


def _civility(rng: random.Random, woman: bool) -> Civility | None:
    draw = rng.random()
    for civility, below in ((Civility.DR, 0.04), (Civility.PR, 0.05), (Civility.ME, 0.06), (None, 0.1)):
        if draw < below:
            return civility
    return Civility.MRS if woman else Civility.MR


def _email(first: str, last: str, domain: str) -> str:
    """first.last@domain, in plain ASCII ("Hélène Le Goff" -> helene.le-goff@…)."""
    first, last = (re.sub(r"[^a-z0-9-]", "", fold(name).replace(" ", "-")) for name in (first, last))
    return f"{first}.{last}@{domain}"


def _mobile(rng: random.Random) -> str:
    """A French mobile number in E.164: 06 then 0-2 or 4-8, or 07 then 3-9."""
    prefix = "6" + rng.choice("0124578") if rng.random() < 0.8 else "7" + rng.choice("3456789")
    return f"+33{prefix}{rng.randint(0, 9_999_999):07d}"


def _left_on(rng: random.Random, today: date) -> date | None:
    """Most are still there; a few have left, a few leave soon."""
    draw = rng.random()
    if draw < 0.05:
        return today - timedelta(days=rng.randint(10, 400))
    return today + timedelta(days=rng.randint(10, 120)) if draw < 0.07 else None
