"""What every lifecycle mutation shares: a stale version is a conflict that returns the current card
and writes nothing, the portal may use none of them, and each records history under its own name."""

from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import (
    Contact,
    ContactChange,
    ContactStatus,
)
from resolvers.access import Role
from tests import factories
from tests.conftest import GraphQL
from tests.schema.lifecycle.lifecycle_world import DISAPPEAR, FOLLOW_UP, QUICK, REINSTATE, gid

MUTATIONS = {
    "markContactFollowedUp": (FOLLOW_UP, {"on": "2026-11-27"}),
    "declareContactDisappeared": (DISAPPEAR, {"reason": "Départ"}),
    "reinstateContact": (REINSTATE, {}),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
async def test_a_stale_version_is_a_conflict_with_the_current_card_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any, mutation: str
) -> None:
    status = ContactStatus.DISAPPEARED if mutation == "reinstateContact" else ContactStatus.ACTIVE
    person = await factories.contact(db, "Dupont", at=acme, status=status)
    async with db.begin() as session:  # someone else saved the card meanwhile
        row = await session.get(Contact, person.id)
        assert row is not None
        row.version = 2
    document, fields = MUTATIONS[mutation]
    before = await factories.database_state(db)

    result = await graphql(
        document, {"input": {"contactId": gid("Contact", person.id), "expectedVersion": 1, **fields}}
    )

    payload = result.data[mutation]  # type: ignore[index]
    assert (payload["contact"]["version"], payload["contact"]["status"]) == (2, status.value)
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": gid("Contact", person.id)}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", [*MUTATIONS, "quickCreateContact"])
async def test_the_portal_may_not_use_a_lifecycle_mutation(
    db: Database, graphql: GraphQL, acme: Any, marie: Any, mutation: str
) -> None:
    if mutation == "quickCreateContact":
        migration = await factories.affair(db, acme)
        document, variables = QUICK, {"affairId": gid("Affair", migration.id), "lastName": "X"}
    else:
        document, fields = MUTATIONS[mutation]
        variables = {"contactId": gid("Contact", marie.id), **fields}
    before = await factories.database_state(db)

    result = await graphql(document, {"input": variables}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before


async def test_each_mutation_records_history_under_its_own_name(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    marie_id = gid("Contact", marie.id)
    for document, fields in MUTATIONS.values():
        result = await graphql(document, {"input": {"contactId": marie_id, **fields}})
        assert result.errors is None

    async with db.read() as session:
        operations = list(await session.scalars(select(ContactChange.operation).order_by(ContactChange.id)))
        version = await session.scalar(select(Contact.version).where(Contact.id == marie.id))
    assert operations == ["markContactFollowedUp", "declareContactDisappeared", "reinstateContact"]
    assert version == 4
