"""The reference data use cases, on a real database: what they write, and what they refuse."""

from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy import select

from db.engine import Database
from db.models import ClientStatus, Contact, InterlocutorType, Organization, OrganizationKind
from resolvers import organization_mutations, organizations, reference, reference_mutations
from resolvers.errors import DomainError, ErrorCode
from resolvers.paging import PageRequest
from tests import factories
from tests.statements import recorded


def writes(db: Database) -> AbstractContextManager[list[str]]:
    """The INSERT, UPDATE and DELETE statements run inside the block."""
    return recorded(db, ("INSERT", "UPDATE", "DELETE"))


def problems(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[ErrorCode, tuple[str, ...] | None]]:
    return [(problem.code, problem.path) for problem in error.value.problems]


async def test_a_client_needs_a_status(db: Database) -> None:
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await organization_mutations.create_organization(
                session, kind=OrganizationKind.CLIENT, code="CLI-1", name="Acme", status=None
            )

    assert problems(refused) == [(ErrorCode.INVALID, ("input", "status"))]


async def test_a_client_is_created_trimmed_with_its_sort_key(db: Database) -> None:
    async with db.begin() as session:
        row = await organization_mutations.create_organization(
            session,
            kind=OrganizationKind.CLIENT,
            code=" CLI-1 ",
            name="  Société   Générale ",
            status=ClientStatus.PROSPECT,
        )

    async with db.read() as session:
        stored = await session.get(Organization, row.id)
    assert stored is not None
    assert (stored.kind, stored.code, stored.name, stored.name_key, stored.status) == (
        OrganizationKind.CLIENT,
        "CLI-1",
        "Société Générale",
        "societe generale",
        ClientStatus.PROSPECT,
    )


async def test_suppliers_and_third_parties_have_no_status(db: Database) -> None:
    async with db.begin() as session:
        supplier = await organization_mutations.create_organization(
            session, kind=OrganizationKind.SUPPLIER, code="SUP", name="Fournitures Martin"
        )
        bank = await organization_mutations.create_organization(
            session, kind=OrganizationKind.THIRD_PARTY, code="SUP", name="Banque"
        )

    assert (supplier.status, bank.status) == (None, None)


async def test_a_code_is_unique_within_its_kind_only(db: Database) -> None:
    await factories.client(db, code="ACME")
    await factories.supplier(db, code="ACME")

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await organization_mutations.create_organization(
                session, kind=OrganizationKind.SUPPLIER, code=" ACME", name="Autre"
            )

    assert problems(refused) == [(ErrorCode.DUPLICATE, ("input", "code"))]
    async with db.read() as session:
        assert len(list(await session.scalars(select(Organization)))) == 2


async def test_every_invalid_field_is_named_at_once(db: Database) -> None:
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await organization_mutations.create_site(
                session, client_id=1, code=" ", name="n" * 201, city="c" * 201
            )

    assert problems(refused) == [
        (ErrorCode.INVALID, ("input", "code")),
        (ErrorCode.INVALID, ("input", "name")),
        (ErrorCode.INVALID, ("input", "city")),
    ]


async def test_a_site_needs_a_client_not_a_supplier(db: Database) -> None:
    supplier = await factories.supplier(db)

    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await organization_mutations.create_site(session, client_id=supplier.id, code="S", name="Siège")

    assert problems(refused) == [(ErrorCode.NOT_FOUND, ("input", "clientId"))]


async def test_an_update_that_changes_nothing_writes_nothing(db: Database) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    paris = await factories.site(db, acme, code="PAR", name="Paris", city="Paris")

    with writes(db) as statements:
        async with db.begin() as session:
            await organization_mutations.update_organization(
                session,
                organization_id=acme.id,
                kind=OrganizationKind.CLIENT,
                changes={"code": "ACME ", "name": " Acme", "status": ClientStatus.CLIENT},
            )
            await organization_mutations.update_site(session, site_id=paris.id, changes={"city": "Paris"})

    assert statements == []


async def test_renaming_an_organization_makes_its_contacts_searchable_by_the_new_name(db: Database) -> None:
    acme = await factories.client(db, code="ACME", name="Acme")
    marie = await factories.contact(db, "Dupont", "Marie", at=acme)

    async with db.begin() as session:
        await organization_mutations.update_organization(
            session, organization_id=acme.id, kind=OrganizationKind.CLIENT, changes={"name": "Éclat Conseil"}
        )

    async with db.read() as session:
        tokens = await session.scalar(select(Contact.search_tokens).where(Contact.id == marie.id))
    assert tokens == " dupont marie eclat conseil "


async def test_an_event_cannot_end_before_it_starts(db: Database) -> None:
    async with db.begin() as session:
        salon = await reference_mutations.create_event(
            session, name="Salon", starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 4)
        )

    with pytest.raises(DomainError) as moved:
        async with db.begin() as session:
            await reference_mutations.update_event(
                session, event_id=salon.id, changes={"starts_on": date(2027, 3, 5)}
            )
    with pytest.raises(DomainError) as created:
        async with db.begin() as session:
            await reference_mutations.create_event(
                session, name="Salon", starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 1)
            )

    assert problems(moved) == [(ErrorCode.INVALID, ("input", "startsOn"))]
    assert problems(created) == [(ErrorCode.INVALID, ("input", "endsOn"))]


async def test_an_archived_type_leaves_the_default_list(db: Database) -> None:
    await factories.interlocutor_type(db, code="DEC", label="Décideur")
    await factories.interlocutor_type(db, code="ACH", label="Achats")

    async with db.begin() as session:
        await reference_mutations.update_interlocutor_type(session, code=" DEC ", changes={"archived": True})

    async with db.read() as session:
        current = await reference.list_interlocutor_types(session, include_archived=False)
        every = await reference.list_interlocutor_types(session, include_archived=True)
    assert [row.code for row in current] == ["ACH"]
    assert [(row.code, row.archived) for row in every] == [("ACH", False), ("DEC", True)]


async def test_an_unknown_interlocutor_type_is_not_found(db: Database) -> None:
    with pytest.raises(DomainError) as refused:
        async with db.begin() as session:
            await reference_mutations.update_interlocutor_type(session, code="NOPE", changes={"label": "x"})

    assert problems(refused) == [(ErrorCode.NOT_FOUND, ("input", "code"))]
    async with db.read() as session:
        assert list(await session.scalars(select(InterlocutorType))) == []


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("gobain", ["Saint-Gobain Vitrage"]),
        ("ESTUAIRE", ["Brasseries de l'Estuaire"]),
        ("l'estu", ["Brasseries de l'Estuaire"]),
        ("0042", ["Brasseries de l'Estuaire"]),
        ("vit saint", ["Saint-Gobain Vitrage"]),
        ("brasseries gobain", []),
    ],
)
async def test_search_matches_words_across_punctuation(db: Database, search: str, found: list[str]) -> None:
    await factories.client(db, code="SG-0001", name="Saint-Gobain Vitrage")
    await factories.client(db, code="BRA-0042", name="Brasseries de l'Estuaire")

    async with db.read() as session:
        page = await organizations.list_organizations(
            session, kind=OrganizationKind.CLIENT, search=search, page=PageRequest()
        )

    assert [row[0].name for row in page.rows] == found
