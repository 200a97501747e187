"""Query arguments checked where they enter, before anything runs (rule 17, limits).

Text neither engine can store (NUL, lone surrogates) and searches over the limits are
BAD_USER_INPUT for queries, the same on both engines; no SQL is built from them. Mutations
answer the same problems as `userErrors` (INVALID, with the field path): see schema.mutations.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FloatValueNode,
    GraphQLError,
    GraphQLResolveInfo,
    IntValueNode,
    OperationType,
    visit,
)
from graphql.language import Visitor
from graphql.utilities import value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from resolvers.search import search_problem
from resolvers.text import first_unstorable
from schema.document_thread import walked

SEARCH = "search"


class InputGuard(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None and _is_query(context.operation_type):
            variables = context.variables or {}
            problem = await walked("arguments", context.query, arguments_problem, document, variables)
            if problem is not None:
                error = GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"})
                context.result = ExecutionResult(data=None, errors=[error])
        yield


def _is_query(operation: Any) -> bool:
    return bool(operation is not None and operation.value == OperationType.QUERY.value)


def arguments_problem(document: DocumentNode, variables: dict[str, Any]) -> str | None:
    """The first problem with the arguments of `document`, as a sentence, or None."""
    for argument in _arguments_of(document):
        try:
            value = value_from_ast_untyped(argument.value, variables)
        except RecursionError:
            return f"The argument `{argument.name.value}` is nested too deeply."
        problem = _value_problem(argument.name.value, value)
        if problem is not None:
            return problem
    return None


# The argument nodes of the documents seen last, by document: parsed documents are cached
# (schema.guards), and walking a whole document for each request cost as much as a field's worth
# of the answer.
CACHED_DOCUMENTS = 256
_arguments: dict[int, tuple[DocumentNode, list[ArgumentNode]]] = {}


def _arguments_of(document: DocumentNode) -> list[ArgumentNode]:
    cached = _arguments.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    collector = _Arguments()
    visit(document, collector)
    if len(_arguments) >= CACHED_DOCUMENTS:
        _arguments.clear()
    _arguments[id(document)] = (document, collector.found)
    return collector.found


class _Arguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[ArgumentNode] = []

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.found.append(node)


def _value_problem(name: str, value: Any) -> str | None:
    bad = first_unstorable(value, (name,))
    if bad is not None:
        path, problem = bad
        return f"{problem} (at {'.'.join(path)})"
    for search in _searches(name, value):
        refusal = search_problem(search)
        if refusal is not None:
            return refusal
    return None


def _searches(name: str, value: Any) -> Iterator[str]:
    """Every text given as a `search`, as an argument or as a field of an input, at any depth."""
    pending: list[tuple[str, Any]] = [(name, value)]
    while pending:
        key, current = pending.pop()
        if key == SEARCH and isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            pending.extend(current.items())
        elif isinstance(current, list):
            pending.extend((key, inner) for inner in current)


def unstorable_argument(raw_info: GraphQLResolveInfo[Any]) -> tuple[tuple[str, ...], str] | None:
    """The path and problem of the first unstorable text among one field's arguments, or None."""
    # graphql-core 3.3 types it as a VariableValues named tuple; at run time it is the dict.
    variables: Any = getattr(raw_info.variable_values, "coerced", raw_info.variable_values)
    for argument in raw_info.field_nodes[0].arguments or ():
        try:
            value = value_from_ast_untyped(argument.value, variables)
        except RecursionError:
            return (argument.name.value,), "The value is nested too deeply."
        found = first_unstorable(value, (argument.name.value,))
        if found is not None:
            return found
    return None


MAX_NUMBER_DIGITS = 100


class _LongNumbers(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.longest = 0

    def enter_int_value(self, node: IntValueNode, *_args: Any) -> None:
        self.longest = max(self.longest, len(node.value))

    def enter_float_value(self, node: FloatValueNode, *_args: Any) -> None:
        self.longest = max(self.longest, len(node.value))


def long_number(document: DocumentNode) -> GraphQLError | None:
    """A number literal of thousands of digits: graphql-core's int() of it raises ValueError
    (past 4,300 digits) or takes quadratic time, so it is refused before validation."""
    visitor = _LongNumbers()
    visit(document, visitor)
    if visitor.longest <= MAX_NUMBER_DIGITS:
        return None
    return GraphQLError(
        f"A number in the query has {visitor.longest:,} characters; at most {MAX_NUMBER_DIGITS}.",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )
