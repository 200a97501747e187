"""the duplicate look-up's plans: statistics on folded e-mails, an organisation's contacts by index

The duplicate look-up (rule 21) finds contacts by `lower(email)` and `lower(linkedin_url)`
through the partial expression indexes of revision 0003. PostgreSQL's planner ignores the
statistics of a partial index, so it guessed 0.5% of the base per e-mail (5,000 contacts at
1M), joined the look-up's rows to `contact` by a merge over half its primary key, and switched
JIT on: half a second per look-up instead of about one millisecond. Statistics on the same
expressions (PostgreSQL 14+) give it the real spread. SQLite needs none: its plan was right.

Its similar-name probe reads the contacts of the contact's organisations: an index on
(organization_id, contact_id), replacing the one on organization_id alone, serves them without
reading each link's row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 06:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (statistics, table, column): the expressions of 0003's FOLDED_INDEXES.
FOLDED = [
    ("st_contact_email_folded", "contact", "email"),
    ("st_contact_linkedin_folded", "contact", "linkedin_url"),
    ("st_contact_link_email_folded", "contact_link", "email"),
]


def upgrade() -> None:
    op.create_index(
        "ix_contact_link_organization_contact",
        "contact_link",
        ["organization_id", "contact_id"],
        unique=False,
    )
    op.drop_index("ix_contact_link_organization_id", table_name="contact_link")
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, column in FOLDED:
        op.execute(f"CREATE STATISTICS {name} ON (lower({column})) FROM {table}")
    for table in sorted({table for _, table, _ in FOLDED}):
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _, _ in FOLDED:
            op.execute(f"DROP STATISTICS {name}")
    op.create_index("ix_contact_link_organization_id", "contact_link", ["organization_id"], unique=False)
    op.drop_index("ix_contact_link_organization_contact", table_name="contact_link")
