"""Batches are set-based: a 1,000-contact batch runs the statements of a 10-contact one plus
those of one more 500-contact chunk, never a statement per contact (counted by queryStats).

Each count is spelled out: a change that adds a statement per chunk, or one per contact, shows
here first.
"""

from typing import Any

import pytest

from db.engine import Database
from db.models import ContactLink, Organization
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from schema.schema import schema
from tests import factories
from tests.conftest import context

# SQLite keeps its search index in an FTS5 table that `refresh_contact_keys` (and a normalisation
# to new words) writes: a delete and an insert per chunk; PostgreSQL's index follows the column.
FTS = {"sqlite": 2, "postgresql": 0}


async def statements(db: Database, document: str, variables: dict[str, Any], role: Role = Role.STAFF) -> int:
    result = await schema.execute(document, variable_values=variables, context_value=context(db, role))
    assert result.errors is None, result.errors
    assert not any(result.data[name].get("userErrors") for name in result.data), result.data  # type: ignore[union-attr]
    return result.extensions["queryStats"]["sqlStatements"]  # type: ignore[index, no-any-return]


def selection(contact_ids: list[int]) -> dict[str, Any]:
    return {"ids": [to_global_id("Contact", contact_id) for contact_id in contact_ids]}


@pytest.fixture
def dialect(db: Database) -> str:
    return db.engine.dialect.name


@pytest.fixture
async def acme(db: Database) -> Organization:
    return await factories.client(db, code="ACME", name="Acme")


@pytest.fixture
async def supplier(db: Database) -> Organization:
    return await factories.supplier(db)


ASSOCIATE = """mutation ($input: AssociateContactsInput!) { associateContacts(input: $input) { affectedCount userErrors { code } } }"""


async def test_associate_runs_a_fixed_number_of_statements_per_chunk(
    db: Database, acme: Organization, supplier: Organization, dialect: str
) -> None:
    site = await factories.site(db, acme)
    small = await factories.bulk_contacts(db, 10, supplier, last_name="petit")
    large = await factories.bulk_contacts(db, 1_000, supplier, last_name="grand")

    def variables(contact_ids: list[int]) -> dict[str, Any]:
        sites = [to_global_id("Site", site.id)]
        return {
            "input": {
                "selection": selection(contact_ids),
                "clientId": to_global_id("Client", acme.id),
                "siteIds": sites,
            }
        }

    # Per chunk: lock the selection, read its links, insert links, insert their sites, bump
    # versions, insert history entries, insert their fields, then refresh keys (2 reads, 1 write,
    # FTS). Once: check the client, check the sites.
    per_chunk = 10 + FTS[dialect]
    assert await statements(db, ASSOCIATE, variables(small)) == 2 + per_chunk
    assert await statements(db, ASSOCIATE, variables(large)) == 2 + 2 * per_chunk
    # Again: nothing to write, only the reads.
    assert await statements(db, ASSOCIATE, variables(large)) == 2 + 2 * 2


async def test_dissociate_runs_a_fixed_number_of_statements_per_chunk(
    db: Database, acme: Organization
) -> None:
    site = await factories.site(db, acme)
    small = await factories.bulk_contacts(db, 10, acme, last_name="petit")
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    variables = {"clientId": to_global_id("Client", acme.id), "siteIds": [to_global_id("Site", site.id)]}
    for contact_ids in (small, large):
        await statements(db, ASSOCIATE, {"input": {"selection": selection(contact_ids), **variables}})
    dissociate = ASSOCIATE.replace("associateContacts", "dissociateContacts")

    # Per chunk: lock, read the links, delete their sites, bump, entries, fields.
    assert await statements(db, dissociate, {"input": {"selection": selection(small), **variables}}) == 2 + 6
    assert (
        await statements(db, dissociate, {"input": {"selection": selection(large), **variables}}) == 2 + 2 * 6
    )


MEMBERSHIPS = [
    ("attachContactsToAffair", "AffairContactsInput", "affairId", "Affair"),
    ("addContactsToTarget", "TargetContactsInput", "targetId", "Target"),
    ("associateContactsToEvent", "EventContactsInput", "eventId", "Event"),
]


@pytest.mark.parametrize(("name", "input_type", "field", "type_name"), MEMBERSHIPS)
async def test_memberships_run_a_fixed_number_of_statements_per_chunk(
    db: Database, acme: Organization, name: str, input_type: str, field: str, type_name: str
) -> None:
    groups = {
        "Affair": lambda: factories.affair(db, acme),
        "Target": lambda: factories.target(db),
        "Event": lambda: factories.event(db),
    }
    group = await groups[type_name]()
    small = await factories.bulk_contacts(db, 10, acme, last_name="petit")
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    add = f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ affectedCount userErrors {{ code }} }} }}"
    remove_name = {"Affair": "detachContactsFromAffair", "Target": "removeContactsFromTarget"}.get(
        type_name, "removeContactsFromEvent"
    )
    remove_type = "RemoveEventContactsInput" if type_name == "Event" else input_type
    remove = f"mutation ($input: {remove_type}!) {{ {remove_name}(input: $input) {{ affectedCount userErrors {{ code }} }} }}"

    def variables(contact_ids: list[int]) -> dict[str, Any]:
        return {"input": {"selection": selection(contact_ids), field: to_global_id(type_name, group.id)}}

    # Once: check the group. Per chunk: lock, read the sets, write the members, bump, entries, fields.
    assert await statements(db, add, variables(small)) == 1 + 6
    assert await statements(db, add, variables(large)) == 1 + 2 * 6
    assert await statements(db, remove, variables(small)) == 1 + 6
    assert await statements(db, remove, variables(large)) == 1 + 2 * 6


