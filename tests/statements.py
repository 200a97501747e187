"""The SQL statements a block of a test runs, by their first word: what a test counts or
checks is empty."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from db.engine import Database


@contextmanager
def recorded(db: Database, verbs: tuple[str, ...]) -> Iterator[list[str]]:
    """The statements run inside the block whose first word is one of `verbs` ("SELECT", …)."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in verbs:
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", before)
