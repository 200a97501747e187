"""How a plan gets a field's value from its parent, chosen once per field of the document.

Three ways, from the cheapest: a plain attribute (Strawberry's basic fields); a resolver that
reads nothing of `info` but `info.context`, called directly; anything else through the very
resolver graphql-core calls, with a resolve info and arguments built the same way. A `Related`
field whose loader holds its value already is answered without its resolver (`relation`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from graphql import GraphQLField
from graphql.pyutils import Path
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from resolvers.loaders import RELATED, Related
from schema.compiled.run import Run, Site

# (run, source, path of the field) -> the resolved value, or an awaitable of it
Resolve = Callable[[Run, Any, Path | None], Any]


class Resolver(NamedTuple):
    call: Resolve
    needs_path: bool  # graphql-core's resolve info carries the path (errors, nested fields)


DEFINITION = "strawberry-definition"
_INFO = re.compile(r"\binfo\b(\.context\b)?")


def strawberry_field(field_def: GraphQLField) -> StrawberryField | None:
    found = (field_def.extensions or {}).get(DEFINITION)
    return found if isinstance(found, StrawberryField) else None


def is_attribute(field: StrawberryField, site: Site) -> bool:
    """A basic field (no resolver, no extension): Strawberry reads the attribute, and so do plans."""
    return field.is_basic_field and getattr(site.field_def.resolve, "_is_default", False) is True


def attribute(field: StrawberryField, site: Site) -> Resolve | None:
    if not is_attribute(field, site):
        return None
    name = field.python_name

    def read(run: Run, source: Any, path: Path | None) -> Any:
        return getattr(source, name)

    return read


def relation(field: StrawberryField, site: Site) -> Related[Any, Any] | None:
    """A `Related` field's relation (resolvers.loaders), when its resolver is one a plan calls
    directly: a plan converts the value the loader holds as that resolver would
    (plans._related_step), and calls the resolver for any other."""
    found = field.metadata.get(RELATED) if field.metadata else None
    return found if isinstance(found, Related) and direct(field, site) is not None else None


def direct(field: StrawberryField, site: Site) -> Resolve | None:
    """A resolver with no argument, no extension (so no permission class), that uses only
    `info.context`: called as Strawberry would call it, with an Info shared by the request."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.arguments or site.field_def.args:
        return None
    if resolver.parent_parameter or resolver.root_parameter or not _reads_only_context(resolver.wrapped_func):
        return None
    function: Any = resolver.wrapped_func
    if not callable(function):
        return None
    with_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def make_info(raw: Any) -> Info[Any, Any]:
        return Info(_raw_info=raw, _field=field)

    def call(run: Run, source: Any, path: Path | None) -> Any:
        arguments = (source,) if with_self else ()
        if info_name is None:
            return function(*arguments)
        return function(*arguments, **{info_name: run.shared_info(site, make_info)})

    return call


@cache  # reading a resolver's source costs ~1 ms, and a document compiles it for each field
def _reads_only_context(function: Any) -> bool:
    """True when every use of `info` in the resolver's source, but its parameter, is `info.context`."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    uses = [match.group(1) for match in _INFO.finditer(source)]
    return uses.count(None) <= 1


def through_graphql(site: Site) -> Resolver:
    """The field's own graphql-core resolver, with the info and arguments the stock executor builds."""
    field_def = site.field_def
    resolve = field_def.resolve
    if resolve is None:
        raise LookupError("a field without a resolver")  # Strawberry gives every field one

    def call(run: Run, source: Any, path: Path | None) -> Any:
        info = run.executor.build_resolve_info(field_def, site.nodes, site.parent_type, path)  # type: ignore[arg-type]
        return resolve(source, info, **run.arguments(site))

    return Resolver(call, needs_path=True)
