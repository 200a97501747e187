"""`contacts` and every nested contact list through the schema: global ids in filters, orders,
cursors both ways, page sizes refused before any SQL, the same visibility everywhere."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ParticipationStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

CONTACTS = """
query ($filter: ContactFilter, $orderBy: [ContactOrder!], $first: Int, $after: String,
       $last: Int, $before: String) {
  contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { lastName } }
  }
}
"""


async def contacts(graphql: GraphQL, role: Role = Role.STAFF, **variables: Any) -> dict[str, Any]:
    result = await graphql(CONTACTS, variables, role=role)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["contacts"]  # type: ignore[no-any-return]


def last_names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["lastName"] for edge in connection["edges"]]


def statements(result: Any) -> int:
    return int(result.extensions["queryStats"]["sqlStatements"])


@pytest.fixture
async def world(db: Database) -> dict[str, str]:
    return await lists_world(db)


async def lists_world(db: Database) -> dict[str, str]:
    """Contacts at a client with two sites, a supplier; the global ids the filters take."""
    acme = await factories.client(db, code="ACME", name="Acme Industrie")
    paris = await factories.site(db, acme, code="PAR", name="Paris")
    lyon = await factories.site(db, acme, code="LYO", name="Lyon")
    martin = await factories.supplier(db)
    migration = await factories.affair(db, acme)
    salon = await factories.target(db)
    breakfast = await factories.event(db)

    lefevre = await factories.contact(db, "Lefèvre", "Anne", at=acme, receives_invoices=True)
    await factories.attach_sites(db, await factories.primary_link(db, lefevre), paris)
    await factories.member(db, lefevre, of_affair=migration, of_target=salon)
    await factories.participate(db, lefevre, breakfast, ParticipationStatus.REGISTERED)
    begue = await factories.contact(db, "Bégué", "Élodie", at=acme, function="Acheteuse")
    await factories.attach_sites(db, await factories.primary_link(db, begue), lyon)
    await factories.participate(db, begue, breakfast)
    hidden = await factories.contact(db, "Bell", "Caché", at=acme, hidden_from_crm=True)
    await factories.member(db, hidden, of_affair=migration, of_target=salon)
    await factories.participate(db, hidden, breakfast)
    await factories.contact(db, "Begin", "Louis", at=martin)
    return {
        "acme": to_global_id("Client", acme.id),
        "paris": to_global_id("Site", paris.id),
        "lyon": to_global_id("Site", lyon.id),
        "affair": to_global_id("Affair", migration.id),
        "target": to_global_id("Target", salon.id),
        "event": to_global_id("Event", breakfast.id),
    }


async def test_contacts_read_in_a_human_order_with_an_exact_total(
    graphql: GraphQL, world: dict[str, str]
) -> None:
    connection = await contacts(graphql)

    assert last_names(connection) == ["Begin", "Bégué", "Bell", "Lefèvre"]
    assert connection["totalCount"] == 4
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is False


async def test_filters_take_global_ids_and_combine(graphql: GraphQL, world: dict[str, str]) -> None:
    cases = [
        ({"organizationId": world["acme"]}, ["Bégué", "Bell", "Lefèvre"]),
        ({"siteId": world["lyon"]}, ["Bégué"]),
        ({"affairId": world["affair"], "visibleInCrm": True}, ["Lefèvre"]),
        ({"targetId": world["target"], "eventId": world["event"]}, ["Bell", "Lefèvre"]),
        ({"organizationId": world["acme"], "receivesInvoices": False}, ["Bégué", "Bell"]),
        ({"search": "ACHET", "siteId": world["lyon"]}, ["Bégué"]),
        ({"search": "begue elodie", "status": "ACTIVE", "notFollowedUpSince": "2026-01-01"}, ["Bégué"]),
    ]

    for filter, expected in cases:
        connection = await contacts(graphql, filter=filter)
        assert (filter, last_names(connection), connection["totalCount"]) == (filter, expected, len(expected))


async def test_an_id_of_another_kind_in_a_filter_is_not_found(
    graphql: GraphQL, world: dict[str, str]
) -> None:
    result = await graphql(CONTACTS, {"filter": {"organizationId": world["paris"]}})

    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "NOT_FOUND"}]
    assert statements(result) == 0


@pytest.mark.parametrize(
    "variables",
    [{"first": 0}, {"first": 101}, {"first": -1}, {"last": 0}, {"last": 101}, {"first": 2, "last": 2}],
)
async def test_page_sizes_out_of_range_are_refused_before_any_sql(
    graphql: GraphQL, world: dict[str, str], variables: dict[str, int]
) -> None:
    result = await graphql(CONTACTS, variables)

    assert result.data is None
    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "BAD_USER_INPUT"}]
    assert statements(result) == 0


async def test_a_cursor_that_is_not_ours_is_refused(graphql: GraphQL, world: dict[str, str]) -> None:
    for cursor in ["nonsense", "WzFd", to_global_id("Contact", 1)]:
        result = await graphql(CONTACTS, {"first": 2, "after": cursor})

        assert result.errors is not None
        assert [error.extensions for error in result.errors] == [{"code": "BAD_USER_INPUT"}]


async def test_fifty_contacts_a_page_unless_asked(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    for number in range(51):
        await factories.contact(db, f"Contact {number:02}", at=acme)

    connection = await contacts(graphql)

    assert len(connection["edges"]) == 50
    assert connection["edges"][-1]["node"]["lastName"] == "Contact 49"
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["totalCount"] == 51


async def test_cursors_go_forward_and_back_while_contacts_are_added(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    for last in ["Bodin", "Carre", "Dumas", "Faure", "Hugo"]:
        await factories.contact(db, last, at=acme)

    first = await contacts(graphql, first=2)
    await factories.contact(db, "Abel", at=acme)
    await factories.contact(db, "Durand", at=acme)
    second = await contacts(graphql, first=2, after=first["pageInfo"]["endCursor"])
    back = await contacts(graphql, last=2, before=second["pageInfo"]["startCursor"])

    assert last_names(first) == ["Bodin", "Carre"]
    assert last_names(second) == ["Dumas", "Durand"]
    assert last_names(back) == ["Bodin", "Carre"]
    assert back["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,  # Abel came in before Bodin meanwhile
        "startCursor": back["edges"][0]["cursor"],
        "endCursor": first["pageInfo"]["endCursor"],
    }
    assert second["totalCount"] == 7


async def test_the_order_is_chosen_by_field_and_direction(graphql: GraphQL, world: dict[str, str]) -> None:
    by_first_name = await contacts(graphql, orderBy=[{"field": "FIRST_NAME", "direction": "DESC"}])
    by_last_name = await contacts(graphql, orderBy=[{"field": "LAST_NAME", "direction": "DESC"}], last=2)

    assert last_names(by_first_name) == ["Begin", "Bégué", "Bell", "Lefèvre"]
    assert last_names(by_last_name) == ["Bégué", "Begin"]


NESTED = """
query ($acme: ID!, $site: ID!, $affair: ID!, $target: ID!, $event: ID!) {
  acme: node(id: $acme) { ... on Client {
    contacts(filter: {search: "bégué"}) { totalCount edges { node { lastName } } } } }
  site: node(id: $site) { ... on Site { contacts { totalCount edges { node { lastName } } } } }
  affair: node(id: $affair) { ... on Affair {
    contacts(first: 1) { totalCount edges { node { lastName } } } } }
  target: node(id: $target) { ... on Target { contacts { totalCount edges { node { lastName } } } } }
  event: node(id: $event) { ... on Event {
    participants(status: INVITED) { totalCount edges { node { status contact { lastName } } } } } }
}
"""


async def test_every_nested_list_filters_and_hides_alike(graphql: GraphQL, world: dict[str, str]) -> None:
    variables = {key: world[key] for key in ("acme", "affair", "target", "event")} | {"site": world["paris"]}

    staff = await graphql(NESTED, variables)
    portal = await graphql(NESTED, variables, role=Role.PORTAL)

    assert staff.errors is None
    assert staff.data == {
        "acme": {"contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Bégué"}}]}},
        "site": {"contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Lefèvre"}}]}},
        "affair": {"contacts": {"totalCount": 2, "edges": [{"node": {"lastName": "Bell"}}]}},
        "target": {
            "contacts": {
                "totalCount": 2,
                "edges": [{"node": {"lastName": "Bell"}}, {"node": {"lastName": "Lefèvre"}}],
            }
        },
        "event": {
            "participants": {
                "totalCount": 2,
                "edges": [
                    {"node": {"status": "INVITED", "contact": {"lastName": "Bégué"}}},
                    {"node": {"status": "INVITED", "contact": {"lastName": "Bell"}}},
                ],
            }
        },
    }
    assert portal.errors is None
    assert portal.data is not None
    assert portal.data["affair"] == {
        "contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Lefèvre"}}]}
    }
    assert portal.data["target"] == {
        "contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Lefèvre"}}]}
    }
    assert portal.data["event"]["participants"]["totalCount"] == 1


async def test_a_nested_list_asked_twice_differently_answers_each(
    graphql: GraphQL, world: dict[str, str]
) -> None:
    query = """query ($acme: ID!, $after: String) { node(id: $acme) { ... on Client {
      first: contacts(first: 1) { totalCount edges { node { lastName } } pageInfo { endCursor } }
      found: contacts(filter: {search: "lef"}) { totalCount edges { node { lastName } } }
      next: contacts(first: 1, after: $after) { edges { node { lastName } } }
    } } }"""
    start = await graphql(query, {"acme": world["acme"]})
    assert start.data is not None
    cursor = start.data["node"]["first"]["pageInfo"]["endCursor"]

    result = await graphql(query, {"acme": world["acme"], "after": cursor})

    assert result.errors is None
    assert result.data == {
        "node": {
            "first": {
                "totalCount": 3,
                "edges": [{"node": {"lastName": "Bégué"}}],
                "pageInfo": {"endCursor": cursor},
            },
            "found": {"totalCount": 1, "edges": [{"node": {"lastName": "Lefèvre"}}]},
            "next": {"edges": [{"node": {"lastName": "Bell"}}]},
        }
    }


async def test_a_foreign_cursor_in_a_nested_list_is_refused(graphql: GraphQL, world: dict[str, str]) -> None:
    query = """query ($acme: ID!) { node(id: $acme) { ... on Client {
      contacts(first: 1, after: "nonsense") { edges { node { lastName } } } } } }"""

    result = await graphql(query, {"acme": world["acme"]})

    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "BAD_USER_INPUT"}]


async def test_a_filter_on_an_organisation_id_claiming_another_kind_matches_nothing(
    db: Database, graphql: GraphQL
) -> None:
    supplier = await factories.supplier(db)
    await factories.contact(db, "Fournier", at=supplier)
    query = "query ($id: ID!) { contacts(filter: {organizationId: $id}) { totalCount edges { node { lastName } } } }"

    disguised = await graphql(query, {"id": to_global_id("Client", supplier.id)})
    genuine = await graphql(query, {"id": to_global_id("Supplier", supplier.id)})

    assert disguised.data == {"contacts": {"totalCount": 0, "edges": []}}
    assert genuine.data == {"contacts": {"totalCount": 1, "edges": [{"node": {"lastName": "Fournier"}}]}}
