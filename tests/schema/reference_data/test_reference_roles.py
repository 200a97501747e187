"""Reference data through the schema, by role: a role that may not write is forbidden and nothing
runs; an admin may do everything staff may."""

import pytest

from db.engine import Database
from resolvers.access import Role
from tests.conftest import GraphQL
from tests.schema.reference_data.reference_world import World, document, resolved, run, state

VALID_INPUTS = {
    "createClient": {"code": "NEW", "name": "Nouveau"},
    "createSupplier": {"code": "NEW", "name": "Nouveau"},
    "createThirdParty": {"code": "NEW", "name": "Nouveau"},
    "createSite": {"clientId": "$ACME", "code": "NEW", "name": "Nouveau"},
    "createAffair": {"clientId": "$ACME", "code": "NEW", "name": "Nouveau"},
    "createTarget": {"name": "Nouveau"},
    "createEvent": {"name": "Nouveau", "startsOn": "2027-01-01"},
    "createInterlocutorType": {"code": "NEW", "label": "Nouveau"},
    "updateClient": {"id": "$ACME", "name": "Nouveau"},
    "updateSupplier": {"id": "$SUP", "name": "Nouveau"},
    "updateThirdParty": {"id": "$BANK", "name": "Nouveau"},
    "updateSite": {"id": "$PAR", "name": "Nouveau"},
    "updateAffair": {"id": "$AFF", "name": "Nouveau"},
    "updateTarget": {"id": "$SALON", "name": "Nouveau"},
    "updateEvent": {"id": "$FORUM", "name": "Nouveau"},
    "updateInterlocutorType": {"code": "DEC", "label": "Nouveau"},
}
FORBIDDEN_CALLS = [(mutation, Role.PORTAL) for mutation in VALID_INPUTS] + [
    ("createInterlocutorType", Role.STAFF),
    ("updateInterlocutorType", Role.STAFF),
]


@pytest.mark.parametrize(
    ("mutation", "role"), FORBIDDEN_CALLS, ids=[f"{m}-{r.value}" for m, r in FORBIDDEN_CALLS]
)
async def test_a_role_that_may_not_write_is_forbidden_and_nothing_runs(
    db: Database, graphql: GraphQL, world: World, mutation: str, role: Role
) -> None:
    before = await state(db)

    result = await graphql(document(mutation), {"input": resolved(world, VALID_INPUTS[mutation])}, role=role)

    assert result.data is None
    assert [(error.path, error.extensions) for error in result.errors or []] == [
        ([mutation], {"code": "FORBIDDEN"})
    ]
    assert await state(db) == before


@pytest.mark.parametrize("mutation", list(VALID_INPUTS))
async def test_an_admin_may_do_everything_staff_may(
    db: Database, graphql: GraphQL, world: World, mutation: str
) -> None:
    payload = await run(graphql, world, mutation, VALID_INPUTS[mutation], Role.ADMIN)

    assert payload["userErrors"] == []
