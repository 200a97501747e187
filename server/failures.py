"""What an operator reads when a command fails: one line that says what and where, no traceback.

Database errors are summarised from the driver's own first line: SQLAlchemy's full text would
carry the statement and its parameters (personal data), and a URL could carry a password.
"""

import argparse
import sys
from typing import NoReturn

from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError


def failure_message(error: BaseException) -> str:
    """One line for `error`: the cause in the operator's words, the detail the driver gave."""
    if isinstance(error, CommandError):
        return f"migration: {_first_line(error)}"
    if isinstance(error, DBAPIError):
        return f"the database refused or could not be reached: {_first_line(error.orig or error)}"
    if isinstance(error, SQLAlchemyError):
        return f"the database could not be used: {type(error).__name__}."
    if isinstance(error, OSError):
        return f"the database file could not be opened: {_first_line(error)}"
    return f"unexpected {type(error).__name__}: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__).rstrip(".") + "."


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported on one line (its default prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)
