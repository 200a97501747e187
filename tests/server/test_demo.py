"""`carnet demo-data`: what it loads, that it loads the same every time, and only once."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from sqlalchemy import Select, func, select

from db.engine import Database
from db.models import (
    ClientStatus,
    Contact,
    ContactChange,
    ContactLink,
    ContactStatus,
    InterlocutorType,
    Organization,
    OrganizationKind,
)
from server.demo import AlreadyLoaded, load, load_demo_data
from server.settings import Settings
from tests.conftest import NOW, wipe

TODAY = NOW.date()
CARNET = Path(sys.executable).parent / "carnet"


async def _rows(db: Database, query: Select[Any]) -> list[Any]:
    """The rows of `query`, as tuples."""
    async with db.read() as session:
        return [tuple(row) for row in (await session.execute(query)).all()]


async def test_it_loads_the_reference_data_and_the_contacts_asked_for(db: Database) -> None:
    counts = await load(db, contacts=30, now=NOW, today=TODAY)

    assert counts == {
        "clients": 12,
        "suppliers": 4,
        "third parties": 3,
        "sites": 31,
        "affairs": 30,
        "targets": 4,
        "events": 4,
        "interlocutor types": 5,
        "contacts": 30,
    }
    kinds = await _rows(
        db,
        select(Organization.kind, Organization.status, func.count()).group_by(
            Organization.kind, Organization.status
        ),
    )
    assert sorted(kinds, key=repr) == sorted(
        [
            (OrganizationKind.CLIENT, ClientStatus.CLIENT, 9),
            (OrganizationKind.CLIENT, ClientStatus.PROSPECT, 3),
            (OrganizationKind.SUPPLIER, None, 4),
            (OrganizationKind.THIRD_PARTY, None, 3),
        ],
        key=repr,
    )
    assert await _rows(db, select(InterlocutorType.code, InterlocutorType.label).order_by("code")) == [
        ("ACH", "Achats"),
        ("DEC", "Décideur"),
        ("FIN", "Interlocuteur financier"),
        ("PRI", "Interlocuteur principal"),
        ("TECH", "Technique"),
    ]


async def test_every_contact_has_one_primary_link_to_a_client_and_one_history_entry(db: Database) -> None:
    await load(db, contacts=200, now=NOW, today=TODAY)

    primaries = await _rows(
        db,
        select(Organization.kind, func.count())
        .join(ContactLink, ContactLink.organization_id == Organization.id)
        .where(ContactLink.is_primary)
        .group_by(Organization.kind),
    )
    history = await _rows(
        db,
        select(ContactChange.operation, ContactChange.actor, func.count()).group_by(
            ContactChange.operation, ContactChange.actor
        ),
    )
    assert primaries == [(OrganizationKind.CLIENT, 200)]
    assert history == [("demoData", "demo-data", 200)]


async def test_the_people_look_french_and_their_coordinates_are_clean(db: Database) -> None:
    await load(db, contacts=200, now=NOW, today=TODAY)

    people = await _rows(
        db, select(Contact.last_name, Contact.first_name, Contact.hidden_from_crm, Contact.status)
    )
    links = await _rows(
        db,
        select(ContactLink.email, ContactLink.phone, ContactLink.mobile, ContactLink.function),
    )

    assert any(any(char in "éèêëàâîïôöûüçÉ" for char in f"{last}{first}") for last, first, *_ in people)
    assert 1 <= sum(1 for *_, hidden, _ in people if hidden) <= 20
    assert 1 <= sum(1 for *_, status in people if status is ContactStatus.DISAPPEARED) <= 20
    numbers = [number for _, phone, mobile, _ in links for number in (phone, mobile) if number]
    assert numbers and all(number.startswith("+33") for number in numbers)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(number)) for number in numbers)
    emails = [email for email, *_ in links if email]
    assert emails and all(email.isascii() and email.count("@") == 1 for email in emails)
    assert {function for *_, function in links} >= {"DSI", "Responsable achats", "Chef de projet"}


async def test_contacts_are_found_by_their_organisation_name(db: Database) -> None:
    await load(db, contacts=50, now=NOW, today=TODAY)

    linked = await _rows(
        db,
        select(func.count(func.distinct(ContactLink.contact_id)))
        .join(Organization, Organization.id == ContactLink.organization_id)
        .where(Organization.code == "CLI-ENRHO"),
    )
    found = await _rows(db, select(func.count()).where(Contact.search_tokens.like("% rhone %")))

    assert found == linked
    assert linked[0][0] > 0  # type: ignore[index]


async def test_the_same_seed_gives_the_same_people(db: Database) -> None:
    await load(db, contacts=40, now=NOW, today=TODAY)
    first = await _rows(db, select(Contact.last_name, Contact.first_name, Contact.email).order_by(Contact.id))
    await wipe(db)

    await load(db, contacts=40, now=NOW, today=TODAY)
    second = await _rows(
        db, select(Contact.last_name, Contact.first_name, Contact.email).order_by(Contact.id)
    )

    assert first == second


async def test_a_database_with_contacts_is_left_alone(db: Database) -> None:
    await load(db, contacts=3, now=NOW, today=TODAY)

    with pytest.raises(AlreadyLoaded):
        await load(db, contacts=3, now=NOW, today=TODAY)

    assert await _rows(db, select(func.count()).select_from(Organization)) == [(19,)]


async def test_the_command_says_what_it_loaded_then_refuses_a_second_time(
    db: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await load_demo_data(settings, contacts=5)
    with pytest.raises(SystemExit) as refused:
        await load_demo_data(settings, contacts=5)

    assert capsys.readouterr().out == (
        "Demo data loaded: 12 clients, 4 suppliers, 3 third parties, 31 sites, 30 affairs, 4 targets, "
        "4 events, 5 interlocutor types, 5 contacts.\n"
    )
    assert refused.value.code == (
        "carnet demo-data: the database already has contacts; demo data only goes into an empty one."
    )


@pytest.mark.subprocess
def test_carnet_demo_data_exits_1_the_second_time(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CARNET_")}
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"

    def demo() -> subprocess.CompletedProcess[str]:
        command = [str(CARNET), "demo-data", "--contacts", "7", "--database-url", url]
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    first, second = demo(), demo()

    assert (first.returncode, first.stdout.splitlines()[-1]) == (
        0,
        "Demo data loaded: 12 clients, 4 suppliers, 3 third parties, 31 sites, 30 affairs, 4 targets, "
        "4 events, 5 interlocutor types, 7 contacts.",
    )
    assert (second.returncode, second.stderr.splitlines()[-1]) == (
        1,
        "carnet demo-data: the database already has contacts; demo data only goes into an empty one.",
    )
