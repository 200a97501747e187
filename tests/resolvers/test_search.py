"""Search: whole folded words of names, e-mails, functions and organisation names; the last word
may be the start of one. The same answers from SQLite's FTS5 table and PostgreSQL's GIN index."""

import pytest
from sqlalchemy import update

from db.engine import Database
from db.models import Contact, Organization
from resolvers.contact_lists import ContactFilter, count_contacts, list_contacts
from resolvers.errors import Invalid
from resolvers.paging import PageRequest
from resolvers.search import refresh_contact_keys, tokens_text
from resolvers.text import fold
from tests import factories
from tests.conftest import viewer


async def found(db: Database, search: str) -> list[str]:
    """The last names a search finds, in the default order."""
    async with db.read() as session:
        page = await list_contacts(
            session, viewer(), criteria=[ContactFilter(search=search)], order=None, page=PageRequest()
        )
    return [row[0].last_name for row in page.rows]


@pytest.fixture
async def people(db: Database) -> dict[str, Contact]:
    acme = await factories.client(db, code="ACME", name="Acme Industrie")
    bank = await factories.client(db, code="SG", name="Société Générale")
    martin = await factories.supplier(db, code="FM", name="Fournitures Martin")
    return {
        "lefevre": await factories.contact(
            db, "Lefèvre", "Anne", at=acme, email="anne.lefevre@acme.fr", function="Directrice financière"
        ),
        "lefebvre": await factories.contact(db, "Lefebvre", "Jean", at=bank, function="DSI"),
        "begue": await factories.contact(db, "Bégué", "Élodie", at=acme, email="elodie@begue.fr"),
        "muller": await factories.contact(db, "Müller", "Jürgen", at=martin, function="Commercial"),
        "dupont": await factories.contact(db, "Dupont", "Marie", at=acme, function="Acheteuse"),
        "sofia": await factories.contact(db, "Σοφία", "Ἀλέξανδρος", at=martin),
    }


async def test_a_word_matches_accents_and_case_aside(db: Database, people: dict[str, Contact]) -> None:
    assert await found(db, "LEFÈVRE") == ["Lefèvre"]
    assert await found(db, "lefevre") == ["Lefèvre"]
    assert await found(db, "Begue") == ["Bégué"]
    assert await found(db, "muller jurgen") == ["Müller"]
    assert await found(db, "ΣΟΦΊΑ") == ["Σοφία"]


async def test_the_last_word_may_be_the_start_of_one(db: Database, people: dict[str, Contact]) -> None:
    assert await found(db, "lefe") == ["Lefebvre", "Lefèvre"]
    assert await found(db, "anne LEFÉ") == ["Lefèvre"]
    assert await found(db, "jurg") == ["Müller"]


async def test_every_word_of_two_letters_or_more_may_be_the_start_of_one(
    db: Database, people: dict[str, Contact]
) -> None:
    assert await found(db, "lefe anne") == ["Lefèvre"]
    assert await found(db, "lefevre ann") == ["Lefèvre"]
    assert await found(db, "le an") == ["Lefèvre"]
    assert await found(db, "lefevre jean") == []


async def test_a_word_of_one_letter_matches_whole_words_only(
    db: Database, people: dict[str, Contact]
) -> None:
    assert await found(db, "l") == []  # no word is "l" (it would otherwise match six names)
    assert await found(db, "a lefevre") == []
    assert await found(db, "fr anne") == ["Lefèvre"]  # "fr", of acme.fr, is a word of its own


async def test_a_word_of_one_letter_finds_that_whole_word(db: Database, people: dict[str, Contact]) -> None:
    acme = await factories.client(db, code="HC", name="Huillier Conseil")
    await factories.contact(db, "L'Huillier", "Anne", at=acme)

    assert await found(db, "l") == ["L'Huillier"]  # its words are "l" and "huillier"
    assert await found(db, "l anne") == ["L'Huillier"]
    assert await found(db, "l hu") == ["L'Huillier"]


