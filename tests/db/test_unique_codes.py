"""Codes are unique within their kind regardless of case (rule 20), in the database itself: a
racing writer that passed the use case's check is stopped by a unique index, which is told from
other failures by its name, on both engines."""

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from db.constraints import broken_unique
from db.engine import Database
from db.models import Affair, InterlocutorType, Organization, OrganizationKind, Site
from tests import factories


def _organization(code: str) -> Organization:
    return Organization(kind=OrganizationKind.SUPPLIER, code=code, name="x", name_key="x")


@pytest.mark.parametrize(
    ("rows", "index"),
    [
        (lambda acme: [_organization("SUP"), _organization("sup")], "uq_organization_kind_code_key"),
        (
            lambda acme: [
                Site(client_id=acme.id, code="PAR", name="x", name_key="x"),
                Site(client_id=acme.id, code="par", name="x", name_key="x"),
            ],
            "uq_site_code_key",
        ),
        (
            lambda acme: [
                Affair(client_id=acme.id, code="AFF", name="x", name_key="x"),
                Affair(client_id=acme.id, code="Aff", name="x", name_key="x"),
            ],
            "uq_affair_code_key",
        ),
        (
            lambda acme: [
                InterlocutorType(code="DEC", label="x", archived=False),
                InterlocutorType(code="dec", label="x", archived=False),
            ],
            "uq_interlocutor_type_code_key",
        ),
        (lambda acme: [_organization("SUP"), _organization("SUP")], None),  # either index: both hold
    ],
    ids=["organization", "site", "affair", "interlocutor type", "same case"],
)
async def test_two_codes_differing_by_case_break_a_named_unique_index(
    db: Database, rows: Any, index: str | None
) -> None:
    acme = await factories.client(db)
    first, second = rows(acme)
    async with db.begin() as session:
        session.add(first)

    with pytest.raises(IntegrityError) as raised:
        async with db.begin() as session:
            session.add(second)

    broken = broken_unique(raised.value)
    if index is None:
        assert broken in {"uq_organization_kind_code", "uq_organization_kind_code_key"}
    else:
        assert broken == index


async def test_a_failure_that_is_not_a_unique_one_names_no_constraint(db: Database) -> None:
    acme = await factories.client(db)

    with pytest.raises(IntegrityError) as raised:
        async with db.begin() as session:
            session.add(Site(client_id=acme.id, code=None, name="x", name_key="x"))  # NOT NULL

    assert broken_unique(raised.value) is None


async def test_a_racing_duplicate_code_is_answered_at_the_code(db: Database) -> None:
    from resolvers.errors import ErrorCode
    from schema.mutations import duplicate_of

    async with db.begin() as session:
        session.add(_organization("SUP"))
    with pytest.raises(IntegrityError) as raised:
        async with db.begin() as session:
            session.add(_organization("Sup"))

    refusal = duplicate_of(raised.value)

    assert refusal is not None
    assert [(p.code, p.path, p.message) for p in refusal.problems] == [
        (ErrorCode.DUPLICATE, ("input", "code"), "Another writer has just taken that code.")
    ]
