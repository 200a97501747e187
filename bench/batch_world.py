"""The batch benchmarks' world: the seeded database, its hand-written statements, and Carnet's
two batches run through the GraphQL schema, as a request would run them (see `bench.batches`)."""

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, String, bindparam, text

from db.engine import Database, open_database
from db.migrate import upgrade
from db.models import Organization, OrganizationKind, Site, UtcDateTime
from resolvers.access import Role, Viewer
from resolvers.global_ids import to_global_id
from resolvers.search import tokens_text
from resolvers.text import fold
from resolvers.text_styles import TextStyle
from schema.context import Context
from schema.schema import schema

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ACTOR = "bench"
LAST_NAMES = ["dupont", "DE LA FONTAINE", "le goff", "d'ARTAGNAN", "van der BERG", "O'BRIEN", "martin-durand"]
FIRST_NAMES = ["jean-PIERRE", "marie", "ÉLÉONORE", "anne-sophie", "LOÏC"]
FUNCTION = "directeur financier"
# Carnet ÷ limit at most 5; Carnet's write lock at most 1.2× the floor's (issue 13).
RATIO_TARGET, FLOOR_TARGET = 5.0, 1.2
KINDS: dict[str, Any] = {"int": Integer(), "str": String(), "at": UtcDateTime()}


def sql(statement: str, **types: str) -> Any:
    """Hand-written SQL with typed parameters (PostgreSQL must know them in a SELECT list)."""
    return text(statement).bindparams(*(bindparam(name, type_=KINDS[kind]) for name, kind in types.items()))


# Every statement below works on the selection: the contacts linked to :organization (the people
# of one seeded organisation).
SEED_CONTACTS = sql(
    "INSERT INTO contact (last_name, first_name, last_name_key, first_name_key, hidden_from_crm, "
    "status, search_tokens, version, created_at, updated_at) VALUES (:last, :first, :last_key, "
    ":first_key, false, 'ACTIVE', :tokens, 1, :now, :now)",
    now="at",
)
SEED_LINKS = sql(
    "INSERT INTO contact_link (contact_id, organization_id, is_primary, function, receives_invoices, "
    "receives_invoices_all_sites, receives_reminders, receives_reminders_all_sites, created_at) "
    "SELECT id, :organization, true, :function, false, false, false, false, :now "
    "FROM contact WHERE id > :after",
    organization="int",
    function="str",
    now="at",
    after="int",
)
SEED_SEARCH = sql(
    "INSERT INTO contact_search (rowid, tokens) SELECT id, search_tokens FROM contact WHERE id > :after",
    after="int",
)
LOCKED_SELECTION = {
    "sqlite": sql(
        "SELECT id, last_name, first_name FROM contact "
        "WHERE id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
        organization="int",
    ),
    "postgresql": sql(
        "SELECT id, last_name, first_name FROM contact "
        "WHERE id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) FOR UPDATE",
        organization="int",
    ),
}
BUMP = sql(
    "UPDATE contact SET version = version + 1, updated_at = :now WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    now="at",
    organization="int",
)
ENTRIES = sql(
    "INSERT INTO contact_change (contact_id, at, actor, operation) "
    "SELECT id, :now, :actor, :operation FROM contact WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) "
    "RETURNING contact_id, id",
    now="at",
    actor="str",
    operation="str",
    organization="int",
)
FIELDS = text(
    "INSERT INTO field_change (change_id, organization_id, field, before, after) "
    "VALUES (:change, :organization, :field, :before, :after)"
)
SHOWN = sql(
    "SELECT c.id, c.last_name, c.first_name, c.email, l.email, l.function, o.name FROM contact c "
    "JOIN contact_link l ON l.contact_id = c.id JOIN organization o ON o.id = l.organization_id "
    "WHERE c.id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization) ORDER BY l.id",
    organization="int",
)
KEYS = text(
    "UPDATE contact SET last_name_key = :last, first_name_key = :first, search_tokens = :tokens "
    "WHERE id = :id"
)
FORGET_SEARCH = sql(
    "DELETE FROM contact_search WHERE rowid IN "
    "(SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    organization="int",
)
LEARN_SEARCH = text("INSERT INTO contact_search (rowid, tokens) VALUES (:id, :tokens)")
NEW_LINKS = sql(
    "INSERT INTO contact_link (contact_id, organization_id, is_primary, receives_invoices, "
    "receives_invoices_all_sites, receives_reminders, receives_reminders_all_sites, created_at) "
    "SELECT id, :client, false, false, false, false, false, :now FROM contact WHERE "
    "id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    client="int",
    now="at",
    organization="int",
)
NEW_SITES = sql(
    "INSERT INTO contact_link_site (link_id, site_id) SELECT id, :site FROM contact_link "
    "WHERE organization_id = :client AND contact_id IN "
    "(SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    site="int",
    client="int",
    organization="int",
)
RESEED = text(
    "UPDATE contact SET last_name = :last, first_name = :first, last_name_key = :last_key, "
    "first_name_key = :first_key, search_tokens = :tokens, version = 1 WHERE id = :id"
)
RENAME = sql(
    "UPDATE contact SET last_name = :last, first_name = :first, version = version + 1, updated_at = :now "
    "WHERE id = :id",
    now="at",
)
VERSIONS = sql(
    "SELECT id, version FROM contact "
    "WHERE id IN (SELECT contact_id FROM contact_link WHERE organization_id = :organization)",
    organization="int",
)
ASSOCIATE = """mutation ($input: AssociateContactsInput!) {
  associateContacts(input: $input) { affectedCount userErrors { message } } }"""
