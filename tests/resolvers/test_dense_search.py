"""A search that matches many contacts: its page read along the name index when the next 1,000
contacts hold it, from the search index otherwise; its count from the search index, less the
merged contacts. Same answers either way, on both engines; statements counted."""

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from db.engine import Database
from db.models import Contact, ContactStatus
from db.statements import QueryStats, current_stats
from resolvers.access import Role
from resolvers.contact_lists import ContactFilter, ListRequest, count_contacts, list_contacts
from resolvers.cursors import encode_cursor
from resolvers.dense_search import WALK
from resolvers.paging import Page, PageRequest
from resolvers.search import refresh_contact_keys
from tests import factories
from tests.conftest import viewer

PEOPLE = WALK + 100  # nom0000 … nom1099, all at Acme
LATE = range(WALK + 70, PEOPLE)  # 30 contacts beyond the first WALK in name order: "Ysolde"


@pytest.fixture
async def crowd(db: Database) -> list[int]:
    acme = await factories.client(db, code="ACME", name="Acme")
    ids = await factories.bulk_contacts(db, PEOPLE, acme)
    late = [ids[index] for index in LATE]
    async with db.begin() as session:
        await session.execute(update(Contact).where(Contact.id.in_(late)).values(first_name="Ysolde"))
        await refresh_contact_keys(session, late)
    return ids


@pytest.fixture
def statements() -> Iterator[QueryStats]:
    stats = QueryStats()
    token = current_stats.set(stats)
    yield stats
    current_stats.reset(token)


async def page(db: Database, search: str, request: PageRequest, role: Role = Role.STAFF) -> Page:
    async with db.read() as session:
        return await list_contacts(
            session, viewer(role), criteria=[ContactFilter(search=search)], order=None, page=request
        )


def cursor_at(search: str, crowd: list[int], number: int) -> str:
    """The cursor of contact nomNNNN in the list of that search (default order)."""
    listed = ListRequest((ContactFilter(search=search),), None, PageRequest()).listed
    first_name = "ysolde" if number in LATE else "prenom"
    return encode_cursor(listed, [f"nom{number:04d}", first_name, crowd[number]])


def names(found: Page) -> list[str]:
    return [row[0].last_name for row in found.rows]


def numbered(numbers: range) -> list[str]:
    return [f"nom{number:04d}" for number in numbers]


async def test_a_dense_search_reads_its_page_along_the_name_index_in_one_statement(
    db: Database, crowd: list[int], statements: QueryStats
) -> None:
    found = await page(db, "acme", PageRequest(first=20))

    assert (names(found), found.has_next, found.has_previous) == (numbered(range(20)), True, False)
    assert statements.statements == 1


async def test_a_sparse_search_beyond_the_walk_is_read_from_the_search_index(
    db: Database, crowd: list[int], statements: QueryStats
) -> None:
    found = await page(db, "ysol", PageRequest(first=20))

    assert (names(found), found.has_next) == (numbered(range(LATE.start, LATE.start + 20)), True)
    assert statements.statements == 2  # the walk found none, then the search index


async def test_pages_after_and_before_a_cursor_are_the_same_either_way(
    db: Database, crowd: list[int]
) -> None:
    after = await page(db, "acme", PageRequest(first=20, after=cursor_at("acme", crowd, 989)))
    before = await page(db, "acme", PageRequest(last=20, before=cursor_at("acme", crowd, 990)))
    ysolde = await page(db, "acme ysolde", PageRequest(first=20, after=cursor_at("acme ysolde", crowd, 10)))
    back = await page(db, "ysolde", PageRequest(last=5, before=cursor_at("ysolde", crowd, LATE.start + 19)))

    assert (names(after), after.has_next, after.has_previous) == (numbered(range(990, 1010)), True, True)
    assert (names(before), before.has_previous) == (numbered(range(970, 990)), True)
    assert (names(ysolde), ysolde.has_next) == (numbered(range(LATE.start, LATE.start + 20)), True)
    assert (names(back), back.has_previous) == (numbered(range(LATE.start + 14, LATE.start + 19)), True)


async def test_the_last_page_of_a_dense_search_is_exact(db: Database, crowd: list[int]) -> None:
    last = await page(db, "acme", PageRequest(first=20, after=cursor_at("acme", crowd, PEOPLE - 16)))

    assert (names(last), last.has_next) == (numbered(range(PEOPLE - 15, PEOPLE)), False)


async def test_a_one_letter_word_is_a_whole_word_along_the_name_index_too(
    db: Database, crowd: list[int]
) -> None:
    async with db.begin() as session:
        await session.execute(update(Contact).where(Contact.id.in_(crowd[:30])).values(first_name="J"))
        await refresh_contact_keys(session, crowd[:30])

    assert names(await page(db, "j", PageRequest(first=20))) == numbered(range(20))
    assert names(await page(db, "n", PageRequest(first=20))) == []  # "nom0000" is no word "n"


async def test_a_search_s_count_leaves_out_merged_contacts(db: Database, crowd: list[int]) -> None:
    async with db.begin() as session:
        merged = update(Contact).where(Contact.id.in_(crowd[:3]))
        await session.execute(merged.values(status=ContactStatus.MERGED, merged_into_id=crowd[3]))

    async def total(search: str, role: Role = Role.STAFF, **criteria: object) -> int:
        async with db.read() as session:
            wanted = [ContactFilter(search=search, **criteria)]  # type: ignore[arg-type]
            return await count_contacts(session, viewer(role), criteria=wanted)

    assert await total("acme") == PEOPLE - 3
    assert await total("ysol") == len(LATE)
    assert await total("acme", status=ContactStatus.MERGED) == 3
    assert await total("nom0001") == 0  # merged
    assert await total("acme", Role.PORTAL) == PEOPLE - 3
