"""Searches that match many contacts: a page read along the order's index, a count from the
search index.

A search's page is normally read from the search index, every match sorted (the order's index,
filtered, would walk far when the matches sort together: every "Martin" in one place). For a
prefix that starts the words of a fifth of the base ("ma"), that is sorting 200,000 rows for 20.
So a search page first reads the `WALK` contacts that come next in the order (the list without
its search, after the cursor) and keeps those whose tokens match: when they hold a full page,
that page is exact (any other match sorts after them). Otherwise the caller reads it from the
search index as before. Dense searches cost one bounded walk; sparse ones one more statement.

A count reads every match for its visibility (a merged contact is never listed): 200 ms for the
206,783 contacts "ma" finds at a million on SQLite. A search alone is counted as the search
index's own count (`SearchCount`), less the matching contacts staff may not list: the merged
ones, few and found by the index on status. (Other viewers leave out more: counted as before.)
"""

from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import SearchCount
from db.models import Contact
from resolvers.paging import Page, PageQuery, SortColumn

WALK = 1000
Holds = Callable[[ColumnElement[str]], list[ColumnElement[bool]]]  # given the walked rows' tokens


async def page_along_order(session: AsyncSession, unsearched: PageQuery, holds: Holds) -> Page | None:
    """The page, when the next `WALK` contacts of `unsearched` (its cursor applied) hold a full one
    and one more for which `holds` is true; None when they do not. `unsearched` selects the
    contacts' `search_tokens` among its columns; the rows are read as it selects them."""
    request = unsearched.request
    walked = unsearched.keyed().limit(WALK).subquery("walked")
    keys = [
        SortColumn(walked.c[f"_key{index}"], sort.descending, sort.nullable)
        for index, sort in enumerate(unsearched.columns)
    ]
    statement = (
        select(walked)
        .where(*holds(walked.c.search_tokens))
        .order_by(*(key.ordering(request.backward) for key in keys))
        .limit(request.size + 1)
    )
    rows = list((await session.execute(statement)).all())
    return unsearched.page(rows) if len(rows) > request.size else None


async def search_count(session: AsyncSession, listed: ColumnElement[bool], found: Sequence[str]) -> int:
    """How many contacts `listed` holds among those a search alone finds (every word of `found`),
    for a `listed` that leaves out few contacts, found by an index (staff: the merged ones)."""
    unlisted = select(Contact.id).where(not_(listed))
    return int(await session.scalar(select(SearchCount(found) - SearchCount(found, among=unlisted))) or 0)
