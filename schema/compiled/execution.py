"""The executor Strawberry runs (its public `execution_context_class` hook): compiled plans for
the queries they support, the stock executor for everything else and for every error."""

import logging
from collections import Counter, OrderedDict
from collections.abc import Awaitable
from typing import Any, NamedTuple

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, visit
from graphql.execution.executor import CollectedErrors
from graphql.language import DirectiveNode, Visitor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled.plans import Compiler, Fields, Unsupported
from schema.compiled.run import Run
from schema.document_thread import LARGE_DOCUMENT, in_thread

CACHED_PLANS = 256
log = logging.getLogger("carnet.compiled")


class PlanCache:
    """Plans by operation and `@skip`/`@include` values, least recently used out first.
    A document the compiler does not support is cached too (as None): it is not tried again.

    Looked up and stored on the event loop; `compile` reads only the executor, so that a large
    document's plan can be made in the document thread while the loop answers other requests.
    """

    def __init__(self, size: int = CACHED_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], tuple[OperationDefinitionNode, Fields | None]] = (
            OrderedDict()
        )
        self._directive_variables: dict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = {}

    def lookup(self, executor: "CompiledExecutor") -> tuple[bool, Fields | None]:
        """(True, the plan or None) when the document was compiled before, else (False, None)."""
        operation = executor.operation
        known = self._directive_variables.get(id(operation))
        if known is None or known[0] is not operation:
            return False, None
        cached = self._plans.get(_key(executor, known[1]))
        if cached is None or cached[0] is not operation:
            return False, None
        self._plans.move_to_end(_key(executor, known[1]))
        return True, cached[1]

    def store(self, executor: "CompiledExecutor", compiled: "Compiled") -> Fields | None:
        operation = executor.operation
        if compiled.unsupported is not None:
            log.debug("stock executor for this document: %s", compiled.unsupported)
            UNSUPPORTED[compiled.unsupported] += 1
        if len(self._directive_variables) > self.size:
            self._directive_variables.clear()
        self._directive_variables[id(operation)] = (operation, compiled.variables)
        self._plans[_key(executor, compiled.variables)] = (operation, compiled.plan)
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return compiled.plan

    def plan(self, executor: "CompiledExecutor") -> Fields | None:
        """The plan of the executor's document, compiled here when it is not cached."""
        known, plan = self.lookup(executor)
        return plan if known else self.store(executor, compile_plan(executor))


class Compiled(NamedTuple):
    variables: tuple[str, ...]  # those the operation's `@skip`/`@include` read
    plan: Fields | None
    unsupported: str | None  # why there is no plan


def compile_plan(executor: "CompiledExecutor") -> Compiled:
    """The plan of the executor's document. Reads the executor and the document, changes
    nothing shared: safe in the document thread."""
    variables = _directive_variables(executor)
    try:
        return Compiled(variables, Compiler(executor).operation(), None)
    except Unsupported as reason:
        return Compiled(variables, None, str(reason))


def _key(executor: "CompiledExecutor", variables: tuple[str, ...]) -> tuple[Any, ...]:
    values = executor.variable_values.coerced
    return (id(executor.operation), *(values.get(name) for name in variables))


def _directive_variables(executor: "CompiledExecutor") -> tuple[str, ...]:
    """The variables the operation's `@skip`/`@include` read: the plan depends on their values."""
    found: set[str] = set()
    collector = _DirectiveVariables(found)
    visit(executor.operation, collector)
    for fragment in executor.fragment_definitions.values():
        visit(fragment, collector)
    return tuple(sorted(found))


class _DirectiveVariables(Visitor):
    def __init__(self, found: set[str]) -> None:
        super().__init__()
        self.found = found

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        for argument in node.arguments or ():
            variable = getattr(argument.value, "name", None)
            if variable is not None:
                self.found.add(variable.value)


PLANS = PlanCache()
# Why documents were left to the stock executor, by reason.
UNSUPPORTED: Counter[str] = Counter()
# How queries were answered since the process started: "compiled", "stock" (no plan for the
# document) and "fell back" (a plan met an error). Read by tests and by whoever tunes the compiler.
OUTCOMES: Counter[str] = Counter()


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, running a compiled plan when the document has one.

    Field errors are handled by the executor's own `handle_field_error`, where graphql-core
    handles them. What a plan does not reproduce (`Abort`: a runtime type it cannot place, an
    awaitable list item…) stops it: its leftovers are settled in the background, the
    request's loaders are renewed (a loader future cancelled with the plan must not reach the
    stock run) and the stock executor answers the whole operation.
    """

    def execute_operation(self, serially: bool | None = None) -> Any:
        if self.operation.operation is OperationType.QUERY:
            self._share_reads()
        result = self._execute_operation(serially)
        if self.is_awaitable(result):
            return self._closed_after(result)
        self._release()
        return result

    def _share_reads(self) -> None:
        """A query's reads share one connection (db.engine.RequestReads): nothing it reads is
        written by the request itself. A mutation's payload must see what it wrote: it reads
        on short sessions, as before."""
        reads = getattr(self.context_value, "reads", None)
        if reads is not None:
            reads.share()

    async def _closed_after(self, result: Awaitable[Any]) -> Any:
        try:
            return await result
        finally:
            close = getattr(self.context_value, "close", None)
            if close is not None:
                await close()

    def _release(self) -> None:
        release = getattr(self.context_value, "release", None)
        if release is not None:
            release()

    def _execute_operation(self, serially: bool | None) -> Any:
        if not getattr(self.context_value, "compiled", False):
            return super().execute_operation(serially)
        known, plan = PLANS.lookup(self)
        if not known:
            if _document_size(self.operation) >= LARGE_DOCUMENT:
                return self._compiled_in_thread(serially)
            plan = PLANS.store(self, compile_plan(self))
        return self._execute(plan, serially)

    async def _compiled_in_thread(self, serially: bool | None) -> Any:
        """A large document's plan made in the document thread (compiling costs ~0.1 ms a field),
        the loop free meanwhile; then run as any other."""
        plan = PLANS.store(self, await in_thread("compile", compile_plan, self))
        result = self._execute(plan, serially)
        return await result if self.is_awaitable(result) else result

    def _execute(self, plan: Fields | None, serially: bool | None) -> Any:
        if plan is None:
            OUTCOMES["stock"] += 1
            return super().execute_operation(serially)
        return self._execute_plan(plan, serially)

    async def _execute_plan(self, plan: Fields, serially: bool | None) -> Any:
        run = Run(self)
        try:
            data = plan(run, self.root_value, None)
            if self.is_awaitable(data):
                data = await data
        except GraphQLError as error:  # a non-null root field's error nulls the whole data
            OUTCOMES["compiled"] += 1
            self.collected_errors.add(error, None)
            return self.build_response(None)
        except Exception:
            OUTCOMES["fell back"] += 1
            return await self._execute_stock(serially)
        OUTCOMES["compiled"] += 1
        return self.build_response(data)

    async def _execute_stock(self, serially: bool | None) -> ExecutionResult:
        renew = getattr(self.context_value, "renew_loaders", None)
        if renew is not None:
            renew()
        self.collected_errors = CollectedErrors()
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            result = await result  # type: ignore[misc]
        return result  # type: ignore[return-value]


def _document_size(operation: OperationDefinitionNode) -> int:
    """The characters of the document the operation comes from (0 when parsed without locations)."""
    location = operation.loc
    return len(location.source.body) if location is not None else 0
