"""The one place that speaks each engine's own SQL: the contacts' full-text search index, and
`KeyIn`, the loaders' `key IN (…)` in one bound parameter.

Search tokens are folded in Python (`contact.search_tokens`, space-separated words) so both
engines match the same words; each engine only indexes them:

- SQLite: an FTS5 table `contact_search` whose rowid is the contact's id, written in the
  transaction that writes the tokens (`index_search_tokens`). The `ascii` tokenizer keeps our
  words whole (every non-ASCII character is part of a word); `detail=none, columnsize=0` keep
  only which rows hold a word: enough for whole words and prefixes (no phrases, no ranking,
  which search does not need), and the smallest index. `prefix='2 3'` also indexes every
  word's first two and three letters, so that the short prefixes typed first ("ma", "mar")
  read one list of rows instead of merging those of every word they start (hundreds of
  thousands of rows at a million contacts: 55 ms down to 10 ms for "ma"). The table is
  made by the migrations (0002, then 0007 with the prefixes).
- PostgreSQL: a GIN index over an expression of the column itself, so it follows every write
  by itself. `array_to_tsvector` takes the words as they are: no parser, no dictionary.

`TokenMatch` is the criterion; it compiles to the right SQL for the engine running it, so the
queries that use it are built once, whatever the engine.
"""

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Dialect,
    Integer,
    Select,
    Text,
    TypeDecorator,
    bindparam,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

SEARCH_TABLE = "contact_search"
SQLITE_FILL_SEARCH_TABLE = "INSERT INTO contact_search (rowid, tokens) SELECT id, search_tokens FROM contact"
_FORGET = text("DELETE FROM contact_search WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))
_LEARN = text("INSERT INTO contact_search (rowid, tokens) VALUES (:id, :tokens)")
_FORGET_ALL = text("DELETE FROM contact_search")
_OPTIMIZE = text("INSERT INTO contact_search (contact_search) VALUES ('optimize')")
# The expression the GIN index is built on; a query must spell it the same way to use the index.
POSTGRES_TOKENS = "array_to_tsvector(string_to_array(btrim({tokens}), ' '))"
POSTGRES_SEARCH_INDEX = "ix_contact_search_tokens"
POSTGRES_SEARCH_INDEX_DDL = (
    f"CREATE INDEX {POSTGRES_SEARCH_INDEX} ON contact USING gin "
    f"(({POSTGRES_TOKENS.format(tokens='search_tokens')}))"
)

Column = ColumnElement[Any] | QueryableAttribute[Any]


class _SearchQuery(TypeDecorator[Any]):
    """Words in, the engine's query syntax out: `"a" "bc"*` for FTS5, `'a' & 'bc':*` for tsquery.

    A word of one letter matches whole words only, a longer one as a prefix (DOMAIN, limits).
    Words are letters and digits only (`resolvers.text.words`), so quoting them is enough.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str:
        words: Sequence[str] = value
        if dialect.name == "postgresql":
            return " & ".join(f"'{word}'" if len(word) == 1 else f"'{word}':*" for word in words)
        return " ".join(f'"{word}"' if len(word) == 1 else f'"{word}"*' for word in words)


class TokenMatch(ColumnElement[bool]):
    """The contacts whose search tokens hold every word: one letter whole, longer words as prefixes."""

    __visit_name__ = "token_match"
    inherit_cache = True
    type = Boolean()
    # A predicate already: without this SQLAlchemy writes `… IN (…) = 1` on SQLite, which hides
    # the IN from the planner (it then walks the whole name index).
    _is_implicitly_boolean = True
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own protocol)
        ("contact_id", InternalTraversal.dp_clauseelement),
        ("tokens", InternalTraversal.dp_clauseelement),
        ("query", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, contact_id: Column, tokens: Column, words: Sequence[str]) -> None:
        if not words:
            raise ValueError("a search needs at least one word")
        self.contact_id = coercions.expect(roles.ExpressionElementRole, contact_id)
        self.tokens = coercions.expect(roles.ExpressionElementRole, tokens)
        self.query = bindparam("search", tuple(words), type_=_SearchQuery(), unique=True)


@compiles(TokenMatch)
@compiles(TokenMatch, "sqlite")
def _fts5_match(element: TokenMatch, compiler: SQLCompiler, **kw: Any) -> str:
    contact_id, query = compiler.process(element.contact_id, **kw), compiler.process(element.query, **kw)
    # Only compiled SQL goes into these strings: the words travel as a bound parameter.
    return f"{contact_id} IN (SELECT rowid FROM contact_search WHERE contact_search MATCH {query})"  # noqa: S608


@compiles(TokenMatch, "postgresql")
def _tsvector_match(element: TokenMatch, compiler: SQLCompiler, **kw: Any) -> str:
    tokens, query = compiler.process(element.tokens, **kw), compiler.process(element.query, **kw)
    return f"{POSTGRES_TOKENS.format(tokens=tokens)} @@ CAST({query} AS tsquery)"


class SearchCount(ColumnElement[int]):
    """How many contacts hold every word, counted from the search index; `among`, a select of
    contact ids, narrows it to those.

    SQLite: the FTS5 table's matching rows, without reading a contact row (it holds one row per
    contact, written with it). PostgreSQL: a GIN index answers no count alone; the contacts it
    finds are counted.
    """

    __visit_name__ = "search_count"
    inherit_cache = True
    type = Integer()
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own protocol)
        ("query", InternalTraversal.dp_clauseelement),
        ("among", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, words: Sequence[str], among: Select[Any] | None = None) -> None:
        if not words:
            raise ValueError("a search needs at least one word")
        self.query = bindparam("search", tuple(words), type_=_SearchQuery(), unique=True)
        self.among = among.scalar_subquery() if among is not None else None


def _among(element: SearchCount, compiler: SQLCompiler, column: str, **kw: Any) -> str:
    if element.among is None:
        return ""
    return f" AND {column} IN ({compiler.process(element.among.element, **kw)})"


@compiles(SearchCount)
@compiles(SearchCount, "sqlite")
def _fts5_count(element: SearchCount, compiler: SQLCompiler, **kw: Any) -> str:
    query, among = compiler.process(element.query, **kw), _among(element, compiler, "rowid", **kw)
    return f"(SELECT count(*) FROM contact_search WHERE contact_search MATCH {query}{among})"  # noqa: S608


@compiles(SearchCount, "postgresql")
def _tsvector_count(element: SearchCount, compiler: SQLCompiler, **kw: Any) -> str:
    query, among = compiler.process(element.query, **kw), _among(element, compiler, "searched.id", **kw)
    tokens = POSTGRES_TOKENS.format(tokens="searched.search_tokens")
    return f"(SELECT count(*) FROM contact AS searched WHERE {tokens} @@ CAST({query} AS tsquery){among})"  # noqa: S608


class _Keys(TypeDecorator[Any]):
    """Integer keys as one bound value: an integer array for PostgreSQL, a JSON array for SQLite."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        keys = [int(key) for key in value]
        return keys if dialect.name == "postgresql" else json.dumps(keys)