async def test_a_search_over_the_limits_is_refused(db: Database, people: dict[str, Contact]) -> None:
    with pytest.raises(Invalid, match=r"at most 10 words \(11 given\)"):
        await found(db, " ".join(f"w{n}" for n in range(11)))
    with pytest.raises(Invalid, match=r"at most 50 characters \(51 given\)"):
        await found(db, "a" * 51)
    assert await found(db, " ".join(["anne"] * 30 + ["l" + "e" * 49])) == []  # ten words or fewer


async def test_e_mails_functions_and_organisation_names_are_searched(
    db: Database, people: dict[str, Contact]
) -> None:
    assert await found(db, "acme") == ["Bégué", "Dupont", "Lefèvre"]
    assert await found(db, "financiere") == ["Lefèvre"]
    assert await found(db, "generale dsi") == ["Lefebvre"]
    assert await found(db, "elodie@begue.fr") == ["Bégué"]
    assert await found(db, "fournitures") == ["Müller", "Σοφία"]


async def test_punctuation_alone_searches_nothing(db: Database, people: dict[str, Contact]) -> None:
    assert await found(db, " -- ' ") == ["Bégué", "Dupont", "Lefebvre", "Lefèvre", "Müller", "Σοφία"]


async def test_the_count_is_the_search_s(db: Database, people: dict[str, Contact]) -> None:
    async with db.read() as session:
        total = await count_contacts(session, viewer(), criteria=[ContactFilter(search="acme")])

    assert total == 3


async def test_a_rename_is_found_by_its_new_name_only(db: Database, people: dict[str, Contact]) -> None:
    async with db.begin() as session:
        await session.execute(
            update(Contact).where(Contact.id == people["dupont"].id).values(last_name="Durand")
        )
        await refresh_contact_keys(session, [people["dupont"].id])

    assert await found(db, "dupont") == []
    assert await found(db, "durand") == ["Durand"]


async def test_a_rolled_back_change_leaves_the_index_as_it_was(
    db: Database, people: dict[str, Contact]
) -> None:
    with pytest.raises(RuntimeError):
        async with db.begin() as session:
            await session.execute(
                update(Contact).where(Contact.id == people["dupont"].id).values(last_name="Durand")
            )
            await refresh_contact_keys(session, [people["dupont"].id])
            raise RuntimeError("refused")

    assert await found(db, "durand") == []
    assert await found(db, "dupont") == ["Dupont"]


async def test_an_organisation_renamed_is_found_under_its_new_name(
    db: Database, people: dict[str, Contact]
) -> None:
    async with db.begin() as session:
        await session.execute(
            update(Organization)
            .where(Organization.code == "FM")
            .values(name="Bureautique Rivière", name_key=fold("Bureautique Rivière"))
        )
        await refresh_contact_keys(session, [people["muller"].id, people["sofia"].id])

    assert await found(db, "fournitures") == []
    assert await found(db, "riviere") == ["Müller", "Σοφία"]


def test_tokens_are_the_folded_words_once_each() -> None:
    assert tokens_text("Lefèvre-Ébrard", "Anne", "anne.lefevre@acme.fr", None) == (
        " lefevre ebrard anne acme fr "
    )


async def test_search_results_page_forward_and_back(db: Database, people: dict[str, Contact]) -> None:
    async def page(request: PageRequest) -> tuple[list[str], list[str]]:
        async with db.read() as session:
            found = await list_contacts(
                session, viewer(), criteria=[ContactFilter(search="acme")], order=None, page=request
            )
        return [row[0].last_name for row in found.rows], found.cursors

    first, cursors = await page(PageRequest(first=2))
    second, _ = await page(PageRequest(first=2, after=cursors[-1]))
    back, _ = await page(PageRequest(last=2, before=cursors[-1]))

    assert (first, second, back) == (["Bégué", "Dupont"], ["Lefèvre"], ["Bégué"])
