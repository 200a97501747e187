"""Reference data through the schema: each refusal names its field, says why in words and writes
nothing."""

from typing import Any

import pytest

from db.engine import Database
from tests.conftest import GraphQL
from tests.schema.reference_data.reference_world import World, role_for, run, state

CODE, NAME = ["input", "code"], ["input", "name"]
REFUSALS = [
    # DUPLICATE: a code already used in its kind, after trimming.
    ("createClient", {"code": " ACME ", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSupplier", {"code": "SUP", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createThirdParty", {"code": "BANK", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSite", {"clientId": "$BETA", "code": "ACME-PAR", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createAffair", {"clientId": "$BETA", "code": "AFF-1", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createInterlocutorType", {"code": "DEC", "label": "Autre"}, [(CODE, "DUPLICATE")]),
    ("updateClient", {"id": "$ACME", "code": "BETA"}, [(CODE, "DUPLICATE")]),
    ("updateSite", {"id": "$PAR", "code": "ACME-LYO"}, [(CODE, "DUPLICATE")]),
    ("updateAffair", {"id": "$AFF", "code": "AFF-2"}, [(CODE, "DUPLICATE")]),
    # DUPLICATE regardless of case (rule 20): "ACME" and "acme" are one code.
    ("createClient", {"code": "acme", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSupplier", {"code": "Sup", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSite", {"clientId": "$BETA", "code": "acme-par", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createAffair", {"clientId": "$BETA", "code": "aff-1", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createInterlocutorType", {"code": "dec", "label": "Autre"}, [(CODE, "DUPLICATE")]),
    ("updateClient", {"id": "$ACME", "code": "beta"}, [(CODE, "DUPLICATE")]),
    ("updateSite", {"id": "$PAR", "code": "acme-lyo"}, [(CODE, "DUPLICATE")]),
    ("updateAffair", {"id": "$AFF", "code": "Aff-2"}, [(CODE, "DUPLICATE")]),
    # INVALID: blank, too long, or null where a value is required.
    ("createClient", {"code": "  ", "name": ""}, [(CODE, "INVALID"), (NAME, "INVALID")]),
    ("createClient", {"code": "C", "name": "n" * 201}, [(NAME, "INVALID")]),
    ("createClient", {"code": "C", "name": "N", "status": None}, [(["input", "status"], "INVALID")]),
    ("createSupplier", {"code": "c" * 201, "name": "N"}, [(CODE, "INVALID")]),
    ("createThirdParty", {"code": "C", "name": " \t "}, [(NAME, "INVALID")]),
    (
        "createSite",
        {"clientId": "$ACME", "code": "S", "name": "N", "city": "c" * 201},
        [(["input", "city"], "INVALID")],
    ),
    ("createAffair", {"clientId": "$ACME", "code": "", "name": "N"}, [(CODE, "INVALID")]),
    ("createTarget", {"name": "T", "description": "d" * 10_001}, [(["input", "description"], "INVALID")]),
    (
        "createEvent",
        {"name": "E", "startsOn": "2027-01-02", "endsOn": "2027-01-01"},
        [(["input", "endsOn"], "INVALID")],
    ),
    (
        "createEvent",
        {"name": "E", "startsOn": "2027-01-02", "location": "l" * 201},
        [(["input", "location"], "INVALID")],
    ),
    ("createInterlocutorType", {"code": "NEW", "label": " "}, [(["input", "label"], "INVALID")]),
    ("updateClient", {"id": "$ACME", "name": None}, [(NAME, "INVALID")]),
    ("updateClient", {"id": "$ACME", "status": None}, [(["input", "status"], "INVALID")]),
    ("updateSupplier", {"id": "$SUP", "code": " "}, [(CODE, "INVALID")]),
    ("updateThirdParty", {"id": "$BANK", "code": None}, [(CODE, "INVALID")]),
    ("updateSite", {"id": "$PAR", "code": None}, [(CODE, "INVALID")]),
    ("updateAffair", {"id": "$AFF", "name": "n" * 201}, [(NAME, "INVALID")]),
    ("updateTarget", {"id": "$SALON", "name": None}, [(NAME, "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "startsOn": None}, [(["input", "startsOn"], "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "startsOn": "2027-03-05"}, [(["input", "startsOn"], "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "endsOn": "2027-03-01"}, [(["input", "endsOn"], "INVALID")]),
    ("updateInterlocutorType", {"code": "DEC", "archived": None}, [(["input", "archived"], "INVALID")]),
    ("updateInterlocutorType", {"code": "DEC", "label": None}, [(["input", "label"], "INVALID")]),
    # NOT_FOUND: unknown, malformed, or of another type.
    ("createSite", {"clientId": "nope", "code": "S", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    ("createSite", {"clientId": "$SUP", "code": "S", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    (
        "createSite",
        {"clientId": "$CLIENT_OF_SUPPLIER", "code": "S", "name": "N"},
        [(["input", "clientId"], "NOT_FOUND")],
    ),
    ("createAffair", {"clientId": "$BANK", "code": "A", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    ("updateClient", {"id": "$SUP", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateSupplier", {"id": "$SUPPLIER_OF_CLIENT", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateThirdParty", {"id": "VGhpcmRQYXJ0eTo5OTk5", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateSite", {"id": "$AFF", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateAffair", {"id": "", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateTarget", {"id": "$FORUM", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateEvent", {"id": "RXZlbnQ6MA==", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateInterlocutorType", {"code": "NOPE", "label": "X"}, [(CODE, "NOT_FOUND")]),
]


@pytest.mark.parametrize(
    ("mutation", "given", "errors"), REFUSALS, ids=[f"{case[0]}-{case[2][0][1]}" for case in REFUSALS]
)
async def test_a_refusal_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: World, mutation: str, given: dict[str, Any], errors: list[Any]
) -> None:
    before = await state(db)

    payload = await run(graphql, world, mutation, given, role_for(mutation))

    (name,) = (key for key in payload if key != "userErrors")
    assert payload == {name: None, "userErrors": [{"field": field, "code": code} for field, code in errors]}
    assert await state(db) == before


async def test_a_refusal_says_why_in_words(db: Database, graphql: GraphQL, world: World) -> None:
    payload = await graphql(
        'mutation { createClient(input: {code: "ACME", name: "x"}) { userErrors { field message code } } }'
    )

    assert payload.data == {
        "createClient": {
            "userErrors": [
                {
                    "field": ["input", "code"],
                    "message": "Another client already has the code 'ACME'.",
                    "code": "DUPLICATE",
                }
            ]
        }
    }
