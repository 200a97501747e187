"""What the nested lists of a list cost, counted: each client's or site's contacts, each event's
participants, each contact's history and each client's interlocutors are read together, in a
fixed number of statements however many parents the page holds. Counts, never timings."""

from datetime import date

import pytest

from db.engine import Database
from db.models import (
    ContactChange,
)
from tests import factories
from tests.conftest import NOW, GraphQL

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
