"""Making names and functions uniform (DOMAIN.md rule 14): the text styles, and the batch.

Every style keeps a text's length, character for character: a few letters change length when
Python changes their case (`İ` -> `i̇`), and a name must never outgrow its column nor be
truncated; those letters are kept as typed (and `ß` becomes `ẞ`, not `SS`).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

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

_SPACES = re.compile(r"\s+")
_APOSTROPHE = re.compile("['’]")
# Prepositions that stay lower case wherever they stand in a name ("de La Fontaine", "van der
# Berg"); the articles le, la, les are not among them: they are capitalised ("Le Goff").
PARTICLES = frozenset({"de", "du", "des", "van", "von", "der", "den", "di", "da", "del", "della"})
# What stays lower case before an apostrophe ("d'Artagnan"); "O'Brien", "L'Hermite" do not.
ELIDED = frozenset({"d"})


class TextStyle(Enum):
    UPPER = "UPPER"
    TITLE = "TITLE"
    SENTENCE = "SENTENCE"


def tidy(text: str | None) -> str | None:
    """Surrounding spaces removed and inner runs of spaces made one; blank is no text."""
    if text is None:
        return None
    return _SPACES.sub(" ", text).strip() or None


def _upper(char: str) -> str:
    if char == "ß":
        return "ẞ"  # the capital sharp s: "ß".upper() would be two letters, "SS"
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


def upper(text: str) -> str:
    """Upper case, accents kept: "dupont-éléonore" -> "DUPONT-ÉLÉONORE"."""
    whole = text.upper()
    # Letter by letter only when some letter grew (rare): the whole text at once is far faster.
    return whole if len(whole) == len(text) else "".join(_upper(char) for char in text)


def lower(text: str) -> str:
    whole = text.lower()
    return whole if len(whole) == len(text) else "".join(_lower(char) for char in text)


def sentence(text: str) -> str:
    """The first letter capitalised, the rest as typed: "directeur DAF" -> "Directeur DAF"."""
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + _upper(char) + text[index + 1 :]
    return text


def capitalised(text: str) -> str:
    """The first letter upper case, every other lower case."""
    return sentence(lower(text))


def title(text: str) -> str:
    """Each word and hyphenated part capitalised, in French usage for particles.

    "de la FONTAINE" -> "de La Fontaine", "d'ARTAGNAN" -> "d'Artagnan", "O'BRIEN" -> "O'Brien";
    a name made only of particles starts with a capital all the same ("DE" -> "De").
    """
    words = text.split(" ")
    styled = [_title_word(word) for word in words]
    if all(lower(word) in PARTICLES for word in words):
        styled[0] = capitalised(styled[0])
    return " ".join(styled)


def _title_word(word: str) -> str:
    return "-".join(_title_part(part) for part in word.split("-"))


def _title_part(part: str) -> str:
    mark = _APOSTROPHE.search(part)
    if mark is not None:
        head, rest = part[: mark.start()], part[mark.end() :]
        head = lower(head) if lower(head) in ELIDED else capitalised(head)
        return head + mark.group() + capitalised(rest)
    folded = lower(part)
    return folded if folded in PARTICLES else capitalised(part)


STYLES: dict[TextStyle, Callable[[str], str]] = {
    TextStyle.UPPER: upper,
    TextStyle.TITLE: title,
    TextStyle.SENTENCE: sentence,
}


def styled(style: TextStyle, text: str | None) -> str | None:
    """`text` tidied, then in `style`; no text stays no text."""
    tidied = tidy(text)
    return None if tidied is None else STYLES[style](tidied)


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
    people: Sequence[Person], names: Sequence[dict[str, Any]], changes: Mapping[int, Sequence[Difference]]
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
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, list[Difference]]]:
    """The rows to write and each contact's differences, lastName, firstName, then functions."""
    last_of, first_of, function_of = (
        fields.get(name, _unchanged) for name in ("lastName", "firstName", "function")
    )
    names, functions, changes = [], [], {}
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


async def _write(session: AsyncSession, names: list[dict[str, Any]], functions: list[dict[str, Any]]) -> None:
    connection = await session.connection()
    if names:
        await connection.execute(_WRITE_NAMES, names)
    if functions:
        await connection.execute(_WRITE_FUNCTIONS, functions)
