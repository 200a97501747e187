"""`duplicateGroups`: the whole base read once for contacts that may be the same person (rule 21).

Shared e-mails, phones and profiles are grouped by the database (only keys held by two contacts
or more come back); names are compared per organisation in Python, where a typo is found by
"deletion neighbours": two names one edit apart share a form with one letter left out (then
checked exactly). A key shared by more than `CROWD` contacts is a switchboard or an `info@`
address, not a person: it says nothing about duplicates.

Pairs at or above `min_score` join into groups (connected contacts); a group's score is its
best pair's, its reasons all its pairs'. Groups read best first, then by their smallest id.
"""

import base64
import binascii
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TypeVarTuple

from sqlalchemy import CompoundSelect, Select, SQLColumnExpression, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactLink, ContactStatus
from resolvers.duplicates import DEFAULT_MIN_SCORE, Reason, name_reason, score

CROWD = 20
Pair = tuple[int, int]

Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class DuplicateGroup:
    contact_ids: tuple[int, ...]
    reasons: tuple[Reason, ...]
    score: float

    @property
    def cursor(self) -> str:
        return base64.b64encode(f"DuplicateGroup:{self.score}:{self.contact_ids[0]}".encode()).decode()


@dataclass(frozen=True)
class GroupPage:
    groups: list[DuplicateGroup]
    has_next: bool
    total: int


class BadCursor(ValueError):
    """A cursor that is not one of `duplicateGroups`'."""


def _position(cursor: str) -> tuple[float, int]:
    try:
        kind, value, first = base64.b64decode(cursor, validate=True).decode().split(":")
        if kind != "DuplicateGroup":
            raise ValueError(kind)
        return float(value), int(first)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise BadCursor("This cursor is not one of duplicateGroups'.") from error


async def duplicate_groups(
    session: AsyncSession, *, min_score: float = DEFAULT_MIN_SCORE, first: int = 50, after: str | None = None
) -> GroupPage:
    """One page of the base's duplicate groups, best first."""
    groups = _groups(await find_pairs(session), min_score)
    total = len(groups)
    if after is not None:
        best, smallest = _position(after)
        groups = [g for g in groups if (-g.score, g.contact_ids[0]) > (-best, smallest)]
    return GroupPage(groups[:first], len(groups) > first, total)


async def count_groups(session: AsyncSession, *, min_score: float = DEFAULT_MIN_SCORE) -> int:
    return len(_groups(await find_pairs(session), min_score))


async def find_pairs(session: AsyncSession) -> dict[Pair, set[Reason]]:
    """Every pair of (not merged) contacts that share a sign, with the signs they share."""
    pairs: dict[Pair, set[Reason]] = defaultdict(set)
    for reason, keys in _shared_keys().items():
        for contact_ids in await _holders(session, keys):
            for pair in combinations(sorted(contact_ids), 2):
                pairs[pair].add(reason)
    for pair, reason in await _name_pairs(session):
        pairs[pair].add(reason)
    return pairs


def _live(query: Select[*Row], contact_id: SQLColumnExpression[int]) -> Select[*Row]:
    return query.join(Contact, Contact.id == contact_id).where(Contact.status != ContactStatus.MERGED)


def _shared_keys() -> dict[Reason, CompoundSelect[str | None, int]]:
    """Per sign, the (key, contact id) rows of the whole base, each contact once per key."""

    def keyed(
        key: SQLColumnExpression[str | None], contact_id: SQLColumnExpression[int]
    ) -> Select[str | None, int]:
        query: Select[str | None, int] = select(key.label("key"), contact_id.label("contact_id"))
        query = query.where(key.is_not(None))
        return (
            _live(query, contact_id)
            if contact_id is ContactLink.contact_id
            else query.where(Contact.status != ContactStatus.MERGED)
        )

    return {
        Reason.SAME_EMAIL: union(
            keyed(func.lower(Contact.email), Contact.id),
            keyed(func.lower(ContactLink.email), ContactLink.contact_id),
        ),
        Reason.SAME_PHONE: union(
            *(keyed(column, Contact.id) for column in (Contact.phone, Contact.mobile)),
            *(keyed(column, ContactLink.contact_id) for column in (ContactLink.phone, ContactLink.mobile)),
        ),
        Reason.SAME_SOCIAL_PROFILE: union(keyed(func.lower(Contact.linkedin_url), Contact.id)),
    }


