"""Keyset pagination: pages that stay stable while rows are added, forward and backward, no OFFSET."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.models import Base
from resolvers.cursors import BadPageRequest, SortValue, decode_cursor, encode_cursor
from resolvers.keyed import core_rows

__all__ = ["BadPageRequest", "Page", "PageQuery", "PageRequest", "SortColumn"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


# A column to sort by: a mapped attribute or any SQL expression, of any type. (Any below is that:
# a listing selects rows of any entity, with sort keys of any type.)
Sortable = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class SortColumn:
    """One column of an ordering. Nulls always come last, whatever the direction."""

    column: Sortable
    descending: bool = False
    nullable: bool = False

    def ordering(self, reverse: bool) -> ColumnElement[Any]:
        descending = self.descending != reverse
        ordered = self.column.desc() if descending else self.column.asc()
        if self.nullable:
            ordered = ordered.nulls_first() if reverse else ordered.nulls_last()
        return ordered


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            size = getattr(self, name)
            if size is not None and not 1 <= size <= MAX_PAGE_SIZE:
                raise BadPageRequest(f"`{name}` must be between 1 and {MAX_PAGE_SIZE} ({size} given).")
        if self.first is not None and self.last is not None:
            raise BadPageRequest("Give `first` or `last`, not both.")

    @property
    def backward(self) -> bool:
        return self.last is not None or (self.before is not None and self.first is None)

    @property
    def size(self) -> int:
        return self.last or self.first or DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class Page:
    rows: Sequence[Sequence[Any]]  # Core rows, or tuples a reader made of them (resolvers.rows)
    cursors: list[str]
    has_next: bool
    has_previous: bool


def _after(columns: Sequence[SortColumn], values: Sequence[SortValue]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the ordering of `columns` (nulls last)."""
    if _one_way(columns):
        return _row_beyond(columns, values, forward=True)
    terms = []
    for index, sort in enumerate(columns):
        prefix = [_equal(c.column, v) for c, v in zip(columns[:index], values[:index], strict=True)]
        terms.append(and_(*prefix, _beyond(sort, values[index])))
    return or_(*terms)


def _before(columns: Sequence[SortColumn], values: Sequence[SortValue]) -> ColumnElement[bool]:
    """Rows strictly before `values` in the ordering of `columns` (nulls last)."""
    if _one_way(columns):
        return _row_beyond(columns, values, forward=False)
    terms = []
    for index, sort in enumerate(columns):
        prefix = [_equal(c.column, v) for c, v in zip(columns[:index], values[:index], strict=True)]
        terms.append(and_(*prefix, _short_of(sort, values[index])))
    return or_(*terms)


def _one_way(columns: Sequence[SortColumn]) -> bool:
    """All columns run one way and hold no nulls: one row-value comparison says "after"."""
    return not any(sort.nullable for sort in columns) and len({sort.descending for sort in columns}) == 1


def _row_beyond(
    columns: Sequence[SortColumn], values: Sequence[SortValue], *, forward: bool
) -> ColumnElement[bool]:
    """`(a, b, id) > (:a, :b, :id)`: both engines turn it into one range of the ordering's index,
    where the equivalent OR of ANDs makes them filter the index from its start."""
    keys = tuple_(*(sort.column for sort in columns))
    bound = tuple_(*(literal(value, sort.column.type) for sort, value in zip(columns, values, strict=True)))
    greater = forward != columns[0].descending
    return keys > bound if greater else keys < bound


def _equal(column: Sortable, value: SortValue) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _beyond(sort: SortColumn, value: SortValue) -> ColumnElement[bool]:
    if value is None:
        return false()  # nothing sorts after a null, nulls being last
    beyond: ColumnElement[bool] = sort.column < value if sort.descending else sort.column > value
    return or_(beyond, sort.column.is_(None)) if sort.nullable else beyond


def _short_of(sort: SortColumn, value: SortValue) -> ColumnElement[bool]:
    if value is None:
        return sort.column.is_not(None)
    short: ColumnElement[bool] = sort.column > value if sort.descending else sort.column < value
    return short


