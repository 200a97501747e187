"""`node`, `nodes` and the typed look-ups: any global id, resolved through the type that owns it,
null when unseen or of another type."""

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from resolvers.global_ids import int_key, split_global_id
from resolvers.loaders import Loaders
from schema.context import Context

Key = TypeVar("Key", bound=Hashable)
Row = TypeVar("Row")

# How to fetch nodes of one type by key: a value per key, None where unseen.
NodeFetcher = Callable[[Context, Sequence[Any]], Awaitable[Sequence[Any]]]
# How a type reads the key part of its ids: None for a key that cannot be one of its rows.
KeyParser = Callable[[str], Hashable | None]


@dataclass(frozen=True)
class _NodeType:
    fetch: NodeFetcher
    key: KeyParser
    show: Callable[[Any], Any] | None = None  # a row as the type (types registered by their loader)


_types: dict[str, _NodeType] = {}


@strawberry.interface
class Node:
    id: strawberry.ID


def nodes_by_loader(
    type_name: str,
    loader: Callable[[Loaders], DataLoader[Key, Row | None]],
    show: Callable[[Row], Any],
    key: KeyParser = int_key,
) -> None:
    """Register a type whose nodes one of the request's loaders reads: `show` of each row found."""

    async def fetch(ctx: Context, keys: Sequence[Key]) -> list[Any]:
        rows = await loader(ctx.loaders).load_many(keys)
        return [show(row) if row is not None else None for row in rows]

    _types[type_name] = _NodeType(fetch, key, show)


def node_fetcher(type_name: str, key: KeyParser = int_key) -> Callable[[NodeFetcher], NodeFetcher]:
    """Register how nodes of `type_name` are fetched (each node type module does it once)."""

    def register(fetch: NodeFetcher) -> NodeFetcher:
        _types[type_name] = _NodeType(fetch, key)
        return fetch

    return register


def _parsed(value: str, accepted: Sequence[str] | None) -> tuple[str, Hashable] | None:
    split = split_global_id(value)
    if split is None or split[0] not in _types or (accepted is not None and split[0] not in accepted):
        return None
    key = _types[split[0]].key(split[1])
    return None if key is None else (split[0], key)


async def resolve_nodes(ctx: Context, ids: Sequence[str], accepted: Sequence[str] | None = None) -> list[Any]:
    """One fetch per type named, whatever the number of ids; None for anything not seen, and for
    an id whose type is not among `accepted` (when given)."""
    parsed = [_parsed(value, accepted) for value in ids]
    wanted: dict[str, set[Any]] = {}
    for found_id in parsed:
        if found_id is not None:
            wanted.setdefault(found_id[0], set()).add(found_id[1])
    found: dict[tuple[str, Any], Any] = {}
    for type_name, keys in wanted.items():
        ordered = sorted(keys)
        for key, node in zip(ordered, await _types[type_name].fetch(ctx, ordered), strict=True):
            found[(type_name, key)] = node
    return [found.get(found_id) if found_id is not None else None for found_id in parsed]


async def resolve_node(ctx: Context, value: str, accepted: Sequence[str] | None = None) -> Any:
    """One object by its id, through the same path as `nodes`: null when unseen or of another type."""
    return (await resolve_nodes(ctx, [value], accepted))[0]


# A type that refers back to one defined above it in the import order (a change to its contact,
# a client to its interlocutors' links) names it with `strawberry.lazy` and reaches it here,
# through the module that owns it, so that schema modules import one way.


async def load_node(ctx: Context, type_name: str, key: Hashable) -> Any:
    """The node a foreign key points to, already checked as visible: missing is a bug, said loudly."""
    found = (await _types[type_name].fetch(ctx, [key]))[0]
    if found is None:
        raise LookupError(f"{type_name} {key} is not visible here")
    return found


def show_node(type_name: str, row: Any) -> Any:
    """A row read for a type registered with `nodes_by_loader`, as that type."""
    show = _types[type_name].show
    if show is None:
        raise LookupError(f"{type_name} is not registered with a loader")
    return show(row)


async def load_nodes(ctx: Context, type_name: str, keys: Sequence[Hashable]) -> list[Any]:
    """The nodes many foreign keys point to, in one fetch; those not visible here left out."""
    return [node for node in await _types[type_name].fetch(ctx, list(keys)) if node is not None]
