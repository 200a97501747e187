"""The demo data's people, drafted in Python from one seeded generator: names, coordinates,
links, memberships. No database here: `server.demo` imports the cards this drafts through
`resolvers.contact_imports`."""

import random
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import phonenumbers

from db.models import (
    Civility,
    ContactStatus,
    OrganizationKind,
    ParticipationStatus,
)
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_imports import ImportedCard, ImportedLink
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


@dataclass
class World:
    """The reference data the contacts are attached to."""

    clients: list[Org]
    others: list[Org]
    target_ids: list[int]
    event_ids: list[int]


# ---------------------------------------------------------------- contacts


def draft_contact(rng: random.Random, world: World, now: datetime, today: date) -> ImportedCard:
    """One believable person at a client, sometimes also at a supplier or a third party."""
    woman = rng.random() < 0.5
    first, last = rng.choice(WOMEN if woman else MEN), rng.choice(LAST_NAMES)
    client = rng.choice(world.clients)
    created = now - timedelta(days=rng.randint(20, 1500), minutes=rng.randint(0, 1440))
    contact = _person(rng, first, last, woman, client.domain, today)
    links = [_link(rng, client, first, last, woman, today)]  # the first link is the primary one
    if rng.random() < 0.12:
        links.append(_link(rng, rng.choice(world.others), first, last, woman, today))
    return ImportedCard(
        contact,
        created,
        links,
        affair_ids=rng.sample(client.affair_ids, rng.choice([0, 0, 1, 1, 2])),
        target_ids=[target for target in world.target_ids if rng.random() < 0.15],
        events={
            event: rng.choice(list(ParticipationStatus)) for event in world.event_ids if rng.random() < 0.12
        },
    )


def _person(rng: random.Random, first: str, last: str, woman: bool, domain: str, today: date) -> ContactEdit:
    """The contact's own fields: a few are hidden from the CRM, a few have disappeared."""
    gone = rng.random() < 0.02
    return ContactEdit(
        civility=_civility(rng, woman),
        last_name=last,
        first_name=first,
        email=_email(first, last, domain) if rng.random() < 0.4 else None,
        mobile=_mobile(rng) if rng.random() < 0.4 else None,
        notes=rng.choice(NOTES) if rng.random() < 0.1 else None,
        hidden_from_crm=rng.random() < 0.03,
        last_follow_up_on=today - timedelta(days=rng.randint(0, 540)) if rng.random() < 0.6 else None,
        status=ContactStatus.DISAPPEARED if gone else ContactStatus.ACTIVE,
        disappeared_on=today - timedelta(days=rng.randint(5, 300)) if gone else None,
        disappearance_reason=rng.choice(DEPARTURES) if gone else None,
    )


def _link(rng: random.Random, org: Org, first: str, last: str, woman: bool, today: date) -> ImportedLink:
    """The person at one organisation; sites, recipient flags and types only at a client."""
    at_client = org.kind is CLIENT
    sites = rng.sample(org.site_ids, min(len(org.site_ids), rng.choice([0, 1, 1, 2])))
    forms = rng.choice(FUNCTIONS).split("/")
    fields = LinkEdit(
        function=forms[-1] if woman else forms[0],
        department=rng.choice(DEPARTMENTS) if rng.random() < 0.7 else None,
        email=_email(first, last, org.domain) if rng.random() < 0.9 else None,
        phone=_landline(rng, org.area) if rng.random() < 0.8 else None,
        mobile=_mobile(rng) if rng.random() < 0.5 else None,
        extension=str(rng.randint(100, 9999)) if rng.random() < 0.3 else None,
        left_on=_left_on(rng, today),
        receives_invoices=bool(sites) and rng.random() < 0.2,
        receives_invoices_all_sites=at_client and rng.random() < 0.06,
        receives_reminders=bool(sites) and rng.random() < 0.12,
        receives_reminders_all_sites=at_client and rng.random() < 0.04,
    )
    types = rng.sample(list(INTERLOCUTOR_TYPES), rng.choice([0, 0, 1, 1, 2])) if at_client else []
    return ImportedLink(org.id, replace(fields, site_ids=sites, interlocutor_type_codes=types))


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


def _landline(rng: random.Random, area: str) -> str | None:
    """A number in the organisation's area; none for the few that fall on an overseas prefix
    (0262, 0590…), which are not metropolitan numbers and which the card's cleaner refuses."""
    number = f"+33{area}{rng.randint(1, 9)}{rng.randint(0, 9_999_999):07d}"
    return number if phonenumbers.is_valid_number(phonenumbers.parse(number)) else None


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
