"""Files out: /export/contacts.csv and /export/contacts.vcf, read back with the csv module and
a real vCard library (vobject); filtered, visibility-checked, in reading order, recorded."""

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
import vobject

from db.engine import Database
from db.models import Civility, ContactStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import SECRET, bearer
from tests.server.test_cli import carnet
from tests.server.test_serve import serving

AUDIT = "{ auditLog(first: 10) { edges { node { id at actor action subject reason contactCount } } } }"


async def _people(db: Database) -> dict[str, int]:
    acme = await factories.client(db, "ACME", "Acme")
    bank = await factories.third_party(db, "BANK", "Banque; Populaire")
    marie = await factories.contact(
        db,
        "Dupont",
        "Marie",
        at=acme,
        civility=Civility.MRS,
        email="marie@acme.fr",
        function="Directrice financière",
        phone="+33123456789",
    )
    async with db.begin() as session:
        row = await session.get(type(marie), marie.id)
        assert row is not None
        row.notes = "Préfère le matin,\npas le vendredi"
        row.mobile = "+33612345678"
    jean = await factories.contact(db, "Aubert", "Jean", at=bank, function="=cmd|' /C calc'!A0")
    hidden = await factories.contact(db, "Zorro", "Diego", at=acme, hidden_from_crm=True)
    gone = await factories.contact(db, "Martin", "Paul", at=acme, status=ContactStatus.DISAPPEARED)
    return {"acme": acme.id, "marie": marie.id, "jean": jean.id, "hidden": hidden.id, "gone": gone.id}


def _rows(answer: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer.text)))


async def test_the_csv_has_a_header_and_every_contact_in_reading_order(
    client: httpx.AsyncClient, db: Database
) -> None:
    ids = await _people(db)

    answer = await client.get("/export/contacts.csv", headers=bearer(Role.STAFF))

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="contacts.csv"'
    rows = _rows(answer)
    assert [row["lastName"] for row in rows] == ["Aubert", "Dupont", "Martin", "Zorro"]
    marie = rows[1]
    assert marie == {
        "id": to_global_id("Contact", ids["marie"]),
        "civility": "MRS",
        "displayName": "Mme Marie DUPONT",
        "lastName": "Dupont",
        "firstName": "Marie",
        "email": "marie@acme.fr",
        "phone": "",
        "mobile": "+33612345678",
        "organization": "Acme",
        "organizationKind": "CLIENT",
        "function": "Directrice financière",
        "department": "",
        "workEmail": "",
        "workPhone": "+33123456789",
        "workMobile": "",
        "socialProfile": "https://www.linkedin.com/search/results/people/?keywords=Marie%20Dupont%20Acme",
        "lastFollowUpOn": "",
        "status": "ACTIVE",
    }
    assert rows[0]["function"] == "'=cmd|' /C calc'!A0"  # a formula is never run by a spreadsheet
    assert rows[0]["organization"] == "Banque; Populaire"


