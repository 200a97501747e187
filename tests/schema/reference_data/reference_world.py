"""What the reference-data tests share: each mutation's document, every row of the reference
tables, the world the mutations point to (with `$NAME` placeholders for its global ids), and a
mutation run as a role."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import Affair, Event, InterlocutorType, Organization, Site, Target
from resolvers.access import Role
from tests.conftest import GraphQL

SELECTIONS = {
    "createClient": ("CreateClientInput", "client { id kind code name status }"),
    "updateClient": ("UpdateClientInput", "client { id kind code name status }"),
    "createSupplier": ("CreateOrganizationInput", "supplier { id kind code name }"),
    "updateSupplier": ("UpdateOrganizationInput", "supplier { id kind code name }"),
    "createThirdParty": ("CreateOrganizationInput", "thirdParty { id kind code name }"),
    "updateThirdParty": ("UpdateOrganizationInput", "thirdParty { id kind code name }"),
    "createSite": ("CreateSiteInput", "site { id code name city client { code } }"),
    "updateSite": ("UpdateSiteInput", "site { id code name city client { code } }"),
    "createAffair": ("CreateAffairInput", "affair { id code name client { code } }"),
    "updateAffair": ("UpdateAffairInput", "affair { id code name client { code } }"),
    "createTarget": ("CreateTargetInput", "target { id name description }"),
    "updateTarget": ("UpdateTargetInput", "target { id name description }"),
    "createEvent": ("CreateEventInput", "event { id name startsOn endsOn location }"),
    "updateEvent": ("UpdateEventInput", "event { id name startsOn endsOn location }"),
    "createInterlocutorType": ("CreateInterlocutorTypeInput", "interlocutorType { code label archived }"),
    "updateInterlocutorType": ("UpdateInterlocutorTypeInput", "interlocutorType { code label archived }"),
}
REFERENCE_TABLES = [Organization, Site, Affair, Target, Event, InterlocutorType]


def document(mutation: str) -> str:
    input_type, selection = SELECTIONS[mutation]
    return (
        f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ {selection} userErrors {{ field code }} }} }}"
    )


async def state(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of the reference tables: equal before and after means nothing was written."""
    found = {}
    async with db.read() as session:
        for model in REFERENCE_TABLES:
            table = model.__table__
            rows = (await session.execute(select(table).order_by(*table.primary_key.columns))).mappings()
            found[table.name] = [dict(row) for row in rows]
    return found


@dataclass
class World:
    """What the mutations of the reference-data tests change or point to, with their global ids."""

    ids: dict[str, str]


def resolved(world: World, value: Any) -> Any:
    """`value` with each `$NAME` placeholder replaced by the world's global id of that name."""
    if isinstance(value, dict):
        return {key: resolved(world, item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("$"):
        return world.ids[value[1:]]
    return value


async def run(graphql: GraphQL, world: World, mutation: str, given: dict[str, Any], role: Role) -> Any:
    result = await graphql(document(mutation), {"input": resolved(world, given)}, role=role)
    assert result.errors is None, result.errors
    return result.data[mutation]  # type: ignore[index]


def role_for(mutation: str) -> Role:
    return Role.ADMIN if "InterlocutorType" in mutation else Role.STAFF
