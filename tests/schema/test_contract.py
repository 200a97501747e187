"""The schema the code builds: committed as schema/schema.graphql, and true to the contract.

When a test here fails, its message says what to do and prints what to paste.
"""

import difflib
import json
from pathlib import Path

from graphql import DangerousChangeType, build_schema, find_breaking_changes, find_dangerous_changes

from schema.schema import schema

ROOT = Path(__file__).parents[2]
SNAPSHOT = ROOT / "schema" / "schema.graphql"
# In CI as here, the repository is cloned with the shared design folder beside it.
CONTRACT = ROOT.parent / "shared" / "design" / "CONTRACT.graphql"

# What the contract has and the code does not have yet, as graphql-core describes each breaking
# change (contract -> code). It may only shrink: a test fails when an entry is built.
NOT_BUILT_YET: list[str] = []

DEFAULT_CHANGES = {
    DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE,
    DangerousChangeType.INPUT_FIELD_DEFAULT_VALUE_CHANGE,
}


def _code_sdl() -> str:
    return schema.as_str() + "\n"


def _breaking_changes() -> list[str]:
    """What a client of the contract would lose against the code (additions are not seen)."""
    contract = build_schema(CONTRACT.read_text())
    return sorted(change.description for change in find_breaking_changes(contract, build_schema(_code_sdl())))


def _to_paste(descriptions: list[str]) -> str:
    lines = "".join(f"    {json.dumps(description)},\n" for description in descriptions)
    return (
        "What breaks now; if that is right, paste it in tests/schema/test_contract.py:\n\n"
        f"NOT_BUILT_YET = [\n{lines}]"
    )


def test_the_committed_schema_is_the_one_the_code_builds() -> None:
    committed, built = SNAPSHOT.read_text(), _code_sdl()

    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            built.splitlines(keepends=True),
            fromfile="schema/schema.graphql (committed)",
            tofile="schema.as_str() (the code)",
        )
    )
    assert committed == built, (
        f"schema/schema.graphql is out of date: run `make schema` and commit it.\n\n{diff}"
    )


def test_nothing_of_the_contract_breaks_beyond_what_is_not_built_yet() -> None:
    breaking = _breaking_changes()

    unexpected = [description for description in breaking if description not in NOT_BUILT_YET]

    assert unexpected == [], (
        "The code breaks the contract: fix the code (or change the contract by a note on the issue).\n"
        + "\n".join(unexpected)
        + "\n\n"
        + _to_paste(breaking)
    )


def test_everything_listed_as_not_built_yet_still_breaks() -> None:
    breaking = _breaking_changes()

    built = [description for description in NOT_BUILT_YET if description not in breaking]

    assert built == [], (
        "Built since: remove from NOT_BUILT_YET.\n" + "\n".join(built) + "\n\n" + _to_paste(breaking)
    )


def test_not_built_yet_has_no_duplicates_and_stays_sorted() -> None:
    assert sorted(set(NOT_BUILT_YET)) == NOT_BUILT_YET


def test_the_contracts_default_values_are_kept() -> None:
    contract = build_schema(CONTRACT.read_text())

    changed = [
        change.description
        for change in find_dangerous_changes(contract, build_schema(_code_sdl()))
        if change.type in DEFAULT_CHANGES
    ]

    assert changed == [], "A default value of the contract changed:\n" + "\n".join(changed)
