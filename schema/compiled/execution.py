"""The executor Strawberry runs (its public `execution_context_class` hook): compiled plans for
the queries they support, the stock executor for everything else and for every error."""

import logging
from collections import Counter, OrderedDict
from collections.abc import Awaitable
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, visit
from graphql.execution.executor import CollectedErrors
from graphql.language import DirectiveNode, Visitor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled.plans import Compiler, Fields, Unsupported
from schema.compiled.run import Run

CACHED_PLANS = 256
log = logging.getLogger("carnet.compiled")


class PlanCache:
    """Plans by operation and `@skip`/`@include` values, least recently used out first.
    A document the compiler does not support is cached too (as None): it is not tried again."""

    def __init__(self, size: int = CACHED_PLANS) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[Any, ...], tuple[OperationDefinitionNode, Fields | None]] = (
            OrderedDict()
        )
        self._directive_variables: dict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = {}

    def plan(self, executor: "CompiledExecutor") -> Fields | None:
        operation = executor.operation
        values = executor.variable_values.coerced
        key = (id(operation), *(values.get(name) for name in self._variables(executor)))
        cached = self._plans.get(key)
        if cached is not None and cached[0] is operation:
            self._plans.move_to_end(key)
            return cached[1]
        try:
            plan: Fields | None = Compiler(executor).operation()
        except Unsupported as reason:
            log.debug("stock executor for this document: %s", reason)
            UNSUPPORTED[str(reason)] += 1
            plan = None
        self._plans[key] = (operation, plan)
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return plan

    def _variables(self, executor: "CompiledExecutor") -> tuple[str, ...]:
        """The variables the operation's `@skip`/`@include` read: the plan depends on their values."""
        operation = executor.operation
        known = self._directive_variables.get(id(operation))
        if known is not None and known[0] is operation:
            return known[1]
        found: set[str] = set()
        collector = _DirectiveVariables(found)
        visit(operation, collector)
        for fragment in executor.fragment_definitions.values():
            visit(fragment, collector)
        names = tuple(sorted(found))
        if len(self._directive_variables) > self.size:
            self._directive_variables.clear()
        self._directive_variables[id(operation)] = (operation, names)
        return names


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
        plan = PLANS.plan(self)
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
