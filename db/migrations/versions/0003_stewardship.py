"""stewardship: merged contacts, merges that can be undone, the audit log, duplicate look-ups

Rule 21 needs a MERGED status (a VARCHAR enum: no type change), the contact a merge folded a
contact into, and the merges themselves with what an exact undo needs; rule 23 an audit log.
Duplicate look-ups go through indexes: lower-cased e-mails and profiles (expression indexes,
which both engines serve for `lower(column) = :value`), E.164 phones, and the folded names
read first name first (a swapped or mistyped last name).

On SQLite the new column is added with a plain ALTER TABLE: batch mode would rebuild `contact`,
and dropping the old table with foreign keys on would cascade-delete every link.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 01:20:09.371877
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PLAIN_INDEXES = [
    ("ix_contact_first_name_order", "contact", ["first_name_key", "last_name_key"]),
    ("ix_contact_merged_into_id", "contact", ["merged_into_id"]),
]
# Only the rows that have a value: an index full of NULLs makes the planners prefer a scan.
PRESENT_INDEXES = [
    ("ix_contact_phone", "contact", "phone"),
    ("ix_contact_mobile", "contact", "mobile"),
    ("ix_contact_link_phone", "contact_link", "phone"),
    ("ix_contact_link_mobile", "contact_link", "mobile"),
]
FOLDED_INDEXES = [
    ("ix_contact_email_folded", "contact", "email"),
    ("ix_contact_linkedin_folded", "contact", "linkedin_url"),
    ("ix_contact_link_email_folded", "contact_link", "email"),
]


def upgrade() -> None:
    _create_audit_entry()
    _create_contact_merge()
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE contact ADD COLUMN merged_into_id INTEGER REFERENCES contact (id)")
    else:
        op.add_column("contact", sa.Column("merged_into_id", BigId, nullable=True))
        op.create_foreign_key(
            "fk_contact_merged_into_id_contact", "contact", "contact", ["merged_into_id"], ["id"]
        )
    for name, table, columns in PLAIN_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, column in PRESENT_INDEXES:
        op.create_index(name, table, [column], unique=False, **_where_present(column))  # type: ignore[arg-type]
    for name, table, column in FOLDED_INDEXES:
        folded = [sa.text(f"lower({column})")]
        op.create_index(name, table, folded, unique=False, **_where_present(column))  # type: ignore[arg-type]


def _where_present(column: str) -> dict[str, sa.TextClause]:
    return {f"{dialect}_where": sa.text(f"{column} IS NOT NULL") for dialect in ("sqlite", "postgresql")}


def _create_audit_entry() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", db.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "PERSONAL_DATA_EXPORT",
                "FILE_EXPORT",
                "ERASURE",
                name="auditaction",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=10000), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )


def _create_contact_merge() -> None:
    op.create_table(
        "contact_merge",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("kept_id", BigId, nullable=False),
        sa.Column("merged_ids", sa.String(length=200), nullable=False),
        sa.Column("at", db.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("undone_at", db.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["kept_id"], ["contact.id"], name=op.f("fk_contact_merge_kept_id_contact")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_merge")),
    )
    op.create_index("ix_contact_merge_kept_id", "contact_merge", ["kept_id"], unique=False)


def downgrade() -> None:
    for name, table, *_ in [*FOLDED_INDEXES, *PRESENT_INDEXES, *PLAIN_INDEXES]:
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE contact DROP COLUMN merged_into_id")
    else:
        op.drop_constraint("fk_contact_merged_into_id_contact", "contact", type_="foreignkey")
        op.drop_column("contact", "merged_into_id")
    op.drop_index("ix_contact_merge_kept_id", table_name="contact_merge")
    op.drop_table("contact_merge")
    op.drop_table("audit_entry")
