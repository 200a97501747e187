"""Rule 22: after an erasure, a dump of the whole database holds none of the person's name,
e-mail or phone (SQLite: every table, the FTS5 index's own tables included; PostgreSQL:
pg_dump), while the links, memberships and the fact that changes happened stay."""

import sqlite3
import subprocess
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from db.engine import Database
from db.models import (
    AuditAction,
    AuditEntry,
    Contact,
    ContactChange,
    ContactLink,
    ContactMerge,
    ContactStatus,
    ExtranetUser,
    TargetMember,
)
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_edits import create_contact, update_contact
from resolvers.erasure import anonymize_contact
from resolvers.errors import DomainError, ErrorCode
from resolvers.link_fields import NewLink
from resolvers.merges import merge_contacts
from resolvers.organizations import OrganizationRef
from tests import factories
from tests.conftest import NOW
from tests.resolvers.test_merges import actor

LAST, FIRST = "Zyxwvutsrq", "Quillonfred"
EMAIL, LINK_EMAIL = "quillonfred.zyxwvutsrq@acme.fr", "q.zyxwvutsrq@Acme.fr"
PHONE, MOBILE = "01 98 76 54 32", "06 12 34 56 78"
NEEDLES = ["zyxwvutsrq", "quillonfred", "+33198765432", "198765432", "+33612345678", "612345678"]


def dump(db: Database) -> str:
    """The whole database as text, lower-cased."""
    url = make_url(db.engine.url)
    if db.is_sqlite:
        assert url.database is not None
        with sqlite3.connect(url.database) as connection:
            names = [
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            parts = list(connection.iterdump())
            for name in names:
                for row in connection.execute(f'SELECT * FROM "{name}"'):
                    parts.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
        return "\n".join(parts).lower()
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "--no-owner", dsn], capture_output=True, text=True, check=True)
    return done.stdout.lower()


async def person(db: Database) -> dict[str, Any]:
    acme = await factories.client(db)
    target = await factories.target(db)
    async with db.begin() as session:
        contact = await create_contact(
            session,
            actor("createContact", NOW),
            fields=ContactEdit(
                last_name=LAST,
                first_name=FIRST,
                email=EMAIL,
                phone=PHONE,
                notes=f"Vu {LAST}",
            ),
            link=NewLink(
                OrganizationRef(acme.id, acme.kind),
                LinkEdit(email=LINK_EMAIL, mobile=MOBILE, function="DAF"),
            ),
            affair_ids=[],
        )
    async with db.begin() as session:
        await update_contact(
            session,
            actor("updateContact", NOW),
            contact_id=contact.id,
            expected_version=None,
            fields=ContactEdit(first_name=FIRST + "e"),
        )
    await factories.member(db, contact, of_target=target)
    twin = await factories.contact(db, LAST.upper(), FIRST, at=acme, email=EMAIL.upper())
    async with db.begin() as session:
        await merge_contacts(session, actor("mergeContacts"), keep_id=contact.id, merge_ids=[twin.id])
        session.add(
            ExtranetUser(
                contact_id=contact.id,
                organization_id=acme.id,
                login=LINK_EMAIL,
                login_key=LINK_EMAIL.lower(),
                email=LINK_EMAIL,
                created_at=NOW,
            )
        )
        session.add(
            AuditEntry(
                at=NOW,
                actor="admin",
                action=AuditAction.PERSONAL_DATA_EXPORT,
                subject="Contact:1",
                reason=f"Demande de {FIRST} {LAST}",
                contact_count=1,
            )
        )
    return {"contact": contact, "twin": twin}


async def test_after_an_erasure_the_dump_holds_none_of_the_persons_values(db: Database) -> None:
    given = await person(db)
    contact_id = given["contact"].id
    before = dump(db)
    assert [needle for needle in NEEDLES if needle in before] == NEEDLES
    async with db.read() as session:
        entries_before = await session.scalar(select(func.count()).select_from(ContactChange))

    async with db.begin() as session:
        erased = await anonymize_contact(
            session, actor("anonymizeContact"), contact_id=contact_id, reason="Demande RGPD du 1er décembre"
        )

    text = dump(db)
    assert [needle for needle in NEEDLES if needle in text] == []
    assert "demande rgpd du 1er décembre" in text
    assert sorted(erased.contact_ids) == sorted([contact_id, given["twin"].id])
    async with db.read() as session:
        contact = await session.get(Contact, contact_id)
        assert contact is not None
        assert (contact.last_name, contact.first_name, contact.email, contact.phone, contact.notes) == (
            "Anonyme",
            None,
            None,
            None,
            None,
        )
        assert contact.status is ContactStatus.ACTIVE
        assert (
            await session.scalar(
                select(func.count()).select_from(ContactLink).where(ContactLink.contact_id == contact_id)
            )
            == 1
        )
        assert await session.scalar(select(func.count()).select_from(TargetMember)) == 1
        assert (
            await session.scalar(select(func.count()).select_from(ContactChange)) == (entries_before or 0) + 2
        )
        assert (await session.scalars(select(ContactMerge.snapshot))).all() == [None]
        user = await session.scalar(select(ExtranetUser))
        assert user is not None and user.active is False
        audit = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
        assert [(a.action, a.reason, a.contact_count) for a in audit] == [
            (AuditAction.PERSONAL_DATA_EXPORT, "Demande de [effacé] [effacé]", 1),
            (AuditAction.ERASURE, "Demande RGPD du 1er décembre", 2),
        ]


@pytest.mark.parametrize("reason", ["", "   ", None])
async def test_an_erasure_needs_a_reason_and_writes_nothing_without_one(
    db: Database, reason: str | None
) -> None:
    given = await person(db)
    state = await factories.database_state(db)
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await anonymize_contact(
                session, actor("anonymizeContact"), contact_id=given["contact"].id, reason=reason
            )
    assert [(p.code, p.path) for p in refused.value.problems] == [(ErrorCode.INVALID, ("input", "reason"))]
    assert await factories.database_state(db) == state


async def test_a_merged_contact_is_erased_through_the_one_it_was_merged_into(db: Database) -> None:
    given = await person(db)
    state = await factories.database_state(db)
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await anonymize_contact(
                session, actor("anonymizeContact"), contact_id=given["twin"].id, reason="RGPD"
            )
    assert refused.value.problems[0].code is ErrorCode.NOT_ALLOWED
    assert await factories.database_state(db) == state