class KeyIn(ColumnElement[bool]):
    """`column IN (keys)` with the keys in one bound parameter: `= ANY(array)` on PostgreSQL,
    `IN (SELECT value FROM json_each(…))` on SQLite; same plans as an `IN` list (an index seek
    per key).

    An expanded `IN` renders one placeholder per key into the SQL at every execution (with a
    cast each on PostgreSQL): some 700 for a page of the reference query, 8 % of its CPU there.
    """

    __visit_name__ = "key_in"
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own protocol)
        ("column", InternalTraversal.dp_clauseelement),
        ("keys", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Column, keys: Sequence[int] | None = None) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        if keys is not None:
            self.keys = bindparam("keys", tuple(keys), type_=_Keys(), unique=True)
        else:  # given when executed, as `{"keys": […]}`: a statement built once, its cache key too
            self.keys = bindparam("keys", type_=_Keys())


@compiles(KeyIn)
@compiles(KeyIn, "sqlite")
def _json_keys(element: KeyIn, compiler: SQLCompiler, **kw: Any) -> str:
    column, keys = compiler.process(element.column, **kw), compiler.process(element.keys, **kw)
    return f"{column} IN (SELECT value FROM json_each({keys}))"  # noqa: S608 - compiled SQL only


@compiles(KeyIn, "postgresql")
def _array_keys(element: KeyIn, compiler: SQLCompiler, **kw: Any) -> str:
    column, keys = compiler.process(element.column, **kw), compiler.process(element.keys, **kw)
    return f"{column} = ANY({keys})"


def each_id(dialect_name: str, ids: Sequence[int]) -> ColumnElement[int]:
    """These ids as the rows of one column, from one bound parameter, to select from: one
    statement for any number of ids, whatever each engine's limit on parameters (a JSON array
    for SQLite's `json_each`, an integer array for PostgreSQL's `unnest`)."""
    if dialect_name == "postgresql":
        given = bindparam("each_id", list(ids), type_=ARRAY(Integer))
        column: ColumnElement[int] = func.unnest(given).column_valued("id")
        return column
    return func.json_each(bindparam("each_id", json.dumps(list(ids)))).table_valued("value").c.value


async def index_search_tokens(connection: AsyncConnection, tokens_by_id: Sequence[tuple[int, str]]) -> None:
    """Bring the engine's search index in step with these contacts' new `search_tokens`.

    Run it in the transaction that writes them. PostgreSQL's index is over the column itself:
    nothing to do there.
    """
    if connection.dialect.name != "sqlite" or not tokens_by_id:
        return
    await connection.execute(_FORGET, {"ids": [contact_id for contact_id, _ in tokens_by_id]})
    await connection.execute(
        _LEARN, [{"id": contact_id, "tokens": tokens} for contact_id, tokens in tokens_by_id]
    )


async def purge_search_index(connection: AsyncConnection) -> None:
    """Rewrite SQLite's FTS5 index so that the words of deleted rows are gone from it too.

    FTS5 records a deletion as a marker; the deleted row's words stay in older segments until
    they are merged. An erasure (rule 22) must leave none: "optimize" merges every segment into
    one, without them. PostgreSQL's index holds no words of its own.
    """
    if connection.dialect.name == "sqlite":
        await connection.execute(_OPTIMIZE)


async def empty_search_index(connection: AsyncConnection) -> None:
    """Forget every indexed contact (tests wipe the tables between cases)."""
    if connection.dialect.name == "sqlite":
        await connection.execute(_FORGET_ALL)


def described_by_models(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """For Alembic's autogenerate: the search index objects live outside the models, leave them be."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE):
        return False
    return not (type_ == "index" and name == POSTGRES_SEARCH_INDEX)
