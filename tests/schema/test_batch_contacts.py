"""Batches answer with the contacts they changed (rule 13): as they now are, in reading order,
at most the first 100; and updateContact corrects or clears a follow-up date (rule 4)."""

from db.engine import Database
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import GraphQL

TARGET = """
mutation ($input: TargetContactsInput!) {
  addContactsToTarget(input: $input) {
    affectedCount contacts { id lastName version targets { name } } userErrors { field code }
  }
}
"""
NORMALIZE = """
mutation ($input: NormalizeContactsInput!) {
  normalizeContacts(input: $input) { applied changedCount contacts { lastName version } userErrors { code } }
}
"""


async def test_a_batch_returns_the_contacts_it_changed_in_reading_order(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    salon = await factories.target(db, name="Salon")
    zola = await factories.contact(db, "Zola", at=acme)
    abel = await factories.contact(db, "Abel", at=acme)
    member = await factories.contact(db, "Martin", at=acme)
    await factories.member(db, member, of_target=salon)
    chosen = [to_global_id("Contact", person.id) for person in (zola, member, abel)]

    result = await graphql(
        TARGET, {"input": {"selection": {"ids": chosen}, "targetId": to_global_id("Target", salon.id)}}
    )

    # Martin was in the target already: unchanged, so neither counted nor returned.
    assert result.data == {
        "addContactsToTarget": {
            "affectedCount": 2,
            "contacts": [
                {
                    "id": to_global_id("Contact", abel.id),
                    "lastName": "Abel",
                    "version": 2,
                    "targets": [{"name": "Salon"}],
                },
                {
                    "id": to_global_id("Contact", zola.id),
                    "lastName": "Zola",
                    "version": 2,
                    "targets": [{"name": "Salon"}],
                },
            ],
            "userErrors": [],
        }
    }


async def test_a_batch_returns_at_most_the_first_hundred_and_counts_them_all(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    salon = await factories.target(db, name="Salon")
    for index in range(105):
        await factories.contact(db, f"Nom{index:03d}", at=acme)

    result = await graphql(
        TARGET, {"input": {"selection": {"filter": {}}, "targetId": to_global_id("Target", salon.id)}}
    )

    assert result.data is not None
    payload = result.data["addContactsToTarget"]
    assert payload["affectedCount"] == 105
    assert [contact["lastName"] for contact in payload["contacts"]] == [
        f"Nom{index:03d}" for index in range(100)
    ]


async def test_a_refused_batch_returns_no_contact(db: Database, graphql: GraphQL) -> None:
    acme = await factories.client(db)
    person = await factories.contact(db, "Dupont", at=acme)
    selection = {"ids": [to_global_id("Contact", person.id)]}

    result = await graphql(
        TARGET, {"input": {"selection": selection, "targetId": to_global_id("Target", 99)}}
    )

    assert result.data == {
        "addContactsToTarget": {
            "affectedCount": 0,
            "contacts": [],
            "userErrors": [{"field": ["input", "targetId"], "code": "NOT_FOUND"}],
        }
    }


async def test_a_normalisation_returns_the_renamed_contacts_where_they_now_read(
    db: Database, graphql: GraphQL
) -> None:
    acme = await factories.client(db)
    people = [await factories.contact(db, name, at=acme) for name in ("zoé", "Abel", "bernard")]
    selection = {"ids": [to_global_id("Contact", person.id) for person in people]}
    rules = {"selection": selection, "lastName": {"value": "Même"}, "firstName": None}

    dry = await graphql(NORMALIZE, {"input": {**rules, "dryRun": True}})
    applied = await graphql(NORMALIZE, {"input": rules})

    assert dry.data == {
        "normalizeContacts": {"applied": False, "changedCount": 3, "contacts": [], "userErrors": []}
    }
    # All three now read "Même": in reading order, by id after equal names.
    assert applied.data == {
        "normalizeContacts": {
            "applied": True,
            "changedCount": 3,
            "contacts": [{"lastName": "Même", "version": 2}] * 3,
            "userErrors": [],
        }
    }


UPDATE = """
mutation ($input: UpdateContactInput!) {
  updateContact(input: $input) { contact { version lastFollowUpOn } userErrors { field code message } }
}
"""
HISTORY = """
query ($id: ID!) { contact(id: $id) { history { nodes { operation changes { field before after } } } } }
"""


async def test_a_follow_up_date_is_corrected_then_cleared_and_history_says_so(
    db: Database, graphql: GraphQL
) -> None:
    from datetime import date

    person = await factories.contact(
        db, "Dupont", at=await factories.client(db), last_follow_up_on=date(2026, 11, 2)
    )
    contact_id = to_global_id("Contact", person.id)

    corrected = await graphql(UPDATE, {"input": {"id": contact_id, "lastFollowUpOn": "2026-10-02"}})
    cleared = await graphql(UPDATE, {"input": {"id": contact_id, "lastFollowUpOn": None}})
    history = await graphql(HISTORY, {"id": contact_id})

    assert corrected.data == {
        "updateContact": {"contact": {"version": 2, "lastFollowUpOn": "2026-10-02"}, "userErrors": []}
    }
    assert cleared.data == {
        "updateContact": {"contact": {"version": 3, "lastFollowUpOn": None}, "userErrors": []}
    }
    assert history.data == {
        "contact": {
            "history": {
                "nodes": [
                    {
                        "operation": "updateContact",
                        "changes": [{"field": "lastFollowUpOn", "before": "2026-10-02", "after": None}],
                    },
                    {
                        "operation": "updateContact",
                        "changes": [
                            {"field": "lastFollowUpOn", "before": "2026-11-02", "after": "2026-10-02"}
                        ],
                    },
                ]
            }
        }
    }


async def test_a_follow_up_date_in_the_future_is_invalid_and_writes_nothing(
    db: Database, graphql: GraphQL
) -> None:
    person = await factories.contact(db, "Dupont", at=await factories.client(db))
    before = await factories.database_state(db)

    # Today is 28 November 2026 in Paris (tests/conftest.py): the 29th is tomorrow.
    result = await graphql(
        UPDATE, {"input": {"id": to_global_id("Contact", person.id), "lastFollowUpOn": "2026-11-29"}}
    )

    assert result.data == {
        "updateContact": {
            "contact": None,
            "userErrors": [
                {
                    "field": ["input", "lastFollowUpOn"],
                    "code": "INVALID",
                    "message": "A follow-up cannot be in the future.",
                }
            ],
        }
    }
    assert await factories.database_state(db) == before
