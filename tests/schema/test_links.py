"""linkContact, updateContactLink, unlinkContact (rules 1 and 10), and Client.interlocutors (rule 6)."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import ContactLinkSite, ContactStatus
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import NOW, GraphQL

LINK_SHOWN = """
  isPrimary organization { code } function department email phone mobile fax extension leftOn active
  sites { code } receivesInvoices receivesInvoicesAllSites receivesReminders receivesRemindersAllSites
  interlocutorTypes { code }
"""
PAYLOAD = f"contact {{ version links {{ {LINK_SHOWN} }} }} userErrors {{ field code contactId }}"
LINK = f"mutation ($input: LinkContactInput!) {{ linkContact(input: $input) {{ {PAYLOAD} }} }}"
UPDATE_LINK = (
    f"mutation ($input: UpdateContactLinkInput!) {{ updateContactLink(input: $input) {{ {PAYLOAD} }} }}"
)
UNLINK = f"mutation ($input: UnlinkContactInput!) {{ unlinkContact(input: $input) {{ {PAYLOAD} }} }}"
NEWEST_CHANGE = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history(first: 1) { totalCount edges { node {
    actor operation changes { field organization { code } before after } } } } } }
}
"""
INTERLOCUTORS = """
query ($id: ID!, $type: String) {
  node(id: $id) { ... on Client { interlocutors(typeCode: $type) {
    contact { lastName } organization { code } interlocutorTypes { code } } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def bare_link(code: str, *, primary: bool = False, **shown: Any) -> dict[str, Any]:
    """A link as LINK_SHOWN reads it, with nothing set but what is given."""
    link: dict[str, Any] = {
        "isPrimary": primary,
        "organization": {"code": code},
        "function": None,
        "department": None,
        "email": None,
        "phone": None,
        "mobile": None,
        "fax": None,
        "extension": None,
        "leftOn": None,
        "active": True,
        "sites": [],
        "receivesInvoices": False,
        "receivesInvoicesAllSites": False,
        "receivesReminders": False,
        "receivesRemindersAllSites": False,
        "interlocutorTypes": [],
    }
    return {**link, **shown}


@pytest.fixture
async def world(db: Database) -> dict[str, Any]:
    """Marie Dupont, at Acme (primary, with a site); a supplier, a bank, Acme's sites, two types."""
    acme = await factories.client(db, code="ACME", name="Acme")
    beta = await factories.client(db, code="BETA", name="Beta")
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    await factories.interlocutor_type(db, code="OLD", label="Ancien", archived=True)
    marie = await factories.contact(db, "Dupont", "Marie", at=acme, function="DAF")
    return {
        "marie": marie,
        "marie_id": gid("Contact", marie.id),
        "acme": acme,
        "beta": beta,
        "supplier": await factories.supplier(db, code="SUP", name="Fournitures Martin"),
        "bank": await factories.third_party(db, code="BANK", name="Banque Populaire"),
        "paris": await factories.site(db, acme, code="ACME-PAR", name="Paris"),
        "lyon": await factories.site(db, acme, code="ACME-LYO", name="Lyon"),
        "beta_site": await factories.site(db, beta, code="BETA-NAN", name="Nantes"),
    }


async def newest_change(graphql: GraphQL, contact_id: str) -> dict[str, Any]:
    result = await graphql(NEWEST_CHANGE, {"id": contact_id})
    history = result.data["node"]["history"]  # type: ignore[index]
    return {"count": history["totalCount"], **history["edges"][0]["node"]}


# ---------------------------------------------------------------- linkContact


