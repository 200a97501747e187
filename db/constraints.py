"""Which unique constraint a write broke, by its name, on either engine.

A use case checks uniqueness before it writes; only two writers racing reach the database's
own check. Telling which constraint failed by its name (never by words of a driver's message)
lets the caller name the input field concerned.
"""

import re

from sqlalchemy import Index, PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from db.models import Base

# SQLite names an index ("index 'ix_name'" for an index on an expression) or lists a constraint's columns
# ("site.code" or "organization.kind, organization.code").
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<columns>.+))$")


def broken_unique(error: IntegrityError) -> str | None:
    """The name of the unique constraint or index `error` broke; None for any other failure."""
    cause = error.orig.__cause__ if error.orig is not None else None
    name = getattr(cause, "constraint_name", None)  # asyncpg's UniqueViolationError
    if isinstance(name, str) and type(cause).__name__ == "UniqueViolationError":
        return name
    found = _SQLITE_UNIQUE.match(str(error.orig))
    if found is None:
        return None
    return found["index"] or _named_by_columns(found["columns"])


def _named_by_columns(listed: str) -> str | None:
    """The unique constraint of the models over exactly these `table.column`s."""
    wanted = {part.strip() for part in listed.split(",")}
    for table in Base.metadata.sorted_tables:
        unique: list[UniqueConstraint | PrimaryKeyConstraint | Index] = [
            c for c in table.constraints if isinstance(c, UniqueConstraint | PrimaryKeyConstraint)
        ]
        unique += [index for index in table.indexes if index.unique]
        for constraint in unique:
            columns = {f"{table.name}.{column.name}" for column in getattr(constraint, "columns", [])}
            if columns == wanted and isinstance(constraint.name, str):
                return constraint.name
    return None
