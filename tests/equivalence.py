"""Proof that compiled plans answer what the stock executor answers.

Every query document the suite sends, through the `graphql` fixture or over HTTP, is recorded;
when the test ends (before the next one empties the database), each is run again through both
executors on the same data, and their JSON must be identical: data and errors (messages,
locations, paths, codes). Replaying at the end, rather than running both
executors at each call, leaves each test's own results and counts to the executor configured
(CARNET_COMPILED), so that turning the compiler off changes nothing a test sees.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from strawberry.types import ExecutionResult

from schema.context import Context
from schema.schema import schema


@dataclass(frozen=True)
class Sent:
    """One query as a test sent it: enough to send it again as the same caller."""

    document: str
    variables: dict[str, Any] | None
    operation_name: str | None
    context: Callable[[bool], Context]  # compiled or not -> a fresh context for the same caller


def is_query(document: str, operation_name: str | None) -> bool:
    try:
        operation = get_operation_ast(parse(document), operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.QUERY


def answer(result: ExecutionResult) -> dict[str, Any]:
    """What a client receives. Not the number of statements: where several branches of a
    document read through loaders, which loads share a batch depends on when the database
    answers, and the stock executor itself varies from run to run (17 to 19 statements for the
    visibility test's document). Counts are proven by the statement-count tests instead, which
    run on whichever executor is configured."""
    return {"data": result.data, "errors": [error.formatted for error in result.errors or []]}


async def run(sent: Sent, *, compiled: bool) -> dict[str, Any]:
    context = sent.context(compiled)
    result = await schema.execute(
        sent.document,
        variable_values=sent.variables,
        operation_name=sent.operation_name,
        context_value=context,
    )
    return answer(result)


class Recorder:
    """The queries one test sent; `check()` replays them through both executors."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def record(self, sent: Sent) -> None:
        if is_query(sent.document, sent.operation_name):
            self.sent.append(sent)

    async def check(self) -> int:
        """Replay every distinct query; raise at the first difference. Returns how many."""
        seen: set[str] = set()
        for sent in self.sent:
            key = json.dumps(
                [sent.document, sent.variables, sent.operation_name], sort_keys=True, default=str
            )
            if key in seen:
                continue
            seen.add(key)
            stock, compiled = await run(sent, compiled=False), await run(sent, compiled=True)
            assert compiled == stock, _difference(sent, stock, compiled)
        return len(seen)


def _difference(sent: Sent, stock: dict[str, Any], compiled: dict[str, Any]) -> str:
    return (
        "the compiled plan and the stock executor differ\n"
        f"document: {sent.document}\nvariables: {sent.variables}\n"
        f"stock:    {json.dumps(stock, default=str)[:3000]}\n"
        f"compiled: {json.dumps(compiled, default=str)[:3000]}"
    )
