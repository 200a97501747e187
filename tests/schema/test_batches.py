"""Batches over a selection: associate/dissociate, affairs, targets, events (rules 11 to 13).

Every refusal asserts that nothing was written; every success, the exact links, memberships,
versions and history entries it leaves.
"""

from typing import Any

import pytest

from db.engine import Database
from db.models import ContactStatus, ParticipationStatus
from resolvers.access import Role, Viewer
from resolvers.contact_lists import ContactFilter
from resolvers.errors import ErrorCode
from resolvers.global_ids import to_global_id
from resolvers.selection import ContactSelection, select_contacts
from schema.schema import schema
from tests import factories
from tests.conftest import GraphQL, context

ASSOCIATE = """
mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { field message code contactId } }
}
"""
DISSOCIATE = ASSOCIATE.replace("associateContacts", "dissociateContacts")
CARD = """
query ($id: ID!) {
  node(id: $id) { ... on Contact {
    version
    links { organization { code } isPrimary sites { code } }
    affairs { code }
    targets { name }
    events { event { name } status }
  } }
}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def ids(*people: Any) -> dict[str, list[str]]:
    return {"ids": [gid("Contact", person.id) for person in people]}


async def card(graphql: GraphQL, person: Any) -> dict[str, Any]:
    result = await graphql(CARD, {"id": gid("Contact", person.id)})
    assert result.errors is None
    return result.data["node"]  # type: ignore[index, no-any-return]


async def history(graphql: GraphQL, person: Any) -> list[dict[str, Any]]:
    """The contact's history entries, newest first."""
    result = await graphql(HISTORY, {"id": gid("Contact", person.id)})
    assert result.errors is None
    return [edge["node"] for edge in result.data["node"]["history"]["edges"]]  # type: ignore[index]


def entry(operation: str, *changes: tuple[str, str | None, str | None, str | None]) -> dict[str, Any]:
    """A history entry as the API shows it: (field, organisation code, before, after) per change."""
    return {
        "actor": "staff",
        "operation": operation,
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {
                "field": field,
                "organization": {"code": code} if code else None,
                "before": before,
                "after": after,
            }
            for field, code, before, after in changes
        ],
    }


def id_text(type_name: str, *rows: Any) -> str:
    return ",".join(sorted(gid(type_name, row.id) for row in rows))


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    """Acme with two sites, Globex with one, a supplier; and three contacts."""
    acme = await factories.client(db, code="ACME", name="Acme")
    globex = await factories.client(db, code="GLOBEX", name="Globex")
    supplier = await factories.supplier(db, code="SUP", name="Fournitures Martin")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris")
    lyon = await factories.site(db, acme, code="ACME-LYO", name="Lyon")
    berlin = await factories.site(db, globex, code="GLX-BER", name="Berlin")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme)
    paul = await factories.contact(db, "Martin", "Paul", at=supplier)
    jeanne = await factories.contact(db, "Petit", "Jeanne", at=acme)
    await factories.attach_sites(db, await factories.primary_link(db, jeanne), paris)
    return {
        "acme": acme,
        "globex": globex,
        "supplier": supplier,
        "paris": paris,
        "lyon": lyon,
        "berlin": berlin,
        "marie": marie,
        "paul": paul,
        "jeanne": jeanne,
    }


def associate_input(w: dict[str, Any], selection: dict[str, Any], *sites: str) -> dict[str, Any]:
    return {
        "input": {
            "selection": selection,
            "clientId": gid("Client", w["acme"].id),
            "siteIds": [gid("Site", w[site].id) for site in sites],
        }
    }


