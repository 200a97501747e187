"""search index and byte-wise order

Contacts are searched through an index of their folded tokens: an FTS5 table on SQLite, a GIN
index over a tsvector of the column on PostgreSQL (db/dialect.py says why each is built so).

Sort keys are folded in Python and must compare byte by byte on both engines, as SQLite's
BINARY collation does; PostgreSQL's default collation follows the locale (it would sort
"de la fontaine" and "delafontaine" by language rules), so its key columns collate "C".

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.dialect import (
    POSTGRES_SEARCH_INDEX,
    POSTGRES_SEARCH_INDEX_DDL,
    SEARCH_TABLE,
    SQLITE_FILL_SEARCH_TABLE,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The FTS5 table as this revision made it (0007 adds its prefix indexes).
SQLITE_SEARCH_TABLE_DDL = (
    "CREATE VIRTUAL TABLE contact_search USING fts5(tokens, tokenize='ascii', detail='none', columnsize=0)"
)
KEY_COLUMNS = [
    ("contact", "last_name_key"),
    ("contact", "first_name_key"),
    ("organization", "name_key"),
    ("site", "name_key"),
    ("affair", "name_key"),
    ("target", "name_key"),
    ("event", "name_key"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_SEARCH_TABLE_DDL)
        op.execute(SQLITE_FILL_SEARCH_TABLE)
        return
    for table, column in KEY_COLUMNS:
        op.alter_column(table, column, type_=sa.String(400, collation="C"), existing_nullable=False)
    op.execute(POSTGRES_SEARCH_INDEX_DDL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {SEARCH_TABLE}")
        return
    op.execute(f"DROP INDEX {POSTGRES_SEARCH_INDEX}")
    for table, column in KEY_COLUMNS:
        op.alter_column(table, column, type_=sa.String(400), existing_nullable=False)
