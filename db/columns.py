"""The building blocks of the models: naming convention, text limits, column types, `Base`."""

import enum
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData, String, Table, TypeDecorator
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Text limits of DOMAIN.md rule 17; the schema checks them before the database sees a value.
PERSON_NAME_MAX = 100
NOTES_MAX = 10_000
TEXT_MAX = 200


SQLITE_STORED_LENGTH = len("2026-12-03 09:15:00.000000")  # SQLAlchemy's SQLite DATETIME text


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and always read back aware (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("A naive datetime has no place in Carnet: give it a time zone.")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """On SQLite, the text SQLAlchemy stored ("2026-12-03 09:15:00.000000", in UTC) read as an
        aware moment in one call: parsing, then `replace(tzinfo=…)`, took ~0.9 µs a value, and a
        page of contacts reads 200. Any other text goes SQLAlchemy's own way."""
        generic = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or generic is None:
            return generic

        def utc_from_text(value: Any) -> datetime | None:
            if value.__class__ is str and len(value) == SQLITE_STORED_LENGTH:
                return datetime.fromisoformat(value + "+00:00")
            return generic(value)

        return utc_from_text


# A portable big-integer primary key: SQLite only aliases ROWID for "INTEGER PRIMARY KEY".
BigId = BigInteger().with_variant(Integer(), "sqlite")

pk = Annotated[int, mapped_column(BigId, primary_key=True, autoincrement=True)]
short_text = Annotated[str, mapped_column(String(TEXT_MAX))]
optional_text = Annotated[str | None, mapped_column(String(TEXT_MAX))]
# Sort keys compare byte-wise on both engines: SQLite's default BINARY, PostgreSQL's "C".
SortKey = String(TEXT_MAX * 2).with_variant(String(TEXT_MAX * 2, collation="C"), "postgresql")
sort_key = Annotated[str, mapped_column(SortKey, default="")]
timestamp = Annotated[datetime, mapped_column(UtcDateTime())]


def code_key(code: str) -> str:
    """A code as rule 20 compares it: "ACME", "acme", "SOCIÉTÉ" and "société" are one code.

    Folded in Python on both engines, because their `lower()` differ (SQLite's folds ASCII
    letters only): full Unicode case folding ("ß" is "ss"), with accents composed the same way
    whether they were typed as one character or two.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", code).casefold())


def _code_key_of_inserted_row(context: DefaultExecutionContext) -> str | None:
    """The key of a row inserted without the ORM (bulk loads): computed from its code.

    Read from `current_parameters`, one row's values: a multi-VALUES insert would name them
    "code_m0"…, and fail loudly here rather than store a wrong key.
    """
    code = (context.current_parameters or {})["code"]
    return None if code is None else code_key(code)


# Unbounded: folding may lengthen a code ("ß" → "ss"); the code itself keeps its limit.
code_key_column = Annotated[str, mapped_column(String(), default=_code_key_of_inserted_row)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as one (declarative types `__table__` as a mere FromClause): bulk
    writes go through Core, without the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


class StoredEnum(Enum):
    """SQLAlchemy's Enum, read back by one look in its table of members (a dict's `__getitem__`,
    a C call) instead of two Python calls a value: a page of contacts reads some 550. A value
    outside the enum raises KeyError, a LookupError as SQLAlchemy's own."""

    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # Enum's own processor calls String's first, which decodes nothing (SQLAlchemy 2).
        return self._object_lookup.__getitem__


def enum_column(cls: type[enum.Enum]) -> Enum:
    """Enums are stored by name in a VARCHAR, so adding a member needs no type migration."""
    return StoredEnum(cls, native_enum=False, create_constraint=False, length=20)
