"""Who is asking: `viewer`, and the `node`/`nodes` entry points."""

import strawberry

from resolvers.access import Role as RoleValue
from schema.context import Info
from schema.node import Node, resolve_nodes

Role = RoleValue
strawberry.enum(Role, name="Role")  # decorates in place: annotate with the class


@strawberry.type
class Viewer:
    subject: str
    role: Role


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The caller, as its token names it.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(subject=info.context.viewer.subject, role=info.context.viewer.role)

    @strawberry.field(description="Any object by its global id; null when unknown or not visible.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        found: list[Node | None] = await resolve_nodes(info.context, [id])
        return found[0]

    @strawberry.field(
        description="Objects by global id, in the order asked; null where unknown or not visible."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return await resolve_nodes(info.context, ids)
