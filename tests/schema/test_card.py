"""createContact and updateContact: the full card, clean coordinates, refusals that write nothing."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ClientStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

CREATE = """
mutation ($input: CreateContactInput!) {
  createContact(input: $input) {
    contact {
      lastName firstName civility displayName email phone mobile notes hiddenFromCrm lastFollowUpOn
      status version createdAt updatedAt
      socialProfiles { url generated }
      primaryLink {
        organization { code } isPrimary function department email phone mobile fax extension leftOn active
        sites { code } receivesInvoices receivesInvoicesAllSites receivesReminders receivesRemindersAllSites
        interlocutorTypes { code }
      }
      affairs { code }
    }
    userErrors { field message code contactId }
  }
}
"""
UPDATE = """
mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) {
    contact { id lastName firstName email phone hiddenFromCrm version socialProfiles { url generated } }
    userErrors { field code contactId }
  }
}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { totalCount edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


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


REFUSALS = [
    ({"lastName": "Seul"}, [["input", "link"], "INVALID"]),
    ({"lastName": "   ", "link": "ACME"}, [["input", "lastName"], "INVALID"]),
    ({"lastName": "x" * 101, "link": "ACME"}, [["input", "lastName"], "INVALID"]),
    ({"lastName": "Dupont", "firstName": "y" * 101, "link": "ACME"}, [["input", "firstName"], "INVALID"]),
    ({"lastName": "Dupont", "notes": "n" * 10_001, "link": "ACME"}, [["input", "notes"], "INVALID"]),
    ({"lastName": "Dupont", "email": "pas une adresse", "link": "ACME"}, [["input", "email"], "INVALID"]),
    ({"lastName": "Dupont", "phone": "12", "link": "ACME"}, [["input", "phone"], "INVALID"]),
    ({"lastName": "Dupont", "mobile": "not a number", "link": "ACME"}, [["input", "mobile"], "INVALID"]),
    ({"lastName": "Dupont", "hiddenFromCrm": None, "link": "ACME"}, [["input", "hiddenFromCrm"], "INVALID"]),
    (
        {"lastName": "Dupont", "lastFollowUpOn": "2026-11-29", "link": "ACME"},
        [["input", "lastFollowUpOn"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "linkedinUrl": "http://www.linkedin.com/in/marie", "link": "ACME"},
        [["input", "linkedinUrl"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "linkedinUrl": "https://linkedin.com.evil.example/in/x", "link": "ACME"},
        [["input", "linkedinUrl"], "INVALID"],
    ),
    ({"lastName": "Dupont", "affairIds": ["bad-id"]}, [["input", "affairIds", "0"], "NOT_FOUND"]),
    (
        {"lastName": "Dupont", "link": {"organizationId": "bad"}},
        [["input", "link", "organizationId"], "NOT_FOUND"],
    ),
    (
        {"lastName": "Dupont", "link": {"organizationId": gid("Client", 999)}},
        [["input", "link", "organizationId"], "NOT_FOUND"],
    ),
    (
        {"lastName": "Dupont", "link": {"organizationId": "SUPPLIER_AS_CLIENT"}},
        [["input", "link", "organizationId"], "NOT_FOUND"],
    ),
    ({"lastName": "Dupont", "link": {"function": "f" * 201}}, [["input", "link", "function"], "INVALID"]),
    ({"lastName": "Dupont", "link": {"email": "a@@b"}}, [["input", "link", "email"], "INVALID"]),
    ({"lastName": "Dupont", "link": {"fax": "0000"}}, [["input", "link", "fax"], "INVALID"]),
    (
        {"lastName": "Dupont", "link": {"interlocutorTypeCodes": ["NOPE"]}},
        [["input", "link", "interlocutorTypeCodes", "0"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "link": {"interlocutorTypeCodes": ["OLD"]}},
        [["input", "link", "interlocutorTypeCodes", "0"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "link": {"siteIds": ["OTHER_SITE"]}},
        [["input", "link", "siteIds", "0"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "link": {"siteIds": [gid("Site", 999)]}},
        [["input", "link", "siteIds", "0"], "NOT_FOUND"],
    ),
    (
        {"lastName": "Dupont", "link": {"organizationId": "SUPPLIER", "receivesInvoices": True}},
        [["input", "link", "receivesInvoices"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "link": {"organizationId": "SUPPLIER", "siteIds": ["OTHER_SITE"]}},
        [["input", "link", "siteIds"], "INVALID"],
    ),
    (
        {"lastName": "Dupont", "link": {"organizationId": "SUPPLIER", "interlocutorTypeCodes": ["DEC"]}},
        [["input", "link", "interlocutorTypeCodes"], "INVALID"],
    ),
]


@pytest.mark.parametrize(("given", "expected"), REFUSALS)
async def test_bad_input_is_refused_with_its_path_and_nothing_is_written(
    db: Database, graphql: GraphQL, acme: Any, given: dict[str, Any], expected: list[Any]
) -> None:
    supplier = await factories.supplier(db)
    beta = await factories.client(db, code="BETA", name="Beta")
    other_site = await factories.site(db, beta, code="BETA-LYO", name="Lyon")
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    await factories.interlocutor_type(db, code="OLD", label="Ancien", archived=True)
    names = {
        "ACME": gid("Client", acme.id),
        "SUPPLIER": gid("Supplier", supplier.id),
        "SUPPLIER_AS_CLIENT": gid("Client", supplier.id),
        "OTHER_SITE": gid("Site", other_site.id),
    }
    contact_input = dict(given)
    if contact_input.get("link") == "ACME":
        contact_input["link"] = {"organizationId": names["ACME"]}
    elif isinstance(contact_input.get("link"), dict):
        link = {"organizationId": names["ACME"], **contact_input["link"]}
        link["organizationId"] = names.get(link["organizationId"], link["organizationId"])
        if "siteIds" in link:
            link["siteIds"] = [names.get(site, site) for site in link["siteIds"]]
        contact_input["link"] = link
    before = await factories.database_state(db)

    result = await graphql(CREATE, {"input": contact_input})

    assert result.errors is None
    payload = result.data["createContact"]  # type: ignore[index]
    assert payload["contact"] is None
    assert [[error["field"], error["code"]] for error in payload["userErrors"]] == [expected]
    assert await factories.database_state(db) == before


async def test_every_problem_of_an_input_is_named_at_once(db: Database, graphql: GraphQL, acme: Any) -> None:
    variables = {
        "input": {
            "lastName": "Dupont",
            "email": "nope",
            "phone": "1",
        }
    }
    variables["input"]["link"] = {"organizationId": gid("Client", acme.id), "email": "bad", "fax": "2"}

    result = await graphql(CREATE, variables)

    errors = result.data["createContact"]["userErrors"]  # type: ignore[index]
    assert [(error["field"], error["code"]) for error in errors] == [
        (["input", "email"], "INVALID"),
        (["input", "phone"], "INVALID"),
    ]


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


async def _created(graphql: GraphQL, acme: Any, **fields: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "lastName": "Dupont",
            "firstName": "Marie",
            **fields,
            "link": {"organizationId": gid("Client", acme.id)},
        }
    }
    result = await graphql(CREATE.replace("lastName firstName", "id lastName firstName", 1), variables)
    return result.data["createContact"]["contact"]  # type: ignore[index, no-any-return]


async def test_update_changes_what_is_given_clears_nulls_and_records_history(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme, email="marie@acme.fr")

    result = await graphql(
        UPDATE, {"input": {"id": marie["id"], "expectedVersion": 1, "firstName": None, "phone": "0612345678"}}
    )
    history = await graphql(HISTORY, {"id": marie["id"]})

    assert result.data == {
        "updateContact": {
            "contact": {
                "id": marie["id"],
                "lastName": "Dupont",
                "firstName": None,
                "email": "marie@acme.fr",
                "phone": "+33612345678",
                "hiddenFromCrm": False,
                "version": 2,
                "socialProfiles": [
                    {
                        "url": "https://www.linkedin.com/search/results/people/?keywords=Dupont%20Acme%20Industrie",
                        "generated": True,
                    }
                ],
            },
            "userErrors": [],
        }
    }
    newest = history.data["node"]["history"]["edges"][0]["node"]  # type: ignore[index]
    assert history.data["node"]["history"]["totalCount"] == 2  # type: ignore[index]
    assert (newest["operation"], newest["actor"]) == ("updateContact", "staff")
    assert newest["changes"] == [
        {"field": "firstName", "organization": None, "before": "Marie", "after": None},
        {"field": "phone", "organization": None, "before": None, "after": "+33612345678"},
    ]


async def test_an_update_that_changes_nothing_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme, email="marie@acme.fr")
    before = await factories.database_state(db)

    result = await graphql(
        UPDATE, {"input": {"id": marie["id"], "lastName": "  Dupont ", "email": "marie@ACME.FR"}}
    )

    assert result.data["updateContact"]["contact"]["version"] == 1  # type: ignore[index]
    assert result.data["updateContact"]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"lastName": None}, ["input", "lastName"]),
        ({"hiddenFromCrm": None}, ["input", "hiddenFromCrm"]),
        ({"lastName": ""}, ["input", "lastName"]),
        ({"email": "@nowhere"}, ["input", "email"]),
    ],
)
async def test_update_refuses_bad_values_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any, fields: dict[str, Any], path: list[str]
) -> None:
    marie = await _created(graphql, acme)
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": marie["id"], **fields}})

    assert result.data == {
        "updateContact": {
            "contact": None,
            "userErrors": [{"field": path, "code": "INVALID", "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


async def test_a_stale_version_is_a_conflict_that_returns_the_current_card_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    marie = await _created(graphql, acme)
    await graphql(UPDATE, {"input": {"id": marie["id"], "notes": "v2"}})
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": marie["id"], "expectedVersion": 1, "lastName": "Durand"}})

    payload = result.data["updateContact"]  # type: ignore[index]
    assert payload["contact"]["lastName"] == "Dupont"
    assert payload["contact"]["version"] == 2
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": marie["id"]}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("bad_id", ["nope", gid("Contact", 999), gid("Client", 1)])
async def test_updating_an_unknown_id_is_not_found(
    db: Database, graphql: GraphQL, acme: Any, bad_id: str
) -> None:
    await _created(graphql, acme)
    before = await factories.database_state(db)

    result = await graphql(UPDATE, {"input": {"id": bad_id, "lastName": "X"}})

    assert result.data == {
        "updateContact": {
            "contact": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND", "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", ["createContact", "updateContact"])
async def test_the_portal_may_not_write_a_card(
    db: Database, graphql: GraphQL, acme: Any, mutation: str
) -> None:
    marie = await _created(graphql, acme)
    before = await factories.database_state(db)
    document, variables = (
        (CREATE, {"input": {"lastName": "X", "link": {"organizationId": gid("Client", acme.id)}}})
        if mutation == "createContact"
        else (UPDATE, {"input": {"id": marie["id"], "lastName": "X"}})
    )

    result = await graphql(document, variables, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before
