"""What a page of contacts costs, counted: SQL statements per request (extensions.queryStats)
whatever the page size, one pooled connection per query, every relation read for every contact
but none a directive leaves out, and documents parsed and validated once. Counts, never timings."""

from datetime import date

import pytest
from sqlalchemy import event

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
# Seven relation fields: links, organization, sites, interlocutorTypes, targets, events, event;
# five statements, a link's organisation and a participation's event read with their rows.
RELATIONS = """
  edges { node {
    id lastName
    links { function isPrimary organization { id name } sites { id name } interlocutorTypes { code label } }
    targets { id name }
    events { status event { id name } }
  } }
"""
# Seven more: primaryLink, its organization, a client's sites, socialProfiles (the primary
# organisation's name), affairs, extranetUser, externalCollaborator. Not an affair's client: an
# organisation reached by two paths at different depths (a link's, an affair's client) is read in
# one batch or two, depending on which path asks first; still within 2 + K, but not exactly.
EVERYTHING = (
    RELATIONS.removesuffix("} }\n")
    + """
    primaryLink { organization { ... on Client { sites { code } } } }
    socialProfiles { url }
    affairs { code }
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
        ("totalCount " + RELATIONS, 2 + 5),
        # Fourteen relations, ten statements: primaryLink and its organization are read by
        # loaders the request runs anyway (links, with their organisations), in the same batches.
        ("totalCount " + EVERYTHING, 2 + 10),
    ],
    ids=["page", "page-and-count", "seven-relations", "fourteen-relations"],
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


async def test_a_query_reads_on_one_connection_from_the_pool(
    db: Database, graphql: GraphQL, crowd: None
) -> None:
    """Seven statements, one checkout: no pre-ping, no rollback on return for each of them."""
    checkouts: list[object] = []

    def checkout(*connection: object) -> None:
        checkouts.append(connection)

    event.listen(db.engine.sync_engine.pool, "checkout", checkout)
    try:
        result = await graphql(contacts_query("totalCount " + RELATIONS), {"first": 100})
    finally:
        event.remove(db.engine.sync_engine.pool, "checkout", checkout)

    assert result.errors is None
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == 2 + 5
    assert len(checkouts) == 1


async def test_root_fields_that_read_for_themselves_share_the_query_connection_too(
    db: Database, graphql: GraphQL, crowd: None
) -> None:
    """A query holding its connection while it waited for a second one could deadlock a full
    pool: the interlocutor types, duplicate groups and contacts of one query read on one."""
    checkouts: list[object] = []

    def checkout(*connection: object) -> None:
        checkouts.append(connection)

    document = (
        "{ interlocutorTypes { code } duplicateGroups(first: 5) { totalCount } "
        "contacts(first: 5) { totalCount } }"
    )
    event.listen(db.engine.sync_engine.pool, "checkout", checkout)
    try:
        result = await graphql(document)
    finally:
        event.remove(db.engine.sync_engine.pool, "checkout", checkout)

    assert result.errors is None
    assert len(checkouts) == 1


async def test_every_relation_is_read_for_every_contact_of_the_page(graphql: GraphQL, crowd: None) -> None:
    result = await graphql(contacts_query(RELATIONS), {"first": 100})

    assert result.data is not None
    nodes = [edge["node"] for edge in result.data["contacts"]["edges"]]
    assert {len(node["links"]) for node in nodes} == {2}
    assert {len(node["targets"]) for node in nodes} == {1}
    assert {node["events"][0]["event"]["name"] for node in nodes} == {"Petit-déjeuner"}
    assert {node["links"][0]["sites"][0]["name"] for node in nodes} == {"Paris"}


async def test_a_relation_left_out_by_a_directive_is_not_read_ahead(graphql: GraphQL, crowd: None) -> None:
    document = """
    query ($first: Int, $withEvents: Boolean!) { contacts(first: $first) { edges { node {
      lastName
      links @skip(if: true) { function }
      events @include(if: $withEvents) { status event { name } }
      ... on Contact @include(if: false) { targets { name } }
    } } } }
    """
    result = await graphql(document, {"first": 100, "withEvents": False})

    assert result.errors is None
    assert result.data is not None
    assert result.data["contacts"]["edges"][0]["node"] == {"lastName": "Contact 000"}
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == 1


async def test_a_document_is_parsed_and_validated_once(graphql: GraphQL, crowd: None) -> None:
    document = contacts_query(SCALARS + " pageInfo { hasNextPage }")
    await graphql(document, {"first": 1})
    parsed, validated = guards.PARSED.misses, guards.VALIDATED.misses
    hits = guards.VALIDATED.hits

    for size in (2, 3):
        result = await graphql(document, {"first": size})
        assert result.errors is None

    assert guards.PARSED.misses == parsed
    assert guards.VALIDATED.misses == validated
    assert guards.VALIDATED.hits == hits + 2
