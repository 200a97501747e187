"""recipients (rule 3) by the link's flags: invoices for a site or for all sites, another site's
own recipients, no site at all and the reason named, reminders by their own flags, nobody."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.recipients_world import RECIPIENTS, gid, person, recipients, recipients_world


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await recipients_world(db)


async def test_invoices_for_a_site_go_to_the_all_sites_flag_and_to_the_site_flag_on_that_site(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "paris", "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Caché", "Zoé", "zoe@acme.fr", "ATTACHED_SITE"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
    ]


async def test_another_site_has_its_own_attached_recipients(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "lyon", "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Durand", "Léa", "lea@acme.fr", "ATTACHED_SITE"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
    ]


async def test_without_a_site_either_flag_makes_a_recipient_and_names_the_reason(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, None, "INVOICE") == [
        ("Bernard", "Luc", None, "ALL_SITES"),
        ("Caché", "Zoé", "zoe@acme.fr", "ATTACHED_SITE"),
        ("Dupont", "Anne", "anne.1@acme.fr", "ATTACHED_SITE"),
        ("DUPONT", "Anne", "anne.2@acme.fr", "ALL_SITES"),
        ("Dupont", "Marie", "marie@gmail.com", "ALL_SITES"),
        ("Durand", "Léa", "lea@acme.fr", "ATTACHED_SITE"),
        ("Écuyer", "Jean", None, "ALL_SITES"),
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Simon", "Théo", "theo@acme.fr", "ATTACHED_SITE"),
    ]


async def test_reminders_follow_the_reminder_flags_only(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    assert await recipients(graphql, world, "paris", "REMINDER") == [
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Roux", "Inès", None, "ALL_SITES"),
    ]
    assert await recipients(graphql, world, "lyon", "REMINDER") == [("Roux", "Inès", None, "ALL_SITES")]
    assert await recipients(graphql, world, None, "REMINDER") == [
        ("Martin", "Paul", "paul.martin@acme.fr", "ATTACHED_SITE"),
        ("Roux", "Inès", None, "ALL_SITES"),
    ]


async def test_a_client_nobody_receives_for_has_no_recipients(db: Database, graphql: GraphQL) -> None:
    quiet = await factories.client(db, code="QUIET", name="Quiet")
    site = await factories.site(db, quiet, code="Q-1")
    await person(db, quiet, "Vidal", "Ugo", site)

    result = await graphql(
        RECIPIENTS, {"client": gid("Client", quiet.id), "site": gid("Site", site.id), "document": "INVOICE"}
    )

    assert (result.errors, result.data) == (None, {"recipients": []})