@dataclass(frozen=True)
class PageQuery:
    """One list to page through: its query, its ordering (ending with a unique column), the page,
    and the name its cursors carry (`cursors.list_key` of what defines the list and ordering)."""

    query: Select[Any]
    columns: Sequence[SortColumn]
    request: PageRequest
    listed: str
    # `keyed()` once made: the same statement object keeps SQLAlchemy's cache key of it
    _keyed: dict[str, Select[Any]] = field(default_factory=dict, compare=False, repr=False)

    def cursor_values(self, cursor: str) -> list[SortValue]:
        """The sort values a cursor of this list holds; BadPageRequest for any other cursor."""
        return decode_cursor(cursor, self.listed, [sort.column.type.python_type for sort in self.columns])

    def check(self) -> None:
        """Refuse a forged or foreign cursor before any SQL (and before a loader batches it)."""
        for cursor in (self.request.after, self.request.before):
            if cursor is not None:
                self.cursor_values(cursor)

    def keyed(self) -> Select[Any]:
        """The page's query: the sort keys labelled `_key<i>`, the cursors applied, one row extra."""
        made = self._keyed.get("keyed")
        if made is None:
            made = self._keyed["keyed"] = self._make_keyed()
        return made

    def _make_keyed(self) -> Select[Any]:
        columns, request = self.columns, self.request
        keyed = self.query.add_columns(*(sort.column.label(f"_key{i}") for i, sort in enumerate(columns)))
        if request.after is not None:
            keyed = keyed.where(_after(columns, self.cursor_values(request.after)))
        if request.before is not None:
            keyed = keyed.where(_before(columns, self.cursor_values(request.before)))
        keyed = keyed.order_by(*(sort.ordering(request.backward) for sort in columns))
        return keyed.limit(request.size + 1)

    def page(self, rows: list[Row[Any]], trailing: int = 0) -> Page:
        """The page of rows read by `keyed()`, in the ordering's direction, with their cursors.

        The sort keys are the last columns of each row but `trailing` ones."""
        request, more = self.request, len(rows) > self.request.size
        rows = rows[: request.size]
        if request.backward:
            rows.reverse()
        start = len(rows[0]) - len(self.columns) - trailing if rows else 0
        return Page(
            rows=rows,
            cursors=[encode_cursor(self.listed, row[start : start + len(self.columns)]) for row in rows],
            has_next=more if not request.backward else request.before is not None,
            has_previous=more if request.backward else request.after is not None,
        )


async def fetch_page(session: AsyncSession, listing: PageQuery) -> Page:
    """One page of a list in the order of its columns (which must end with a unique column)."""
    return listing.page(list((await session.execute(listing.keyed())).all()))


async def fetch_pages(
    session: AsyncSession, entity: type[Base] | None, listings: Sequence[PageQuery]
) -> list[Page]:
    """Pages of several lists of `entity` in one statement: each page's query in a UNION ALL
    (`entity` None: the lists select columns, and their rows are read as they are).

    For the nested lists of a list (the contacts of each client of a page of clients): one
    statement whatever the number of lists. Each page's query keeps its own ordering and LIMIT
    (so its index); the union is sorted by list, then by the keys in each list's direction.
    """
    if len(listings) == 1 and entity is None:
        return [listings[0].page(list(await core_rows(session, listings[0].keyed())))]
    if len(listings) == 1:
        return [await fetch_page(session, listings[0])]
    union = union_all(
        *(
            select(listing.keyed().add_columns(literal(i).label("_list")).subquery())
            for i, listing in enumerate(listings)
        )
    )
    width = len(listings[0].columns)
    keys = [
        SortColumn(literal_column(f"_key{i}"), sort.descending, sort.nullable)
        for i, sort in enumerate(listings[0].columns)
    ]
    ordered = union.order_by(
        literal_column("_list"), *(key.ordering(listings[0].request.backward) for key in keys)
    )
    statement = (
        select(entity, *(column(f"_key{i}") for i in range(width)), column("_list")).from_statement(ordered)
        if entity is not None
        else ordered
    )
    grouped: list[list[Row[Any]]] = [[] for _ in listings]
    for row in await core_rows(session, statement) if entity is None else await session.execute(statement):
        grouped[row[-1]].append(row)
    return [listing.page(rows, trailing=1) for listing, rows in zip(listings, grouped, strict=True)]


async def fetch_pages_each_way(
    session: AsyncSession, entity: type[Base] | None, listings: Sequence[PageQuery]
) -> list[Page]:
    """`fetch_pages` for lists of one ordering paged forward or backward: one statement a way."""
    ways: dict[bool, list[int]] = {}
    for index, listing in enumerate(listings):
        ways.setdefault(listing.request.backward, []).append(index)
    pages: dict[int, Page] = {}
    for indexes in ways.values():
        read = await fetch_pages(session, entity, [listings[index] for index in indexes])
        pages.update(zip(indexes, read, strict=True))
    return [pages[index] for index in range(len(listings))]


async def count(session: AsyncSession, query: Select[Any]) -> int:
    """How many rows `query` matches, whatever the page."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0)


async def counts(session: AsyncSession, queries: Sequence[Select[Any]]) -> list[int]:
    """How many rows each query matches, whatever the page: one statement for all."""
    if len(queries) == 1:
        return [await count(session, queries[0])]
    union = union_all(
        *(
            select(literal(index).label("_list"), func.count().label("_count")).select_from(
                query.order_by(None).subquery()
            )
            for index, query in enumerate(queries)
        )
    )
    totals = {row[0]: row[1] for row in await session.execute(union)}
    return [int(totals[index]) for index in range(len(queries))]
