"""What a read costs, counted: SQL statements per request (extensions.queryStats), whatever the
page size, and documents parsed and validated once. Counts, never timings."""

from datetime import date

import pytest
from sqlalchemy import event

from db.engine import Database
from db.models import (
    Affair,
    ClientStatus,
    Contact,
    ContactAffair,
    ContactChange,
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
        ("totalCount " + RELATIONS, 2 + 7),
        # Fourteen relations, twelve statements: primaryLink and its organization are read by
        # loaders the request runs anyway (links, organisations), in the same batches.
        ("totalCount " + EVERYTHING, 2 + 12),
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
    """Nine statements, one checkout: no pre-ping, no rollback on return for each of them."""
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
    assert result.extensions["queryStats"]["sqlStatements"] == 2 + 7
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


CLIENT_CONTACTS = """
query ($first: Int) { clients(first: 20) { edges { node {
  contacts(first: $first) { totalCount edges { node { lastName links { function } } } }
} } } }
"""
SITE_CONTACTS = """
query ($first: Int) { clients(first: 20) { edges { node {
  sites { contacts(first: $first) { totalCount edges { node { lastName links { function } } } } }
} } } }
"""


@pytest.fixture
async def clients(db: Database) -> None:
    """Twelve clients with one site each; client n has n % 3 + 1 contacts, all at its site."""
    for number in range(12):
        client = await factories.client(db, code=f"C{number:02}", name=f"Client {number:02}")
        paris = await factories.site(db, client, code=f"S{number:02}", name=f"Site {number:02}")
        for person in range(number % 3 + 1):
            contact = await factories.contact(db, f"Contact {number:02}-{person}", at=client, function="DAF")
            await factories.attach_sites(db, await factories.primary_link(db, contact), paris)


# 3 is every client's whole list; 50 would put SITE_CONTACTS over the cost limit (20 clients x 10
# sites x 50 contacts x 10 links: 110,220 > 50,000).
@pytest.mark.parametrize("first", [1, 3])
@pytest.mark.parametrize(
    "document",
    [CLIENT_CONTACTS, SITE_CONTACTS],
    ids=["clients-contacts", "clients-sites-contacts"],
)
async def test_the_nested_lists_of_a_list_are_read_together(
    graphql: GraphQL, clients: None, first: int, document: str
) -> None:
    result = await graphql(document, {"first": first})

    assert result.errors is None
    assert result.data is not None
    nodes = [edge["node"] for edge in result.data["clients"]["edges"]]
    lists = [node["contacts"] if "contacts" in node else node["sites"][0]["contacts"] for node in nodes]
    assert [nested["totalCount"] for nested in lists] == [number % 3 + 1 for number in range(12)]
    assert [len(nested["edges"]) for nested in lists] == [min(first, number % 3 + 1) for number in range(12)]
    assert [edge["node"] for edge in lists[5]["edges"]] == [
        {"lastName": f"Contact 05-{person}", "links": [{"function": "DAF"}]}
        for person in range(min(first, 3))
    ]
    # The clients (and their sites), the nested pages, their counts, the links: twelve lists alike.
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == (4 if document is CLIENT_CONTACTS else 5)


EVENT_PARTICIPANTS = """
query ($first: Int) { events(first: 20) { edges { node {
  name participants(first: $first) { totalCount edges { node { status contact { lastName } } } }
} } } }
"""


@pytest.fixture
async def events(db: Database) -> None:
    """Nine events; event n has n % 3 + 1 participants."""
    acme = await factories.client(db, code="ACME", name="Acme")
    for number in range(9):
        event = await factories.event(db, name=f"Event {number}", starts_on=date(2026, 12, number + 1))
        for person in range(number % 3 + 1):
            await factories.participate(
                db, await factories.contact(db, f"Guest {number}-{person}", at=acme), event
            )


@pytest.mark.parametrize("first", [1, 50])
async def test_the_participants_of_a_list_of_events_are_read_together(
    graphql: GraphQL, events: None, first: int
) -> None:
    result = await graphql(EVENT_PARTICIPANTS, {"first": first})

    assert result.errors is None
    assert result.data is not None
    lists = {edge["node"]["name"]: edge["node"]["participants"] for edge in result.data["events"]["edges"]}
    assert {name: nested["totalCount"] for name, nested in lists.items()} == {
        f"Event {number}": number % 3 + 1 for number in range(9)
    }
    assert [edge["node"] for edge in lists["Event 5"]["edges"]] == [
        {"status": "INVITED", "contact": {"lastName": f"Guest 5-{person}"}} for person in range(min(first, 3))
    ]
    # The events, the participants' pages, their counts, their contacts: nine lists alike.
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == 4


CONTACT_HISTORY = """
query ($first: Int) { contacts(first: 20) { edges { node {
  lastName history(first: $first) { totalCount edges { node { operation changes { field } } } }
} } } }
"""


@pytest.fixture
async def histories(db: Database) -> None:
    """Six contacts; contact n has n % 3 + 1 history entries, the newest last."""
    acme = await factories.client(db, code="ACME", name="Acme")
    for number in range(6):
        person = await factories.contact(db, f"Person {number}", at=acme)
        async with db.begin() as session:
            session.add_all(
                [
                    ContactChange(
                        contact_id=person.id, at=NOW, actor="staff", operation=f"op {number}-{entry}"
                    )
                    for entry in range(number % 3 + 1)
                ]
            )


@pytest.mark.parametrize("first", [1, 50])
async def test_the_history_of_a_list_of_contacts_is_read_together(
    graphql: GraphQL, histories: None, first: int
) -> None:
    result = await graphql(CONTACT_HISTORY, {"first": first})

    assert result.errors is None
    assert result.data is not None
    lists = {edge["node"]["lastName"]: edge["node"]["history"] for edge in result.data["contacts"]["edges"]}
    assert {name: nested["totalCount"] for name, nested in lists.items()} == {
        f"Person {number}": number % 3 + 1 for number in range(6)
    }
    assert [edge["node"] for edge in lists["Person 5"]["edges"]] == [
        {"operation": f"op 5-{entry}", "changes": []} for entry in (2, 1, 0)[: min(first, 3)]
    ]
    # The contacts, the history pages, their counts, the changes' fields: six lists alike.
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == 4


CLIENT_INTERLOCUTORS = """
query ($typeCode: String) { clients(first: 20) { edges { node {
  code interlocutors(typeCode: $typeCode) { function contact { lastName } }
} } } }
"""


@pytest.fixture
async def interlocutors(db: Database) -> None:
    """Six clients; client n has n % 3 + 1 decision makers and one contact of no type."""
    await factories.interlocutor_type(db, "DEC", "Décideur")
    await factories.interlocutor_type(db, "TEC", "Technique")
    for number in range(6):
        client = await factories.client(db, code=f"C{number}", name=f"Client {number}")
        for person in range(number % 3 + 1):
            contact = await factories.contact(db, f"Boss {number}-{person}", at=client, function="DG")
            await factories.give_types(db, await factories.primary_link(db, contact), "DEC")
        await factories.contact(db, f"Clerk {number}", at=client, function="Commis")


@pytest.mark.parametrize("type_code", [None, "DEC", "TEC"])
async def test_the_interlocutors_of_a_list_of_clients_are_read_together(
    graphql: GraphQL, interlocutors: None, type_code: str | None
) -> None:
    result = await graphql(CLIENT_INTERLOCUTORS, {"typeCode": type_code})

    assert result.errors is None
    assert result.data is not None
    found = {edge["node"]["code"]: edge["node"]["interlocutors"] for edge in result.data["clients"]["edges"]}
    expected = 0 if type_code == "TEC" else 1
    assert {code: len(links) for code, links in found.items()} == {
        f"C{number}": expected * (number % 3 + 1) for number in range(6)
    }
    assert found["C5"] == [
        {"function": "DG", "contact": {"lastName": f"Boss 5-{person}"}} for person in range(3 * expected)
    ]
    # The clients, their interlocutors, the contacts (none to read when there is no interlocutor).
    assert result.extensions is not None
    assert result.extensions["queryStats"]["sqlStatements"] == (3 if expected else 2)
