"""Making names and functions uniform (DOMAIN.md rule 14): the rules and the batch.

The styles themselves (upper, title, sentence case) are in resolvers.text_styles.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PERSON_NAME_MAX, TEXT_MAX, Contact, ContactLink
from resolvers.access import Actor, Viewer
from resolvers.batches import CONTACT, LINK, Changed, ReadingKey, record_changes, refuse_if_any
from resolvers.errors import DomainError, ErrorCode, Path, Problems
from resolvers.history_text import Difference
from resolvers.search import refresh_contact_keys
from resolvers.selection import ContactSelection, chunks, select_contacts
from resolvers.text import clean, fold
from resolvers.text_styles import TextStyle, styled


@dataclass(frozen=True)
class TextRule:
    """How to make one field uniform: a style, or one value for everybody (exactly one)."""

    style: TextStyle | None = None
    value: str | None = None


@dataclass(frozen=True)
class Normalization:
    """A rule per field; a field without one is left as it is."""

    last_name: TextRule | None = None
    first_name: TextRule | None = None
    function: TextRule | None = None


@dataclass(frozen=True)
class NormalizationResult:
    changes: list[Difference]  # the first MAX_LISTED, in the contacts' order
    changed_count: int  # all of them
    applied: bool
    contacts: Changed  # the contacts whose version rose (none in a dry run)


Transform = Callable[[str | None], str | None]
# What a chunk reads: (id, last name key, first name key, last name, first name) of each
# contact, and (contact id, link id, organisation id, function) of each link.
Person = tuple[int, str, str, str, str | None]
LinkFunction = tuple[int, int, int, str | None]
MAX_LISTED = 1_000


class NameRow(TypedDict):
    """A contact's new names, as `_WRITE_NAMES` binds them."""

    b_id: int
    b_last: str
    b_first: str | None


class FunctionRow(TypedDict):
    """A link's new function, as `_WRITE_FUNCTIONS` binds it."""

    b_id: int
    b_function: str | None


_WRITE_NAMES = (
    update(CONTACT)
    .where(CONTACT.c.id == bindparam("b_id"))
    .values(last_name=bindparam("b_last"), first_name=bindparam("b_first"))
)
_WRITE_FUNCTIONS = update(LINK).where(LINK.c.id == bindparam("b_id")).values(function=bindparam("b_function"))


def transforms(rules: Normalization, problems: Problems) -> dict[str, Transform]:
    """What each field becomes, by its GraphQL name; every bad rule is reported."""
    found: dict[str, Transform] = {}
    for name, rule, max_length in (
        ("lastName", rules.last_name, PERSON_NAME_MAX),
        ("firstName", rules.first_name, PERSON_NAME_MAX),
        ("function", rules.function, TEXT_MAX),
    ):
        if rule is not None:
            transform = _transform(rule, ("input", name), max_length, problems)
            if transform is not None:
                found[name] = transform
    return found


def _transform(rule: TextRule, path: Path, max_length: int, problems: Problems) -> Transform | None:
    if (rule.style is None) == (rule.value is None):
        problems.add(ErrorCode.INVALID, path, "Give exactly one of style or value.")
        return None
    if rule.style is not None:
        style = rule.style
        return lambda text: styled(style, text)
    try:
        value = clean(rule.value, (*path, "value"), max_length, required=True)
    except DomainError as error:
        problems.extend(error)
        return None
    return lambda _text: value


async def normalize_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    rules: Normalization,
    *,
    dry_run: bool,
    max_selection: int,
    actor: Actor,
) -> NormalizationResult:
    """Work out every change over the selection; unless `dry_run`, write them all.

    Lists the first MAX_LISTED changes, by contact in the lists' default order (last name,
    first name, id) and then by field, and counts them all.
    """
    selected = await select_contacts(
        session, viewer, selection, max_selection=max_selection, lock=not dry_run
    )
    problems = Problems()
    fields = transforms(rules, problems)
    refuse_if_any(selected, problems)
    found: list[tuple[tuple[str, str, int], list[Difference]]] = []
    written = Changed()
    for chunk in chunks(selected.contact_ids):
        people, links = await _current(session, chunk, with_functions="function" in fields)
        names, functions, changes = _changes(people, links, fields)
        if not dry_run:
            await _write(session, names, functions)
            await record_changes(session, changes, actor)
            written.add(_reading_keys(people, names, changes))
        found.extend(
            ((person[1], person[2], person[0]), changes[person[0]])
            for person in people
            if person[0] in changes
        )
    if not dry_run:
        await refresh_contact_keys(session, sorted(order[2] for order, _ in found))
    found.sort(key=lambda item: item[0])
    listed = [change for _, changes in found for change in changes][:MAX_LISTED]
    count = sum(len(changes) for _, changes in found)
    return NormalizationResult(listed, count, applied=not dry_run, contacts=written)


def _reading_keys(
    people: Sequence[Person], names: Sequence[NameRow], changes: Mapping[int, Sequence[Difference]]
) -> list[ReadingKey]:
    """Where each changed contact reads once its new names are written (their keys, folded)."""
    renamed = {row["b_id"]: (fold(row["b_last"]), fold(row["b_first"])) for row in names}
    return [
        (*renamed.get(contact_id, (last_key, first_key)), contact_id)
        for contact_id, last_key, first_key, _, _ in people
        if contact_id in changes
    ]


async def _current(
    session: AsyncSession, contact_ids: Sequence[int], *, with_functions: bool
) -> tuple[list[Person], list[LinkFunction]]:
    """The names (and sort keys) of these contacts, and their links' functions."""
    people = await session.execute(
        select(
            Contact.id, Contact.last_name_key, Contact.first_name_key, Contact.last_name, Contact.first_name
        ).where(Contact.id.in_(contact_ids))
    )
    if not with_functions:
        return list(people.all()), []
    links = await session.execute(
        select(ContactLink.contact_id, ContactLink.id, ContactLink.organization_id, ContactLink.function)
        .where(ContactLink.contact_id.in_(contact_ids))
        .order_by(ContactLink.id)
    )
    return list(people.all()), list(links.all())


def _unchanged(text: str | None) -> str | None:
    return text


def _changes(
    people: Sequence[Person], links: Sequence[LinkFunction], fields: dict[str, Transform]
) -> tuple[list[NameRow], list[FunctionRow], dict[int, list[Difference]]]:
    """The rows to write and each contact's differences, lastName, firstName, then functions."""
    last_of, first_of, function_of = (
        fields.get(name, _unchanged) for name in ("lastName", "firstName", "function")
    )
    names: list[NameRow] = []
    functions: list[FunctionRow] = []
    changes: dict[int, list[Difference]] = {}
    for contact_id, _, _, last, first in people:
        after = (last_of(last) or last, first_of(first))
        found = [
            Difference(contact_id, None, name, before, new)
            for name, before, new in (("lastName", last, after[0]), ("firstName", first, after[1]))
            if before != new
        ]
        if found:
            names.append({"b_id": contact_id, "b_last": after[0], "b_first": after[1]})
            changes[contact_id] = found
    for contact_id, link_id, organization_id, function in links:
        new = function_of(function)
        if new != function:
            functions.append({"b_id": link_id, "b_function": new})
            changes.setdefault(contact_id, []).append(
                Difference(contact_id, organization_id, "function", function, new)
            )
    return names, functions, changes


async def _write(session: AsyncSession, names: list[NameRow], functions: list[FunctionRow]) -> None:
    connection = await session.connection()
    if names:
        await connection.execute(_WRITE_NAMES, names)
    if functions:
        await connection.execute(_WRITE_FUNCTIONS, functions)
