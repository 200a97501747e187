"""codes unique regardless of case

Rule 20: "ACME" and "acme" are one code within a kind (organisations by kind, sites, affairs,
interlocutor types). A unique index on the lower-cased code makes it hold when two writers race;
the use cases check first, so that a plain duplicate is answered before any write. A race is
told from other failures by these indexes' names (schema/mutations.py).

Fails on a database that already holds two codes differing only by case: rename one first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLDED: list[tuple[str, str, list[str | sa.TextClause]]] = [
    ("uq_organization_kind_code_folded", "organization", ["kind", sa.text("lower(code)")]),
    ("uq_site_code_folded", "site", [sa.text("lower(code)")]),
    ("uq_affair_code_folded", "affair", [sa.text("lower(code)")]),
    ("uq_interlocutor_type_code_folded", "interlocutor_type", [sa.text("lower(code)")]),
]


def upgrade() -> None:
    for name, table, columns in FOLDED:
        op.create_index(name, table, columns, unique=True)


def downgrade() -> None:
    for name, table, _ in reversed(FOLDED):
        op.drop_index(name, table_name=table)
