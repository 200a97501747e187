"""quickCreateContact (rule 2): the contact is attached to the affair and linked to its client as
primary, one history entry under the mutation's name, and refusals that name every problem and
write nothing."""

from typing import Any

import pytest

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.lifecycle.lifecycle_world import QUICK, gid, newest_change


async def test_a_quick_contact_is_attached_to_the_affair_and_linked_to_its_client_as_primary(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    await factories.site(db, acme, code="ACME-PAR")
    migration = await factories.affair(db, acme, code="AFF-1", name="Migration ERP")
    variables = {
        "input": {
            "affairId": gid("Affair", migration.id),
            "civility": "MR",
            "lastName": "  Martin ",
            "firstName": "Paul",
            "email": "Paul.Martin@ACME.fr",
            "phone": "01 23 45 67 89",
        }
    }

    result = await graphql(QUICK, variables)

    assert result.errors is None
    assert result.data == {
        "quickCreateContact": {
            "contact": {
                "civility": "MR",
                "lastName": "Martin",
                "firstName": "Paul",
                "displayName": "M. Paul MARTIN",
                "email": "Paul.Martin@acme.fr",
                "phone": "+33123456789",
                "mobile": None,
                "notes": None,
                "hiddenFromCrm": False,
                "lastFollowUpOn": None,
                "status": "ACTIVE",
                "version": 1,
                "createdAt": "2026-11-28T09:00:00+00:00",
                "updatedAt": "2026-11-28T09:00:00+00:00",
                # The coordinates given are the person's own: the link holds none of them.
                "links": [
                    {
                        "organization": {"code": "ACME"},
                        "isPrimary": True,
                        "function": None,
                        "email": None,
                        "phone": None,
                        "sites": [],
                    }
                ],
                "affairs": [{"code": "AFF-1"}],
            },
            "userErrors": [],
        }
    }


async def test_quick_creation_writes_one_history_entry_under_its_own_name(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    migration = await factories.affair(db, acme, code="AFF-1")
    variables = {
        "input": {"affairId": gid("Affair", migration.id), "lastName": "Martin", "email": "p@acme.fr"}
    }
    created = await graphql(QUICK.replace("civility lastName", "id civility lastName", 1), variables)
    contact_id = created.data["quickCreateContact"]["contact"]["id"]  # type: ignore[index]

    entry = await newest_change(graphql, contact_id)

    acme_code = {"code": "ACME"}
    assert entry == {
        "count": 1,
        "actor": "staff",
        "operation": "quickCreateContact",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "lastName", "organization": None, "before": None, "after": "Martin"},
            {"field": "email", "organization": None, "before": None, "after": "p@acme.fr"},
            {"field": "hiddenFromCrm", "organization": None, "before": None, "after": "false"},
            {"field": "status", "organization": None, "before": None, "after": "ACTIVE"},
            {
                "field": "affairIds",
                "organization": None,
                "before": None,
                "after": gid("Affair", migration.id),
            },
            {"field": "isPrimary", "organization": acme_code, "before": None, "after": "true"},
            {"field": "receivesInvoices", "organization": acme_code, "before": None, "after": "false"},
            {
                "field": "receivesInvoicesAllSites",
                "organization": acme_code,
                "before": None,
                "after": "false",
            },
            {"field": "receivesReminders", "organization": acme_code, "before": None, "after": "false"},
            {
                "field": "receivesRemindersAllSites",
                "organization": acme_code,
                "before": None,
                "after": "false",
            },
        ],
    }


QUICK_REFUSALS = [
    ({"affairId": gid("Affair", 999)}, [(["input", "affairId"], "NOT_FOUND")]),
    ({"affairId": "nope"}, [(["input", "affairId"], "NOT_FOUND")]),
    ({"affairId": "CLIENT"}, [(["input", "affairId"], "NOT_FOUND")]),
    ({"lastName": "  "}, [(["input", "lastName"], "INVALID")]),
    ({"lastName": "x" * 101}, [(["input", "lastName"], "INVALID")]),
    ({"firstName": "y" * 101}, [(["input", "firstName"], "INVALID")]),
    ({"email": "marie@"}, [(["input", "email"], "INVALID")]),
    ({"phone": "12"}, [(["input", "phone"], "INVALID")]),
    (
        {"affairId": gid("Affair", 999), "email": "nope", "phone": "1"},
        [
            (["input", "email"], "INVALID"),
            (["input", "phone"], "INVALID"),
            (["input", "affairId"], "NOT_FOUND"),
        ],
    ),
]


@pytest.mark.parametrize(("given", "expected"), QUICK_REFUSALS)
async def test_a_refused_quick_creation_names_every_problem_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any, given: dict[str, Any], expected: list[tuple[list[str], str]]
) -> None:
    migration = await factories.affair(db, acme)
    fields = {"affairId": gid("Affair", migration.id), "lastName": "Martin", **given}
    if fields["affairId"] == "CLIENT":
        fields["affairId"] = gid("Client", acme.id)
    before = await factories.database_state(db)

    result = await graphql(QUICK, {"input": fields})

    payload = result.data["quickCreateContact"]  # type: ignore[index]
    assert payload["contact"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == expected
    assert await factories.database_state(db) == before