NORMALIZE = """mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) { changedCount userErrors { message } } }"""


@dataclass
class World:
    """The benchmark database: a client and its site, and two crowds of seeded contacts."""

    db: Database
    client: int
    site: int
    crowd: int  # the organisation of the contacts to associate
    people: int  # the organisation of the contacts to normalise
    sizes: tuple[int, int]


@dataclass
class Timings:
    carnet: list[float] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def ratio(self) -> float:
        return statistics.median(self.carnet) / statistics.median(self.limit)


# ---------------------------------------------------------------- the database


async def open_world(url: str, associate: int, normalize: int) -> World:
    db = open_database(url)
    await upgrade(db.engine)
    async with db.begin() as session:
        organizations = {
            code: Organization(kind=OrganizationKind[kind], code=code, name=name, name_key=fold(name))
            for kind, code, name in (
                ("CLIENT", "ACME", "Acme"),
                ("SUPPLIER", "CROWD", "Foule"),
                ("SUPPLIER", "PEOPLE", "Gens"),
            )
        }
        paris = Site(client=organizations["ACME"], code="PAR", name="Paris", name_key="paris")
        session.add_all([*organizations.values(), paris])
        await session.flush()
        ids = {code: row.id for code, row in organizations.items()}
        site = paris.id
    world = World(db, ids["ACME"], site, ids["CROWD"], ids["PEOPLE"], (associate, normalize))
    await _seed(world, world.crowd, "Foule", associate)
    await _seed(world, world.people, "Gens", normalize)
    return world


async def _seed(world: World, organization: int, organization_name: str, count: int) -> None:
    """`count` contacts with carelessly typed names, each with a primary link to `organization`."""
    async with world.db.begin() as session:
        connection = await session.connection()
        after = (await connection.execute(text("SELECT coalesce(max(id), 0) FROM contact"))).scalar_one()
        for start in range(0, count, 10_000):
            rows = [_person(index, organization_name) for index in range(start, min(count, start + 10_000))]
            await connection.execute(SEED_CONTACTS, rows)
        given = {"organization": organization, "function": FUNCTION, "now": NOW, "after": after}
        await connection.execute(SEED_LINKS, given)
        if world.db.is_sqlite:
            await connection.execute(SEED_SEARCH, {"after": after})


def _person(index: int, organization_name: str) -> dict[str, Any]:
    last = f"{LAST_NAMES[index % len(LAST_NAMES)]} {index:06d}"
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    return {
        "last": last,
        "first": first,
        "last_key": fold(last),
        "first_key": fold(first),
        "tokens": tokens_text(last, first, None, None, FUNCTION, organization_name),
        "now": NOW,
    }


async def people_ids(world: World) -> list[int]:
    """The contacts to normalise, by id."""
    async with world.db.read() as session:
        connection = await session.connection()
        people = await connection.execute(
            text("SELECT contact_id FROM contact_link WHERE organization_id = :organization ORDER BY 1"),
            {"organization": world.people},
        )
        return [contact_id for (contact_id,) in people]


async def restore_names(world: World) -> None:
    """The names to normalise as seeded, with their keys and tokens: every turn does the same work."""
    async with world.db.begin() as session:
        connection = await session.connection()
        people = await connection.execute(
            text("SELECT contact_id FROM contact_link WHERE organization_id = :organization ORDER BY 1"),
            {"organization": world.people},
        )
        rows = [{**_person(index, "Gens"), "id": contact_id} for index, (contact_id,) in enumerate(people)]
        await connection.execute(RESEED, rows)
        if world.db.is_sqlite:
            await connection.execute(FORGET_SEARCH, {"organization": world.people})
            await connection.execute(LEARN_SEARCH, rows)


async def forget_history(world: World, *, links_to_client: bool) -> None:
    """Back to the same state between runs: no history (and, for associate, no client links)."""
    async with world.db.begin() as session:
        connection = await session.connection()
        await connection.execute(text("DELETE FROM field_change"))
        await connection.execute(text("DELETE FROM contact_change"))
        if links_to_client:
            await connection.execute(
                text("DELETE FROM contact_link WHERE organization_id = :client"), {"client": world.client}
            )


# ---------------------------------------------------------------- Carnet, through the schema


async def _execute(db: Database, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    viewer = Viewer(subject=ACTOR, role=Role.STAFF)
    ctx = Context(db=db, viewer=viewer, now=NOW, today=NOW.date(), max_selection=100_000, request_id="bench")
    result = await schema.execute(document, variable_values=variables, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    payload: dict[str, Any] = next(iter(result.data.values()))
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def carnet_associate(world: World) -> None:
    given = {
        "selection": {"filter": {"organizationId": to_global_id("Supplier", world.crowd)}},
        "clientId": to_global_id("Client", world.client),
        "siteIds": [to_global_id("Site", world.site)],
    }
    payload = await _execute(world.db, ASSOCIATE, {"input": given})
    assert payload["affectedCount"] == world.sizes[0], payload


async def carnet_normalize(world: World, style: TextStyle) -> None:
    rule = {"style": style.value}
    selection = {"filter": {"organizationId": to_global_id("Supplier", world.people)}}
    given = {"selection": selection, "lastName": rule, "firstName": rule}
    payload = await _execute(world.db, NORMALIZE, {"input": given})
    assert payload["changedCount"] == 2 * world.sizes[1], payload
