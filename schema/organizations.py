"""Organisations (clients, suppliers, third parties), sites and affairs, as GraphQL types."""

from collections.abc import Sequence
from typing import Any

import strawberry

from db import models
from resolvers import interlocutors, organizations
from resolvers.contact_lists import ContactFilter as ContactScope
from resolvers.loaders import Related
from resolvers.paging import PageRequest
from resolvers.rows import OrganizationRow, SiteRow
from schema.contact_values import LazyLink
from schema.context import Context, Info
from schema.ids import to_global_id
from schema.node import Node, node_fetcher, nodes_by_loader, show_node
from schema.pagination import Connection, connection, counter, page_request, read_page
from schema.scoped_lists import scoped_contacts

OrganizationKind = models.OrganizationKind
strawberry.enum(OrganizationKind, name="OrganizationKind")  # decorates in place: annotate with the class
ClientStatus = models.ClientStatus
strawberry.enum(ClientStatus, name="ClientStatus")  # decorates in place: annotate with the class


@strawberry.interface
class Organization(Node):
    pk: strawberry.Private[int]
    kind: OrganizationKind
    code: str
    name: str

    contacts = scoped_contacts(
        lambda organization: ContactScope(organization_id=organization.pk),
        "The contacts linked to this organisation.",
    )


# A client's relations, for their resolvers and compiled plans alike (Site and Affair come later).
_CLIENT_SITES: Related[list[models.Site], list["Site"]] = Related(
    "sites_by_client_id", "pk", lambda rows: [Site.from_row(row) for row in rows]
)
_CLIENT_AFFAIRS: Related[list[models.Affair], list["Affair"]] = Related(
    "affairs_by_client_id", "pk", lambda rows: [Affair.from_row(row) for row in rows]
)


@strawberry.type
class Client(Organization):
    status: ClientStatus

    @strawberry.field(metadata=_CLIENT_SITES.metadata)
    def sites(self, info: Info) -> list["Site"]:
        return _CLIENT_SITES.resolve(self, info.context.loaders)

    @strawberry.field(metadata=_CLIENT_AFFAIRS.metadata)
    def affairs(self, info: Info) -> list["Affair"]:
        return _CLIENT_AFFAIRS.resolve(self, info.context.loaders)

    @strawberry.field(
        description="Active links whose interlocutor types include typeCode (all typed links without it)."
    )
    async def interlocutors(self, info: Info, type_code: str | None = None) -> list[LazyLink]:
        ctx = info.context
        request = interlocutors.InterlocutorsRequest(self.pk, type_code, ctx.today)
        rows = await ctx.loaders.interlocutors_by_request.load(request)
        links: list[LazyLink] = [show_node("ContactLink", row) for row in rows]
        return links


@strawberry.type
class Supplier(Organization):
    pass


@strawberry.type
class ThirdParty(Organization):
    pass


_TYPES: dict[models.OrganizationKind, type[Client] | type[Supplier] | type[ThirdParty]] = {
    models.OrganizationKind.CLIENT: Client,
    models.OrganizationKind.SUPPLIER: Supplier,
    models.OrganizationKind.THIRD_PARTY: ThirdParty,
}


def organization_from_row(row: models.Organization | OrganizationRow) -> Client | Supplier | ThirdParty:
    """The GraphQL type of an organisation row, by its kind."""
    type_ = _TYPES[row.kind]
    common: dict[str, Any] = {
        "id": strawberry.ID(to_global_id(type_.__name__, row.id)),
        "pk": row.id,
        "kind": row.kind,
        "code": row.code,
        "name": row.name,
    }
    if type_ is Client:
        return Client(**common, status=row.status or models.ClientStatus.CLIENT)
    return type_(**common)


@strawberry.type
class Site(Node):
    pk: strawberry.Private[int]
    client_pk: strawberry.Private[int]
    code: str
    name: str
    city: str | None

    @classmethod
    def from_row(cls, row: models.Site | SiteRow) -> "Site":
        return cls(
            id=strawberry.ID(to_global_id("Site", row.id)),
            pk=row.id,
            client_pk=row.client_id,
            code=row.code,
            name=row.name,
            city=row.city,
        )

    @strawberry.field
    async def client(self, info: Info) -> Client:
        return await load_client(info.context, self.client_pk)

    contacts = scoped_contacts(
        lambda site: ContactScope(site_id=site.pk),
        "The contacts whose link to the client is attached to this site.",
    )


@strawberry.type
class Affair(Node):
    pk: strawberry.Private[int]
    client_pk: strawberry.Private[int]
    code: str
    name: str

    @classmethod
    def from_row(cls, row: models.Affair) -> "Affair":
        return cls(
            id=strawberry.ID(to_global_id("Affair", row.id)),
            pk=row.id,
            client_pk=row.client_id,
            code=row.code,
            name=row.name,
        )

    @strawberry.field
    async def client(self, info: Info) -> Client:
        return await load_client(info.context, self.client_pk)

    contacts = scoped_contacts(
        lambda affair: ContactScope(affair_id=affair.pk), "The contacts attached to this affair."
    )


async def load_organization(ctx: Context, pk: int) -> Client | Supplier | ThirdParty:
    row = await ctx.loaders.organizations_by_id.load(pk)
    if row is None:  # a foreign key guarantees it; say so loudly if it ever breaks
        raise LookupError(f"organisation {pk} is missing")
    return organization_from_row(row)


async def load_client(ctx: Context, pk: int) -> Client:
    client = await load_organization(ctx, pk)
    if not isinstance(client, Client):
        raise LookupError(f"organisation {pk} is not a client")
    return client


def _organization_fetcher(kind: models.OrganizationKind) -> Any:
    async def fetch(ctx: Context, pks: Sequence[int]) -> list[Any]:
        rows = await ctx.loaders.organizations_by_id.load_many(pks)
        return [organization_from_row(row) if row is not None and row.kind is kind else None for row in rows]

    return fetch


for _kind, _type in _TYPES.items():
    node_fetcher(_type.__name__)(_organization_fetcher(_kind))


nodes_by_loader("Site", lambda loaders: loaders.sites_by_id, Site.from_row)
nodes_by_loader("Affair", lambda loaders: loaders.affairs_by_id, Affair.from_row)


async def _organizations(
    info: Info, kind: models.OrganizationKind, search: str | None, page: PageRequest
) -> Connection[Any]:
    ctx = info.context
    rows = await read_page(
        ctx, lambda s: organizations.list_organizations(s, kind=kind, search=search, page=page)
    )
    total = counter(ctx, lambda s: organizations.count_organizations(s, kind=kind, search=search))
    return connection(rows, [organization_from_row(row[0]) for row in rows.rows], total)


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="Clients and prospects by name; `search` matches words of code and name.")
    async def clients(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Client]:
        return await _organizations(info, models.OrganizationKind.CLIENT, search, page_request(first, after))

    @strawberry.field(description="Suppliers by name; `search` matches words of code and name.")
    async def suppliers(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Supplier]:
        return await _organizations(
            info, models.OrganizationKind.SUPPLIER, search, page_request(first, after)
        )

    @strawberry.field(description="Third parties by name; `search` matches words of code and name.")
    async def third_parties(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[ThirdParty]:
        return await _organizations(
            info, models.OrganizationKind.THIRD_PARTY, search, page_request(first, after)
        )
