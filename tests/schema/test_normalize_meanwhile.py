"""normalizeContacts (rule 14) works its changes out before its write transaction: whatever other
writers do meanwhile (rule 16) is neither lost nor written over with a stale value. Each test
works a normalisation out, lets another writer act, then writes it, as the mutation does."""

from typing import Any

import pytest

from db.engine import Database
from resolvers.access import Actor
from resolvers.contact_lists import ContactFilter
from resolvers.errors import DomainError
from resolvers.normalization import Normalization, TextRule, work_out
from resolvers.normalization_plan import NormalizationResult
from resolvers.normalization_writes import apply
from resolvers.selection import ContactSelection
from resolvers.text_styles import TextStyle
from tests import factories
from tests.conftest import NOW, GraphQL, viewer
from tests.schema.normalize_world import careless_people, gid

TITLE = TextRule(style=TextStyle.TITLE)
NAMES = Normalization(last_name=TITLE, first_name=TITLE)
EDIT = """mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version } userErrors { code } } }"""
CARD = """query ($id: ID!) { node(id: $id) { ... on Contact {
  lastName firstName version history { edges { node { operation changes { field before after } } } } } } }"""


@pytest.fixture
async def people(db: Database) -> dict[str, Any]:
    return await careless_people(db)


async def normalize_with(
    db: Database, selection: ContactSelection, rules: Normalization, meanwhile: Any
) -> NormalizationResult:
    """Work the normalisation out, await `meanwhile`, then write it in one transaction."""
    async with db.read() as session:
        plan = await work_out(session, viewer(), selection, rules, max_selection=1_000, to_write=True)
    await meanwhile
    actor = Actor(subject="staff", operation="normalizeContacts", now=NOW, today=NOW.date())
    async with db.begin() as session:
        return await apply(session, plan, actor)


async def edit(graphql: GraphQL, person: Any, **fields: Any) -> None:
    result = await graphql(EDIT, {"input": {"id": gid("Contact", person.id), **fields}})
    assert result.data["updateContact"]["userErrors"] == [], result.data  # type: ignore[index]


async def test_a_contact_edited_meanwhile_is_normalised_as_it_now_is_and_its_edit_kept(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    goff = people["goff"]
    meanwhile = edit(graphql, goff, expectedVersion=1, firstName="pierre-ANDRÉ", notes="vu")

    result = await normalize_with(db, ContactSelection(ids=[goff.id]), NAMES, meanwhile)

    assert [change.__dict__ for change in result.changes] == [
        {
            "contact_id": goff.id,
            "organization_id": None,
            "field": "lastName",
            "before": "LE GOFF",
            "after": "Le Goff",
        },
        {
            "contact_id": goff.id,
            "organization_id": None,
            "field": "firstName",
            "before": "pierre-ANDRÉ",
            "after": "Pierre-André",
        },
    ]
    card = await graphql(CARD, {"id": gid("Contact", goff.id)})
    node = card.data["node"]  # type: ignore[index]
    assert (node["lastName"], node["firstName"], node["version"]) == ("Le Goff", "Pierre-André", 3)
    assert [edge["node"]["operation"] for edge in node["history"]["edges"]] == [
        "normalizeContacts",
        "updateContact",
    ]
    assert node["history"]["edges"][0]["node"]["changes"][1] == {
        "field": "firstName",
        "before": "pierre-ANDRÉ",
        "after": "Pierre-André",
    }


async def test_a_contact_the_plan_left_alone_but_edited_meanwhile_is_normalised_too(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    zola = people["zola"]  # already uniform when the plan reads it

    result = await normalize_with(
        db, ContactSelection(ids=[zola.id]), NAMES, edit(graphql, zola, lastName="ZOLA")
    )

    assert result.changed_count == 1
    assert result.contacts.count == 1
    card = await graphql(CARD, {"id": gid("Contact", zola.id)})
    assert (card.data["node"]["lastName"], card.data["node"]["version"]) == ("Zola", 3)  # type: ignore[index]


async def test_an_organisation_renamed_meanwhile_is_in_the_new_search_words(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    goff = people["goff"]  # linked to SUP, whose new name changes his search words, not his version
    rename = graphql(
        """mutation ($input: UpdateOrganizationInput!) { updateSupplier(input: $input) { userErrors { code } } }""",
        {"input": {"id": gid("Supplier", people["supplier"].id), "name": "Monde"}},
    )
    rules = Normalization(last_name=TextRule(value="Nouveau"))

    await normalize_with(db, ContactSelection(ids=[goff.id]), rules, rename)

    found = await graphql('{ contacts(filter: {search: "nouveau monde"}) { edges { node { lastName } } } }')
    assert found.data == {"contacts": {"edges": [{"node": {"lastName": "Nouveau"}}]}}


async def test_contacts_that_join_or_leave_a_filter_meanwhile_are_normalised_or_left(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    acme, goff = people["acme"], people["goff"]

    async def meanwhile() -> None:
        await factories.contact(db, "MARTIN", "paul", at=acme)  # joins the selection
        unlink = """mutation ($input: UnlinkContactInput!) { unlinkContact(input: $input) { userErrors { code } } }"""
        given = {"contactId": gid("Contact", goff.id), "organizationId": gid("Client", acme.id)}
        assert (await graphql(unlink, {"input": given})).data == {"unlinkContact": {"userErrors": []}}

    selection = ContactSelection(filter=ContactFilter(organization_id=acme.id))
    result = await normalize_with(db, selection, NAMES, meanwhile())

    assert [(change.field, change.after) for change in result.changes] == [
        ("lastName", "de La Fontaine"),
        ("firstName", "Marie"),
        ("lastName", "Martin"),
        ("firstName", "Paul"),
    ]
    card = await graphql(CARD, {"id": gid("Contact", goff.id)})
    assert card.data["node"]["lastName"] == "LE GOFF"  # type: ignore[index]


async def test_a_contact_gone_from_the_ids_meanwhile_refuses_the_whole_batch(
    db: Database, graphql: GraphQL, people: dict[str, Any]
) -> None:
    goff, dupont = people["goff"], people["dupont"]
    merge = graphql(
        """mutation ($input: MergeContactsInput!) { mergeContacts(input: $input) { userErrors { code } } }""",
        {"input": {"keepId": gid("Contact", people["zola"].id), "mergeIds": [gid("Contact", dupont.id)]}},
    )

    with pytest.raises(DomainError) as refused:
        await normalize_with(db, ContactSelection(ids=[goff.id, dupont.id]), NAMES, merge)

    assert [(problem.code.value, problem.path) for problem in refused.value.problems] == [
        ("NOT_FOUND", ("input", "selection", "ids", "1"))
    ]
    card = await graphql(CARD, {"id": gid("Contact", goff.id)})
    assert (card.data["node"]["lastName"], card.data["node"]["version"]) == ("LE GOFF", 1)  # type: ignore[index]
