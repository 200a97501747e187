"""Contacts that may be the same person (DOMAIN.md rule 21): a warning, never a refusal.

Signs, each with its weight: a shared e-mail (any of the contact's or its links', case aside),
a shared E.164 phone (phone or mobile, the contact's or a link's), the same explicit LinkedIn
profile, the same folded name at the same organisation, and, weaker, a similar name there (one
typo, or first and last name swapped). Several signs add up: score = 1 - Π(1 - weight).

For one contact every sign is found through an index in one statement (lower-cased e-mails
and profiles, phones, and the folded names its links carry, per organisation), which also
reads the candidates' cards; the similar-name check only reads the contacts of the contact's
own organisations that share its first or its last name. `duplicate_groups` reads the whole base
(it is the base's clean-up list).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cache

from sqlalchemy import (
    BindParameter,
    Integer,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Contact, ContactLink, ContactStatus


class Reason(Enum):
    SAME_EMAIL = "SAME_EMAIL"
    SAME_PHONE = "SAME_PHONE"
    SAME_SOCIAL_PROFILE = "SAME_SOCIAL_PROFILE"
    SAME_NAME_AT_ORGANIZATION = "SAME_NAME_AT_ORGANIZATION"
    SIMILAR_NAME_AT_ORGANIZATION = "SIMILAR_NAME_AT_ORGANIZATION"


WEIGHTS = {
    Reason.SAME_EMAIL: 0.9,
    Reason.SAME_SOCIAL_PROFILE: 0.9,
    Reason.SAME_PHONE: 0.85,
    Reason.SAME_NAME_AT_ORGANIZATION: 0.85,
    Reason.SIMILAR_NAME_AT_ORGANIZATION: 0.8,
}
DEFAULT_MIN_SCORE = 0.8
_NAMES = "NAMES"  # a row of the look-up that still needs comparing names in Python
_SELF = "SELF"


@dataclass(frozen=True)
class Candidate:
    """A contact that may be the same person as the one asked about."""

    contact_id: int
    reasons: tuple[Reason, ...]
    score: float
    # Its card, read by the look-up's own statement: showing it costs no other read.
    row: Contact | None = field(default=None, compare=False, repr=False)


def score(reasons: Iterable[Reason]) -> float:
    """1 - Π(1 - weight): two signs together say more than either alone; always in [0, 1]."""
    missing = 1.0
    for reason in set(reasons):
        missing *= 1 - WEIGHTS[reason]
    return round(1 - missing, 4)


def within_one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of two neighbours apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = [*diffs, -1, -1][:2]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def name_reason(mine: tuple[str, str], theirs: tuple[str, str]) -> Reason | None:
    """How two folded (last, first) names at one organisation compare, if they are alike."""
    (last, first), (other_last, other_first) = mine, theirs
    if not last:
        return None
    if (last, first) == (other_last, other_first):
        return Reason.SAME_NAME_AT_ORGANIZATION
    if first and (last, first) == (other_first, other_last):
        return Reason.SIMILAR_NAME_AT_ORGANIZATION
    if first == other_first and within_one_edit(last, other_last) and min(len(last), len(other_last)) > 2:
        return Reason.SIMILAR_NAME_AT_ORGANIZATION
    if first and last == other_last and within_one_edit(first, other_first) and len(first) > 2:
        return Reason.SIMILAR_NAME_AT_ORGANIZATION
    return None


# ---------------------------------------------------------------- one contact


def _row(contact_id: SQLColumnExpression[int], reason: str) -> Select[int, str]:
    return select(contact_id.label("contact_id"), literal(reason).label("reason"))


@cache
def _lookup() -> Select[str, str, str, Contact]:
    """The look-up for the contact bound as `contact_id`: (reason, keys, card) rows, one statement.

    Built once: building it is a few milliseconds of Python, more than running it."""
    found = _shared_signs(bindparam("contact_id", type_=Integer))
    # The keys as columns: in a write transaction the session may hold the contact with keys
    # the write has just refreshed by a statement of its own.
    return (
        select(found.c.reason, Contact.last_name_key, Contact.first_name_key, Contact)
        .join(Contact, Contact.id == found.c.contact_id)
        .where(or_(Contact.status != ContactStatus.MERGED, found.c.reason == _SELF))
    )


def _shared_signs(contact_id: BindParameter[int]) -> Subquery:
    """Every contact sharing a sign with `contact_id`, as (contact id, reason) rows."""
    me_link = ContactLink.contact_id == contact_id
    emails = union(
        select(func.lower(Contact.email)).where(Contact.id == contact_id, Contact.email.is_not(None)),
        select(func.lower(ContactLink.email)).where(me_link, ContactLink.email.is_not(None)),
    ).scalar_subquery()
    phones = union(
        *(select(column).where(Contact.id == contact_id) for column in (Contact.phone, Contact.mobile)),
        *(select(column).where(me_link) for column in (ContactLink.phone, ContactLink.mobile)),
    ).scalar_subquery()
    # Never correlated with the outer contact: it is the contact asked about.
    profile = (
        select(func.lower(Contact.linkedin_url))
        .where(Contact.id == contact_id)
        .correlate(None)
        .scalar_subquery()
    )
    email, phone = Reason.SAME_EMAIL.value, Reason.SAME_PHONE.value
    return union_all(
        # `IS NOT NULL` spelled out: the indexes hold only the rows with a value (partial).
        _row(Contact.id, email).where(Contact.email.is_not(None), func.lower(Contact.email).in_(emails)),
        _row(ContactLink.contact_id, email).where(
            ContactLink.email.is_not(None), func.lower(ContactLink.email).in_(emails)
        ),
        *(_row(Contact.id, phone).where(c.in_(phones)) for c in (Contact.phone, Contact.mobile)),
        *(
            _row(ContactLink.contact_id, phone).where(c.in_(phones))
            for c in (ContactLink.phone, ContactLink.mobile)
        ),
        _row(Contact.id, Reason.SAME_SOCIAL_PROFILE.value).where(
            Contact.linkedin_url.is_not(None), func.lower(Contact.linkedin_url) == profile
        ),
        *_namesakes(contact_id),
        _row(Contact.id, _SELF).where(Contact.id == contact_id),
    ).subquery()


def _namesakes(contact_id: BindParameter[int]) -> list[Select[int, str]]:
    """The contacts that share the contact's last name, its first name, or both swapped, at one
    of its organisations: each an index seek on the keys its links carry (migration 0008), so
    that an organisation's size does not matter. Disjoint, so that no one comes twice."""
    me, theirs = aliased(ContactLink), aliased(ContactLink)
    last, first = me.last_name_key, me.first_name_key
    alike = [
        theirs.last_name_key == last,
        and_(theirs.first_name_key == first, theirs.last_name_key != last),
        and_(theirs.last_name_key == first, theirs.first_name_key == last, theirs.last_name_key != last),
    ]
    return [
        _row(theirs.contact_id, _NAMES)
        .select_from(me)
        .join(theirs, and_(theirs.organization_id == me.organization_id, condition))
        .where(me.contact_id == contact_id)
        for condition in alike
    ]


