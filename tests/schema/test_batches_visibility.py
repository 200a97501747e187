"""Who batches reach (rule 7): staff select disappeared contacts like any other, the portal may not
run a batch, and a selection never reaches a contact the viewer may not see."""

from typing import Any

import pytest

from db.engine import Database
from db.models import ContactStatus
from resolvers.access import Role, Viewer
from resolvers.contact_lists import ContactFilter
from resolvers.errors import ErrorCode
from resolvers.selection import ContactSelection, select_contacts
from tests import factories
from tests.conftest import GraphQL
from tests.schema.batches_world import (
    ADD_EVENT,
    ADD_TARGET,
    ASSOCIATE,
    ATTACH,
    DETACH,
    DISSOCIATE,
    REMOVE_EVENT,
    REMOVE_TARGET,
    batches_world,
    gid,
    ids,
)


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    return await batches_world(db)


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