async def test_an_event_status_change_is_one_more_statement_per_chunk(
    db: Database, acme: Organization
) -> None:
    event = await factories.event(db)
    small = await factories.bulk_contacts(db, 10, acme, last_name="petit")
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    add = """mutation ($input: EventContactsInput!) { associateContactsToEvent(input: $input) { affectedCount userErrors { code } } }"""
    for contact_ids in (small, large):
        given = {"selection": selection(contact_ids[::2]), "eventId": to_global_id("Event", event.id)}
        await statements(db, add, {"input": given})

    def attended(contact_ids: list[int]) -> dict[str, Any]:
        return {
            "input": {
                "selection": selection(contact_ids),
                "eventId": to_global_id("Event", event.id),
                "status": "ATTENDED",
            }
        }

    # Per chunk: lock, read, insert the newcomers, update the others' status, bump, entries, fields.
    assert await statements(db, add, attended(small)) == 1 + 7
    assert await statements(db, add, attended(large)) == 1 + 2 * 7


NORMALIZE = """
mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) { changedCount applied userErrors { code } }
}
"""


async def test_normalize_runs_a_fixed_number_of_statements_per_chunk(
    db: Database, acme: Organization, dialect: str
) -> None:
    small = await factories.bulk_contacts(db, 10, acme, last_name="petit", function="directeur")
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand", function="directeur")

    def variables(contact_ids: list[int], dry_run: bool) -> dict[str, Any]:
        rules = {
            "lastName": {"style": "UPPER"},
            "firstName": {"style": "TITLE"},
            "function": {"style": "SENTENCE"},
        }
        return {"input": {"selection": selection(contact_ids), **rules, "dryRun": dry_run}}

    # Per chunk: select, read names, read functions: all a dry run does. Applied, these reads run
    # before the write transaction, which then selects again per chunk (with each contact's
    # version, locking) and writes once for the whole batch: the contacts, the functions, the
    # history entries, their fields. A change of case changes no sort
    # key nor search word: no keys, no FTS.
    assert await statements(db, NORMALIZE, variables(small, True)) == 3
    assert await statements(db, NORMALIZE, variables(large, True)) == 2 * 3
    assert await statements(db, NORMALIZE, variables(small, False)) == 3 + 1 + 4
    assert await statements(db, NORMALIZE, variables(large, False)) == 2 * (3 + 1) + 4


async def test_normalize_to_new_words_also_writes_the_search_index_per_chunk(
    db: Database, acme: Organization, dialect: str
) -> None:
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    given = {"selection": selection(large), "lastName": {"value": "Durand"}}

    # Per chunk: select, read names, read the links (the new words' tokens), select again;
    # then once: the contacts (names, keys, tokens), entries, fields; per chunk: the FTS rows.
    assert await statements(db, NORMALIZE, {"input": given}) == 2 * (3 + 1) + 3 + 2 * FTS[dialect]


async def test_normalize_by_filter_locks_the_selection_in_one_statement(
    db: Database, acme: Organization
) -> None:
    await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    given = {
        "selection": {"filter": {"organizationId": to_global_id("Client", acme.id)}},
        "lastName": {"style": "TITLE"},
    }

    # The filter's ids at once, then per chunk: read names (no functions asked).
    assert await statements(db, NORMALIZE, {"input": {**given, "dryRun": True}}) == 1 + 2 * 1


ACCOUNTS = [
    ("createExtranetUsers", "created { login }", 4),
    ("createExternalCollaborators", "created { code }", 3),
]


@pytest.mark.parametrize(("name", "fields", "per_chunk"), ACCOUNTS)
async def test_accounts_run_a_fixed_number_of_statements_per_chunk(
    db: Database, acme: Organization, name: str, fields: str, per_chunk: int
) -> None:
    small = await factories.bulk_contacts(db, 10, acme, last_name="petit", email=None)
    large = await factories.bulk_contacts(db, 1_000, acme, last_name="grand")
    async with db.begin() as session:
        from sqlalchemy import update

        await session.execute(
            update(ContactLink).values(
                email=ContactLink.contact_id.cast(ContactLink.email.type) + "@acme.example"
            )
        )
    document = (
        f"mutation ($input: SelectionInput!) {{ {name}(input: $input) {{ {fields} userErrors {{ code }} }} }}"
    )

    # Per chunk: lock, read the people (and for users the logins taken), insert the accounts.
    assert await statements(db, document, {"input": {"selection": selection(small)}}) == per_chunk
    assert await statements(db, document, {"input": {"selection": selection(large)}}) == 2 * per_chunk