async def _holders(session: AsyncSession, keys: CompoundSelect[str | None, int]) -> list[set[int]]:
    """The contacts holding each key held by two of them or more (and at most CROWD)."""
    rows = keys.cte()
    shared = select(rows.c.key).group_by(rows.c.key).having(func.count() > 1)
    found: dict[str, set[int]] = defaultdict(set)
    for key, contact_id in await session.execute(
        select(rows.c.key, rows.c.contact_id).where(rows.c.key.in_(shared))
    ):
        found[key].add(contact_id)
    return [ids for ids in found.values() if len(ids) <= CROWD]


async def _name_pairs(session: AsyncSession) -> list[tuple[Pair, Reason]]:
    query = _live(
        select(
            ContactLink.organization_id, ContactLink.contact_id, Contact.last_name_key, Contact.first_name_key
        ),
        ContactLink.contact_id,
    ).order_by(ContactLink.organization_id)
    found: list[tuple[Pair, Reason]] = []
    block: list[tuple[int, str, str]] = []
    current = None
    for organization_id, contact_id, last, first in await session.execute(query):
        if organization_id != current:
            found.extend(_pairs_in(block))
            block, current = [], organization_id
        block.append((contact_id, last, first))
    found.extend(_pairs_in(block))
    return found


def _neighbours(last: str, first: str) -> Iterator[tuple[str, ...]]:
    """The forms under which a name meets its look-alikes: itself, swapped, each one-letter-less."""
    yield ("same", last, first)
    yield ("same", first, last)
    for i in range(len(last) + 1):
        yield ("last", last[:i] + last[i + 1 :], first)
    for i in range(len(first) + 1):
        yield ("first", last, first[:i] + first[i + 1 :])


def _pairs_in(block: Sequence[tuple[int, str, str]]) -> list[tuple[Pair, Reason]]:
    """Pairs of one organisation's contacts whose names are alike."""
    meeting: dict[tuple[str, ...], list[int]] = defaultdict(list)
    names = {contact_id: (last, first) for contact_id, last, first in block}
    for contact_id, (last, first) in names.items():
        for form in set(_neighbours(last, first)):
            meeting[form].append(contact_id)
    found: dict[Pair, Reason] = {}
    for ids in meeting.values():
        if 1 < len(ids) <= CROWD:
            for a, b in combinations(sorted(ids), 2):
                if (a, b) not in found:
                    reason = name_reason(names[a], names[b])
                    if reason is not None:
                        found[(a, b)] = reason
    return list(found.items())


def _groups(pairs: dict[Pair, set[Reason]], min_score: float) -> list[DuplicateGroup]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = {pair: (reasons, score(reasons)) for pair, reasons in pairs.items() if score(reasons) >= min_score}
    for a, b in kept:
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = defaultdict(list)
    for contact_id in parent:
        members[root(contact_id)].append(contact_id)
    best: dict[int, float] = defaultdict(float)
    reasons: dict[int, set[Reason]] = defaultdict(set)
    for (a, _), (found, value) in kept.items():
        best[root(a)] = max(best[root(a)], value)
        reasons[root(a)].update(found)
    groups = [
        DuplicateGroup(tuple(sorted(ids)), tuple(sorted(reasons[r], key=list(Reason).index)), best[r])
        for r, ids in members.items()
    ]
    return sorted(groups, key=lambda group: (-group.score, group.contact_ids[0]))
