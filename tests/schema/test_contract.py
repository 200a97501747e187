"""The schema the code builds: committed as schema/schema.graphql, and true to the contract.

When a test here fails, its message says what to do and prints what to paste.
"""

import difflib
import json
from pathlib import Path

from graphql import (
    DangerousChangeType,
    SafeChangeType,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    find_schema_changes,
)

from schema.schema import schema

ROOT = Path(__file__).parents[2]
SNAPSHOT = ROOT / "schema" / "schema.graphql"
# An exact copy of the design contract, kept in the repository so that the suite passes in a
# clone kept anywhere. It changes only when the contract does (through an issue).
CONTRACT = ROOT / "schema" / "contract.graphql"

# What the contract has and the code does not have yet, as graphql-core describes each breaking
# change (contract -> code), sorted. The test wants exactly this list: it fails when an entry is
# built (remove it) as when something else breaks. Empty: the whole contract is served.
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


def test_the_code_breaks_nothing_of_the_contract_but_what_is_not_built_yet() -> None:
    breaking = _breaking_changes()

    unexpected = [description for description in breaking if description not in NOT_BUILT_YET]
    built = [description for description in NOT_BUILT_YET if description not in breaking]
    assert breaking == NOT_BUILT_YET, (
        "Breaks the contract (fix the code, or change the contract by a note on the issue):\n"
        + "".join(f"  {description}\n" for description in unexpected)
        + "Built since (remove from NOT_BUILT_YET):\n"
        + "".join(f"  {description}\n" for description in built)
        + "\n"
        + _to_paste(breaking)
    )


def test_the_contracts_default_values_are_kept() -> None:
    contract = build_schema(CONTRACT.read_text())

    changed = [
        change.description
        for change in find_dangerous_changes(contract, build_schema(_code_sdl()))
        if change.type in DEFAULT_CHANGES
    ]

    assert changed == [], "A default value of the contract changed:\n" + "\n".join(changed)


def test_no_field_of_the_contract_is_narrowed_to_non_null() -> None:
    # graphql-core deems `Node` -> `Node!` safe, but null is part of the meaning of a nullable
    # field here (`node` of an unseen id, a contact without `primaryLink`).
    contract = build_schema(CONTRACT.read_text())

    narrowed = [
        change.description
        for change in find_schema_changes(contract, build_schema(_code_sdl()))
        if change.type is SafeChangeType.FIELD_CHANGED_KIND_SAFE
    ]

    assert narrowed == [], "A field of the contract changed type:\n" + "\n".join(narrowed)
