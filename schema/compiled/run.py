"""One execution of a plan: the executor it runs in, and what its fields share per request."""

from collections.abc import Callable, Iterable
from typing import Any

from graphql import GraphQLField, GraphQLObjectType
from graphql.execution import Executor
from graphql.execution.values import get_argument_values
from graphql.language import FieldNode

from resolvers.breath import Breath

# Classes whose instances are never awaitable: the built-in ones a plan meets, and Strawberry
# object classes once seen (a plan asks of every object it completes). Plans look a value's
# class up here before they call `Run.is_awaitable` at all.
NEVER_AWAITABLE: set[type] = {str, int, float, bool, type(None), list, dict, tuple, bytes}


def _known_types_first(is_awaitable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """The executor's `is_awaitable`, answered from the value's class for Strawberry objects: it
    asks `hasattr(value, "__await__")` of each, which fails through an AttributeError (~0.5 µs,
    some 800 objects a page). Such a class, without `__await__` or `__getattr__`, makes
    instances that are never awaitable (the types set no attribute of that name on instances)."""

    def known_types_first(value: Any) -> bool:
        kind = value.__class__
        if kind in NEVER_AWAITABLE:
            return False
        awaitable = is_awaitable(value)
        if not awaitable and _plain_object_class(kind):
            NEVER_AWAITABLE.add(kind)
        return awaitable

    return known_types_first


def _plain_object_class(kind: type) -> bool:
    return (
        hasattr(kind, "__strawberry_definition__")
        and not hasattr(kind, "__await__")
        and not hasattr(kind, "__getattr__")
    )


class Abort(Exception):
    """The plan meets something the stock executor answers with an error: let it answer."""


class Site:
    """A field of the document, as a plan calls it: what graphql-core's resolve info is built from."""

    __slots__ = ("field_def", "nodes", "parent_type")

    def __init__(
        self, field_def: GraphQLField, nodes: list[FieldNode], parent_type: GraphQLObjectType
    ) -> None:
        self.field_def = field_def
        self.nodes = nodes
        self.parent_type = parent_type


class Run:
    """The state of one request through a plan: resolve infos and arguments made once per field."""

    __slots__ = ("_arguments", "_infos", "_raw_infos", "breath", "executor", "is_awaitable", "loaders")

    def __init__(self, executor: Executor[Any]) -> None:
        self.executor = executor
        self.is_awaitable: Callable[[Any], bool] = _known_types_first(executor.is_awaitable)
        # The request's loaders (schema.context.Context.loaders), for the values they hold already.
        self.loaders: Any = getattr(executor.context_value, "loaders", None)
        found = getattr(executor.context_value, "breath", None)
        # A request without one (a context made elsewhere) never breathes.
        self.breath: Breath = found if isinstance(found, Breath) else Breath(budget=float("inf"))
        # A new turn: the request waited for the document thread (parse, validation, the walks
        # of a large document), the loop free meanwhile. Due at once, its root fields would
        # breathe in turns and fail in another order than the stock executor's (which errors
        # a nulled root keeps).
        self.breath.restart()
        self._infos: dict[int, Any] = {}
        self._raw_infos: dict[int, Any] = {}
        self._arguments: dict[int, dict[str, Any]] = {}

    def raw_info(self, site: Site) -> Any:
        """graphql-core's resolve info, once per request and field, without a path: for what
        reads only its context, schema and field (resolve_type, resolvers checked to)."""
        info = self._raw_infos.get(id(site))
        if info is None:
            info = self._raw_infos[id(site)] = self.executor.build_resolve_info(
                site.field_def,
                site.nodes,
                site.parent_type,
                None,  # type: ignore[arg-type]
            )
        return info

    def shared_info(self, site: Site, make: Callable[[Any], Any]) -> Any:
        """`make(raw_info(site))`, once per request and field."""
        info = self._infos.get(id(site))
        if info is None:
            info = self._infos[id(site)] = make(self.raw_info(site))
        return info

    def arguments(self, site: Site) -> dict[str, Any]:
        """The field's arguments, coerced as graphql-core does; they depend only on the variables."""
        arguments = self._arguments.get(id(site))
        if arguments is None:
            field_def, node = site.field_def, site.nodes[0]
            executor = self.executor
            arguments = (
                get_argument_values(
                    field_def, node, executor.variable_values, None, executor.hide_suggestions
                )
                if field_def.args or node.arguments
                else {}
            )
            self._arguments[id(site)] = arguments
        return arguments

    def discard(self, values: Iterable[Any]) -> None:
        """Awaitables a failed run leaves behind: run to their end in the background, as
        graphql-core settles them, so that nothing is left never awaited."""
        pending = [value for value in values if self.is_awaitable(value)]
        if pending:
            self.executor.settle_in_background(pending)
