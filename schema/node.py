"""`node` and `nodes`: any global id, resolved through the type that owns it, null when unseen."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry

from schema.context import Context
from schema.ids import from_global_id

# How to fetch nodes of one type by primary key: a value per key, None where unseen.
NodeFetcher = Callable[[Context, Sequence[int]], Awaitable[Sequence[Any]]]

_fetchers: dict[str, NodeFetcher] = {}


@strawberry.interface
class Node:
    id: strawberry.ID


def node_fetcher(type_name: str) -> Callable[[NodeFetcher], NodeFetcher]:
    """Register how nodes of `type_name` are fetched (each node type module does it once)."""

    def register(fetch: NodeFetcher) -> NodeFetcher:
        _fetchers[type_name] = fetch
        return fetch

    return register


async def resolve_nodes(ctx: Context, ids: Sequence[str]) -> list[Any]:
    """One fetch per type named, whatever the number of ids; None for anything not seen."""
    wanted: dict[str, set[int]] = {}
    for value in ids:
        parsed = from_global_id(value)
        if parsed is not None and parsed[0] in _fetchers:
            wanted.setdefault(parsed[0], set()).add(parsed[1])
    found: dict[tuple[str, int], Any] = {}
    for type_name, pks in wanted.items():
        ordered = sorted(pks)
        for pk, node in zip(ordered, await _fetchers[type_name](ctx, ordered), strict=True):
            found[(type_name, pk)] = node
    return [found.get(parsed) if (parsed := from_global_id(value)) else None for value in ids]
