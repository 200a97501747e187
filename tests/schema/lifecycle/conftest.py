"""Fixtures of the lifecycle tests: the client Acme and Marie Dupont, its contact, last followed up
on 2026-10-01."""

from datetime import date
from typing import Any

import pytest

from db.engine import Database
from tests import factories


@pytest.fixture
async def acme(db: Database) -> Any:
    return await factories.client(db, code="ACME", name="Acme Industrie")


@pytest.fixture
async def marie(db: Database, acme: Any) -> Any:
    return await factories.contact(db, "Dupont", "Marie", at=acme, last_follow_up_on=date(2026, 10, 1))
