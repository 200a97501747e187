"""Cursors: where a page ends, in which list and which ordering (DOMAIN "Reading lists").

A cursor is base64url of the JSON array `[list, key1, key2, …]`: `list` names the list and
ordering that made it (a short digest), the keys are the row's sort values. Anything else, or a
cursor of another list or ordering, is refused as the caller's mistake, before any SQL: its
size, shape and every value's type and range are checked.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

import orjson

MAX_CURSOR_LENGTH = 4_096
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


class BadPageRequest(ValueError):
    """`first`/`last` out of range, both given, or a cursor that is not one of ours."""


class BadCursor(BadPageRequest):
    """A cursor that is not one of ours, or not of this list."""


def list_key(*parts: object) -> str:
    """A short, stable name for a list and its ordering, from what defines them."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=6).hexdigest()


# A sort value as a column holds it (a datetime is a date too).
SortValue = str | int | date | None


def encode_cursor(listed: str, values: Sequence[object]) -> str:
    plain = [value.isoformat() if isinstance(value, date | datetime) else value for value in values]
    # orjson writes what json.dumps(separators=(",", ":"), ensure_ascii=False) does, 20x faster:
    # a page encodes a cursor per row
    return base64.urlsafe_b64encode(orjson.dumps([listed, *plain])).decode()


def decode_cursor(cursor: str, listed: str, kinds: Sequence[type]) -> list[SortValue]:
    """The sort values of a cursor of list `listed`, typed as `kinds` (one per sort column)."""
    values = _json_array(cursor)
    if not values or not isinstance(values[0], str):
        raise BadCursor("That cursor is not one of ours.")
    if values[0] != listed:
        raise BadCursor("That cursor belongs to another list or ordering: ask for the first page again.")
    if len(values) != len(kinds) + 1:
        raise BadCursor("That cursor is not one of ours.")
    try:
        return [_typed(value, kind) for value, kind in zip(values[1:], kinds, strict=True)]
    except (TypeError, ValueError, OverflowError) as error:
        raise BadCursor("That cursor is not one of ours.") from error


def _json_array(cursor: str) -> list[object]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor("That cursor is not one of ours.")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")).decode())
    except (ValueError, binascii.Error, RecursionError) as error:
        raise BadCursor("That cursor is not one of ours.") from error
    if not isinstance(values, list):
        raise BadCursor("That cursor is not one of ours.")
    return values


def _typed(value: object, kind: type) -> SortValue:
    """A sort value as the column holds it; a TypeError or ValueError for anything else."""
    if value is None:
        return None
    if kind is datetime:
        moment = datetime.fromisoformat(_iso(value))
        if moment.tzinfo is None:
            raise ValueError("a time without its offset")
        return moment.astimezone(UTC)
    if kind is date:
        return date.fromisoformat(_iso(value))
    if kind is int:
        if type(value) is not int or not MIN_INT <= value <= MAX_INT:
            raise ValueError("not a stored integer")
        return value
    if kind is str:
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError("not a stored text")
        value.encode()  # a lone surrogate cannot be stored: UnicodeEncodeError, a ValueError
        return value
    raise TypeError(f"no cursor value of kind {kind.__name__}")


def _iso(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a day or a time is written as text")  # as fromisoformat would refuse it
    return value
