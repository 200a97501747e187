"""A normalisation's changes worked out, a chunk of contacts at a time (DOMAIN.md rule 14): the
differences of each contact from what it is when read, and, for a plan to write, the rows that
write them (names, functions, sort keys and search tokens where they change, history fields).

A change of case or spacing keeps a name's folded key, hence its search words: sort keys are
written only where the folded names change, and search tokens (which need the links' e-mails and
organisations) only where the words change.
"""

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactLink, Organization
from resolvers.history_text import Difference
from resolvers.normalization_plan import FieldRow, FunctionRow, NameRow, Outcome, Plan, Transform
from resolvers.search import KeyRow, key_row
from resolvers.text import fold, words

# What a chunk reads: each contact's (id, last name key, first name key, last name, first name,
# e-mail, version, search tokens), and each link's (contact id, link id, organisation id,
# function, e-mail, organisation name).
Person = Row[int, str, str, str, str | None, str | None, int, str]
Link = Row[int, int, int, str | None, str | None, str]
Links = dict[int, list[Link]]

_PEOPLE = select(
    Contact.id,
    Contact.last_name_key,
    Contact.first_name_key,
    Contact.last_name,
    Contact.first_name,
    Contact.email,
    Contact.version,
    Contact.search_tokens,
)


class Found(NamedTuple):
    """One contact with differences, before its rows to write are worked out."""

    person: Person
    changes: list[Difference]
    names: NameRow
    functions: list[FunctionRow]

    def outcome(self, keys: KeyRow | None = None, history: tuple[FieldRow, ...] = ()) -> Outcome:
        reading = (self.person[1], self.person[2], self.person[0])
        return Outcome(reading, self.changes, self.names, self.functions, keys, history)


async def work_out_chunk(
    session: AsyncSession, plan: Plan, contact_ids: Sequence[int], *, to_write: bool
) -> None:
    """Work out (again) the changes of these contacts from what they are now, into `plan`."""
    plan.forget(contact_ids)
    people = list(await session.execute(_PEOPLE.where(Contact.id.in_(contact_ids))))
    links = await _links(session, contact_ids) if "function" in plan.fields else None
    found: list[Found] = []
    for person in people:
        plan.states[person[0]] = (person[6], person[7])
        differences = _found(person, (links or {}).get(person[0], []), plan.fields)
        if differences is not None:
            found.append(differences)
    if not to_write:
        plan.outcomes.update((each.person[0], each.outcome()) for each in found)
        return
    folded = {each.person[0]: (fold(each.names["b_last"]), fold(each.names["b_first"])) for each in found}
    retokened = {each.person[0] for each in found if _new_words(each, folded[each.person[0]])}
    if retokened and links is None:
        links = await _links(session, sorted(retokened))
    for each in found:
        contact_id = each.person[0]
        keys: KeyRow | None
        if contact_id in retokened:
            keys = _retokened(each, (links or {}).get(contact_id, []))
        else:
            keys = _new_keys(each.person, folded[contact_id])
        plan.outcomes[contact_id] = each.outcome(keys, _history(each.changes))


async def _links(session: AsyncSession, contact_ids: Sequence[int]) -> Links:
    rows = await session.execute(
        select(
            ContactLink.contact_id,
            ContactLink.id,
            ContactLink.organization_id,
            ContactLink.function,
            ContactLink.email,
            Organization.name,
        )
        .join(Organization, Organization.id == ContactLink.organization_id)
        .where(ContactLink.contact_id.in_(contact_ids))
        .order_by(ContactLink.id)
    )
    found: Links = {}
    for link in rows:
        found.setdefault(link[0], []).append(link)
    return found


def _unchanged(text: str | None) -> str | None:
    return text


def _found(person: Person, links: Sequence[Link], fields: dict[str, Transform]) -> Found | None:
    """One contact's differences, lastName, firstName, then functions; None when none."""
    contact_id, _, _, last, first = person[:5]
    last_of, first_of, function_of = (
        fields.get(name, _unchanged) for name in ("lastName", "firstName", "function")
    )
    after = (last_of(last) or last, first_of(first))
    changes = [
        Difference(contact_id, None, name, before, new)
        for name, before, new in (("lastName", last, after[0]), ("firstName", first, after[1]))
        if before != new
    ]
    functions: list[FunctionRow] = []
    for _, link_id, organization_id, function, _, _ in links:
        new = function_of(function)
        if new != function:
            functions.append({"b_id": link_id, "b_function": new})
            changes.append(Difference(contact_id, organization_id, "function", function, new))
    if not changes:
        return None
    return Found(person, changes, {"b_id": contact_id, "b_last": after[0], "b_first": after[1]}, functions)


def _new_words(found: Found, folded: tuple[str, str]) -> bool:
    """Whether the words the contact is searched by change. Words come from folded texts: when
    the folded names equal the keys as they stand, the names' words are the same."""
    person = found.person
    names = found.names
    if folded != (person[1], person[2]) and words(names["b_last"], names["b_first"]) != words(
        person[3], person[4]
    ):
        return True
    return any(
        change.field == "function"
        and fold(change.before) != fold(change.after)
        and words(change.before) != words(change.after)
        for change in found.changes
    )


def _new_keys(person: Person, folded: tuple[str, str]) -> KeyRow | None:
    """The new sort keys where the folded names change (the search tokens as they are)."""
    if folded == (person[1], person[2]):
        return None
    return {"key_id": person[0], "last_key": folded[0], "first_key": folded[1], "tokens": person[7]}


def _retokened(found: Found, links: Sequence[Link]) -> KeyRow:
    """The keys and search tokens after, from the names, e-mails, functions and organisations."""
    functions = {row["b_id"]: row["b_function"] for row in found.functions}
    shown = [text for link in links for text in (link[4], functions.get(link[1], link[3]), link[5])]
    names = found.names
    return key_row(found.person[0], names["b_last"], names["b_first"], found.person[5], shown)


def _history(changes: Sequence[Difference]) -> tuple[FieldRow, ...]:
    """The history rows of these changes, their entry's id still to come."""
    return tuple(
        {
            "change_id": 0,
            "organization_id": change.organization_id,
            "field": change.field,
            "before": change.before,
            "after": change.after,
        }
        for change in changes
    )
