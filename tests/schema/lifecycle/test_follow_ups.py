"""markContactFollowedUp (rule 4): today in Paris by default, past days allowed, future days
refused without writing, and the day already recorded writes nothing."""

from datetime import UTC, datetime
from typing import Any

from db.engine import Database
from tests import factories
from tests.conftest import GraphQL
from tests.schema.lifecycle.lifecycle_world import FOLLOW_UP, gid, newest_change


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
