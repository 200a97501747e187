"""The card, batches, memberships and accounts at the use-case level: what each writes, and
that a refusal writes nothing (the same rules the GraphQL tests check through the schema)."""

from datetime import date

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import (
    ContactChange,
    ContactLink,
    ContactLinkSite,
    ExtranetUser,
    FieldChange,
    ParticipationStatus,
)
from resolvers import accounts, batches, contact_edits, lifecycle, links, memberships
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit
from resolvers.errors import DomainError, ErrorCode
from resolvers.global_ids import to_global_id
from resolvers.organizations import OrganizationRef
from resolvers.selection import ContactSelection
from tests import factories
from tests.conftest import NOW, viewer

TODAY = date(2026, 11, 28)


def actor(operation: str) -> Actor:
    return Actor(subject="marie", operation=operation, now=NOW, today=TODAY)


async def history_of(db: Database, contact_id: int) -> list[tuple[str, str, str | None, str | None]]:
    async with db.read() as session:
        rows = await session.execute(
            select(ContactChange.operation, FieldChange.field, FieldChange.before, FieldChange.after)
            .join(FieldChange, FieldChange.change_id == ContactChange.id)
            .where(ContactChange.contact_id == contact_id)
            .order_by(FieldChange.id)
        )
        return [tuple(row) for row in rows.all()]


# ---------------------------------------------------------------- the card


async def test_updating_a_card_cleans_the_fields_raises_the_version_and_records_the_change(
    db: Database,
) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)

    async with db.begin() as session:
        row = await contact_edits.update_contact(
            session,
            actor("updateContact"),
            contact_id=person.id,
            expected_version=1,
            fields=ContactEdit(first_name="  Marie ", email="Marie@Example.COM"),
        )

    assert (row.first_name, row.email, row.version) == ("Marie", "Marie@example.com", 2)
    assert await history_of(db, person.id) == [
        ("updateContact", "firstName", None, "Marie"),
        ("updateContact", "email", None, "Marie@example.com"),
    ]


async def test_a_follow_up_in_the_future_is_refused_and_writes_nothing(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await lifecycle.mark_followed_up(
                session,
                actor("markContactFollowedUp"),
                contact_id=person.id,
                expected_version=None,
                on=date(2026, 11, 29),
            )

    assert [(p.code, p.path) for p in refused.value.problems] == [(ErrorCode.INVALID, ("input", "on"))]
    assert await factories.database_state(db) == before


async def test_the_last_link_cannot_be_removed(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await links.unlink_contact(
                session,
                actor("unlinkContact"),
                contact_id=person.id,
                expected_version=None,
                organization=OrganizationRef(acme.id, acme.kind),
            )

    assert [p.code for p in refused.value.problems] == [ErrorCode.LAST_ATTACHMENT]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- batches and memberships


async def test_associating_links_the_selection_to_the_client_and_its_site(db: Database) -> None:
    acme = await factories.client(db)
    paris = await factories.site(db, acme)
    supplier = await factories.supplier(db)
    person = await factories.contact(db, "Dupont", at=supplier)

    async with db.begin() as session:
        affected = await batches.associate_contacts(
            session,
            viewer(),
            ContactSelection(ids=[person.id]),
            client_id=acme.id,
            site_ids=[paris.id],
            max_selection=100,
            actor=actor("associateContacts"),
        )

    async with db.read() as session:
        link = await session.scalar(
            select(ContactLink).where(
                ContactLink.contact_id == person.id, ContactLink.organization_id == acme.id
            )
        )
        assert link is not None
        sites = list(
            await session.scalars(select(ContactLinkSite.site_id).where(ContactLinkSite.link_id == link.id))
        )
    assert (affected.count, link.is_primary, sites) == (1, False, [paris.id])


async def test_a_site_of_another_client_refuses_the_whole_batch(db: Database) -> None:
    acme = await factories.client(db)
    other = await factories.client(db, code="OTHER", name="Other")
    elsewhere = await factories.site(db, other)
    person = await factories.contact(db, "Dupont", at=acme)
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await batches.associate_contacts(
                session,
                viewer(),
                ContactSelection(ids=[person.id]),
                client_id=acme.id,
                site_ids=[elsewhere.id],
                max_selection=100,
                actor=actor("associateContacts"),
            )

    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.INVALID, ("input", "siteIds", "0"))
    ]
    assert await factories.database_state(db) == before


async def test_a_new_status_in_an_event_reads_as_event_status(db: Database) -> None:
    acme = await factories.client(db)
    event = await factories.event(db)
    person = await factories.contact(db, "Dupont", at=acme)
    await factories.participate(db, person, event)

    async with db.begin() as session:
        affected = await memberships.add_contacts(
            session,
            viewer(),
            ContactSelection(ids=[person.id]),
            memberships.EVENTS,
            group_id=event.id,
            max_selection=100,
            actor=actor("associateContactsToEvent"),
            status=ParticipationStatus.REGISTERED,
        )

    [(operation, field, before, after)] = await history_of(db, person.id)
    assert (affected.count, operation, field) == (1, "associateContactsToEvent", "eventStatus")
    event_id = to_global_id("Event", event.id)
    assert (before, after) == (f"{event_id}=INVITED", f"{event_id}=REGISTERED")


async def test_removing_from_an_unknown_target_writes_nothing(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await memberships.remove_contacts(
                session,
                viewer(),
                ContactSelection(ids=[person.id]),
                memberships.TARGETS,
                group_id=None,
                max_selection=100,
                actor=actor("removeContactsFromTarget"),
            )

    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.NOT_FOUND, ("input", "targetId"))
    ]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- accounts


async def test_each_contact_gets_its_extranet_user_or_a_problem_naming_it(db: Database) -> None:
    acme = await factories.client(db)
    with_email = await factories.contact(db, "Dupont", at=acme, email="marie@acme.fr")
    without = await factories.contact(db, "Martin", at=acme)

    async with db.begin() as session:
        outcomes = await accounts.create_extranet_users(
            session, viewer(), ContactSelection(ids=[with_email.id, without.id]), max_selection=100, now=NOW
        )

    assert [(row.contact_id, row.login) for row in outcomes.created] == [(with_email.id, "marie@acme.fr")]
    assert [(p.code, p.contact_id) for p in outcomes.problems] == [(ErrorCode.MISSING_EMAIL, without.id)]


async def test_a_disappeared_contact_s_account_cannot_be_reactivated(db: Database) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme, email="marie@acme.fr")
    async with db.begin() as session:
        outcomes = await accounts.create_extranet_users(
            session, viewer(), ContactSelection(ids=[person.id]), max_selection=100, now=NOW
        )
    async with db.begin() as session:
        await lifecycle.declare_disappeared(
            session,
            actor("declareContactDisappeared"),
            contact_id=person.id,
            expected_version=None,
            on=TODAY,
            reason=None,
        )
    before = await factories.database_state(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await accounts.set_account_active(
                session, viewer(), ExtranetUser, account_id=outcomes.created[0].id, active=True
            )

    assert [(p.code, p.path) for p in refused.value.problems] == [
        (ErrorCode.NOT_ALLOWED, ("input", "active"))
    ]
    assert await factories.database_state(db) == before
