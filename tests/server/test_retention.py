"""`carnet retention --older-than 3y` (rule 23), as a user runs it: a dry run lists the stale
contacts of prospects; --apply anonymises them; a second run finds none."""

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from db.engine import Database
from db.models import ClientStatus, Contact, ContactLink
from resolvers.global_ids import to_global_id
from server.retention import cut_off
from tests import factories
from tests.server.test_cli import carnet

OLD = datetime(2022, 6, 1, 9, tzinfo=UTC)


def test_periods_count_back_from_today() -> None:
    assert cut_off("3y", date(2026, 12, 3)) == date(2023, 12, 3)
    assert cut_off("3y", date(2028, 2, 29)) == date(2025, 2, 28)
    assert cut_off("18m", date(2026, 12, 3)) == date(2025, 6, 3)
    assert cut_off("90d", date(2026, 12, 3)) == date(2026, 9, 4)


async def test_retention_lists_then_erases_stale_prospect_contacts_once(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    prospect = await factories.client(db, "PROS", "Prospect", status=ClientStatus.PROSPECT)
    client = await factories.client(db, "CLI", "Client")
    stale = await factories.contact(db, "Ancien", at=prospect, created_at=OLD)
    followed = await factories.contact(
        db, "Suivi", at=prospect, created_at=OLD, last_follow_up_on=date(2025, 1, 1)
    )
    also_client = await factories.contact(db, "Double", at=prospect, created_at=OLD)
    await factories.link(db, also_client, client)
    at_client = await factories.contact(db, "Client", at=client, created_at=OLD)
    recent = await factories.contact(db, "Recent", at=prospect)
    state = await factories.database_state(db)

    listed = await asyncio.to_thread(
        carnet, "retention", "--older-than", "3y", "--database-url", database_url, cwd=tmp_path
    )
    assert listed.returncode == 0, listed.stderr
    assert to_global_id("Contact", stale.id) in listed.stdout
    assert "1 contacts of prospects" in listed.stdout
    assert await factories.database_state(db) == state

    applied = await asyncio.to_thread(
        carnet, "retention", "--older-than", "3y", "--apply", "--database-url", database_url, cwd=tmp_path
    )
    assert applied.returncode == 0, applied.stderr
    async with db.read() as session:
        names = dict((await session.execute(select(Contact.id, Contact.last_name))).all())
        links = (
            await session.scalars(select(ContactLink.contact_id).where(ContactLink.contact_id == stale.id))
        ).all()
    assert names == {
        stale.id: "Anonyme",
        followed.id: "Suivi",
        also_client.id: "Double",
        at_client.id: "Client",
        recent.id: "Recent",
    }
    assert links == [stale.id]

    again = await asyncio.to_thread(
        carnet, "retention", "--older-than", "3y", "--apply", "--database-url", database_url, cwd=tmp_path
    )
    assert "0 contacts of prospects" in again.stdout