async def test_linking_to_a_supplier_adds_a_link_with_its_own_details_and_records_it(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    link = {
        "organizationId": gid("Supplier", world["supplier"].id),
        "function": "  Acheteuse ",
        "email": "M.Dupont@Fournitures.FR",
        "phone": "01 40 00 00 01",
        "extension": "12",
        "leftOn": "2027-01-31",
    }

    result = await graphql(
        LINK, {"input": {"contactId": world["marie_id"], "expectedVersion": 1, "link": link}}
    )

    assert result.errors is None
    assert result.data == {
        "linkContact": {
            "contact": {
                "version": 2,
                "links": [
                    bare_link("ACME", primary=True, function="DAF"),
                    bare_link(
                        "SUP",
                        function="Acheteuse",
                        email="M.Dupont@fournitures.fr",
                        phone="+33140000001",
                        extension="12",
                        leftOn="2027-01-31",
                    ),
                ],
            },
            "userErrors": [],
        }
    }
    sup = {"code": "SUP"}
    assert await newest_change(graphql, world["marie_id"]) == {
        "count": 1,  # the factory wrote no history of its own
        "actor": "staff",
        "operation": "linkContact",
        "changes": [
            {"field": "isPrimary", "organization": sup, "before": None, "after": "false"},
            {"field": "function", "organization": sup, "before": None, "after": "Acheteuse"},
            {"field": "email", "organization": sup, "before": None, "after": "M.Dupont@fournitures.fr"},
            {"field": "phone", "organization": sup, "before": None, "after": "+33140000001"},
            {"field": "extension", "organization": sup, "before": None, "after": "12"},
            {"field": "leftOn", "organization": sup, "before": None, "after": "2027-01-31"},
            {"field": "receivesInvoices", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesInvoicesAllSites", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesReminders", "organization": sup, "before": None, "after": "false"},
            {"field": "receivesRemindersAllSites", "organization": sup, "before": None, "after": "false"},
        ],
    }


async def test_linking_to_another_client_takes_its_sites_flags_and_types(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    link = {
        "organizationId": gid("Client", world["beta"].id),
        "siteIds": [gid("Site", world["beta_site"].id)],
        "receivesInvoices": True,
        "receivesRemindersAllSites": True,
        "interlocutorTypeCodes": ["DEC"],
    }

    result = await graphql(LINK, {"input": {"contactId": world["marie_id"], "link": link}})

    assert result.data["linkContact"]["contact"]["links"][1] == bare_link(  # type: ignore[index]
        "BETA",
        sites=[{"code": "BETA-NAN"}],
        receivesInvoices=True,
        receivesRemindersAllSites=True,
        interlocutorTypes=[{"code": "DEC"}],
    )


LINK_REFUSALS = [
    ({"organizationId": "ACME"}, ["input", "link", "organizationId"], "DUPLICATE"),
    ({"organizationId": gid("Client", 999)}, ["input", "link", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "not-an-id"}, ["input", "link", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "SUP", "receivesInvoices": True}, ["input", "link", "receivesInvoices"], "INVALID"),
    ({"organizationId": "SUP", "siteIds": ["PARIS"]}, ["input", "link", "siteIds"], "INVALID"),
    ({"organizationId": "BETA", "siteIds": ["PARIS"]}, ["input", "link", "siteIds", "0"], "INVALID"),
    (
        {"organizationId": "BETA", "interlocutorTypeCodes": ["OLD"]},
        ["input", "link", "interlocutorTypeCodes", "0"],
        "INVALID",
    ),
    ({"organizationId": "BETA", "email": "nobody@"}, ["input", "link", "email"], "INVALID"),
    ({"organizationId": "BETA", "department": "d" * 201}, ["input", "link", "department"], "INVALID"),
]


@pytest.mark.parametrize(("link", "path", "code"), LINK_REFUSALS)
async def test_a_refused_link_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any], link: dict[str, Any], path: list[str], code: str
) -> None:
    names = {
        "ACME": gid("Client", world["acme"].id),
        "BETA": gid("Client", world["beta"].id),
        "SUP": gid("Supplier", world["supplier"].id),
        "PARIS": gid("Site", world["paris"].id),
    }
    given = {
        name: names.get(value, value) if isinstance(value, str) else value for name, value in link.items()
    }
    if "siteIds" in given:
        given["siteIds"] = [names[site] for site in given["siteIds"]]
    before = await factories.database_state(db)

    result = await graphql(LINK, {"input": {"contactId": world["marie_id"], "link": given}})

    assert result.data == {
        "linkContact": {"contact": None, "userErrors": [{"field": path, "code": code, "contactId": None}]}
    }
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- updateContactLink


