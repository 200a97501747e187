"""codes unique regardless of case, Unicode included

Revision 0004 made codes unique on `lower(code)`, but SQLite's lower() folds ASCII letters
only: "SOCIÉTÉ" and "société" were two codes there and one on PostgreSQL. Each coded table now
keeps a `code_key`, folded in Python the same way for both engines (db.columns.code_key), and
the unique indexes hold on it. Racing writers are still told apart by the indexes' names.

Fails on a database that holds two codes differing only by case: rename one first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:30:00.000000
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, columns before the key) — the organisation's code is unique within its kind.
KEYED = [
    ("uq_organization_kind_code_key", "organization", ["kind"]),
    ("uq_site_code_key", "site", []),
    ("uq_affair_code_key", "affair", []),
    ("uq_interlocutor_type_code_key", "interlocutor_type", []),
]
LOWERED = {
    "organization": ("uq_organization_kind_code_folded", ["kind", "lower(code)"]),
    "site": ("uq_site_code_folded", ["lower(code)"]),
    "affair": ("uq_affair_code_folded", ["lower(code)"]),
    "interlocutor_type": ("uq_interlocutor_type_code_folded", ["lower(code)"]),
}


def _code_key(code: str) -> str:
    """db.columns.code_key as of this revision (a migration never follows later code)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", code).casefold())


def upgrade() -> None:
    connection = op.get_bind()
    for index, table, before in KEYED:
        # NOT NULL needs a value for the rows already there; SQLite cannot add the constraint
        # later without rebuilding the table, so the column comes with an empty default that
        # the backfill replaces at once (and PostgreSQL then drops).
        op.add_column(table, sa.Column("code_key", sa.String(), nullable=False, server_default=""))
        _fill_keys(connection, table)
        if connection.dialect.name == "postgresql":
            op.alter_column(table, "code_key", server_default=None)
        old, _ = LOWERED[table]
        op.drop_index(old, table_name=table)
        op.create_index(index, table, [*before, "code_key"], unique=True)


def _fill_keys(connection: sa.Connection, table: str) -> None:
    rows = sa.table(table, sa.column("code"), sa.column("code_key"))
    codes = connection.execute(sa.select(rows.c.code).distinct()).scalars().all()
    if codes:
        keyed = sa.update(rows).where(rows.c.code == sa.bindparam("old")).values(code_key=sa.bindparam("key"))
        connection.execute(keyed, [{"key": _code_key(code), "old": code} for code in codes])


def downgrade() -> None:
    for index, table, _ in reversed(KEYED):
        op.drop_index(index, table_name=table)
        old, columns = LOWERED[table]
        expressions = [sa.text(column) if "(" in column else column for column in columns]
        op.create_index(old, table, expressions, unique=True)
        op.drop_column(table, "code_key")
