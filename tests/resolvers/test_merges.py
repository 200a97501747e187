"""Rule 21, merge and unmerge: everything moves to the kept contact; an undo restores every row."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import (
    Civility,
    ContactChange,
    ExtranetUser,
    FieldChange,
    Organization,
    ParticipationStatus,
)
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit
from resolvers.contact_edits import update_contact
from resolvers.errors import DomainError, ErrorCode
from resolvers.merge_states import encode_state, read_states
from resolvers.merges import FieldChoice, merge_contacts
from resolvers.unmerges import unmerge_contacts
from tests import factories
from tests.conftest import NOW

LATER = NOW + timedelta(hours=1)


def actor(operation: str, now: datetime = LATER, subject: str = "bob") -> Actor:
    return Actor(subject=subject, operation=operation, now=now, today=now.date())


async def cards(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """What each contact reads back, versions aside, with its history entries."""
    async with db.read() as session:
        states = await read_states(session, ids, lock=False)
        entries = (
            await session.execute(
                select(ContactChange.id, ContactChange.contact_id, ContactChange.operation).order_by(
                    ContactChange.id
                )
            )
        ).all()
        fields = (
            await session.execute(
                select(FieldChange.change_id, FieldChange.field, FieldChange.before, FieldChange.after)
            )
        ).all()
    found = {}
    for contact_id, state in states.items():
        encoded = encode_state(state)
        del encoded["values"]["version"], encoded["values"]["updated_at"]
        mine = [entry for entry in entries if entry.contact_id == contact_id]
        encoded["history"] = [
            (
                entry.id,
                entry.operation,
                sorted((f.field, f.before or "", f.after or "") for f in fields if f.change_id == entry.id),
            )
            for entry in mine
        ]
        found[contact_id] = encoded
    return found


async def world(db: Database) -> dict[str, Any]:
    acme = await factories.client(db)
    beta = await factories.client(db, code="BETA", name="Beta")
    bank = await factories.third_party(db)
    paris = await factories.site(db, acme)
    lyon = await factories.site(db, acme, code="LYO", name="Lyon")
    await factories.interlocutor_type(db)
    target = await factories.target(db)
    event = await factories.event(db)
    affair = await factories.affair(db, acme)
    keep = await factories.contact(db, "Dupont", "Marie", at=acme, email="m.dupont@acme.fr", function="DAF")
    other = await factories.contact(
        db,
        "Dupond",
        None,
        at=acme,
        civility=Civility.MRS,
        email="marie@beta.fr",
        department="Finance",
        phone="+33123456789",
    )
    third = await factories.contact(db, "DUPONT", "Marie", at=beta, email="md@beta.fr")
    await factories.link(db, other, bank, function="Conseil")
    await factories.attach_sites(db, await factories.primary_link(db, keep), paris)
    other_link = await factories.primary_link(db, other)
    await factories.attach_sites(db, other_link, paris, lyon)
    await factories.give_types(db, other_link, "DEC")
    await factories.member(db, other, of_affair=affair, of_target=target)
    await factories.participate(db, other, event, ParticipationStatus.REGISTERED)
    await factories.participate(db, keep, event, ParticipationStatus.INVITED)
    async with db.begin() as session:
        session.add(
            ExtranetUser(
                contact_id=other.id,
                organization_id=acme.id,
                login="marie@beta.fr",
                login_key="marie@beta.fr",
                email="marie@beta.fr",
                created_at=NOW,
            )
        )
    for person in (keep, other, third):
        async with db.begin() as session:
            await update_contact(
                session,
                actor("updateContact", NOW, "alice"),
                contact_id=person.id,
                expected_version=None,
                fields=ContactEdit(notes=f"note {person.id}"),
            )
    return {
        "keep": keep,
        "other": other,
        "third": third,
        "acme": acme,
        "beta": beta,
        "paris": paris,
        "lyon": lyon,
    }


async def test_a_merge_moves_everything_and_an_unmerge_restores_every_row(db: Database) -> None:
    w = await world(db)
    ids = [w["keep"].id, w["other"].id, w["third"].id]
    before = await cards(db, ids)

    async with db.begin() as session:
        result = await merge_contacts(
            session,
            actor("mergeContacts"),
            keep_id=ids[0],
            merge_ids=ids[1:],
            choices=[FieldChoice("civility", ids[1])],
        )
    merged = await cards(db, ids)
    kept = merged[ids[0]]
    assert kept["values"]["civility"] == "MRS"
    assert kept["values"]["email"] == "m.dupont@acme.fr"
    assert kept["values"]["phone"] is None
    assert sorted(link["values"]["organization_id"] for link in kept["links"]) == sorted(
        [w["acme"].id, w["beta"].id, (await _bank(db))]
    )
    acme_link = next(link for link in kept["links"] if link["values"]["organization_id"] == w["acme"].id)
    assert acme_link["values"]["function"] == "DAF"
    assert acme_link["values"]["department"] == "Finance"
    assert acme_link["values"]["phone"] == "+33123456789"
    assert acme_link["sites"] == sorted([w["paris"].id, w["lyon"].id])
    assert acme_link["types"] == ["DEC"]
    assert len(kept["affairs"]) == 1 and len(kept["targets"]) == 1
    assert list(kept["events"].values()) == ["INVITED"]
    assert list(kept["accounts"]) == ["extranet"]
    assert [entry[1] for entry in kept["history"]] == [
        "updateContact",
        "updateContact",
        "updateContact",
        "mergeContacts",
    ]
    for gone in ids[1:]:
        assert merged[gone]["values"]["status"] == "MERGED"
        assert merged[gone]["values"]["merged_into_id"] == ids[0]
        assert merged[gone]["links"] == [] and merged[gone]["affairs"] == []
        assert [entry[1] for entry in merged[gone]["history"]] == ["mergeContacts"]
    assert result.merge is not None

    async with db.begin() as session:
        await unmerge_contacts(session, actor("unmergeContacts"), merge_id=result.merge.id)
    after = await cards(db, ids)

    for contact_id in ids:
        history = after[contact_id].pop("history")
        assert [entry[1] for entry in history[-2:]] == ["mergeContacts", "unmergeContacts"]
        assert history[:-2] == before[contact_id].pop("history")
        assert after[contact_id] == before[contact_id]


async def _bank(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(Organization.id).where(Organization.code == "BANK")) or 0)


async def test_edits_to_the_kept_contact_after_the_merge_stay_after_the_unmerge(db: Database) -> None:
    w = await world(db)
    keep, other = w["keep"].id, w["other"].id
    async with db.begin() as session:
        result = await merge_contacts(session, actor("mergeContacts"), keep_id=keep, merge_ids=[other])
    async with db.begin() as session:
        await update_contact(
            session,
            actor("updateContact", LATER, "bob"),
            contact_id=keep,
            expected_version=None,
            fields=ContactEdit(first_name="Marie-Anne"),
        )
    assert result.merge is not None
    async with db.begin() as session:
        await unmerge_contacts(session, actor("unmergeContacts"), merge_id=result.merge.id)

    after = await cards(db, [keep, other])
    assert after[keep]["values"]["first_name"] == "Marie-Anne"
    assert after[keep]["values"]["civility"] is None  # the merge's filling-in went back
    assert after[other]["values"]["status"] == "ACTIVE"


async def test_refused_merges_name_the_culprit_and_write_nothing(db: Database) -> None:
    w = await world(db)
    keep, other, third = w["keep"].id, w["other"].id, w["third"].id
    state = await factories.database_state(db)
    cases = [
        ([keep], keep, ErrorCode.INVALID, ["input", "mergeIds", "0"]),
        ([other, other], keep, ErrorCode.INVALID, ["input", "mergeIds", "1"]),
        ([999_999], keep, ErrorCode.NOT_FOUND, ["input", "mergeIds", "0"]),
        ([other], 999_999, ErrorCode.NOT_FOUND, ["input", "keepId"]),
        ([other, third, *range(1000, 1009)], keep, ErrorCode.INVALID, ["input", "mergeIds"]),
    ]
    for merge_ids, keep_id, code, path in cases:
        with pytest.raises(DomainError) as refused:
            async with db.begin() as session:
                await merge_contacts(session, actor("mergeContacts"), keep_id=keep_id, merge_ids=merge_ids)
        problem = refused.value.problems[0]
        assert (problem.code, list(problem.path or ())) == (code, path)
    assert await factories.database_state(db) == state


async def test_a_merged_contact_cannot_be_merged_again_nor_edited(db: Database) -> None:
    w = await world(db)
    keep, other, third = w["keep"].id, w["other"].id, w["third"].id
    async with db.begin() as session:
        await merge_contacts(session, actor("mergeContacts"), keep_id=keep, merge_ids=[other])
    state = await factories.database_state(db)
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await merge_contacts(session, actor("mergeContacts"), keep_id=third, merge_ids=[other])
    assert refused.value.problems[0].code is ErrorCode.INVALID
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await update_contact(
                session,
                actor("updateContact", LATER, "bob"),
                contact_id=other,
                expected_version=None,
                fields=ContactEdit(notes="x"),
            )
    assert refused.value.problems[0].code is ErrorCode.NOT_ALLOWED
    assert await factories.database_state(db) == state


async def test_a_dry_run_lists_the_changes_and_writes_nothing(db: Database) -> None:
    w = await world(db)
    state = await factories.database_state(db)
    async with db.begin() as session:
        result = await merge_contacts(
            session, actor("mergeContacts"), keep_id=w["keep"].id, merge_ids=[w["other"].id], dry_run=True
        )
    assert result.merge is None
    assert ("status", "ACTIVE", "MERGED") in [
        (c.field, c.before, c.after) for c in result.changes if c.contact_id == w["other"].id
    ]
    assert ("civility", None, "MRS") in [
        (c.field, c.before, c.after) for c in result.changes if c.contact_id == w["keep"].id
    ]
    assert await factories.database_state(db) == state
