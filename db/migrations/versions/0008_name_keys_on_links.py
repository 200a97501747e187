"""the folded name keys on contact_link, kept equal to the contact's by the database itself

The duplicate look-up's name probe (rule 21) read every contact of the new contact's
organisations to compare their names: about 50 rows at the bench's clients, thousands at a
large one, each a read of the contact's row. With the contact's `last_name_key` and
`first_name_key` copied onto its links, indexes on (organization_id, last_name_key) and
(organization_id, first_name_key) find the namesakes at an organisation in one seek each.

A copy must never drift from its source, whichever write path runs (ORM flushes, Core inserts
and updates of imports, batches, merges and unmerges, erasure, the bench's raw SQL): triggers
keep it, on both engines. A link takes its contact's keys whenever it is inserted or its
contact, or its own keys, are written; a contact's new keys go to its links. Values written to
a link's keys are overridden, so an erasure leaves no trace of the old name there either.
Without a statement of their own: the statement counts of the write paths stay as they were.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SortKey = sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql")
KEYS = ("last_name_key", "first_name_key")
INDEXES = [(f"ix_contact_link_organization_{key}", key) for key in KEYS]
FILL = (
    "UPDATE contact_link SET last_name_key = c.last_name_key, first_name_key = c.first_name_key "
    "FROM contact AS c WHERE c.id = contact_link.contact_id"
)
# SQLite: a trigger cannot change the row being written, so it writes the row again; the WHEN
# clauses stop at once when the keys are already right (and SQLite's triggers do not recurse).
SQLITE_TRIGGERS = {
    "tr_contact_link_keys_on_insert": """
        CREATE TRIGGER tr_contact_link_keys_on_insert AFTER INSERT ON contact_link
        WHEN NEW.last_name_key IS NOT (SELECT last_name_key FROM contact WHERE id = NEW.contact_id)
          OR NEW.first_name_key IS NOT (SELECT first_name_key FROM contact WHERE id = NEW.contact_id)
        BEGIN
            UPDATE contact_link SET
                last_name_key = (SELECT last_name_key FROM contact WHERE id = NEW.contact_id),
                first_name_key = (SELECT first_name_key FROM contact WHERE id = NEW.contact_id)
            WHERE id = NEW.id;
        END""",
    "tr_contact_link_keys_on_update": """
        CREATE TRIGGER tr_contact_link_keys_on_update
        AFTER UPDATE OF contact_id, last_name_key, first_name_key ON contact_link
        WHEN NEW.last_name_key IS NOT (SELECT last_name_key FROM contact WHERE id = NEW.contact_id)
          OR NEW.first_name_key IS NOT (SELECT first_name_key FROM contact WHERE id = NEW.contact_id)
        BEGIN
            UPDATE contact_link SET
                last_name_key = (SELECT last_name_key FROM contact WHERE id = NEW.contact_id),
                first_name_key = (SELECT first_name_key FROM contact WHERE id = NEW.contact_id)
            WHERE id = NEW.id;
        END""",
    "tr_contact_keys_to_links": """
        CREATE TRIGGER tr_contact_keys_to_links AFTER UPDATE OF last_name_key, first_name_key ON contact
        WHEN NEW.last_name_key IS NOT OLD.last_name_key OR NEW.first_name_key IS NOT OLD.first_name_key
        BEGIN
            UPDATE contact_link SET last_name_key = NEW.last_name_key, first_name_key = NEW.first_name_key
            WHERE contact_id = NEW.id;
        END""",
}
POSTGRES_FUNCTIONS = {
    "contact_link_takes_contact_keys": """
        CREATE FUNCTION contact_link_takes_contact_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT last_name_key, first_name_key INTO NEW.last_name_key, NEW.first_name_key
            FROM contact WHERE id = NEW.contact_id;
            RETURN NEW;
        END $$""",
    "contact_keys_to_links": """
        CREATE FUNCTION contact_keys_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE contact_link SET last_name_key = NEW.last_name_key, first_name_key = NEW.first_name_key
            WHERE contact_id = NEW.id;
            RETURN NULL;
        END $$""",
}
POSTGRES_TRIGGERS = {
    "tr_contact_link_keys": """
        CREATE TRIGGER tr_contact_link_keys
        BEFORE INSERT OR UPDATE OF contact_id, last_name_key, first_name_key ON contact_link
        FOR EACH ROW EXECUTE FUNCTION contact_link_takes_contact_keys()""",
    "tr_contact_keys_to_links": """
        CREATE TRIGGER tr_contact_keys_to_links AFTER UPDATE OF last_name_key, first_name_key ON contact
        FOR EACH ROW
        WHEN (NEW.last_name_key IS DISTINCT FROM OLD.last_name_key
              OR NEW.first_name_key IS DISTINCT FROM OLD.first_name_key)
        EXECUTE FUNCTION contact_keys_to_links()""",
}
TRIGGER_TABLES = {
    "tr_contact_link_keys_on_insert": "contact_link",
    "tr_contact_link_keys_on_update": "contact_link",
    "tr_contact_link_keys": "contact_link",
    "tr_contact_keys_to_links": "contact",
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    # Plain ALTER TABLE on SQLite: batch mode would rebuild the table (see revision 0003).
    for key in KEYS:
        op.add_column("contact_link", sa.Column(key, SortKey, nullable=False, server_default=""))
    op.execute(FILL)
    for name, key in INDEXES:
        op.create_index(name, "contact_link", ["organization_id", key], unique=False)
    triggers = (
        [*POSTGRES_FUNCTIONS.values(), *POSTGRES_TRIGGERS.values()]
        if _postgres()
        else SQLITE_TRIGGERS.values()
    )
    for ddl in triggers:
        op.execute(ddl)
    if _postgres():
        op.execute("ANALYZE contact_link")


def downgrade() -> None:
    for name in POSTGRES_TRIGGERS if _postgres() else SQLITE_TRIGGERS:
        on = f" ON {TRIGGER_TABLES[name]}" if _postgres() else ""
        op.execute(f"DROP TRIGGER {name}{on}")
    if _postgres():
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    for name, _ in INDEXES:
        op.drop_index(name, table_name="contact_link")
    for key in reversed(KEYS):
        if _postgres():
            op.drop_column("contact_link", key)
        else:
            op.execute(f"ALTER TABLE contact_link DROP COLUMN {key}")
