"""Reference data through the schema: each create and update, each refusal, each role."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import Affair, Event, InterlocutorType, Organization, Site, Target
from resolvers.access import Role
from resolvers.global_ids import to_global_id as gid
from tests import factories
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
    """What the mutations below change or point to, with their global ids."""

    ids: dict[str, str]


@pytest.fixture
async def world(db: Database) -> World:
    acme = await factories.client(db, code="ACME", name="Acme Industrie")
    beta = await factories.client(db, code="BETA", name="Beta Conseil")
    supplier = await factories.supplier(db, code="SUP", name="Fournitures Martin")
    bank = await factories.third_party(db, code="BANK", name="Banque Populaire")
    paris = await factories.site(db, acme, code="ACME-PAR", name="Paris", city="Paris")
    await factories.site(db, acme, code="ACME-LYO", name="Lyon", city="Lyon")
    migration = await factories.affair(db, acme, code="AFF-1", name="Migration ERP")
    await factories.affair(db, acme, code="AFF-2", name="Audit")
    salon = await factories.target(db, name="Salon 2027", description="Visiteurs du salon")
    async with db.begin() as session:
        forum = Event(
            name="Forum",
            name_key="forum",
            starts_on=date(2027, 3, 2),
            ends_on=date(2027, 3, 4),
            location="Lyon",
        )
        session.add(forum)
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    return World(
        ids={
            "ACME": gid("Client", acme.id),
            "BETA": gid("Client", beta.id),
            "SUP": gid("Supplier", supplier.id),
            "BANK": gid("ThirdParty", bank.id),
            "PAR": gid("Site", paris.id),
            "AFF": gid("Affair", migration.id),
            "SALON": gid("Target", salon.id),
            "FORUM": gid("Event", forum.id),
            # Right type name, wrong kind of organisation behind it.
            "CLIENT_OF_SUPPLIER": gid("Client", supplier.id),
            "SUPPLIER_OF_CLIENT": gid("Supplier", acme.id),
        }
    )


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


# ---------------------------------------------------------------- creates and updates

CHANGES = [
    (
        "createClient",
        {"code": " CLI-9 ", "name": "  Société   Générale "},
        {"client": {"kind": "CLIENT", "code": "CLI-9", "name": "Société Générale", "status": "CLIENT"}},
    ),
    (
        "createClient",
        {"code": "PRO-1", "name": "Prospect", "status": "PROSPECT"},
        {"client": {"kind": "CLIENT", "code": "PRO-1", "name": "Prospect", "status": "PROSPECT"}},
    ),
    (
        "createSupplier",
        {"code": "ACME", "name": "Acme Fournitures"},
        {"supplier": {"kind": "SUPPLIER", "code": "ACME", "name": "Acme Fournitures"}},
    ),
    (
        "createThirdParty",
        {"code": "SUP", "name": "Cabinet Moreau"},
        {"thirdParty": {"kind": "THIRD_PARTY", "code": "SUP", "name": "Cabinet Moreau"}},
    ),
    (
        "createSite",
        {"clientId": "$ACME", "code": "ACME-NTE", "name": " Nantes ", "city": "  "},
        {"site": {"code": "ACME-NTE", "name": "Nantes", "city": None, "client": {"code": "ACME"}}},
    ),
    (
        "createAffair",
        {"clientId": "$BETA", "code": "AFF-3", "name": "Refonte SI"},
        {"affair": {"code": "AFF-3", "name": "Refonte SI", "client": {"code": "BETA"}}},
    ),
    (
        "createTarget",
        {"name": "Newsletter DSI", "description": "d" * 10_000},
        {"target": {"name": "Newsletter DSI", "description": "d" * 10_000}},
    ),
    (
        "createEvent",
        {"name": "Webinaire", "startsOn": "2027-01-14", "endsOn": "2027-01-14", "location": "En ligne"},
        {
            "event": {
                "name": "Webinaire",
                "startsOn": "2027-01-14",
                "endsOn": "2027-01-14",
                "location": "En ligne",
            }
        },
    ),
    (
        "createInterlocutorType",
        {"code": " FIN ", "label": "Interlocuteur financier"},
        {"interlocutorType": {"code": "FIN", "label": "Interlocuteur financier", "archived": False}},
    ),
    (
        "updateClient",
        {"id": "$ACME", "name": "Acme Groupe", "status": "PROSPECT"},
        {
            "client": {
                "id": "$ACME",
                "kind": "CLIENT",
                "code": "ACME",
                "name": "Acme Groupe",
                "status": "PROSPECT",
            }
        },
    ),
    (
        "updateSupplier",
        {"id": "$SUP", "code": "SUP-2"},
        {"supplier": {"id": "$SUP", "kind": "SUPPLIER", "code": "SUP-2", "name": "Fournitures Martin"}},
    ),
    (
        "updateThirdParty",
        {"id": "$BANK", "name": "Banque Populaire Rives de Paris"},
        {
            "thirdParty": {
                "id": "$BANK",
                "kind": "THIRD_PARTY",
                "code": "BANK",
                "name": "Banque Populaire Rives de Paris",
            }
        },
    ),
    (
        "updateSite",
        {"id": "$PAR", "name": "Paris La Défense", "city": None},
        {
            "site": {
                "id": "$PAR",
                "code": "ACME-PAR",
                "name": "Paris La Défense",
                "city": None,
                "client": {"code": "ACME"},
            }
        },
    ),
    (
        "updateAffair",
        {"id": "$AFF", "code": "AFF-1B"},
        {"affair": {"id": "$AFF", "code": "AFF-1B", "name": "Migration ERP", "client": {"code": "ACME"}}},
    ),
    (
        "updateTarget",
        {"id": "$SALON", "description": None},
        {"target": {"id": "$SALON", "name": "Salon 2027", "description": None}},
    ),
    (
        "updateEvent",
        {"id": "$FORUM", "endsOn": None, "location": " Lyon  Eurexpo "},
        {
            "event": {
                "id": "$FORUM",
                "name": "Forum",
                "startsOn": "2027-03-02",
                "endsOn": None,
                "location": "Lyon Eurexpo",
            }
        },
    ),
    (
        "updateInterlocutorType",
        {"code": "DEC", "label": "Décisionnaire", "archived": True},
        {"interlocutorType": {"code": "DEC", "label": "Décisionnaire", "archived": True}},
    ),
]


NEW_NODES = {
    "createClient": (Organization, "Client"),
    "createSupplier": (Organization, "Supplier"),
    "createThirdParty": (Organization, "ThirdParty"),
    "createSite": (Site, "Site"),
    "createAffair": (Affair, "Affair"),
    "createTarget": (Target, "Target"),
    "createEvent": (Event, "Event"),
}


async def newest_id(db: Database, model: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.max(model.id))) or 0)


@pytest.mark.parametrize(("mutation", "given", "expected"), CHANGES, ids=[case[0] for case in CHANGES])
async def test_each_mutation_writes_what_it_is_given(
    db: Database,
    graphql: GraphQL,
    world: World,
    mutation: str,
    given: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    payload = await run(graphql, world, mutation, given, role_for(mutation))

    wanted = resolved(world, expected)
    if mutation in NEW_NODES:
        model, type_name = NEW_NODES[mutation]
        (name,) = wanted
        wanted[name]["id"] = gid(type_name, await newest_id(db, model))
    assert payload == {**wanted, "userErrors": []}


# ---------------------------------------------------------------- refusals

CODE, NAME = ["input", "code"], ["input", "name"]
REFUSALS = [
    # DUPLICATE: a code already used in its kind, after trimming.
    ("createClient", {"code": " ACME ", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSupplier", {"code": "SUP", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createThirdParty", {"code": "BANK", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSite", {"clientId": "$BETA", "code": "ACME-PAR", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createAffair", {"clientId": "$BETA", "code": "AFF-1", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createInterlocutorType", {"code": "DEC", "label": "Autre"}, [(CODE, "DUPLICATE")]),
    ("updateClient", {"id": "$ACME", "code": "BETA"}, [(CODE, "DUPLICATE")]),
    ("updateSite", {"id": "$PAR", "code": "ACME-LYO"}, [(CODE, "DUPLICATE")]),
    ("updateAffair", {"id": "$AFF", "code": "AFF-2"}, [(CODE, "DUPLICATE")]),
    # DUPLICATE regardless of case (rule 20): "ACME" and "acme" are one code.
    ("createClient", {"code": "acme", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSupplier", {"code": "Sup", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createSite", {"clientId": "$BETA", "code": "acme-par", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createAffair", {"clientId": "$BETA", "code": "aff-1", "name": "Autre"}, [(CODE, "DUPLICATE")]),
    ("createInterlocutorType", {"code": "dec", "label": "Autre"}, [(CODE, "DUPLICATE")]),
    ("updateClient", {"id": "$ACME", "code": "beta"}, [(CODE, "DUPLICATE")]),
    ("updateSite", {"id": "$PAR", "code": "acme-lyo"}, [(CODE, "DUPLICATE")]),
    ("updateAffair", {"id": "$AFF", "code": "Aff-2"}, [(CODE, "DUPLICATE")]),
    # INVALID: blank, too long, or null where a value is required.
    ("createClient", {"code": "  ", "name": ""}, [(CODE, "INVALID"), (NAME, "INVALID")]),
    ("createClient", {"code": "C", "name": "n" * 201}, [(NAME, "INVALID")]),
    ("createClient", {"code": "C", "name": "N", "status": None}, [(["input", "status"], "INVALID")]),
    ("createSupplier", {"code": "c" * 201, "name": "N"}, [(CODE, "INVALID")]),
    ("createThirdParty", {"code": "C", "name": " \t "}, [(NAME, "INVALID")]),
    (
        "createSite",
        {"clientId": "$ACME", "code": "S", "name": "N", "city": "c" * 201},
        [(["input", "city"], "INVALID")],
    ),
    ("createAffair", {"clientId": "$ACME", "code": "", "name": "N"}, [(CODE, "INVALID")]),
    ("createTarget", {"name": "T", "description": "d" * 10_001}, [(["input", "description"], "INVALID")]),
    (
        "createEvent",
        {"name": "E", "startsOn": "2027-01-02", "endsOn": "2027-01-01"},
        [(["input", "endsOn"], "INVALID")],
    ),
    (
        "createEvent",
        {"name": "E", "startsOn": "2027-01-02", "location": "l" * 201},
        [(["input", "location"], "INVALID")],
    ),
    ("createInterlocutorType", {"code": "NEW", "label": " "}, [(["input", "label"], "INVALID")]),
    ("updateClient", {"id": "$ACME", "name": None}, [(NAME, "INVALID")]),
    ("updateClient", {"id": "$ACME", "status": None}, [(["input", "status"], "INVALID")]),
    ("updateSupplier", {"id": "$SUP", "code": " "}, [(CODE, "INVALID")]),
    ("updateThirdParty", {"id": "$BANK", "code": None}, [(CODE, "INVALID")]),
    ("updateSite", {"id": "$PAR", "code": None}, [(CODE, "INVALID")]),
    ("updateAffair", {"id": "$AFF", "name": "n" * 201}, [(NAME, "INVALID")]),
    ("updateTarget", {"id": "$SALON", "name": None}, [(NAME, "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "startsOn": None}, [(["input", "startsOn"], "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "startsOn": "2027-03-05"}, [(["input", "startsOn"], "INVALID")]),
    ("updateEvent", {"id": "$FORUM", "endsOn": "2027-03-01"}, [(["input", "endsOn"], "INVALID")]),
    ("updateInterlocutorType", {"code": "DEC", "archived": None}, [(["input", "archived"], "INVALID")]),
    ("updateInterlocutorType", {"code": "DEC", "label": None}, [(["input", "label"], "INVALID")]),
    # NOT_FOUND: unknown, malformed, or of another type.
    ("createSite", {"clientId": "nope", "code": "S", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    ("createSite", {"clientId": "$SUP", "code": "S", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    (
        "createSite",
        {"clientId": "$CLIENT_OF_SUPPLIER", "code": "S", "name": "N"},
        [(["input", "clientId"], "NOT_FOUND")],
    ),
    ("createAffair", {"clientId": "$BANK", "code": "A", "name": "N"}, [(["input", "clientId"], "NOT_FOUND")]),
    ("updateClient", {"id": "$SUP", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateSupplier", {"id": "$SUPPLIER_OF_CLIENT", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateThirdParty", {"id": "VGhpcmRQYXJ0eTo5OTk5", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateSite", {"id": "$AFF", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateAffair", {"id": "", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateTarget", {"id": "$FORUM", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateEvent", {"id": "RXZlbnQ6MA==", "name": "X"}, [(["input", "id"], "NOT_FOUND")]),
    ("updateInterlocutorType", {"code": "NOPE", "label": "X"}, [(CODE, "NOT_FOUND")]),
]


@pytest.mark.parametrize(
    ("mutation", "given", "errors"), REFUSALS, ids=[f"{case[0]}-{case[2][0][1]}" for case in REFUSALS]
)
async def test_a_refusal_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: World, mutation: str, given: dict[str, Any], errors: list[Any]
) -> None:
    before = await state(db)

    payload = await run(graphql, world, mutation, given, role_for(mutation))

    (name,) = (key for key in payload if key != "userErrors")
    assert payload == {name: None, "userErrors": [{"field": field, "code": code} for field, code in errors]}
    assert await state(db) == before


async def test_a_refusal_says_why_in_words(db: Database, graphql: GraphQL, world: World) -> None:
    payload = await graphql(
        'mutation { createClient(input: {code: "ACME", name: "x"}) { userErrors { field message code } } }'
    )

    assert payload.data == {
        "createClient": {
            "userErrors": [
                {
                    "field": ["input", "code"],
                    "message": "Another client already has the code 'ACME'.",
                    "code": "DUPLICATE",
                }
            ]
        }
    }


async def test_an_update_that_changes_nothing_leaves_every_row_as_it_was(
    db: Database, graphql: GraphQL, world: World
) -> None:
    before = await state(db)

    payload = await run(
        graphql, world, "updateSite", {"id": "$PAR", "code": " ACME-PAR", "city": "Paris"}, Role.STAFF
    )

    assert payload["userErrors"] == []
    assert await state(db) == before


# ---------------------------------------------------------------- roles

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


# ---------------------------------------------------------------- the lists

LISTS = {
    "clients": "clients(search: $search, first: $first, after: $after)",
    "suppliers": "suppliers(search: $search, first: $first, after: $after)",
    "thirdParties": "thirdParties(search: $search, first: $first, after: $after)",
    "targets": "targets(search: $search, first: $first, after: $after)",
    "events": "events(search: $search, first: $first, after: $after)",
}


async def listed(
    graphql: GraphQL, name: str, search: str | None = None, first: int = 50, after: str | None = None
) -> Any:
    query = (
        f"query ($search: String, $first: Int, $after: String) {{ {LISTS[name]} "
        "{ totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { name } } } }"
    )
    result = await graphql(query, {"search": search, "first": first, "after": after}, role=Role.PORTAL)
    assert result.errors is None, result.errors
    return result.data[name]  # type: ignore[index]


def names(connection: Any) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


async def test_search_matches_words_aside_case_and_accents(db: Database, graphql: GraphQL) -> None:
    await factories.client(db, code="SG", name="Société Générale")
    await factories.client(db, code="GEN-01", name="Générations Conseil")
    await factories.client(db, code="ACME", name="Acme")

    assert names(await listed(graphql, "clients", "societe")) == ["Société Générale"]
    assert names(await listed(graphql, "clients", "GÉNÉ")) == ["Générations Conseil", "Société Générale"]
    assert names(await listed(graphql, "clients", "gen 01")) == ["Générations Conseil"]
    assert names(await listed(graphql, "clients", "ciete")) == []
    assert (await listed(graphql, "clients", "  "))["totalCount"] == 3


@pytest.mark.parametrize("name", ["suppliers", "thirdParties", "targets", "events"])
async def test_every_reference_list_is_searched_by_name(db: Database, graphql: GraphQL, name: str) -> None:
    make = {
        "suppliers": lambda n: factories.supplier(db, code=n[:3].upper(), name=n),
        "thirdParties": lambda n: factories.third_party(db, code=n[:3].upper(), name=n),
        "targets": lambda n: factories.target(db, name=n),
        "events": lambda n: factories.event(db, name=n),
    }[name]
    for each in ("Île-de-France Énergie", "Électricité de Bretagne", "Bretagne Télécom"):
        await make(each)

    found = await listed(graphql, name, "bretagne ELEC")

    assert (found["totalCount"], names(found)) == (1, ["Électricité de Bretagne"])
    assert names(await listed(graphql, name, "france")) == ["Île-de-France Énergie"]
    assert names(await listed(graphql, name)) == [
        "Bretagne Télécom",
        "Électricité de Bretagne",
        "Île-de-France Énergie",
    ]


async def test_clients_come_in_pages_by_name(db: Database, graphql: GraphQL) -> None:
    for code, name in [("C1", "Émeraude"), ("C2", "alpha"), ("C3", "Zénith"), ("C4", "Delta")]:
        await factories.client(db, code=code, name=name)

    first = await listed(graphql, "clients", first=3)
    rest = await listed(graphql, "clients", first=3, after=first["pageInfo"]["endCursor"])

    assert (names(first), first["totalCount"], first["pageInfo"]["hasNextPage"]) == (
        ["alpha", "Delta", "Émeraude"],
        4,
        True,
    )
    assert (
        names(rest),
        rest["totalCount"],
        rest["pageInfo"]["hasNextPage"],
        rest["pageInfo"]["hasPreviousPage"],
    ) == (
        ["Zénith"],
        4,
        False,
        True,
    )


async def test_interlocutor_types_leave_out_the_archived_unless_asked(db: Database, graphql: GraphQL) -> None:
    await factories.interlocutor_type(db, code="TECH", label="Technique")
    await factories.interlocutor_type(db, code="ACH", label="Achats")
    await factories.interlocutor_type(db, code="OLD", label="Ancien", archived=True)
    query = "query ($all: Boolean) { interlocutorTypes(includeArchived: $all) { code label archived } }"

    current = await graphql(query, {}, role=Role.PORTAL)
    every = await graphql(query, {"all": True}, role=Role.PORTAL)

    assert current.data == {
        "interlocutorTypes": [
            {"code": "ACH", "label": "Achats", "archived": False},
            {"code": "TECH", "label": "Technique", "archived": False},
        ]
    }
    assert every.data == {
        "interlocutorTypes": [
            {"code": "ACH", "label": "Achats", "archived": False},
            {"code": "OLD", "label": "Ancien", "archived": True},
            {"code": "TECH", "label": "Technique", "archived": False},
        ]
    }


async def test_archiving_a_type_through_the_api_takes_it_out_of_the_list(
    db: Database, graphql: GraphQL, world: World
) -> None:
    await run(graphql, world, "updateInterlocutorType", {"code": "DEC", "archived": True}, Role.ADMIN)

    result = await graphql(
        "{ interlocutorTypes { code } all: interlocutorTypes(includeArchived: true) { code } }"
    )

    assert result.data == {"interlocutorTypes": [], "all": [{"code": "DEC"}]}


async def test_a_renamed_client_finds_its_contacts_by_the_new_name(
    db: Database, graphql: GraphQL, world: World
) -> None:
    async with db.read() as session:
        acme = await session.scalar(select(Organization).where(Organization.code == "ACME"))
    assert acme is not None
    await factories.contact(db, "Dupont", "Marie", at=acme)
    search = 'query { contacts(filter: {search: "eclat"}) { edges { node { lastName } } } }'

    before = await graphql(search)
    await run(graphql, world, "updateClient", {"id": "$ACME", "name": "Éclat Industrie"}, Role.STAFF)
    after = await graphql(search)

    assert before.data == {"contacts": {"edges": []}}
    assert after.data == {"contacts": {"edges": [{"node": {"lastName": "Dupont"}}]}}


async def test_a_code_may_change_its_own_case(db: Database, graphql: GraphQL, world: World) -> None:
    payload = await run(graphql, world, "updateSite", {"id": "$PAR", "code": "acme-par"}, Role.STAFF)

    assert (payload["site"]["code"], payload["userErrors"]) == ("acme-par", [])
