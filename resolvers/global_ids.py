"""Relay global ids, `base64("TypeName:key")`: the API's ids, also written as text in history.

The key is the row's primary key as text: a number for most objects, two numbers joined by ":"
for a participation (event, contact), the code for an interlocutor type.
"""

import base64
import binascii

MAX_PK = 2**63 - 1
MAX_ID_LENGTH = 1_000


def to_global_id(type_name: str, *key: int | str) -> str:
    # binascii's encoder, not base64.b64encode's wrapper: a page of the reference query makes ~700.
    text = f"{type_name}:{key[0]!s}" if len(key) == 1 else ":".join([type_name, *map(str, key)])
    return binascii.b2a_base64(text.encode(), newline=False).decode("ascii")


def split_global_id(value: str) -> tuple[str, str] | None:
    """(type name, key as text), or None for anything that is not one of our ids."""
    if len(value) > MAX_ID_LENGTH:
        return None
    try:
        decoded = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, key = decoded.partition(":")
    if not type_name or not key or "\x00" in decoded:
        return None
    return type_name, key


def int_key(key: str) -> int | None:
    """A numeric primary key, in the range the databases store."""
    if not key.isascii() or not key.isdigit() or len(key) > len(str(MAX_PK)) or not 0 < int(key) <= MAX_PK:
        return None
    return int(key)


def pair_key(key: str) -> tuple[int, int] | None:
    """Two numeric keys joined by ":" (a participation: event, contact)."""
    first, _, second = key.partition(":")
    pair = int_key(first), int_key(second)
    return (pair[0], pair[1]) if pair[0] is not None and pair[1] is not None else None


def text_key(key: str) -> str:
    """A key that is text (an interlocutor type's code)."""
    return key


def from_global_id(value: str) -> tuple[str, int] | None:
    """(type name, numeric primary key), or None for anything that is not such an id."""
    parsed = split_global_id(value)
    if parsed is None:
        return None
    pk = int_key(parsed[1])
    return None if pk is None else (parsed[0], pk)
