"""quickCreateContact, markContactFollowedUp, declareContactDisappeared, reinstateContact
(rules 2, 4 and 9): versions, history under each mutation's name, refusals that write nothing."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import (
    Contact,
    ContactChange,
    ContactStatus,
    ExternalCollaborator,
    ExtranetUser,
    ParticipationStatus,
)
from resolvers.access import Role
from resolvers.global_ids import to_global_id
from tests import factories
from tests.conftest import NOW, GraphQL

CARD = """
  id version status disappearedOn disappearanceReason lastFollowUpOn
  extranetUser { active } externalCollaborator { active }
"""
QUICK = """
mutation ($input: QuickCreateContactInput!) {
  quickCreateContact(input: $input) {
    contact {
      civility lastName firstName displayName email phone mobile notes hiddenFromCrm lastFollowUpOn
      status version createdAt updatedAt
      links { organization { code } isPrimary function email phone sites { code } }
      affairs { code }
    }
    userErrors { field code contactId }
  }
}
"""
FOLLOW_UP = f"""
mutation ($input: MarkContactFollowedUpInput!) {{
  markContactFollowedUp(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
DISAPPEAR = f"""
mutation ($input: DeclareContactDisappearedInput!) {{
  declareContactDisappeared(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
REINSTATE = f"""
mutation ($input: ReinstateContactInput!) {{
  reinstateContact(input: $input) {{ contact {{ {CARD} }} userErrors {{ field code contactId }} }}
}}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) { ... on Contact { history { totalCount edges { node {
    actor operation at changes { field organization { code } before after } } } } } }
}
"""
STILL_THERE = """
query ($id: ID!) {
  node(id: $id) { ... on Contact {
    links { organization { code } } affairs { code } targets { name } events { status }
    history { totalCount } } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


@pytest.fixture
async def marie(db: Database, acme: Any) -> Any:
    return await factories.contact(db, "Dupont", "Marie", at=acme, last_follow_up_on=date(2026, 10, 1))


async def give_accounts(db: Database, person: Any, organization: Any) -> None:
    """An active extranet user and external collaborator for `person` (made by a later issue)."""
    async with db.begin() as session:
        session.add_all(
            [
                ExtranetUser(
                    contact_id=person.id,
                    organization_id=organization.id,
                    login="marie@acme.fr",
                    login_key="marie@acme.fr",
                    email="marie@acme.fr",
                    created_at=NOW,
                ),
                ExternalCollaborator(
                    contact_id=person.id, organization_id=organization.id, code="EXT-1", created_at=NOW
                ),
            ]
        )


async def newest_change(graphql: GraphQL, contact_id: str) -> dict[str, Any]:
    result = await graphql(HISTORY, {"id": contact_id})
    history = result.data["node"]["history"]  # type: ignore[index]
    return {"count": history["totalCount"], **history["edges"][0]["node"]}


# ---------------------------------------------------------------- quickCreateContact


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


# ---------------------------------------------------------------- markContactFollowedUp


async def test_a_follow_up_is_today_by_default_and_recorded(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    marie_id = gid("Contact", marie.id)

    result = await graphql(FOLLOW_UP, {"input": {"contactId": marie_id, "expectedVersion": 1}})

    contact = result.data["markContactFollowedUp"]["contact"]  # type: ignore[index]
    assert (contact["lastFollowUpOn"], contact["version"]) == ("2026-11-28", 2)
    assert result.data["markContactFollowedUp"]["userErrors"] == []  # type: ignore[index]
    assert await newest_change(graphql, marie_id) == {
        "count": 1,
        "actor": "staff",
        "operation": "markContactFollowedUp",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "lastFollowUpOn", "organization": None, "before": "2026-10-01", "after": "2026-11-28"}
        ],
    }


async def test_a_follow_up_may_be_dated_in_the_past(db: Database, graphql: GraphQL, marie: Any) -> None:
    result = await graphql(FOLLOW_UP, {"input": {"contactId": gid("Contact", marie.id), "on": "2026-11-02"}})

    contact = result.data["markContactFollowedUp"]["contact"]  # type: ignore[index]
    assert (contact["lastFollowUpOn"], contact["version"]) == ("2026-11-02", 2)


async def test_today_is_the_day_in_paris_not_in_utc(db: Database, graphql: GraphQL, marie: Any) -> None:
    late = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # already Sunday 29, 00:30, in Paris
    marie_id = gid("Contact", marie.id)

    by_default = await graphql(FOLLOW_UP, {"input": {"contactId": marie_id}}, now=late)
    explicit = await graphql(FOLLOW_UP, {"input": {"contactId": marie_id, "on": "2026-11-29"}}, now=late)

    assert by_default.data["markContactFollowedUp"]["contact"]["lastFollowUpOn"] == "2026-11-29"  # type: ignore[index]
    assert explicit.data["markContactFollowedUp"]["userErrors"] == []  # type: ignore[index]


async def test_a_follow_up_in_the_future_is_refused_and_writes_nothing(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    before = await factories.database_state(db)

    result = await graphql(FOLLOW_UP, {"input": {"contactId": gid("Contact", marie.id), "on": "2026-11-29"}})

    assert result.data == {
        "markContactFollowedUp": {
            "contact": None,
            "userErrors": [{"field": ["input", "on"], "code": "INVALID", "contactId": None}],
        }
    }
    assert await factories.database_state(db) == before


async def test_following_up_on_the_day_already_recorded_writes_nothing(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    before = await factories.database_state(db)

    result = await graphql(FOLLOW_UP, {"input": {"contactId": gid("Contact", marie.id), "on": "2026-10-01"}})

    assert result.data["markContactFollowedUp"]["contact"]["version"] == 1  # type: ignore[index]
    assert result.data["markContactFollowedUp"]["userErrors"] == []  # type: ignore[index]
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- declareContactDisappeared


async def test_a_disappearance_records_day_and_reason_and_switches_the_accounts_off(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    await give_accounts(db, marie, acme)
    marie_id = gid("Contact", marie.id)
    variables = {
        "input": {
            "contactId": marie_id,
            "expectedVersion": 1,
            "on": "2026-11-20",
            "reason": "  Partie   à la retraite ",
        }
    }

    result = await graphql(DISAPPEAR, variables)

    assert result.data == {
        "declareContactDisappeared": {
            "contact": {
                "id": marie_id,
                "version": 2,
                "status": "DISAPPEARED",
                "disappearedOn": "2026-11-20",
                "disappearanceReason": "Partie à la retraite",
                "lastFollowUpOn": "2026-10-01",
                "extranetUser": {"active": False},
                "externalCollaborator": {"active": False},
            },
            "userErrors": [],
        }
    }
    assert await newest_change(graphql, marie_id) == {
        "count": 1,
        "actor": "staff",
        "operation": "declareContactDisappeared",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "status", "organization": None, "before": "ACTIVE", "after": "DISAPPEARED"},
            {"field": "disappearedOn", "organization": None, "before": None, "after": "2026-11-20"},
            {
                "field": "disappearanceReason",
                "organization": None,
                "before": None,
                "after": "Partie à la retraite",
            },
        ],
    }


async def test_a_disappearance_is_today_by_default_and_needs_no_reason_nor_accounts(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", marie.id)}})

    contact = result.data["declareContactDisappeared"]["contact"]  # type: ignore[index]
    assert (contact["status"], contact["disappearedOn"], contact["disappearanceReason"]) == (
        "DISAPPEARED",
        "2026-11-28",
        None,
    )
    assert (contact["extranetUser"], contact["externalCollaborator"]) == (None, None)


async def test_a_disappearance_deletes_nothing_and_hides_the_contact_from_the_portal(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    bank = await factories.third_party(db)
    await factories.link(db, marie, bank)
    await factories.member(
        db, marie, of_affair=await factories.affair(db, acme), of_target=await factories.target(db)
    )
    await factories.participate(db, marie, await factories.event(db), ParticipationStatus.REGISTERED)
    marie_id = gid("Contact", marie.id)
    portal_before = await graphql(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL
    )

    await graphql(DISAPPEAR, {"input": {"contactId": marie_id}})

    portal_after = await graphql(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL
    )
    staff = await graphql(STILL_THERE, {"id": marie_id})
    assert portal_before.data == {"node": {"id": marie_id}}
    assert portal_after.data == {"node": None}
    assert staff.data == {
        "node": {
            "links": [{"organization": {"code": "ACME"}}, {"organization": {"code": "BANK"}}],
            "affairs": [{"code": "AFF1"}],
            "targets": [{"name": "Salon 2027"}],
            "events": [{"status": "REGISTERED"}],
            "history": {"totalCount": 1},
        }
    }


DISAPPEAR_REFUSALS = [
    ({"on": "2026-11-29"}, [(["input", "on"], "INVALID")]),
    ({"reason": "r" * 201}, [(["input", "reason"], "INVALID")]),
    (
        {"on": "2027-01-01", "reason": "r" * 201},
        [(["input", "on"], "INVALID"), (["input", "reason"], "INVALID")],
    ),
    ({"contactId": gid("Contact", 999)}, [(["input", "contactId"], "NOT_FOUND")]),
    ({"contactId": "nope"}, [(["input", "contactId"], "NOT_FOUND")]),
]


@pytest.mark.parametrize(("given", "expected"), DISAPPEAR_REFUSALS)
async def test_a_refused_disappearance_names_its_fields_and_writes_nothing(
    db: Database,
    graphql: GraphQL,
    acme: Any,
    marie: Any,
    given: dict[str, Any],
    expected: list[tuple[list[str], str]],
) -> None:
    await give_accounts(db, marie, acme)
    before = await factories.database_state(db)

    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", marie.id), **given}})

    payload = result.data["declareContactDisappeared"]  # type: ignore[index]
    assert payload["contact"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == expected
    assert await factories.database_state(db) == before


async def test_declaring_a_disappeared_contact_disappeared_is_not_allowed(
    db: Database, graphql: GraphQL, acme: Any
) -> None:
    gone = await factories.contact(db, "Parti", at=acme, status=ContactStatus.DISAPPEARED)
    before = await factories.database_state(db)

    contact_id = gid("Contact", gone.id)
    result = await graphql(DISAPPEAR, {"input": {"contactId": gid("Contact", gone.id), "reason": "encore"}})

    assert result.data == {
        "declareContactDisappeared": {
            "contact": None,
            "userErrors": [{"field": ["input", "contactId"], "code": "NOT_ALLOWED", "contactId": contact_id}],
        }
    }
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- reinstateContact


async def test_reinstating_brings_the_contact_back_and_leaves_its_accounts_off(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    await give_accounts(db, marie, acme)
    marie_id = gid("Contact", marie.id)
    await graphql(DISAPPEAR, {"input": {"contactId": marie_id, "on": "2026-11-20", "reason": "Retraite"}})

    result = await graphql(REINSTATE, {"input": {"contactId": marie_id, "expectedVersion": 2}})

    assert result.data == {
        "reinstateContact": {
            "contact": {
                "id": marie_id,
                "version": 3,
                "status": "ACTIVE",
                "disappearedOn": None,
                "disappearanceReason": None,
                "lastFollowUpOn": "2026-10-01",
                "extranetUser": {"active": False},
                "externalCollaborator": {"active": False},
            },
            "userErrors": [],
        }
    }
    assert await newest_change(graphql, marie_id) == {
        "count": 2,
        "actor": "staff",
        "operation": "reinstateContact",
        "at": "2026-11-28T09:00:00+00:00",
        "changes": [
            {"field": "status", "organization": None, "before": "DISAPPEARED", "after": "ACTIVE"},
            {"field": "disappearedOn", "organization": None, "before": "2026-11-20", "after": None},
            {"field": "disappearanceReason", "organization": None, "before": "Retraite", "after": None},
        ],
    }
    portal = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": marie_id}, role=Role.PORTAL)
    assert portal.data == {"node": {"id": marie_id}}


async def test_reinstating_an_active_contact_is_not_allowed(
    db: Database, graphql: GraphQL, marie: Any
) -> None:
    before = await factories.database_state(db)

    contact_id = gid("Contact", marie.id)
    result = await graphql(REINSTATE, {"input": {"contactId": gid("Contact", marie.id)}})

    assert result.data == {
        "reinstateContact": {
            "contact": None,
            "userErrors": [{"field": ["input", "contactId"], "code": "NOT_ALLOWED", "contactId": contact_id}],
        }
    }
    assert await factories.database_state(db) == before


# ---------------------------------------------------------------- every lifecycle mutation

MUTATIONS = {
    "markContactFollowedUp": (FOLLOW_UP, {"on": "2026-11-27"}),
    "declareContactDisappeared": (DISAPPEAR, {"reason": "Départ"}),
    "reinstateContact": (REINSTATE, {}),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
async def test_a_stale_version_is_a_conflict_with_the_current_card_and_writes_nothing(
    db: Database, graphql: GraphQL, acme: Any, mutation: str
) -> None:
    status = ContactStatus.DISAPPEARED if mutation == "reinstateContact" else ContactStatus.ACTIVE
    person = await factories.contact(db, "Dupont", at=acme, status=status)
    async with db.begin() as session:  # someone else saved the card meanwhile
        row = await session.get(Contact, person.id)
        assert row is not None
        row.version = 2
    document, fields = MUTATIONS[mutation]
    before = await factories.database_state(db)

    result = await graphql(
        document, {"input": {"contactId": gid("Contact", person.id), "expectedVersion": 1, **fields}}
    )

    payload = result.data[mutation]  # type: ignore[index]
    assert (payload["contact"]["version"], payload["contact"]["status"]) == (2, status.value)
    assert payload["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT", "contactId": gid("Contact", person.id)}
    ]
    assert await factories.database_state(db) == before


@pytest.mark.parametrize("mutation", [*MUTATIONS, "quickCreateContact"])
async def test_the_portal_may_not_use_a_lifecycle_mutation(
    db: Database, graphql: GraphQL, acme: Any, marie: Any, mutation: str
) -> None:
    if mutation == "quickCreateContact":
        migration = await factories.affair(db, acme)
        document, variables = QUICK, {"affairId": gid("Affair", migration.id), "lastName": "X"}
    else:
        document, fields = MUTATIONS[mutation]
        variables = {"contactId": gid("Contact", marie.id), **fields}
    before = await factories.database_state(db)

    result = await graphql(document, {"input": variables}, role=Role.PORTAL)

    assert result.data is None
    assert [(error.message, error.extensions) for error in result.errors or []] == [
        ("Your role may not use this field.", {"code": "FORBIDDEN"})
    ]
    assert await factories.database_state(db) == before


async def test_each_mutation_records_history_under_its_own_name(
    db: Database, graphql: GraphQL, acme: Any, marie: Any
) -> None:
    marie_id = gid("Contact", marie.id)
    for document, fields in MUTATIONS.values():
        result = await graphql(document, {"input": {"contactId": marie_id, **fields}})
        assert result.errors is None

    async with db.read() as session:
        operations = list(await session.scalars(select(ContactChange.operation).order_by(ContactChange.id)))
        version = await session.scalar(select(Contact.version).where(Contact.id == marie.id))
    assert operations == ["markContactFollowedUp", "declareContactDisappeared", "reinstateContact"]
    assert version == 4
