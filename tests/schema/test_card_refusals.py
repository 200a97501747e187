"""createContact refused: each bad input named with its path and nothing written, and every problem
of one input named at once."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.card_world import CREATE, gid


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


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
