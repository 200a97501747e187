"""The same list arguments everywhere (DOMAIN "Reading lists"), and cursors that know their list.

Every contacts connection takes filter, orderBy, first, after, last, before; participants and
history page both ways; every connection has `nodes`. A cursor replayed with another ordering or
on another list, or forged in any way, is BAD_USER_INPUT, never INTERNAL_SERVER_ERROR.
"""

import base64
import json
from typing import Any

import pytest

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL
from tests.schema.test_lists import lists_world

NESTED = """
query ($id: ID!, $filter: ContactFilter, $orderBy: [ContactOrder!], $first: Int, $after: String,
       $last: Int, $before: String) {
  node(id: $id) {
    ... on Organization { contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
                                   last: $last, before: $before) { ...page } }
    ... on Site { contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
                           last: $last, before: $before) { ...page } }
    ... on Affair { contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
                             last: $last, before: $before) { ...page } }
    ... on Target { contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
                             last: $last, before: $before) { ...page } }
  }
}
fragment page on ContactConnection {
  totalCount
  nodes { lastName }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
}
"""


async def nested(graphql: GraphQL, **variables: Any) -> dict[str, Any]:
    result = await graphql(NESTED, variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["node"]["contacts"]  # type: ignore[no-any-return]


@pytest.fixture
async def world(db: Database) -> dict[str, str]:
    return await lists_world(db)


def names(page: dict[str, Any]) -> list[str]:
    return [node["lastName"] for node in page["nodes"]]


def codes(result: Any) -> list[Any]:
    return [error.extensions for error in result.errors or []]


@pytest.mark.parametrize("owner", ["acme", "affair", "target"])
async def test_every_contacts_list_orders_filters_and_pages_backward(
    graphql: GraphQL, world: dict[str, str], owner: str
) -> None:
    descending = [{"field": "LAST_NAME", "direction": "DESC"}]

    everyone = await nested(graphql, id=world[owner], orderBy=descending)
    tail = await nested(graphql, id=world[owner], orderBy=descending, last=1)
    before = await nested(
        graphql, id=world[owner], orderBy=descending, last=5, before=tail["pageInfo"]["endCursor"]
    )
    found = await nested(graphql, id=world[owner], filter={"search": "lef"})

    assert names(tail) == names(everyone)[-1:]
    assert (tail["pageInfo"]["hasPreviousPage"], tail["pageInfo"]["hasNextPage"]) == (True, False)
    assert names(before) == names(everyone)[:-1]
    assert (found["totalCount"], names(found)) == (1, ["Lefèvre"])


async def test_a_site_lists_its_contacts_with_the_same_arguments(
    graphql: GraphQL, world: dict[str, str]
) -> None:
    page = await nested(graphql, id=world["lyon"], orderBy=[{"field": "FIRST_NAME"}], last=1)

    assert (page["totalCount"], names(page)) == (1, ["Bégué"])


async def test_a_cursor_replayed_on_another_list_or_ordering_is_refused(
    db: Database, graphql: GraphQL, world: dict[str, str]
) -> None:
    other = to_global_id("Client", (await factories.client(db, code="OTHER", name="Other")).id)
    cursor = (await nested(graphql, id=world["acme"], first=1))["pageInfo"]["endCursor"]
    root = "query ($after: String, $orderBy: [ContactOrder!]) { contacts(after: $after, orderBy: $orderBy) { totalCount } }"
    participants = "query ($id: ID!, $after: String) { node(id: $id) { ... on Event { participants(after: $after) { totalCount } } } }"

    refused = [
        await graphql(NESTED, {"id": other, "after": cursor}),
        await graphql(NESTED, {"id": world["acme"], "after": cursor, "orderBy": [{"field": "CREATED_AT"}]}),
        await graphql(NESTED, {"id": world["acme"], "before": cursor, "filter": {"search": "lef"}}),
        await graphql(root, {"after": cursor}),
        await graphql(participants, {"id": world["event"], "after": cursor}),
    ]
    again = await graphql(NESTED, {"id": world["acme"], "after": cursor})

    for result in refused:
        assert codes(result) == [{"code": "BAD_USER_INPUT"}]
        assert result.errors is not None
        assert (
            result.errors[0].message
            == "That cursor belongs to another list or ordering: ask for the first page again."
        )
    assert again.errors is None


async def test_participants_and_history_page_both_ways_and_have_nodes(
    graphql: GraphQL, world: dict[str, str]
) -> None:
    query = """query ($event: ID!, $last: Int, $before: String) { node(id: $event) { ... on Event {
      participants(last: $last, before: $before) {
        nodes { contact { lastName } } pageInfo { startCursor hasPreviousPage hasNextPage } } } } }"""
    last_one = await graphql(query, {"event": world["event"], "last": 1})
    assert last_one.data is not None
    page = last_one.data["node"]["participants"]
    earlier = await graphql(
        query, {"event": world["event"], "last": 5, "before": page["pageInfo"]["startCursor"]}
    )

    assert page["nodes"] == [{"contact": {"lastName": "Lefèvre"}}]
    assert (page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"]) == (True, False)
    assert earlier.data is not None
    assert earlier.data["node"]["participants"]["nodes"] == [
        {"contact": {"lastName": "Bégué"}},
        {"contact": {"lastName": "Bell"}},
    ]


async def test_history_pages_backward_from_its_oldest_entry(db: Database, graphql: GraphQL) -> None:
    person = await factories.contact(db, "Dupont", at=await factories.client(db))
    contact_id = to_global_id("Contact", person.id)
    for notes in ("un", "deux", "trois"):
        edit = "mutation ($id: ID!, $notes: String) { updateContact(input: {id: $id, notes: $notes}) { userErrors { code } } }"
        await graphql(edit, {"id": contact_id, "notes": notes})
    query = """query ($id: ID!, $last: Int, $before: String) { contact(id: $id) {
      history(last: $last, before: $before) { totalCount nodes { id } edges { cursor }
                                              pageInfo { hasPreviousPage hasNextPage } } } }"""

    oldest = await graphql(query, {"id": contact_id, "last": 1})
    assert oldest.data is not None
    history = oldest.data["contact"]["history"]
    newer = await graphql(query, {"id": contact_id, "last": 2, "before": history["edges"][0]["cursor"]})

    assert history["nodes"] == [{"id": to_global_id("ContactChange", 1)}]
    assert (history["totalCount"], history["pageInfo"]["hasPreviousPage"]) == (3, True)
    assert newer.data is not None
    assert newer.data["contact"]["history"]["nodes"] == [
        {"id": to_global_id("ContactChange", 3)},
        {"id": to_global_id("ContactChange", 2)},
    ]


async def test_every_connection_has_nodes(db: Database, graphql: GraphQL, world: dict[str, str]) -> None:
    await factories.third_party(db)
    query = """{ contacts(first: 1) { nodes { lastName } } clients { nodes { code } }
      suppliers { nodes { code } } thirdParties { nodes { code } } targets { nodes { name } }
      events { nodes { name } } }"""

    result = await graphql(query)

    assert result.errors is None
    assert result.data == {
        "contacts": {"nodes": [{"lastName": "Begin"}]},
        "clients": {"nodes": [{"code": "ACME"}]},
        "suppliers": {"nodes": [{"code": "SUP"}]},
        "thirdParties": {"nodes": [{"code": "BANK"}]},
        "targets": {"nodes": [{"name": "Salon 2027"}]},
        "events": {"nodes": [{"name": "Petit-déjeuner DSI"}]},
    }


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode()


def _forged(real: str, change: Any) -> str:
    values = json.loads(base64.urlsafe_b64decode(real))
    return _b64(json.dumps(change(values)))


FORGERIES: dict[str, Any] = {
    "an id of 10^30": lambda v: [*v[:-1], 10**30],
    "a negative id past 64 bits": lambda v: [*v[:-1], -(2**64)],
    "a float id": lambda v: [*v[:-1], 1.5],
    "a boolean id": lambda v: [*v[:-1], True],
    "a string id": lambda v: [*v[:-1], "1"],
    "a lone surrogate in a key": lambda v: [v[0], "\ud800", *v[2:]],
    "a NUL in a key": lambda v: [v[0], "a\x00b", *v[2:]],
    "an object instead of a key": lambda v: [v[0], {"\x00": 1}, *v[2:]],
    "a key too many": lambda v: [*v, 1],
    "a key too few": lambda v: v[:-1],
    "no list name": lambda v: v[1:],
    "a number for the list name": lambda v: [1, *v[1:]],
    "an object": lambda v: {"after": v},
}
RAW_FORGERIES = {
    "JSON nested 100,000 deep": _b64("[" * 100_000 + "]" * 100_000),
    "JSON nested 1,000 deep": _b64("[" * 1_000 + "]" * 1_000),
    "garbage base64": "!!!not base64???",
    "bad padding": "abc",
    "empty": "",
    "a lone surrogate in the cursor": "WyJh\udc00",
    "not UTF-8 inside": base64.urlsafe_b64encode(b"\xff\xfe[").decode(),
    "a global id": to_global_id("Contact", 1),
    "JSON null": _b64("null"),
    "a huge number": _b64("[" + "9" * 3000 + "]"),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
async def test_a_forged_cursor_is_the_callers_mistake(
    graphql: GraphQL, world: dict[str, str], forgery: str
) -> None:
    root = "query ($after: String) { contacts(first: 1, after: $after) { edges { cursor } } }"
    real = await graphql(root)
    assert real.data is not None

    result = await graphql(
        root, {"after": _forged(real.data["contacts"]["edges"][0]["cursor"], FORGERIES[forgery])}
    )

    assert codes(result) == [{"code": "BAD_USER_INPUT"}]
    assert result.data is None


@pytest.mark.parametrize("forgery", sorted(RAW_FORGERIES))
async def test_a_cursor_that_is_not_even_ours_is_the_callers_mistake_on_every_list(
    graphql: GraphQL, world: dict[str, str], forgery: str
) -> None:
    lists = [
        "query ($c: String) { contacts(before: $c) { totalCount } }",
        "query ($c: String) { clients(after: $c) { totalCount } }",
        "query ($c: String) { events(after: $c) { totalCount } }",
        "query ($id: ID!, $c: String) { node(id: $id) { ... on Event { participants(after: $c) { totalCount } } } }",
        "query ($id: ID!, $c: String) { node(id: $id) { ... on Client { contacts(last: 1, before: $c) { totalCount } } } }",
    ]
    ids = [None, None, None, world["event"], world["acme"]]

    results = [
        await graphql(
            query, {"id": owner, "c": RAW_FORGERIES[forgery]} if owner else {"c": RAW_FORGERIES[forgery]}
        )
        for query, owner in zip(lists, ids, strict=True)
    ]

    assert [codes(result) for result in results] == [[{"code": "BAD_USER_INPUT"}]] * 5


async def test_a_time_cursor_holds_a_time_with_its_offset(graphql: GraphQL, world: dict[str, str]) -> None:
    query = """query ($after: String) { contacts(first: 1, after: $after, orderBy: [{field: CREATED_AT}]) {
      edges { cursor } } }"""
    real = await graphql(query)
    assert real.data is not None
    cursor = real.data["contacts"]["edges"][0]["cursor"]

    for wrong in ("yesterday", "2026-11-28T10:00:00", 20261128, "0001-01-01T00:00:00+14:00", None):
        forged = _forged(cursor, lambda v, wrong=wrong: [v[0], wrong, *v[2:]])
        result = await graphql(query, {"after": forged})
        if wrong is None:  # a null time is a place in the order (nulls last): a valid, empty page
            assert result.errors is None
        else:
            assert codes(result) == [{"code": "BAD_USER_INPUT"}], wrong
