"""The cost limit: what a query may return, counted GitHub's way, refused before it runs.

Each connection counts its `first`/`last` (50 when neither is given), each plain list of objects
counts 10, or the length of the list it is asked for (`nodes(ids:)` returns one object per id:
50,000 ids in a body of 1 MiB counted 10); counts multiply along each path and the products are
summed over the document.
`contacts(first: 100) { links { sites } }` costs 100 + 100*10 + 100*10*10 = 11,100.

No maintained Python library computes this connection-aware cost for graphql-core (the ones
found weigh each field, blind to `first`), so it is a small walk over the document, run after
validation and before execution, with the request's variables (a `first` given as a variable
counts its value, as GitHub counts it). Each fragment's cost is remembered, so the walk stays
linear however fragments are spread.
"""

from collections.abc import AsyncIterator
from functools import cache
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from strawberry.extensions import SchemaExtension

from schema.document_thread import walked

MAX_COST = 50_000
DEFAULT_PAGE = 50
LARGEST_PAGE = 100
PLAIN_LIST = 10


# Requests known to cost at most MAX_COST, by document text, operation and variables: a front end
# sends the same few again and again, and the walk took ~0.1 ms a request. Only small keys are
# kept (an unusual document is walked each time), the oldest forgotten first.
AFFORDABLE_KEPT = 256
AFFORDABLE_KEY_MAX = 5_000  # characters of document and variables
_AFFORDABLE: dict[tuple[str, str | None, bytes], None] = {}


class CostGuard(SchemaExtension):
    """QUERY_TOO_COMPLEX, with the cost and the limit, before an operation that may cost too much
    runs. Counted at execution, with the request's variables: `first: $first` counts its value."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None:
            schema, name, variables = context.schema._schema, context.operation_name, context.variables
            known = _affordable_key(context.query, name, variables)
            if known is None or known not in _AFFORDABLE:
                error = await walked("cost", context.query, cost_error, schema, document, name, variables)
                if error is not None:
                    context.result = ExecutionResult(data=None, errors=[error])
                elif known is not None:
                    _remember_affordable(known)
        yield


def _affordable_key(
    text: str | None, operation_name: str | None, variables: dict[str, Any] | None
) -> tuple[str, str | None, bytes] | None:
    """What a request's cost depends on, or None when it is too large to keep (or its variables
    are not JSON: a request made in process)."""
    if text is None:
        return None
    try:
        given = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    if len(text) + len(given) > AFFORDABLE_KEY_MAX:
        return None
    return text, operation_name, given


def _remember_affordable(key: tuple[str, str | None, bytes]) -> None:
    if len(_AFFORDABLE) >= AFFORDABLE_KEPT:
        del _AFFORDABLE[next(iter(_AFFORDABLE))]
    _AFFORDABLE[key] = None


def cost_error(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> GraphQLError | None:
    operation = _operation(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return None
    cost = Cost(schema, document, variables or {}).of(operation.selection_set, root)
    if cost <= MAX_COST:
        return None
    return GraphQLError(
        f"This query may cost {cost:,} and the limit is {MAX_COST:,}: ask for smaller "
        "pages or fewer nested lists.",
        operation,
        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "limit": MAX_COST},
    )


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


class Cost:
    """The cost of selections, each fragment's cost remembered (fragments spread in fragments)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, str], int] = {}
        self._expanding: set[str] = set()

    def of(self, selections: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        return self._cost(selections, parent)

    def _cost(self, selections: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        """The cost of one instance of `parent` answering `selections` (linear in its count)."""
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self._cost(selection.selection_set, inner or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread_cost(selection.name.value)
        return total

    def _spread_cost(self, name: str) -> int:
        fragment = self._fragments.get(name)
        if fragment is None or name in self._expanding:  # unknown or a cycle: other rules refuse it
            return 0
        condition = self.schema.get_type(fragment.type_condition.name.value)
        if condition is None:
            return 0
        key = (name, condition.name)
        if key not in self._memo:  # remembered: fragments spread in fragments stay linear
            self._expanding.add(name)
            self._memo[key] = self._cost(fragment.selection_set, condition)
            self._expanding.discard(name)
        return self._memo[key]

    def _field_cost(self, field: FieldNode, parent: GraphQLNamedType) -> int:
        definition = _fields(parent).get(field.name.value)
        if definition is None:
            return 0
        returned = get_nullable_type(definition.type)
        named = get_named_type(returned)
        count = _count(field, parent, named, returned, self.variables)
        inner = self._cost(field.selection_set, named) if is_composite_type(named) else 0
        return count + count * inner if count else inner


def _fields(parent: GraphQLNamedType) -> dict[str, Any]:
    fields = getattr(parent, "fields", None)
    return fields if isinstance(fields, dict) else {}


def _count(
    field: FieldNode,
    parent: GraphQLNamedType,
    named: GraphQLNamedType,
    returned: Any,
    variables: dict[str, Any],
) -> int:
    """How many items a field may return: 0 for a single value."""
    if _is_connection(named):
        return _page_size(field, variables)
    if _is_connection(parent):  # `edges` and `nodes` of a connection: counted by the connection
        return 0
    if isinstance(returned, GraphQLList) and is_composite_type(named):
        return _asked_for(field, variables) or PLAIN_LIST
    return 0


def _asked_for(field: FieldNode, variables: dict[str, Any]) -> int:
    """The length of the longest list argument (`nodes(ids:)`): one object per item; 0 for none."""
    longest = 0
    for argument in field.arguments or ():
        value = argument.value
        if isinstance(value, ListValueNode):
            longest = max(longest, len(value.values))
        elif isinstance(value, VariableNode) and isinstance(variables.get(value.name.value), list):
            longest = max(longest, len(variables[value.name.value]))
    return longest


@cache
def _is_connection_name(name: str) -> bool:
    return name.endswith("Connection")


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and _is_connection_name(named.name)


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            literal = argument.value
            if isinstance(literal, VariableNode):
                given = variables.get(literal.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(0, min(given, LARGEST_PAGE))
                continue  # null: the other argument, or the default page
            # Three digits at most: a thousand-digit literal is no page size, and int() of it is slow.
            if isinstance(literal, IntValueNode) and len(literal.value) <= 3:
                return max(0, min(int(literal.value), LARGEST_PAGE))
            return LARGEST_PAGE
    return DEFAULT_PAGE


MAX_EXPANDED_SELECTIONS = 5_000  # as many as a document of MAX_TOKENS could hold without fragments


def expanded_selections(document: DocumentNode) -> int:
    """How many selections the document holds once every fragment spread is expanded.

    Fragments spread in fragments grow it exponentially (30 levels of `...F ...F`: 2**30) while
    the text stays small; graphql-core's and Strawberry's validators expand them naively and would
    run for hours. Counted here with each fragment's size remembered, so in linear time.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}
    expanding: set[str] = set()

    def size(selections: SelectionSetNode | None) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FragmentSpreadNode):
                total += spread(selection.name.value)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)):
                total += 1 + size(selection.selection_set)
        return total

    def spread(name: str) -> int:
        if name in expanding or name not in fragments:
            return 0
        if name not in sizes:
            expanding.add(name)
            sizes[name] = size(fragments[name].selection_set)
            expanding.discard(name)
        return sizes[name]

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return sum(size(operation.selection_set) for operation in operations)


def too_many_selections(count: int) -> GraphQLError:
    return GraphQLError(
        f"This query expands to {count:,} selections and the limit is {MAX_EXPANDED_SELECTIONS:,}: "
        "spread fewer fragments.",
        extensions={"code": "QUERY_TOO_COMPLEX"},
    )
