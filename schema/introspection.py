"""Introspection is refused to PORTAL callers (DOMAIN, "Who may do what"): the portal runs
known documents, it has no use for the schema, and the schema maps what an attacker may try.
`__typename` stays allowed: clients with a normalising cache ask for it everywhere."""

from collections.abc import AsyncIterator
from typing import Any

from graphql import DocumentNode, ExecutionResult, FieldNode, GraphQLError, visit
from graphql.language import BREAK, Visitor
from strawberry.extensions import SchemaExtension

from resolvers.access import Role
from schema.context import Context
from schema.document_thread import walked

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class PortalIntrospection(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        viewer = getattr(context.context, "viewer", None) if isinstance(context.context, Context) else None
        document = context.graphql_document
        if (
            context.result is None
            and viewer is not None
            and viewer.role is Role.PORTAL
            and document is not None
            and await walked("introspection", context.query, introspects, document)
        ):
            error = GraphQLError("Introspection is not open to the portal.", extensions={"code": "FORBIDDEN"})
            context.result = ExecutionResult(data=None, errors=[error])
        yield


def introspects(document: DocumentNode) -> bool:
    finder = _Introspection()
    visit(document, finder)
    return finder.found


class _Introspection(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_args: Any) -> Any:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found = True
            return BREAK
        return None
