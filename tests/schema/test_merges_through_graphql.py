"""Rule 21 through GraphQL: merging contacts and undoing it, refused merges as userErrors that
write nothing, and what a merge costs in SQL statements."""

from typing import Any

import pytest
from sqlalchemy import insert

from db.engine import Database
from db.models import Contact, ContactLink, Organization, OrganizationKind
from resolvers.access import Role
from resolvers.global_ids import to_global_id as gid
from resolvers.search import refresh_contact_keys
from resolvers.text import fold
from tests import factories
from tests.conftest import NOW, GraphQL

MERGE = """mutation ($input: MergeContactsInput!) { mergeContacts(input: $input) {
  applied contact { id lastName status version } merge { id undone kept { id } merged { id status mergedInto { id } } }
  changes { field before after } userErrors { field code contactId } } }"""
UNMERGE = """mutation ($input: UnmergeContactsInput!) { unmergeContacts(input: $input) {
  contacts { id status version } userErrors { field code } } }"""


async def test_a_merge_and_its_undo_through_graphql(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    keep = await factories.contact(db, "Dupont", "Marie", at=acme, email="marie@acme.fr")
    other = await factories.contact(db, "Dupond", "Marie", at=acme)

    merged = await graphql(
        MERGE, {"input": {"keepId": gid("Contact", keep.id), "mergeIds": [gid("Contact", other.id)]}}
    )
    assert merged.errors is None
    payload = merged.data["mergeContacts"]  # type: ignore[index]
    assert payload["applied"] is True and payload["userErrors"] == []
    assert payload["contact"] == {
        "id": gid("Contact", keep.id),
        "lastName": "Dupont",
        "status": "ACTIVE",
        "version": 2,
    }
    merge = payload["merge"]
    assert merge["merged"] == [
        {"id": gid("Contact", other.id), "status": "MERGED", "mergedInto": {"id": gid("Contact", keep.id)}}
    ]

    listed = await graphql(
        "{ contacts { totalCount } merged: contacts(filter: {status: MERGED}) { totalCount } }"
    )
    assert listed.data == {"contacts": {"totalCount": 1}, "merged": {"totalCount": 1}}
    portal = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": merge["id"]}, role=Role.PORTAL)
    assert portal.data == {"node": None}

    undone = await graphql(UNMERGE, {"input": {"mergeId": merge["id"]}})
    assert undone.data == {
        "unmergeContacts": {
            "contacts": [
                {"id": gid("Contact", keep.id), "status": "ACTIVE", "version": 3},
                {"id": gid("Contact", other.id), "status": "ACTIVE", "version": 3},
            ],
            "userErrors": [],
        }
    }
    again = await graphql(UNMERGE, {"input": {"mergeId": merge["id"]}})
    assert again.data == {
        "unmergeContacts": {
            "contacts": [],
            "userErrors": [{"field": ["input", "mergeId"], "code": "INVALID"}],
        }
    }


async def test_refused_merges_are_user_errors_and_write_nothing(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    keep = await factories.contact(db, "Dupont", at=acme)
    state = await factories.database_state(db)
    for merge_ids, expected in (
        (
            [gid("Contact", keep.id)],
            {"field": ["input", "mergeIds", "0"], "code": "INVALID", "contactId": gid("Contact", keep.id)},
        ),
        (["forged"], {"field": ["input", "mergeIds", "0"], "code": "NOT_FOUND", "contactId": None}),
        (
            [gid("Client", acme.id)],
            {"field": ["input", "mergeIds", "0"], "code": "NOT_FOUND", "contactId": None},
        ),
    ):
        result = await graphql(MERGE, {"input": {"keepId": gid("Contact", keep.id), "mergeIds": merge_ids}})
        assert result.errors is None
        assert result.data["mergeContacts"]["userErrors"] == [expected]  # type: ignore[index]
        assert result.data["mergeContacts"]["applied"] is False  # type: ignore[index]
    refused = await graphql(
        MERGE, {"input": {"keepId": gid("Contact", keep.id), "mergeIds": []}}, role=Role.PORTAL
    )
    assert refused.errors is not None and refused.errors[0].extensions["code"] == "FORBIDDEN"  # type: ignore[index]
    assert await factories.database_state(db) == state


async def _bulk(db: Database, people: int, links_each: int) -> list[int]:
    """`people` contacts with `links_each` links each, in a few statements: half of the links to
    organisations they all share (folded by a merge), half to their own (moved)."""
    async with db.begin() as session:
        connection = await session.connection()
        orgs = list(
            (
                await connection.execute(
                    insert(Organization.__table__).returning(Organization.__table__.c.id),
                    [
                        {
                            "kind": OrganizationKind.SUPPLIER,
                            "code": f"S{n}",
                            "name": f"Org {n}",
                            "name_key": fold(f"Org {n}"),
                        }
                        for n in range(links_each // 2 * (people + 1))
                    ],
                )
            ).scalars()
        )
        ids = list(
            (
                await connection.execute(
                    insert(Contact.__table__).returning(Contact.__table__.c.id),
                    [
                        {
                            "last_name": "Dupont",
                            "first_name": "Marie",
                            "version": 1,
                            "hidden_from_crm": False,
                            "status": "ACTIVE",
                            "created_at": NOW,
                            "updated_at": NOW,
                        }
                        for _ in range(people)
                    ],
                )
            ).scalars()
        )
        await connection.execute(
            insert(ContactLink.__table__),
            [
                {
                    "contact_id": c,
                    "organization_id": o,
                    "is_primary": n == 0,
                    "created_at": NOW,
                    "email": f"m{c}@org{n}.fr",
                }
                for i, c in enumerate(ids)
                for n, o in enumerate(
                    orgs[: links_each // 2] + orgs[links_each // 2 * (i + 1) : links_each // 2 * (i + 2)]
                )
            ],
        )
        await refresh_contact_keys(session, sorted(ids))
    return sorted(ids)


@pytest.mark.parametrize("links_each", [50])
async def test_merging_ten_contacts_of_fifty_links_is_one_transaction_of_at_most_thirty_statements(
    db: Database, graphql: GraphQL, links_each: int
) -> None:
    ids = await _bulk(db, 10, links_each)
    target, event = await factories.target(db), await factories.event(db)
    for contact_id in ids:
        person = Contact(id=contact_id)
        await factories.member(db, person, of_target=target)
        await factories.participate(db, person, event)
    result = await graphql(
        MERGE, {"input": {"keepId": gid("Contact", ids[0]), "mergeIds": [gid("Contact", i) for i in ids[1:]]}}
    )
    assert result.errors is None
    assert result.data["mergeContacts"]["userErrors"] == []  # type: ignore[index]
    statements: Any = result.extensions["queryStats"]["sqlStatements"]  # type: ignore[index]
    # Five reads; the moved links' update and the folded ones' delete; the merged contacts'
    # targets and events deleted (the kept one has them already: nothing to insert); the
    # history's read; the two contact updates; two history inserts; the merge's insert; SQLite
    # adds its FTS pair. The payload then reads the contacts it names, in one statement.
    # At most (affairs, accounts and history to move too): 23 on SQLite.
    assert statements == (18 if db.is_sqlite else 16)