async def test_updating_a_link_changes_what_is_given_and_records_it_under_the_organisation(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme_link = await factories.primary_link(db, world["marie"])
    await factories.attach_sites(db, acme_link, world["paris"])
    changes = {
        "function": None,
        "mobile": "06 11 22 33 44",
        "leftOn": "2026-11-28",
        "siteIds": [gid("Site", world["lyon"].id)],
        "receivesReminders": True,
        "interlocutorTypeCodes": ["DEC"],
    }
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "expectedVersion": 1,
            "organizationId": gid("Client", world["acme"].id),
            **changes,
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data == {
        "updateContactLink": {
            "contact": {
                "version": 2,
                "links": [
                    bare_link(
                        "ACME",
                        primary=True,
                        mobile="+33611223344",
                        leftOn="2026-11-28",
                        active=False,
                        sites=[{"code": "ACME-LYO"}],
                        receivesReminders=True,
                        interlocutorTypes=[{"code": "DEC"}],
                    )
                ],
            },
            "userErrors": [],
        }
    }
    acme = {"code": "ACME"}
    assert await newest_change(graphql, world["marie_id"]) == {
        "count": 1,
        "actor": "staff",
        "operation": "updateContactLink",
        "changes": [
            {"field": "function", "organization": acme, "before": "DAF", "after": None},
            {"field": "mobile", "organization": acme, "before": None, "after": "+33611223344"},
            {"field": "leftOn", "organization": acme, "before": None, "after": "2026-11-28"},
            {"field": "receivesReminders", "organization": acme, "before": "false", "after": "true"},
            {
                "field": "siteIds",
                "organization": acme,
                "before": gid("Site", world["paris"].id),
                "after": gid("Site", world["lyon"].id),
            },
            {"field": "interlocutorTypeCodes", "organization": acme, "before": None, "after": "DEC"},
        ],
    }


async def test_making_a_link_primary_demotes_the_old_primary_in_one_change(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("ThirdParty", world["bank"].id),
            "isPrimary": True,
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    links = result.data["updateContactLink"]["contact"]["links"]  # type: ignore[index]
    assert [(link["organization"]["code"], link["isPrimary"]) for link in links] == [
        ("BANK", True),
        ("ACME", False),
    ]
    assert (await newest_change(graphql, world["marie_id"]))["changes"] == [
        {"field": "isPrimary", "organization": {"code": "ACME"}, "before": "true", "after": "false"},
        {"field": "isPrimary", "organization": {"code": "BANK"}, "before": "false", "after": "true"},
    ]


async def test_an_archived_type_may_stay_on_the_link_that_has_it(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme_link = await factories.primary_link(db, world["marie"])
    await factories.give_types(db, acme_link, "OLD")
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Client", world["acme"].id),
            "interlocutorTypeCodes": ["OLD", "DEC"],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    links = result.data["updateContactLink"]["contact"]["links"]  # type: ignore[index]
    assert links[0]["interlocutorTypes"] == [{"code": "OLD"}, {"code": "DEC"}]  # by label: Ancien, Décideur
    assert result.data["updateContactLink"]["contact"]["version"] == 2  # type: ignore[index]


async def test_a_link_update_that_changes_nothing_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Client", world["acme"].id),
            "function": " DAF ",
            "isPrimary": True,
            "siteIds": [],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data["updateContactLink"]["contact"]["version"] == 1  # type: ignore[index]
    assert result.data["updateContactLink"]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


UPDATE_REFUSALS = [
    ({"isPrimary": False}, ["input", "isPrimary"], "INVALID"),
    ({"isPrimary": None}, ["input", "isPrimary"], "INVALID"),
    ({"organizationId": "SUP"}, ["input", "organizationId"], "NOT_FOUND"),
    ({"organizationId": gid("Client", 999)}, ["input", "organizationId"], "NOT_FOUND"),
    ({"organizationId": "nope"}, ["input", "organizationId"], "NOT_FOUND"),
    ({"contactId": gid("Contact", 999)}, ["input", "contactId"], "NOT_FOUND"),
    ({"contactId": gid("Client", 1)}, ["input", "contactId"], "NOT_FOUND"),
    ({"siteIds": ["BETA_SITE"]}, ["input", "siteIds", "0"], "INVALID"),
    ({"siteIds": [gid("Site", 999)]}, ["input", "siteIds", "0"], "NOT_FOUND"),
    ({"siteIds": ["nope"]}, ["input", "siteIds", "0"], "NOT_FOUND"),
    ({"interlocutorTypeCodes": ["OLD"]}, ["input", "interlocutorTypeCodes", "0"], "INVALID"),
    ({"interlocutorTypeCodes": ["NOPE"]}, ["input", "interlocutorTypeCodes", "0"], "INVALID"),
    ({"fax": "123"}, ["input", "fax"], "INVALID"),
    ({"function": "f" * 201}, ["input", "function"], "INVALID"),
]


@pytest.mark.parametrize(("fields", "path", "code"), UPDATE_REFUSALS)
async def test_a_refused_link_update_names_its_field_and_writes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any], fields: dict[str, Any], path: list[str], code: str
) -> None:
    names = {"SUP": gid("Supplier", world["supplier"].id), "BETA_SITE": gid("Site", world["beta_site"].id)}
    given = {
        "contactId": world["marie_id"],
        "organizationId": gid("Client", world["acme"].id),
        **{
            name: names.get(value, value) if isinstance(value, str) else value
            for name, value in fields.items()
        },
    }
    if "siteIds" in given:
        given["siteIds"] = [names.get(site, site) for site in given["siteIds"]]
    before = await factories.database_state(db)

    result = await graphql(UPDATE_LINK, {"input": given})

    assert result.data == {
        "updateContactLink": {
            "contact": None,
            "userErrors": [{"field": path, "code": code, "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


async def test_flags_on_a_supplier_link_are_refused(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    await factories.link(db, world["marie"], world["supplier"])
    before = await factories.database_state(db)
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "organizationId": gid("Supplier", world["supplier"].id),
            "receivesRemindersAllSites": True,
            "interlocutorTypeCodes": ["DEC"],
        }
    }

    result = await graphql(UPDATE_LINK, variables)

    assert result.data["updateContactLink"]["userErrors"] == [  # type: ignore[index]
        {"field": ["input", "receivesRemindersAllSites"], "code": "INVALID", "contactId": None},
        {"field": ["input", "interlocutorTypeCodes"], "code": "INVALID", "contactId": None},
    ]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- unlinkContact


async def test_unlinking_removes_the_link_with_its_sites_and_records_what_it_held(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    beta_link = await factories.link(db, world["marie"], world["beta"], function="Consultante")
    await factories.attach_sites(db, beta_link, world["beta_site"])
    variables = {
        "input": {
            "contactId": world["marie_id"],
            "expectedVersion": 1,
            "organizationId": gid("Client", world["beta"].id),
        }
    }

    result = await graphql(UNLINK, variables)

    assert result.data == {
        "unlinkContact": {
            "contact": {"version": 2, "links": [bare_link("ACME", primary=True, function="DAF")]},
            "userErrors": [],
        }
    }
    beta = {"code": "BETA"}
    assert (await newest_change(graphql, world["marie_id"]))["changes"] == [
        {"field": "isPrimary", "organization": beta, "before": "false", "after": None},
        {"field": "function", "organization": beta, "before": "Consultante", "after": None},
        {"field": "receivesInvoices", "organization": beta, "before": "false", "after": None},
        {"field": "receivesInvoicesAllSites", "organization": beta, "before": "false", "after": None},
        {"field": "receivesReminders", "organization": beta, "before": "false", "after": None},
        {"field": "receivesRemindersAllSites", "organization": beta, "before": "false", "after": None},
        {
            "field": "siteIds",
            "organization": beta,
            "before": gid("Site", world["beta_site"].id),
            "after": None,
        },
    ]
    async with db.read() as session:
        assert list(await session.scalars(select(ContactLinkSite.link_id))) == []


async def test_unlinking_the_primary_makes_the_oldest_remaining_link_primary(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    marie = world["marie_id"]
    for days, organization in (
        (2, gid("ThirdParty", world["bank"].id)),
        (1, gid("Supplier", world["supplier"].id)),
    ):
        # The bank is linked first (the lower id) but with a later clock: the supplier's link is
        # the oldest by the moment it was made.
        linked = await graphql(
            LINK,
            {"input": {"contactId": marie, "link": {"organizationId": organization}}},
            now=NOW + timedelta(days=days),
        )
        assert linked.data["linkContact"]["userErrors"] == []  # type: ignore[index]
    variables = {"input": {"contactId": marie, "organizationId": gid("Client", world["acme"].id)}}

    result = await graphql(UNLINK, variables, now=NOW + timedelta(days=3))

    links = result.data["unlinkContact"]["contact"]["links"]  # type: ignore[index]
    assert [(link["organization"]["code"], link["isPrimary"]) for link in links] == [
        ("SUP", True),
        ("BANK", False),
    ]
    assert result.data["unlinkContact"]["contact"]["version"] == 4  # type: ignore[index]


async def test_unlinking_the_last_link_is_refused_and_changes_nothing(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    before = await factories.database_state(db)
    variables = {"input": {"contactId": world["marie_id"], "organizationId": gid("Client", world["acme"].id)}}

    result = await graphql(UNLINK, variables)

    assert result.data == {
        "unlinkContact": {
            "contact": None,
            "userErrors": [
                {"field": ["input", "organizationId"], "code": "LAST_ATTACHMENT", "contactId": None}
            ],
        }
    }
    assert await factories.database_state(db) == before


@pytest.mark.parametrize(
    ("organization", "path"),
    [("BETA", ["input", "organizationId"]), ("nope", ["input", "organizationId"])],
)
async def test_unlinking_an_organisation_the_contact_is_not_linked_to_is_not_found(
    db: Database, graphql: GraphQL, world: dict[str, Any], organization: str, path: list[str]
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    before = await factories.database_state(db)
    organization_id = gid("Client", world["beta"].id) if organization == "BETA" else organization

    result = await graphql(
        UNLINK, {"input": {"contactId": world["marie_id"], "organizationId": organization_id}}
    )

    assert result.data["unlinkContact"]["userErrors"] == [  # type: ignore[index]
        {"field": path, "code": "NOT_FOUND", "contactId": None}
    ]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- every link mutation


def link_mutations(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    marie, bank = world["marie_id"], gid("ThirdParty", world["bank"].id)
    return {
        "linkContact": (
            LINK,
            {"contactId": marie, "link": {"organizationId": gid("Supplier", world["supplier"].id)}},
        ),
        "updateContactLink": (UPDATE_LINK, {"contactId": marie, "organizationId": bank, "function": "DG"}),
        "unlinkContact": (UNLINK, {"contactId": marie, "organizationId": bank}),
    }


@pytest.mark.parametrize("mutation", ["linkContact", "updateContactLink", "unlinkContact"])
async def test_a_stale_version_is_a_conflict_with_the_current_card(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    await graphql(
        UPDATE_LINK,
        {
            "input": {
                "contactId": world["marie_id"],
                "organizationId": gid("Client", world["acme"].id),
                "phone": "0102030405",
            }
        },
    )
    document, variables = link_mutations(world)[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": {**variables, "expectedVersion": 1}})

    payload = result.data[mutation]  # type: ignore[index]
    assert payload["contact"]["version"] == 2
    assert [link["organization"]["code"] for link in payload["contact"]["links"]] == ["ACME", "BANK"]
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": world["marie_id"]}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", ["linkContact", "updateContactLink", "unlinkContact"])
async def test_the_portal_may_not_change_links(
    db: Database, graphql: GraphQL, world: dict[str, Any], mutation: str
) -> None:
    await factories.link(db, world["marie"], world["bank"])
    document, variables = link_mutations(world)[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": variables}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- Client.interlocutors


async def test_a_client_lists_its_active_interlocutors_by_type_in_name_order(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    acme, beta = world["acme"], world["beta"]
    await factories.interlocutor_type(db, code="TEC", label="Technique")
    people = {
        "Zola": (acme, {}, ["DEC"]),
        "Érard": (acme, {}, ["DEC", "TEC"]),
        "Abel": (acme, {"left_on": date(2026, 11, 28)}, ["DEC"]),  # left today: no longer there
        "Bart": (acme, {"left_on": date(2026, 11, 29)}, ["TEC"]),  # leaves tomorrow: still there
        "Cohen": (acme, {}, []),
        "Dray": (beta, {}, ["DEC"]),
        "Morel": (acme, {}, ["OLD"]),  # an archived type stays on its links and still lists them
    }
    for name, (organization, columns, codes) in people.items():
        person = await factories.contact(db, name, at=organization, **columns)
        await factories.give_types(db, await factories.primary_link(db, person), *codes)
    client_id = gid("Client", acme.id)

    def names(result: Any) -> list[str]:
        return [link["contact"]["lastName"] for link in result.data["node"]["interlocutors"]]

    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "DEC"})) == ["Érard", "Zola"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "TEC"})) == ["Bart", "Érard"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "OLD"})) == ["Morel"]
    assert names(await graphql(INTERLOCUTORS, {"id": client_id, "type": "NOPE"})) == []
    everyone = await graphql(INTERLOCUTORS, {"id": client_id})
    assert everyone.data["node"]["interlocutors"] == [  # type: ignore[index]
        {
            "contact": {"lastName": "Bart"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "TEC"}],
        },
        {
            "contact": {"lastName": "Érard"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "DEC"}, {"code": "TEC"}],
        },
        {
            "contact": {"lastName": "Morel"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "OLD"}],
        },
        {
            "contact": {"lastName": "Zola"},
            "organization": {"code": "ACME"},
            "interlocutorTypes": [{"code": "DEC"}],
        },
    ]


async def test_the_portal_meets_no_hidden_interlocutor_and_no_one_meets_a_disappeared_one(
    db: Database, graphql: GraphQL, world: dict[str, Any]
) -> None:
    # Rule 6: a disappeared contact is no longer anyone's interlocutor, staff's included.
    acme = world["acme"]
    for name, hidden, status in (
        ("Visible", False, ContactStatus.ACTIVE),
        ("Caché", True, ContactStatus.ACTIVE),
        ("Parti", False, ContactStatus.DISAPPEARED),
    ):
        person = await factories.contact(db, name, at=acme, hidden_from_crm=hidden, status=status)
        await factories.give_types(db, await factories.primary_link(db, person), "DEC")
    variables = {"id": gid("Client", acme.id), "type": "DEC"}

    portal = await graphql(INTERLOCUTORS, variables, role=Role.PORTAL)
    staff = await graphql(INTERLOCUTORS, variables)

    assert [link["contact"]["lastName"] for link in portal.data["node"]["interlocutors"]] == ["Visible"]  # type: ignore[index]
    assert [link["contact"]["lastName"] for link in staff.data["node"]["interlocutors"]] == [  # type: ignore[index]
        "Caché",
        "Visible",
    ]


@pytest.mark.parametrize("mutation", ["link", "update", "unlink"])
async def test_an_organisation_id_claiming_another_kind_is_not_found(
    db: Database, graphql: GraphQL, mutation: str
) -> None:
    acme = await factories.client(db)
    supplier = await factories.supplier(db)
    marie = await factories.contact(db, "Dupont", at=acme)
    await factories.link(db, marie, supplier)
    disguised = gid("Client", supplier.id)  # the supplier's key, dressed as a client's id
    contact_id = gid("Contact", marie.id)
    cases = {
        "link": (
            LINK,
            {"contactId": contact_id, "link": {"organizationId": disguised}},
            ["input", "link", "organizationId"],
        ),
        "update": (
            UPDATE_LINK,
            {"contactId": contact_id, "organizationId": disguised, "function": "x"},
            ["input", "organizationId"],
        ),
        "unlink": (
            UNLINK,
            {"contactId": contact_id, "organizationId": disguised},
            ["input", "organizationId"],
        ),
    }
    document, fields, path = cases[mutation]
    before = await factories.database_state(db)

    result = await graphql(document, {"input": fields})

    payload = next(iter(result.data.values()))  # type: ignore[union-attr]
    assert payload == {
        "contact": None,
        "userErrors": [{"field": path, "code": "NOT_FOUND", "contactId": None}],
    }
    assert await factories.database_state(db) == before
