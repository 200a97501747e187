"""Rule 23: a personal-data export holds everything on the person, as JSON and vCard 4.0, and
is recorded in the audit log (who, when, why, how many)."""

import json

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import AuditAction, AuditEntry
from resolvers.audit import list_audit, record_access
from resolvers.card_fields import ContactEdit, LinkEdit
from resolvers.contact_edits import create_contact
from resolvers.errors import DomainError, ErrorCode
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from resolvers.paging import PageRequest
from resolvers.personal_data import export_personal_data
from tests import factories
from tests.conftest import NOW
from tests.resolvers.test_merges import actor


async def test_an_export_holds_everything_and_is_recorded(db: Database) -> None:
    acme = await factories.client(db, name="Acme; Paris, France")
    async with db.begin() as session:
        contact = await create_contact(
            session,
            actor("createContact", NOW),
            fields=ContactEdit(
                last_name="Dupont",
                first_name="Marie",
                email="marie@acme.fr",
                notes="Aime le thé",
            ),
            link=NewLink(
                OrganizationRef(acme.id, acme.kind),
                LinkEdit(
                    phone="01 23 45 67 89",
                    function="DAF",
                ),
            ),
            affair_ids=[],
        )
    async with db.begin() as session:
        export = await export_personal_data(
            session, actor("personalDataExport"), contact_id=contact.id, reason="Demande d'accès"
        )

    document = json.loads(export.json)
    assert document["contact"]["last_name"] == "Dupont"
    assert document["contact"]["email"] == "marie@acme.fr"
    assert [link["organization"]["name"] for link in document["links"]] == ["Acme; Paris, France"]
    assert document["links"][0]["phone"] == "+33123456789"
    assert [entry["operation"] for entry in document["history"]] == ["createContact"]
    assert export.vcard == (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Marie DUPONT\r\nN:Dupont;Marie;;;\r\n"
        "ORG:Acme\\; Paris\\, France\r\nTITLE:DAF\r\nEMAIL:marie@acme.fr\r\n"
        'TEL;VALUE=uri;TYPE="work,voice":tel:+33123456789\r\n'
        # Folded at 75 octets, the rest after a space (RFC 6350 §3.2).
        "URL:https://www.linkedin.com/search/results/people/?keywords=Marie%20Dupont\r\n"
        " %20Acme%3B%20Paris%2C%20France\r\nNOTE:Aime le thé\r\nEND:VCARD\r\n"
    )
    async with db.read() as session:
        entries = (await session.scalars(select(AuditEntry))).all()
        page = await list_audit(session, page=PageRequest(first=10))
    assert [(e.actor, e.action, e.subject, e.reason, e.contact_count) for e in entries] == [
        ("bob", AuditAction.PERSONAL_DATA_EXPORT, "Q29udGFjdDox", "Demande d'accès", 1)
    ]
    assert len(page.rows) == 1


async def test_an_export_without_a_reason_is_refused_and_records_nothing(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await export_personal_data(session, actor("personalDataExport"), contact_id=person.id, reason=" ")
    assert [(p.code, p.path) for p in refused.value.problems] == [(ErrorCode.INVALID, ("reason",))]
    async with db.read() as session:
        assert (await session.scalars(select(AuditEntry))).all() == []


async def test_the_audit_log_reads_newest_first(db: Database) -> None:
    async with db.begin() as session:
        for n in range(3):
            await record_access(
                session,
                actor="alice",
                at=NOW,
                action=AuditAction.FILE_EXPORT,
                subject="contacts.csv",
                contact_count=n,
            )
    async with db.read() as session:
        first = await list_audit(session, page=PageRequest(first=2))
        rest = await list_audit(session, page=PageRequest(first=2, after=first.cursors[-1]))
    assert [row[0].contact_count for row in first.rows] == [2, 1]
    assert first.has_next
    assert [row[0].contact_count for row in rest.rows] == [0]
