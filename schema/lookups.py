"""Typed look-ups (`contact`, `client`…): `node` narrowed to one type, null for any other.

The same path as `node`: one id decoder, one fetch per type, the viewer's visibility applied.
"""

import strawberry

from schema.contacts import Contact
from schema.context import Info
from schema.node import resolve_node
from schema.organizations import Affair, Client, Organization, Site, Supplier, ThirdParty
from schema.reference import Event, Target

ORGANIZATION_TYPES = ("Client", "Supplier", "ThirdParty")
NULL_WHEN_ELSE = "Null (no error) for an id of another type or one the caller may not see."


@strawberry.type
class LookupQueries:
    @strawberry.field(description=f"A contact by its id. {NULL_WHEN_ELSE}")
    async def contact(self, info: Info, id: strawberry.ID) -> Contact | None:
        found: Contact | None = await resolve_node(info.context, id, ("Contact",))
        return found

    @strawberry.field(description=f"A client, supplier or third party by its id. {NULL_WHEN_ELSE}")
    async def organization(self, info: Info, id: strawberry.ID) -> Organization | None:
        found: Organization | None = await resolve_node(info.context, id, ORGANIZATION_TYPES)
        return found

    @strawberry.field(description=f"A client or prospect by its id. {NULL_WHEN_ELSE}")
    async def client(self, info: Info, id: strawberry.ID) -> Client | None:
        found: Client | None = await resolve_node(info.context, id, ("Client",))
        return found

    @strawberry.field(description=f"A supplier by its id. {NULL_WHEN_ELSE}")
    async def supplier(self, info: Info, id: strawberry.ID) -> Supplier | None:
        found: Supplier | None = await resolve_node(info.context, id, ("Supplier",))
        return found

    @strawberry.field(description=f"A third party by its id. {NULL_WHEN_ELSE}")
    async def third_party(self, info: Info, id: strawberry.ID) -> ThirdParty | None:
        found: ThirdParty | None = await resolve_node(info.context, id, ("ThirdParty",))
        return found

    @strawberry.field(description=f"A client's site by its id. {NULL_WHEN_ELSE}")
    async def site(self, info: Info, id: strawberry.ID) -> Site | None:
        found: Site | None = await resolve_node(info.context, id, ("Site",))
        return found

    @strawberry.field(description=f"An affair by its id. {NULL_WHEN_ELSE}")
    async def affair(self, info: Info, id: strawberry.ID) -> Affair | None:
        found: Affair | None = await resolve_node(info.context, id, ("Affair",))
        return found

    @strawberry.field(description=f"A target list by its id. {NULL_WHEN_ELSE}")
    async def target(self, info: Info, id: strawberry.ID) -> Target | None:
        found: Target | None = await resolve_node(info.context, id, ("Target",))
        return found

    @strawberry.field(description=f"An event by its id. {NULL_WHEN_ELSE}")
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        found: Event | None = await resolve_node(info.context, id, ("Event",))
        return found
