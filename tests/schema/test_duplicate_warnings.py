"""Rule 22 through GraphQL: createContact warns of possible duplicates (same e-mail, similar name,
same social profile) and still creates, duplicateGroups, and the one statement the warning costs."""

from typing import Any

from db.engine import Database
from resolvers.access import Role
from resolvers.global_ids import to_global_id as gid
from tests import factories
from tests.conftest import GraphQL

CREATE = """mutation ($input: CreateContactInput!) { createContact(input: $input) {
  contact { id } possibleDuplicates { contact { id } reasons score } userErrors { code } } }"""
GROUPS = """query ($min: Float, $first: Int, $after: String) { duplicateGroups(minScore: $min, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { contacts { id } reasons score } } }"""


async def test_create_warns_of_duplicates_and_still_creates(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    known = await factories.contact(db, "Dupont", "Marie", at=acme, email="Marie.Dupont@acme.fr")
    result = await graphql(
        CREATE,
        {
            "input": {
                "lastName": "Dupond",
                "firstName": "Marie",
                "email": "marie.dupont@ACME.fr",
                "link": {"organizationId": gid("Client", acme.id)},
            }
        },
    )
    assert result.errors is None
    payload = result.data["createContact"]  # type: ignore[index]
    assert payload["contact"] is not None and payload["userErrors"] == []
    assert payload["possibleDuplicates"] == [
        {
            "contact": {"id": gid("Contact", known.id)},
            "reasons": ["SAME_EMAIL", "SIMILAR_NAME_AT_ORGANIZATION"],
            "score": 0.98,
        }
    ]
    groups = await graphql(GROUPS, {"first": 1})
    assert groups.data["duplicateGroups"]["totalCount"] == 1  # type: ignore[index]
    portal = await graphql(
        "query ($id: ID!) { node(id: $id) { ... on Contact { possibleDuplicates { score } } } }",
        {"id": gid("Contact", known.id)},
        role=Role.PORTAL,
    )
    assert portal.data == {"node": {"possibleDuplicates": None}}
    assert portal.errors is not None and portal.errors[0].extensions["code"] == "FORBIDDEN"  # type: ignore[index]
    bad = await graphql(GROUPS, {"min": 2.0})
    assert bad.errors is not None and bad.errors[0].extensions["code"] == "BAD_USER_INPUT"  # type: ignore[index]


async def test_create_warns_of_the_same_social_profile(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    other = await factories.client(db, code="OTHER", name="Other")
    known = await factories.contact(
        db, "Dupont", "Marie", at=acme, linkedin_url="https://www.linkedin.com/in/marie-dupont"
    )
    result = await graphql(
        CREATE,
        {
            "input": {
                "lastName": "Martin",
                "linkedinUrl": "https://www.linkedin.com/in/Marie-Dupont",
                "link": {"organizationId": gid("Client", other.id)},
            }
        },
    )

    assert result.errors is None
    assert result.data["createContact"]["userErrors"] == []  # type: ignore[index]
    assert result.data["createContact"]["possibleDuplicates"] == [  # type: ignore[index]
        {"contact": {"id": gid("Contact", known.id)}, "reasons": ["SAME_SOCIAL_PROFILE"], "score": 0.9}
    ]


async def test_the_warning_costs_create_one_statement_which_brings_the_candidates_cards(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    known = await factories.contact(db, "Dupont", "Marie", at=acme, email="marie.dupont@acme.fr")

    async def statements(selection: str, last_name: str, email: str) -> Any:
        document = CREATE.replace("possibleDuplicates { contact { id } reasons score }", selection)
        link = {"organizationId": gid("Client", acme.id)}
        result = await graphql(document, {"input": {"lastName": last_name, "email": email, "link": link}})
        assert result.errors is None
        payload: Any = result.data["createContact"]  # type: ignore[index]
        stats: Any = result.extensions["queryStats"]  # type: ignore[index]
        assert payload["userErrors"] == []
        return payload.get("possibleDuplicates"), stats["sqlStatements"]

    without, plain = await statements("", "Martin", "paul.martin@acme.fr")
    warned, looked_up = await statements(
        "possibleDuplicates { contact { id lastName } reasons }", "Dupond", "MARIE.DUPONT@acme.fr"
    )

    # Asked through a fragment, under an alias: found all the same.
    fragment = """mutation ($input: CreateContactInput!) { createContact(input: $input) { ...Created } }
      fragment Created on ContactPayload { ... on ContactPayload { twins: possibleDuplicates { score } } }"""
    link = {"organizationId": gid("Client", acme.id)}
    spread = await graphql(fragment, {"input": {"lastName": "Martin", "link": link}})

    assert spread.data == {"createContact": {"twins": [{"score": 0.85}]}}
    assert without is None
    assert warned == [
        {"contact": {"id": gid("Contact", known.id), "lastName": "Dupont"}, "reasons": ["SAME_EMAIL"]}
    ]
    assert looked_up == plain + 1