async def test_associate_creates_missing_links_adds_missing_sites_and_records_history(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    variables = associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris", "lyon")

    result = await graphql(ASSOCIATE, variables)

    assert result.errors is None
    assert result.data == {"associateContacts": {"affectedCount": 3, "userErrors": []}}
    both = [{"code": "ACME-LYO"}, {"code": "ACME-PAR"}]
    assert await card(graphql, w["marie"]) == {
        "version": 2,
        "links": [{"organization": {"code": "ACME"}, "isPrimary": True, "sites": both}],
        "affairs": [],
        "targets": [],
        "events": [],
    }
    assert (await card(graphql, w["paul"]))["links"] == [
        {"organization": {"code": "SUP"}, "isPrimary": True, "sites": []},
        {"organization": {"code": "ACME"}, "isPrimary": False, "sites": both},
    ]
    assert (await card(graphql, w["jeanne"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": both}
    ]
    sites = id_text("Site", w["paris"], w["lyon"])
    assert await history(graphql, w["marie"]) == [
        entry("associateContacts", ("siteIds", "ACME", None, sites))
    ]
    assert await history(graphql, w["jeanne"]) == [
        entry("associateContacts", ("siteIds", "ACME", gid("Site", w["paris"].id), sites))
    ]
    assert await history(graphql, w["paul"]) == [
        entry(
            "associateContacts",
            ("isPrimary", "ACME", None, "false"),
            ("receivesInvoices", "ACME", None, "false"),
            ("receivesInvoicesAllSites", "ACME", None, "false"),
            ("receivesReminders", "ACME", None, "false"),
            ("receivesRemindersAllSites", "ACME", None, "false"),
            ("siteIds", "ACME", None, sites),
        )
    ]


async def test_a_new_link_to_the_client_is_found_by_its_name(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    await graphql(ASSOCIATE, associate_input(w, ids(w["paul"])))

    result = await graphql('{ contacts(filter: {search: "acme martin"}) { edges { node { lastName } } } }')

    assert result.data == {"contacts": {"edges": [{"node": {"lastName": "Martin"}}]}}


async def test_associating_twice_changes_nothing_the_second_time(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    variables = associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris")
    first = await graphql(ASSOCIATE, variables)
    before = await factories.database_state(db)

    second = await graphql(ASSOCIATE, variables)

    assert first.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}
    assert second.data == {"associateContacts": {"affectedCount": 0, "userErrors": []}}
    assert await factories.database_state(db) == before


async def test_a_filter_selects_everything_the_search_matches(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    selection = {"filter": {"organizationId": gid("Client", w["acme"].id)}}

    result = await graphql(ASSOCIATE, associate_input(w, selection, "lyon"))

    assert result.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}
    assert (await card(graphql, w["paul"]))["version"] == 1
    assert (await card(graphql, w["marie"]))["links"][0]["sites"] == [{"code": "ACME-LYO"}]


async def test_dissociate_takes_the_sites_off_leaves_the_links_and_ignores_contacts_without_one(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    marie_link = await factories.primary_link(db, w["marie"])
    await factories.attach_sites(db, marie_link, w["paris"], w["lyon"])

    result = await graphql(DISSOCIATE, associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris"))
    again = await graphql(DISSOCIATE, associate_input(w, ids(w["marie"], w["paul"], w["jeanne"]), "paris"))

    assert result.data == {"dissociateContacts": {"affectedCount": 2, "userErrors": []}}
    assert again.data == {"dissociateContacts": {"affectedCount": 0, "userErrors": []}}
    assert (await card(graphql, w["marie"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": [{"code": "ACME-LYO"}]}
    ]
    assert (await card(graphql, w["jeanne"]))["links"] == [
        {"organization": {"code": "ACME"}, "isPrimary": True, "sites": []}
    ]
    assert await card(graphql, w["paul"]) == {
        "version": 1,
        "links": [{"organization": {"code": "SUP"}, "isPrimary": True, "sites": []}],
        "affairs": [],
        "targets": [],
        "events": [],
    }
    assert await history(graphql, w["marie"]) == [
        entry(
            "dissociateContacts",
            ("siteIds", "ACME", id_text("Site", w["paris"], w["lyon"]), gid("Site", w["lyon"].id)),
        )
    ]
    assert await history(graphql, w["jeanne"]) == [
        entry("dissociateContacts", ("siteIds", "ACME", gid("Site", w["paris"].id), None))
    ]


@pytest.mark.parametrize("mutation", [ASSOCIATE, DISSOCIATE])
async def test_every_culprit_is_named_and_nothing_is_written(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    w = world
    before = await factories.database_state(db)
    selection = {
        "ids": [gid("Contact", w["marie"].id), gid("Contact", 999), "not-an-id", gid("Client", w["acme"].id)]
    }
    variables = associate_input(w, selection, "paris")
    variables["input"]["siteIds"] += [gid("Site", w["berlin"].id), gid("Site", 998), "zzz"]

    result = await graphql(mutation, variables)

    name = "associateContacts" if mutation is ASSOCIATE else "dissociateContacts"
    assert result.errors is None
    assert result.data == {
        name: {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "1"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 999),
                },
                {
                    "field": ["input", "selection", "ids", "2"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "selection", "ids", "3"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "1"],
                    "message": "This site belongs to another client.",
                    "code": "INVALID",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "2"],
                    "message": "No site has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
                {
                    "field": ["input", "siteIds", "3"],
                    "message": "No site has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("client", ["SUPPLIER", "UNKNOWN", "MALFORMED"])
async def test_a_client_that_is_none_is_not_found_and_nothing_is_written(
    db: Database, graphql: GraphQL, world: dict[str, Any], client: str
) -> None:
    w = world
    before = await factories.database_state(db)
    variables = associate_input(w, ids(w["marie"]), "paris")
    client_ids = {
        "SUPPLIER": gid("Client", w["supplier"].id),
        "UNKNOWN": gid("Client", 999),
        "MALFORMED": "?",
    }
    variables["input"]["clientId"] = client_ids[client]

    result = await graphql(ASSOCIATE, variables)

    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "clientId"],
                    "message": "No client has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    "selection", [{}, {"ids": None, "filter": None}, {"ids": [], "filter": {}}], ids=["none", "nulls", "both"]
)
async def test_a_selection_needs_exactly_one_of_ids_or_filter(
    db: Database, graphql: GraphQL, world: dict[str, Any], selection: dict[str, Any]
) -> None:
    before = await factories.database_state(db)

    result = await graphql(ASSOCIATE, associate_input(world, selection, "paris"))

    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection"],
                    "message": "Give exactly one of ids or filter.",
                    "code": "INVALID",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


async def test_an_id_of_the_wrong_kind_in_the_filter_is_not_found_at_its_path(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    selection = {"filter": {"siteId": gid("Client", world["acme"].id)}}

    result = await graphql(ASSOCIATE, associate_input(world, selection, "paris"))

    assert result.data["associateContacts"]["userErrors"] == [  # type: ignore[index]
        {
            "field": ["input", "selection", "filter", "siteId"],
            "message": f"No Site has the id {gid('Client', world['acme'].id)!r}.",
            "code": "NOT_FOUND",
            "contactId": None,
        }
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("by", ["ids", "filter"])
async def test_a_selection_over_the_maximum_is_refused_and_nothing_is_written(
    db: Database, world: dict[str, Any], by: str
) -> None:
    w = world
    before = await factories.database_state(db)
    selection = ids(w["marie"], w["paul"], w["jeanne"]) if by == "ids" else {"filter": {}}

    result = await schema.execute(
        ASSOCIATE,
        variable_values=associate_input(w, selection, "paris"),
        context_value=context(db, max_selection=2),
    )

    detail = "3 given" if by == "ids" else "the filter matches more"
    assert result.data == {
        "associateContacts": {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection"],
                    "message": f"A selection may hold at most 2 contacts ({detail}): narrow it down.",
                    "code": "INVALID",
                    "contactId": None,
                }
            ],
        }
    }
    assert await factories.database_state(db) == before


async def test_a_selection_at_the_maximum_is_done(db: Database, world: dict[str, Any]) -> None:
    w = world

    result = await schema.execute(
        ASSOCIATE,
        variable_values=associate_input(w, ids(w["marie"], w["marie"], w["paul"]), "paris"),
        context_value=context(db, max_selection=3),
    )

    assert result.data == {"associateContacts": {"affectedCount": 2, "userErrors": []}}


# ---------------------------------------------------------------- affairs, targets, events

MEMBERSHIP = """
mutation ($input: {input}!) {{ {name}(input: $input) {{ affectedCount userErrors {{ field message code contactId }} }} }}
"""


def membership(name: str, input_type: str) -> str:
    return MEMBERSHIP.format(name=name, input=input_type)


ATTACH = membership("attachContactsToAffair", "AffairContactsInput")
DETACH = membership("detachContactsFromAffair", "AffairContactsInput")
ADD_TARGET = membership("addContactsToTarget", "TargetContactsInput")
REMOVE_TARGET = membership("removeContactsFromTarget", "TargetContactsInput")
ADD_EVENT = membership("associateContactsToEvent", "EventContactsInput")
REMOVE_EVENT = membership("removeContactsFromEvent", "RemoveEventContactsInput")


async def test_attaching_to_an_affair_and_detaching_record_the_whole_set(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    audit = await factories.affair(db, w["acme"], code="AUD", name="Audit")
    erp = await factories.affair(db, w["acme"], code="ERP", name="Migration ERP")
    await factories.member(db, w["marie"], of_affair=audit)
    given = {"selection": ids(w["marie"], w["paul"]), "affairId": gid("Affair", erp.id)}

    attached = await graphql(ATTACH, {"input": given})
    again = await graphql(ATTACH, {"input": given})
    detached = await graphql(DETACH, {"input": {**given, "selection": ids(w["marie"], w["jeanne"])}})

    assert attached.data == {"attachContactsToAffair": {"affectedCount": 2, "userErrors": []}}
    assert again.data == {"attachContactsToAffair": {"affectedCount": 0, "userErrors": []}}
    assert detached.data == {"detachContactsFromAffair": {"affectedCount": 1, "userErrors": []}}
    assert (await card(graphql, w["marie"]))["affairs"] == [{"code": "AUD"}]
    assert (await card(graphql, w["paul"]))["affairs"] == [{"code": "ERP"}]
    assert (await card(graphql, w["jeanne"]))["version"] == 1
    assert await history(graphql, w["marie"]) == [
        entry(
            "detachContactsFromAffair",
            ("affairIds", None, id_text("Affair", audit, erp), gid("Affair", audit.id)),
        ),
        entry(
            "attachContactsToAffair",
            ("affairIds", None, gid("Affair", audit.id), id_text("Affair", audit, erp)),
        ),
    ]
    assert await history(graphql, w["paul"]) == [
        entry("attachContactsToAffair", ("affairIds", None, None, gid("Affair", erp.id)))
    ]


async def test_adding_to_a_target_and_removing_are_idempotent(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    salon = await factories.target(db, "Salon 2027")
    given = {
        "selection": {"filter": {"organizationId": gid("Client", w["acme"].id)}},
        "targetId": gid("Target", salon.id),
    }

    added = await graphql(ADD_TARGET, {"input": given})
    added_again = await graphql(ADD_TARGET, {"input": given})
    removed = await graphql(REMOVE_TARGET, {"input": given})
    removed_again = await graphql(REMOVE_TARGET, {"input": given})

    assert [r.data for r in (added, added_again, removed, removed_again)] == [
        {"addContactsToTarget": {"affectedCount": 2, "userErrors": []}},
        {"addContactsToTarget": {"affectedCount": 0, "userErrors": []}},
        {"removeContactsFromTarget": {"affectedCount": 2, "userErrors": []}},
        {"removeContactsFromTarget": {"affectedCount": 0, "userErrors": []}},
    ]
    assert await card(graphql, w["jeanne"]) == {
        "version": 3,
        "links": [{"organization": {"code": "ACME"}, "isPrimary": True, "sites": [{"code": "ACME-PAR"}]}],
        "affairs": [],
        "targets": [],
        "events": [],
    }
    salon_id = gid("Target", salon.id)
    assert await history(graphql, w["jeanne"]) == [
        entry("removeContactsFromTarget", ("targetIds", None, salon_id, None)),
        entry("addContactsToTarget", ("targetIds", None, None, salon_id)),
    ]


async def test_an_event_without_a_status_invites_new_participants_and_keeps_the_others(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    breakfast = await factories.event(db, "Petit-déjeuner DSI")
    await factories.participate(db, w["marie"], breakfast, ParticipationStatus.REGISTERED)
    given = {"selection": ids(w["marie"], w["paul"]), "eventId": gid("Event", breakfast.id)}

    result = await graphql(ADD_EVENT, {"input": given})

    assert result.data == {"associateContactsToEvent": {"affectedCount": 1, "userErrors": []}}
    assert (await card(graphql, w["marie"]))["events"] == [
        {"event": {"name": "Petit-déjeuner DSI"}, "status": "REGISTERED"}
    ]
    assert (await card(graphql, w["paul"]))["events"] == [
        {"event": {"name": "Petit-déjeuner DSI"}, "status": "INVITED"}
    ]
    assert await history(graphql, w["marie"]) == []
    assert await history(graphql, w["paul"]) == [
        entry("associateContactsToEvent", ("eventIds", None, None, gid("Event", breakfast.id)))
    ]


async def test_an_event_with_a_status_gives_it_to_every_selected_contact(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    breakfast = await factories.event(db, "Petit-déjeuner DSI")
    await factories.participate(db, w["marie"], breakfast, ParticipationStatus.REGISTERED)
    await factories.participate(db, w["jeanne"], breakfast, ParticipationStatus.ATTENDED)
    event_id = gid("Event", breakfast.id)
    given = {"selection": ids(w["marie"], w["paul"], w["jeanne"]), "eventId": event_id, "status": "ATTENDED"}

    result = await graphql(ADD_EVENT, {"input": given})
    again = await graphql(ADD_EVENT, {"input": given})

    assert result.data == {"associateContactsToEvent": {"affectedCount": 2, "userErrors": []}}
    assert again.data == {"associateContactsToEvent": {"affectedCount": 0, "userErrors": []}}
    for person in ("marie", "paul", "jeanne"):
        assert (await card(graphql, w[person]))["events"] == [
            {"event": {"name": "Petit-déjeuner DSI"}, "status": "ATTENDED"}
        ]
    assert await history(graphql, w["marie"]) == [
        entry(
            "associateContactsToEvent",
            ("eventStatus", None, f"{event_id}=REGISTERED", f"{event_id}=ATTENDED"),
        )
    ]
    assert await history(graphql, w["paul"]) == [
        entry("associateContactsToEvent", ("eventIds", None, None, event_id))
    ]
    assert await history(graphql, w["jeanne"]) == []


async def test_removing_from_an_event_records_the_set(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    breakfast = await factories.event(db, "Petit-déjeuner DSI")
    salon = await factories.event(db, "Salon Big Data")
    await factories.participate(db, w["marie"], breakfast)
    await factories.participate(db, w["marie"], salon, ParticipationStatus.DECLINED)
    given = {"selection": ids(w["marie"], w["paul"]), "eventId": gid("Event", salon.id)}

    result = await graphql(REMOVE_EVENT, {"input": given})

    assert result.data == {"removeContactsFromEvent": {"affectedCount": 1, "userErrors": []}}
    assert (await card(graphql, w["marie"]))["events"] == [
        {"event": {"name": "Petit-déjeuner DSI"}, "status": "INVITED"}
    ]
    assert await history(graphql, w["marie"]) == [
        entry(
            "removeContactsFromEvent",
            ("eventIds", None, id_text("Event", breakfast, salon), gid("Event", breakfast.id)),
        )
    ]


GROUPS = [
    (ATTACH, "attachContactsToAffair", "affairId", "affair"),
    (DETACH, "detachContactsFromAffair", "affairId", "affair"),
    (ADD_TARGET, "addContactsToTarget", "targetId", "target"),
    (REMOVE_TARGET, "removeContactsFromTarget", "targetId", "target"),
    (ADD_EVENT, "associateContactsToEvent", "eventId", "event"),
    (REMOVE_EVENT, "removeContactsFromEvent", "eventId", "event"),
]


@pytest.mark.parametrize(("mutation", "name", "field", "noun"), GROUPS)
async def test_an_unknown_group_and_unknown_contacts_are_all_named_and_nothing_is_written(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str, name: str, field: str, noun: str
) -> None:
    w = world
    await factories.member(
        db, w["marie"], of_affair=await factories.affair(db, w["acme"]), of_target=await factories.target(db)
    )
    await factories.participate(db, w["marie"], await factories.event(db))
    before = await factories.database_state(db)
    type_name = noun.capitalize()
    selection = {"ids": [gid("Contact", w["marie"].id), gid("Contact", 777)]}

    result = await graphql(mutation, {"input": {"selection": selection, field: gid(type_name, 999)}})

    assert result.data == {
        name: {
            "affectedCount": 0,
            "userErrors": [
                {
                    "field": ["input", "selection", "ids", "1"],
                    "message": "No contact you may see has this id.",
                    "code": "NOT_FOUND",
                    "contactId": gid("Contact", 777),
                },
                {
                    "field": ["input", field],
                    "message": f"No {noun} has this id.",
                    "code": "NOT_FOUND",
                    "contactId": None,
                },
            ],
        }
    }
    assert await factories.database_state(db) == before


async def test_a_disappeared_contact_is_selected_like_any_other_by_staff(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    w = world
    gone = await factories.contact(db, "Ancien", at=w["acme"], status=ContactStatus.DISAPPEARED)
    salon = await factories.target(db)

    result = await graphql(
        ADD_TARGET, {"input": {"selection": ids(gone), "targetId": gid("Target", salon.id)}}
    )

    assert result.data == {"addContactsToTarget": {"affectedCount": 1, "userErrors": []}}


EVERY_BATCH = [
    (
        ASSOCIATE,
        lambda w: {"selection": ids(w["marie"]), "clientId": gid("Client", w["acme"].id), "siteIds": []},
    ),
    (
        DISSOCIATE,
        lambda w: {
            "selection": ids(w["jeanne"]),
            "clientId": gid("Client", w["acme"].id),
            "siteIds": [gid("Site", w["paris"].id)],
        },
    ),
    (ATTACH, lambda w: {"selection": ids(w["marie"]), "affairId": gid("Affair", w["affair"].id)}),
    (DETACH, lambda w: {"selection": ids(w["marie"]), "affairId": gid("Affair", w["affair"].id)}),
    (ADD_TARGET, lambda w: {"selection": ids(w["marie"]), "targetId": gid("Target", w["target"].id)}),
    (REMOVE_TARGET, lambda w: {"selection": ids(w["marie"]), "targetId": gid("Target", w["target"].id)}),
    (ADD_EVENT, lambda w: {"selection": ids(w["marie"]), "eventId": gid("Event", w["event"].id)}),
    (REMOVE_EVENT, lambda w: {"selection": ids(w["marie"]), "eventId": gid("Event", w["event"].id)}),
]


@pytest.mark.parametrize(("mutation", "given"), EVERY_BATCH)
async def test_the_portal_may_not_run_a_batch(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str, given: Any
) -> None:
    w = {**world, "affair": await factories.affair(db, world["acme"]), "target": await factories.target(db)}
    w["event"] = await factories.event(db)
    await factories.member(db, w["marie"], of_affair=w["affair"], of_target=w["target"])
    before = await factories.database_state(db)

    result = await graphql(mutation, {"input": given(w)}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before


async def test_a_selection_never_reaches_a_contact_the_viewer_may_not_see(
    db: Database, world: dict[str, Any]
) -> None:
    """The schema lets only staff run batches; the selection itself still applies rule 7."""
    w = world
    hidden = await factories.contact(db, "Caché", at=w["acme"], hidden_from_crm=True)
    gone = await factories.contact(db, "Parti", at=w["acme"], status=ContactStatus.DISAPPEARED)
    portal = Viewer(subject="crm", role=Role.PORTAL)
    by_ids = ContactSelection(ids=[w["marie"].id, hidden.id, gone.id])
    by_filter = ContactSelection(filter=ContactFilter(organization_id=w["acme"].id))

    async with db.read() as session:
        ticked = await select_contacts(session, portal, by_ids, max_selection=10, lock=False)
        matched = await select_contacts(session, portal, by_filter, max_selection=10, lock=False)

    assert ticked.contact_ids == [w["marie"].id]
    assert [(problem.code, problem.path, problem.contact_id) for problem in ticked.problems] == [
        (ErrorCode.NOT_FOUND, ("input", "selection", "ids", "1"), hidden.id),
        (ErrorCode.NOT_FOUND, ("input", "selection", "ids", "2"), gone.id),
    ]
    assert matched.contact_ids == [w["marie"].id, w["jeanne"].id]