async def test_a_portal_token_exports_only_what_rule_7_lets_through(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _people(db)

    answer = await client.get("/export/contacts.csv", headers=bearer(Role.PORTAL))

    assert [row["lastName"] for row in _rows(answer)] == ["Aubert", "Dupont"]


async def test_the_filter_fields_are_query_parameters(client: httpx.AsyncClient, db: Database) -> None:
    ids = await _people(db)
    acme = to_global_id("Client", ids["acme"])

    by_org = await client.get("/export/contacts.csv", params={"organizationId": acme}, headers=bearer())
    by_search = await client.get("/export/contacts.csv", params={"search": "marie"}, headers=bearer())
    by_status = await client.get("/export/contacts.csv", params={"status": "DISAPPEARED"}, headers=bearer())
    crm = await client.get("/export/contacts.csv", params={"visibleInCrm": "true"}, headers=bearer())

    assert [row["lastName"] for row in _rows(by_org)] == ["Dupont", "Martin", "Zorro"]
    assert [row["lastName"] for row in _rows(by_search)] == ["Dupont"]
    assert [row["lastName"] for row in _rows(by_status)] == ["Martin"]
    assert [row["lastName"] for row in _rows(crm)] == ["Aubert", "Dupont"]


async def test_the_vcards_read_back_with_a_vcard_library(client: httpx.AsyncClient, db: Database) -> None:
    ids = await _people(db)

    answer = await client.get("/export/contacts.vcf", params={"visibleInCrm": "true"}, headers=bearer())

    assert answer.headers["content-type"] == "text/vcard; charset=utf-8"
    cards = list(vobject.readComponents(answer.text))
    assert [card.fn.value for card in cards] == ["Jean AUBERT", "Mme Marie DUPONT"]
    marie = cards[1]
    assert marie.version.value == "4.0"
    assert marie.uid.value == f"urn:carnet:{to_global_id('Contact', ids['marie'])}"
    assert (marie.n.value.family, marie.n.value.given, marie.n.value.prefix) == ("Dupont", "Marie", "Mme")
    assert marie.org.value == ["Acme"]
    assert marie.title.value == "Directrice financière"
    assert [email.value for email in marie.email_list] == ["marie@acme.fr"]
    assert [tel.value for tel in marie.tel_list] == ["tel:+33612345678", "tel:+33123456789"]
    assert marie.url.value == "https://www.linkedin.com/search/results/people/?keywords=Marie%20Dupont%20Acme"
    assert marie.note.value == "Préfère le matin,\npas le vendredi"
    assert cards[0].org.value == ["Banque; Populaire"]
    assert all(len(line.encode()) <= 75 for line in answer.text.split("\r\n"))


async def test_an_export_is_streamed_over_many_pages(client: httpx.AsyncClient, db: Database) -> None:
    acme = await factories.client(db)
    for number in range(230):
        await factories.contact(db, f"Nom{number:03d}", at=acme)

    answer = await client.get("/export/contacts.csv", params={"search": "nom"}, headers=bearer(Role.ADMIN))

    assert [row["lastName"] for row in _rows(answer)] == [f"Nom{number:03d}" for number in range(230)]


async def _audit_log(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    answer = await client.post("/graphql", json={"query": AUDIT}, headers=bearer(Role.ADMIN))
    return [edge["node"] for edge in answer.json()["data"]["auditLog"]["edges"]]


async def test_each_export_is_an_entry_of_the_audit_log(client: httpx.AsyncClient, db: Database) -> None:
    ids = await _people(db)
    acme = to_global_id("Client", ids["acme"])

    await client.get(
        "/export/contacts.csv", params={"search": "marie", "organizationId": acme}, headers=bearer()
    )
    await client.get("/export/contacts.vcf", params={"visibleInCrm": "true"}, headers=bearer(Role.PORTAL))

    entries = await _audit_log(client)
    assert [{key: value for key, value in entry.items() if key != "id"} for entry in entries] == [
        {
            "at": "2026-11-28T09:00:00+00:00",
            "actor": "portal",
            "action": "FILE_EXPORT",
            "subject": "contacts.vcf?visibleInCrm=true",
            "reason": None,
            "contactCount": 2,
        },
        {
            "at": "2026-11-28T09:00:00+00:00",
            "actor": "staff",
            "action": "FILE_EXPORT",
            "subject": f"contacts.csv?search&organizationId={acme}",
            "reason": None,
            "contactCount": 1,
        },
    ]


async def test_an_export_of_nothing_is_recorded_with_its_count(
    client: httpx.AsyncClient, db: Database
) -> None:
    await client.get("/export/contacts.csv", headers=bearer(Role.ADMIN))

    [entry] = await _audit_log(client)

    assert (entry["actor"], entry["subject"], entry["contactCount"]) == ("admin", "contacts.csv", 0)


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"colour": "red"}, 400, "Unknown filter parameter 'colour'"),
        ({"visibleInCrm": "yes"}, 400, "visibleInCrm must be true or false."),
        ({"status": "GONE"}, 400, "status must be one of ACTIVE, DISAPPEARED, MERGED."),
        ({"notFollowedUpSince": "soon"}, 400, "notFollowedUpSince must be a day like 2026-01-31."),
    ],
)
async def test_a_bad_parameter_is_400_and_exports_nothing(
    client: httpx.AsyncClient,
    db: Database,
    params: dict[str, str],
    status: int,
    message: str,
) -> None:
    await _people(db)
    before = await factories.database_state(db)

    answer = await client.get("/export/contacts.vcf", params=params, headers=bearer())

    assert answer.status_code == status
    assert answer.json()["errors"][0]["message"].startswith(message)
    assert await factories.database_state(db) == before


async def test_an_export_without_a_token_is_401(client: httpx.AsyncClient, db: Database) -> None:
    await _people(db)
    before = await factories.database_state(db)

    answer = await client.get("/export/contacts.csv")

    assert (answer.status_code, answer.json()["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")
    assert await factories.database_state(db) == before


@pytest.mark.subprocess  # a real server: only a real socket can hang up half-way
async def test_an_export_the_client_hangs_up_on_is_still_recorded(
    tmp_path: Path, database_url: str, db: Database
) -> None:
    people = 3000
    assert (
        carnet(
            "demo-data", "--contacts", str(people), "--database-url", database_url, cwd=tmp_path
        ).returncode
        == 0
    )

    with serving(tmp_path, "--no-migrate", "--database-url", database_url, secret=SECRET) as server:
        async with httpx.AsyncClient(base_url=server.url, headers=bearer(Role.ADMIN), timeout=10) as client:
            async with client.stream("GET", "/export/contacts.vcf") as answer:
                await anext(answer.aiter_bytes())  # the first page, then hang up
            entries = await _poll_audit_log(client)

    [entry] = entries
    assert (entry["actor"], entry["action"], entry["subject"]) == ("admin", "FILE_EXPORT", "contacts.vcf")
    # How far the server got before it saw the hang-up depends on the scheduler: fewer than all.
    assert 0 <= entry["contactCount"] < people


async def _poll_audit_log(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The audit log once the hung-up export has written its entry (right after it notices)."""
    for _ in range(100):
        answer = await client.post("/graphql", json={"query": AUDIT})
        if entries := answer.json()["data"]["auditLog"]["edges"]:
            return [edge["node"] for edge in entries]
        await asyncio.sleep(0.1)
    return []
