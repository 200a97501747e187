"""Values in the order of the keys asked for: what every loader batch function returns."""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Executable, Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.dialect import KeyIn
from db.models import Base
from resolvers.rows import columns_of

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Joined(Generic[V, K, R]):
    """A batch's values in the keys' order, with the rows of another relation its statement
    joined (a link's organisation, a participation's event), by that relation's key: the
    loader of that relation holds them, and a page reads them without a statement of their own."""

    values: list[V]
    related: dict[K, R]


async def core_rows(
    session: AsyncSession, statement: Executable, keys: Sequence[int] | None = None
) -> Sequence[Row[Any]]:
    """The rows of a select of columns, executed on the session's connection: SQLAlchemy Core
    makes the same rows as the session would, without the ORM's compile and result steps
    (about a tenth of a page's CPU when each of its 8 statements went through them). `keys`:
    the statement's `KeyIn` without keys of its own (db.dialect) gets these. All at once: a
    result iterated fetches its rows one call after another (some 600 a page)."""
    connection = await session.connection()
    return (await connection.execute(statement, {"keys": keys} if keys is not None else None)).all()


def in_key_order(keys: Sequence[K], rows_by_key: dict[K, V], missing: V) -> list[V]:
    """The values of `rows_by_key` in the order of `keys`, `missing` where there is none."""
    return [rows_by_key.get(key, missing) for key in keys]


def grouped(keys: Sequence[K], pairs: Sequence[tuple[K, V]]) -> list[list[V]]:
    """Values grouped by key, in the keys' order: for one-to-many relations."""
    groups: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in pairs:
        groups[key].append(value)
    return [groups[key] for key in keys]


async def members_by_owner(
    session: AsyncSession,
    ids: Sequence[int],
    *,
    owner: QueryableAttribute[int],
    member: type[M],
    joined_on: ColumnElement[bool],
    order_by: Sequence[QueryableAttribute[Any]],  # columns of any type
) -> list[list[M]]:
    """A many-to-many relation in one statement: each owner's members, through a link table."""
    query = select(owner, member).join(member, joined_on).where(KeyIn(owner, ids)).order_by(*order_by)
    return grouped(ids, [(key, value) for key, value in (await session.execute(query)).all()])


def member_rows_query(
    *,
    owner: QueryableAttribute[int],
    member: type[Base],
    fields: tuple[str, ...],
    joined_on: ColumnElement[bool],
    order_by: Sequence[QueryableAttribute[Any]],
) -> Select[Any]:
    """A many-to-many relation's statement, built once: the owner's key, then the member's
    `fields` (resolvers.rows), for the keys `member_rows_by_owner` gives it."""
    return (
        select(owner, *columns_of(fields, member))
        .join(member, joined_on)
        .where(KeyIn(owner))
        .order_by(*order_by)
    )


async def member_rows_by_owner(
    session: AsyncSession, ids: Sequence[int], query: Select[Any], make: Callable[[Iterable[Any]], V]
) -> list[list[V]]:
    """`members_by_owner` through a `member_rows_query`, each member `make` of its row: no ORM object."""
    return grouped(ids, [(row[0], make(row[1:])) for row in await core_rows(session, query, ids)])


async def joined_rows_by_owner(
    session: AsyncSession,
    ids: Sequence[int],
    query: Select[Any],
    *,
    make: Callable[[Iterable[Any]], V],
    width: int,
    make_related: Callable[[Iterable[Any]], R],
    owner: Callable[[V], int],
    related_key: Callable[[V], K],
) -> Joined[list[V], K, R]:
    """A one-to-many relation whose statement joins another relation's row to each of its own
    (its `width` columns first): each owner's rows, and the related rows by their key, each
    made once however many rows name it."""
    owned: list[tuple[int, V]] = []
    related: dict[K, R] = {}
    for row in await core_rows(session, query, ids):
        made = make(row[:width])
        owned.append((owner(made), made))
        key = related_key(made)
        if key not in related:
            related[key] = make_related(row[width:])
    return Joined(grouped(ids, owned), related)
