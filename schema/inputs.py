"""What a caller gave in an input: a field left out is UNSET, unlike an explicit null."""

from typing import Any, TypeVar

import strawberry

from resolvers import card_fields

# Strawberry's marker, typed Any so that a field declared `str | None = UNSET` checks.
UNSET: Any = strawberry.UNSET
T = TypeVar("T")
# The description of the inputs that change reference data.
UNCHANGED = "Fields left out stay as they are; null clears (refused where required)."


def given(source: object, *names: str) -> dict[str, Any]:
    """The fields of an input the caller gave, null included; those left out are absent."""
    return {name: getattr(source, name) for name in names if getattr(source, name) is not strawberry.UNSET}


def maybe(value: T) -> card_fields.Maybe[T]:
    """A field of an input as an edit's field: left out becomes the use cases' UNSET."""
    return card_fields.UNSET if value is strawberry.UNSET else value


def or_none(value: T | None) -> T | None:
    """The value given, or None when it was left out (an expected version, a reason)."""
    return None if value is strawberry.UNSET else value
