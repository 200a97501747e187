"""An internal error's text, which the log of a masked error holds, shows the SQL and never the
values bound to it: they are personal data (DOMAIN, "Errors"; issue 11, 7)."""

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


async def test_a_failed_statement_does_not_show_its_parameters(db: Any) -> None:
    with pytest.raises(DBAPIError) as failure:
        async with db.read() as session:
            await session.execute(
                text("SELECT no_such_column FROM contact WHERE email = :e"), {"e": "marie@secret.fr"}
            )
    assert "marie@secret.fr" not in str(failure.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(failure.value)
