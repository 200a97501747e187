"""createContact: the full card created clean with its primary link, one history entry with every
field set, a card made from affairs alone, an explicit LinkedIn profile over the generated one."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ClientStatus
from tests import factories
from tests.conftest import GraphQL
from tests.schema.card_world import CREATE, HISTORY, gid


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


async def test_a_full_card_is_created_clean_with_its_primary_link(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris")
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    migration = await factories.affair(db, acme, code="AFF-1")
    link = {
        "organizationId": gid("Client", acme.id),
        "function": "  Directeur   financier ",
        "email": "Marie.Dupont@ACME.Example.COM",
        "phone": "01 23 45 67 89",
        "fax": "+33 1 23 45 67 80",
        "extension": "212",
        "leftOn": "2027-06-30",
        "siteIds": [gid("Site", paris.id)],
        "receivesInvoices": True,
        "receivesRemindersAllSites": True,
        "interlocutorTypeCodes": ["DEC"],
    }
    variables = {
        "input": {
            "civility": "MRS",
            "lastName": " Dupont ",
            "firstName": "Marie",
            "email": "marie@Gmail.COM",
            "mobile": "06 12 34 56 78",
            "notes": "Préfère le téléphone.",
            "lastFollowUpOn": "2026-11-20",
            "link": link,
            "affairIds": [gid("Affair", migration.id)],
        }
    }

    result = await graphql(CREATE, variables)

    assert result.errors is None
    assert result.data == {
        "createContact": {
            "contact": {
                "lastName": "Dupont",
                "firstName": "Marie",
                "civility": "MRS",
                "displayName": "Mme Marie DUPONT",
                "email": "marie@gmail.com",
                "phone": None,
                "mobile": "+33612345678",
                "notes": "Préfère le téléphone.",
                "hiddenFromCrm": False,
                "lastFollowUpOn": "2026-11-20",
                "status": "ACTIVE",
                "version": 1,
                "createdAt": "2026-11-28T09:00:00+00:00",
                "updatedAt": "2026-11-28T09:00:00+00:00",
                "socialProfiles": [
                    {
                        "url": "https://www.linkedin.com/search/results/people/?keywords=Marie%20Dupont%20Acme%20Industrie",
                        "generated": True,
                    }
                ],
                "primaryLink": {
                    "organization": {"code": "ACME"},
                    "isPrimary": True,
                    "function": "Directeur financier",
                    "department": None,
                    "email": "Marie.Dupont@acme.example.com",
                    "phone": "+33123456789",
                    "mobile": None,
                    "fax": "+33123456780",
                    "extension": "212",
                    "leftOn": "2027-06-30",
                    "active": True,
                    "sites": [{"code": "ACME-PAR"}],
                    "receivesInvoices": True,
                    "receivesInvoicesAllSites": False,
                    "receivesReminders": False,
                    "receivesRemindersAllSites": True,
                    "interlocutorTypes": [{"code": "DEC"}],
                },
                "affairs": [{"code": "AFF-1"}],
            },
            "userErrors": [],
        }
    }


async def test_creation_writes_one_history_entry_with_every_field_set(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    variables = {
        "input": {
            "lastName": "Martin",
            "firstName": "Paul",
            "link": {"organizationId": gid("Client", acme.id), "function": "DSI"},
        }
    }
    created = await graphql(CREATE.replace("lastName firstName", "id lastName firstName", 1), variables)
    contact_id = created.data["createContact"]["contact"]["id"]  # type: ignore[index]

    result = await graphql(HISTORY, {"id": contact_id})

    assert result.errors is None
    assert result.data == {
        "node": {
            "history": {
                "totalCount": 1,
                "edges": [
                    {
                        "node": {
                            "actor": "staff",
                            "operation": "createContact",
                            "at": "2026-11-28T09:00:00+00:00",
                            "changes": [
                                {
                                    "field": "lastName",
                                    "organization": None,
                                    "before": None,
                                    "after": "Martin",
                                },
                                {"field": "firstName", "organization": None, "before": None, "after": "Paul"},
                                {
                                    "field": "hiddenFromCrm",
                                    "organization": None,
                                    "before": None,
                                    "after": "false",
                                },
                                {"field": "status", "organization": None, "before": None, "after": "ACTIVE"},
                                {
                                    "field": "isPrimary",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "true",
                                },
                                {
                                    "field": "function",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "DSI",
                                },
                                {
                                    "field": "receivesInvoices",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "false",
                                },
                                {
                                    "field": "receivesInvoicesAllSites",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "false",
                                },
                                {
                                    "field": "receivesReminders",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "false",
                                },
                                {
                                    "field": "receivesRemindersAllSites",
                                    "organization": {"code": "ACME"},
                                    "before": None,
                                    "after": "false",
                                },
                            ],
                        }
                    }
                ],
            }
        }
    }


async def test_created_from_affairs_alone_it_is_linked_to_the_first_affairs_client(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    other = await factories.client(db, code="BETA", name="Beta Conseil", status=ClientStatus.PROSPECT)
    first = await factories.affair(db, other, code="B-1", name="Refonte SI")
    second = await factories.affair(db, acme, code="A-1", name="Audit")
    variables = {
        "input": {"lastName": "Petit", "affairIds": [gid("Affair", first.id), gid("Affair", second.id)]}
    }

    result = await graphql(
        "mutation ($input: CreateContactInput!) { createContact(input: $input) { contact { links { organization { code } isPrimary } affairs { code } } userErrors { code } } }",
        variables,
    )

    assert result.data == {
        "createContact": {
            "contact": {
                "links": [{"organization": {"code": "BETA"}, "isPrimary": True}],
                "affairs": [{"code": "A-1"}, {"code": "B-1"}],
            },
            "userErrors": [],
        }
    }


async def test_an_explicit_linkedin_profile_replaces_the_generated_one(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    variables = {
        "input": {
            "lastName": "Dupont",
            "linkedinUrl": "https://fr.linkedin.com/in/marie-dupont",
            "link": {"organizationId": gid("Client", acme.id)},
        }
    }

    result = await graphql(CREATE, variables)

    assert result.data["createContact"]["contact"]["socialProfiles"] == [  # type: ignore[index]
        {"url": "https://fr.linkedin.com/in/marie-dupont", "generated": False}
    ]
