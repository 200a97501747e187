"""What a read costs, counted: SQL statements per request (extensions.queryStats), whatever the
page size, and documents parsed and validated once. Counts, never timings."""

from datetime import date

import pytest

from db.engine import Database
from db.models import (
    Affair,
    ClientStatus,
    Contact,
    ContactAffair,
    ContactLink,
    ContactLinkInterlocutorType,
    ContactLinkSite,
    Event,
    EventParticipation,
    InterlocutorType,
    Organization,
    OrganizationKind,
    ParticipationStatus,
    Site,
    Target,
    TargetMember,
)
from resolvers.search import refresh_contact_keys
from schema import guards
from tests import factories
from tests.conftest import NOW, GraphQL

PEOPLE = 120


@pytest.fixture
async def crowd(db: Database) -> None:
    """120 contacts, each linked to a client (with a site and a type) and a bank, in a target,
    an affair and an event: every relation has something to read for every contact."""
    async with db.begin() as session:
        acme = Organization(
            kind=OrganizationKind.CLIENT,
            code="ACME",
            name="Acme",
            name_key="acme",
            status=ClientStatus.CLIENT,
        )
        bank = Organization(kind=OrganizationKind.THIRD_PARTY, code="BANK", name="Banque", name_key="banque")
        session.add_all([acme, bank, InterlocutorType(code="DEC", label="Décideur", archived=False)])
        await session.flush()
        paris = Site(client_id=acme.id, code="PAR", name="Paris", name_key="paris")
        affair = Affair(client_id=acme.id, code="AFF", name="Migration", name_key="migration")
        salon = Target(name="Salon", name_key="salon")
        breakfast = Event(name="Petit-déjeuner", name_key="petit dejeuner", starts_on=date(2026, 12, 3))
        people = [
            Contact(last_name=f"Contact {n:03}", first_name="Anne", version=1, created_at=NOW, updated_at=NOW)
            for n in range(PEOPLE)
        ]
        session.add_all([paris, affair, salon, breakfast, *people])
        await session.flush()
        links = [
            ContactLink(contact_id=person.id, organization_id=org.id, is_primary=org is acme, created_at=NOW)
            for person in people
            for org in (acme, bank)
        ]
        session.add_all(links)
        await session.flush()
        session.add_all(
            [ContactLinkSite(link_id=link.id, site_id=paris.id) for link in links if link.is_primary]
            + [
                ContactLinkInterlocutorType(link_id=link.id, type_code="DEC")
                for link in links
                if link.is_primary
            ]
            + [TargetMember(target_id=salon.id, contact_id=person.id) for person in people]
            + [ContactAffair(affair_id=affair.id, contact_id=person.id) for person in people]
            + [
                EventParticipation(
                    event_id=breakfast.id, contact_id=person.id, status=ParticipationStatus.INVITED
                )
                for person in people
            ]
        )
        await session.flush()
        await refresh_contact_keys(session, [person.id for person in people])


def contacts_query(selection: str) -> str:
    return f"query ($first: Int) {{ contacts(first: $first) {{ {selection} }} }}"


SCALARS = "edges { cursor node { id lastName firstName displayName email status version } }"
# Seven relation fields: links, organization, sites, interlocutorTypes, targets, events, event.
RELATIONS = """
  edges { node {
    id lastName
    links { function isPrimary organization { id name } sites { id name } interlocutorTypes { code label } }
    targets { id name }
    events { status event { id name } }
  } }
"""
# Eight more: primaryLink, its organization, a client's sites, socialProfiles (the primary
# organisation's name), affairs, an affair's client, extranetUser, externalCollaborator.
EVERYTHING = (
    RELATIONS.removesuffix("} }\n")
    + """
    primaryLink { organization { ... on Client { sites { code } } } }
    socialProfiles { url }
    affairs { code client { code } }
    extranetUser { login }
    externalCollaborator { code }
  } }
"""
)


@pytest.mark.parametrize("first", [10, 100])
@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (SCALARS, 1),  # the page
        ("totalCount " + SCALARS, 2),  # the page and the count
        ("totalCount " + RELATIONS, 2 + 7),
        # Fifteen relations, twelve statements: primaryLink, its organization and an affair's
        # client are read by loaders the request runs anyway (links, organisations).
        ("totalCount " + EVERYTHING, 2 + 12),
    ],
    ids=["page", "page-and-count", "seven-relations", "fifteen-relations"],
)
async def test_a_page_costs_one_statement_per_relation_whatever_its_size(
    graphql: GraphQL, crowd: None, first: int, selection: str, expected: int
) -> None:
    result = await graphql(contacts_query(selection), {"first": first})

    assert result.errors is None
    assert result.data is not None
    assert len(result.data["contacts"]["edges"]) == first
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == expected


async def test_every_relation_is_read_for_every_contact_of_the_page(graphql: GraphQL, crowd: None) -> None:
    result = await graphql(contacts_query(RELATIONS), {"first": 100})

    assert result.data is not None
    nodes = [edge["node"] for edge in result.data["contacts"]["edges"]]
    assert {len(node["links"]) for node in nodes} == {2}
    assert {len(node["targets"]) for node in nodes} == {1}
    assert {node["events"][0]["event"]["name"] for node in nodes} == {"Petit-déjeuner"}
    assert {node["links"][0]["sites"][0]["name"] for node in nodes} == {"Paris"}


async def test_a_document_is_parsed_and_validated_once(graphql: GraphQL, crowd: None) -> None:
    document = contacts_query(SCALARS + " pageInfo { hasNextPage }")
    await graphql(document, {"first": 1})
    parsed, validated = guards._parsed.cache_info(), guards._validated.cache_info()

    for size in (2, 3):
        result = await graphql(document, {"first": size})
        assert result.errors is None

    assert guards._parsed.cache_info().misses == parsed.misses
    assert guards._validated.cache_info().misses == validated.misses
    assert guards._validated.cache_info().hits == validated.hits + 2


NESTED = """
query ($first: Int) {
  clients(first: 20) { edges { node {
    code
    contacts(first: $first) { totalCount edges { node { lastName links { function } } } }
    sites { contacts(first: 2) { totalCount edges { node { lastName } } } }
  } } }
}
"""


@pytest.mark.parametrize("first", [1, 50])
async def test_the_nested_lists_of_a_list_are_read_together(
    db: Database, graphql: GraphQL, first: int
) -> None:
    for number in range(12):
        client = await factories.client(db, code=f"C{number:02}", name=f"Client {number:02}")
        await factories.site(db, client, code=f"S{number:02}", name=f"Site {number:02}")
        for person in range(number % 3 + 1):
            await factories.contact(db, f"Contact {number:02}-{person}", at=client, function="DAF")

    result = await graphql(NESTED, {"first": first})

    assert result.errors is None
    assert result.data is not None
    clients = [edge["node"] for edge in result.data["clients"]["edges"]]
    assert [c["contacts"]["totalCount"] for c in clients] == [number % 3 + 1 for number in range(12)]
    assert [len(c["contacts"]["edges"]) for c in clients] == [
        min(first, number % 3 + 1) for number in range(12)
    ]
    assert [edge["node"] for edge in clients[5]["contacts"]["edges"]] == [
        {"lastName": f"Contact 05-{person}", "links": [{"function": "DAF"}]}
        for person in range(min(first, 3))
    ]
    # clients, their contacts' pages and counts, the links, the sites, the sites' pages and counts
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == 7