async def possible_duplicates(session: AsyncSession, contact_id: int, *, limit: int = 10) -> list[Candidate]:
    """The contacts that may be `contact_id`'s person, best first (then by id); merged ones never.

    One statement, which reads the candidates' cards too (`Candidate.row`)."""
    rows = (await session.execute(_lookup(), {"contact_id": contact_id})).all()
    mine = next(((last, first) for reason, last, first, _ in rows if reason == _SELF), None)
    if mine is None:
        return []
    reasons: dict[int, set[Reason]] = {}
    cards: dict[int, Contact] = {}
    for reason, last, first, row in rows:
        if row.id == contact_id or reason == _SELF:
            continue
        named = name_reason(mine, (last, first)) if reason == _NAMES else Reason(reason)
        if named is not None:
            reasons.setdefault(row.id, set()).add(named)
            cards[row.id] = row
    return [replace(candidate, row=cards[candidate.contact_id]) for candidate in ranked(reasons)[:limit]]


def ranked(reasons: dict[int, set[Reason]]) -> list[Candidate]:
    candidates = [
        Candidate(other, tuple(sorted(found, key=list(Reason).index)), score(found))
        for other, found in reasons.items()
    ]
    return sorted(candidates, key=lambda candidate: (-candidate.score, candidate.contact_id))
