"""Making names and functions uniform (DOMAIN.md rule 14): the rules, and the plan of a batch.

A normalisation is worked out in a read transaction (`work_out`, a chunk of contacts at a time in
`resolvers.normalization_changes`), then, unless a dry run, written in one short write
transaction (`resolvers.normalization_writes`) that selects the contacts again and works out
anew only those no longer as they were read: the write lock, SQLite's only one, is held for the
writes alone. The styles themselves (upper, title, sentence case) are in resolvers.text_styles.
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PERSON_NAME_MAX, TEXT_MAX
from resolvers.access import Viewer
from resolvers.batches import refuse_if_any
from resolvers.errors import DomainError, ErrorCode, Path, Problems
from resolvers.normalization_changes import work_out_chunk
from resolvers.normalization_plan import Plan, Transform
from resolvers.selection import ContactSelection, chunks, select_contacts
from resolvers.text import clean
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


async def work_out(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    rules: Normalization,
    *,
    max_selection: int,
    to_write: bool,
) -> Plan:
    """Every change over the selection, read without locking anything. `to_write`: with the
    new sort keys and search tokens the writes need (a dry run lists the changes only)."""
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection, lock=False)
    problems = Problems()
    fields = transforms(rules, problems)
    refuse_if_any(selected, problems)
    plan = Plan(viewer, selection, fields, max_selection)
    for chunk in chunks(selected.contact_ids):
        await work_out_chunk(session, plan, chunk, to_write=to_write)
    return plan
