"""Batches over affairs, targets and events (rules 12 and 13): attach/detach and add/remove recording
the whole set, idempotent, event statuses given or kept; unknown groups and contacts all named with
nothing written."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ParticipationStatus
from tests import factories
from tests.conftest import GraphQL
from tests.schema.batches_world import (
    ADD_EVENT,
    ADD_TARGET,
    ATTACH,
    DETACH,
    REMOVE_EVENT,
    REMOVE_TARGET,
    batches_world,
    card,
    entry,
    gid,
    history,
    id_text,
    ids,
)


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await batches_world(db)


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
