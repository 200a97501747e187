"""Reading organisations (clients, suppliers, third parties), their sites and affairs."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.dialect import KeyIn
from db.models import Affair, Organization, OrganizationKind, Site
from resolvers.cursors import list_key
from resolvers.keyed import core_rows, grouped, in_key_order
from resolvers.paging import Page, PageQuery, PageRequest, SortColumn, count, fetch_page
from resolvers.rows import OrganizationRow, columns_of
from resolvers.search import search_words

# What separates words in names and codes besides spaces (search words are letters and digits).
WORD_SEPARATORS = "-'’.,/&()_+"


@dataclass(frozen=True)
class OrganizationRef:
    """An organisation as an input names it: its key and the kind the id claimed."""

    id: int
    kind: OrganizationKind


ORGANIZATION_ORDER = [SortColumn(Organization.name_key), SortColumn(Organization.id)]


def word_search(
    search: str | None, *columns: ColumnElement[str] | QueryableAttribute[str]
) -> list[ColumnElement[bool]]:
    """Criteria matching each word of `search` against the start of a word of the folded columns
    (a word of one letter: a whole word).

    For the small reference lists (organisations, targets, events): a LIKE over keys folded in
    Python. Contacts, which can be millions, have a real full-text index instead.
    """
    haystack: ColumnElement[str] = literal(" ")
    for column in columns:
        haystack = haystack + _spaced(func.coalesce(column, "")) + " "
    return [haystack.like(f"% {word} %" if len(word) == 1 else f"% {word}%") for word in search_words(search)]


def _spaced(column: ColumnElement[str]) -> ColumnElement[str]:
    """Punctuation as spaces: "saint-gobain" and "l'estuaire" hold the words "gobain", "estuaire"."""
    for mark in WORD_SEPARATORS:
        column = func.replace(column, mark, " ")
    return column


def organizations_query(kind: OrganizationKind, search: str | None) -> Select[Organization]:
    criteria = word_search(search, Organization.name_key, func.lower(Organization.code))
    return select(Organization).where(Organization.kind == kind, *criteria)


async def list_organizations(
    session: AsyncSession, *, kind: OrganizationKind, search: str | None, page: PageRequest
) -> Page:
    listed = list_key("organizations", kind, search)
    return await fetch_page(
        session, PageQuery(organizations_query(kind, search), ORGANIZATION_ORDER, page, listed)
    )


async def count_organizations(session: AsyncSession, *, kind: OrganizationKind, search: str | None) -> int:
    return await count(session, organizations_query(kind, search))


_ORGANIZATIONS = select(*columns_of(OrganizationRow._fields, Organization)).where(KeyIn(Organization.id))


async def organizations_by_id(session: AsyncSession, ids: Sequence[int]) -> list[OrganizationRow | None]:
    rows = map(OrganizationRow._make, await core_rows(session, _ORGANIZATIONS, ids))
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def sites_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Site | None]:
    rows = await session.scalars(select(Site).where(KeyIn(Site.id, ids)))
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def sites_by_client_id(session: AsyncSession, ids: Sequence[int]) -> list[list[Site]]:
    rows = await session.scalars(
        select(Site).where(KeyIn(Site.client_id, ids)).order_by(Site.name_key, Site.id)
    )
    return grouped(ids, [(row.client_id, row) for row in rows])


async def affairs_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Affair | None]:
    rows = await session.scalars(select(Affair).where(KeyIn(Affair.id, ids)))
    return in_key_order(ids, {row.id: row for row in rows}, None)


async def affairs_by_client_id(session: AsyncSession, ids: Sequence[int]) -> list[list[Affair]]:
    query = select(Affair).where(KeyIn(Affair.client_id, ids)).order_by(Affair.name_key, Affair.id)
    rows = await session.scalars(query)
    return grouped(ids, [(row.client_id, row) for row in rows])
