"""Relay global ids, `base64("TypeName:pk")`: the API's ids, also written as text in history."""

import base64
import binascii

MAX_PK = 2**63 - 1


def to_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(value: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        decoded = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, key = decoded.partition(":")
    if not type_name or not key.isascii() or not key.isdigit() or not 0 < int(key) <= MAX_PK:
        return None
    return type_name, int(key)
