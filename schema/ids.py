"""Relay global ids: standard base64 of `TypeName:primaryKey`, opaque to clients."""

import base64
import binascii

from resolvers.errors import NotFound, Path

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


def pk_of(value: str, type_names: str | tuple[str, ...], path: Path) -> int:
    """The primary key behind a global id of one of `type_names`, else NotFound at `path`."""
    accepted = (type_names,) if isinstance(type_names, str) else type_names
    parsed = from_global_id(value)
    if parsed is None or parsed[0] not in accepted:
        raise NotFound(path, f"No {' or '.join(accepted)} has the id {value!r}.")
    return parsed[1]


def optional_pk_of(value: str | None, type_names: str | tuple[str, ...], path: Path) -> int | None:
    return None if value is None else pk_of(value, type_names, path)
