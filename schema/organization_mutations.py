"""Creating and changing clients, suppliers, third parties, sites and affairs (DOMAIN.md rule 20)."""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import organization_mutations
from resolvers.access import Actor
from schema.context import Info
from schema.errors import UserError
from schema.ids import pk_of
from schema.inputs import UNCHANGED
from schema.mutations import One, run, updating
from schema.organizations import (
    Affair,
    Client,
    ClientStatus,
    Site,
    Supplier,
    ThirdParty,
    organization_from_row,
)
from schema.permissions import StaffOnly

Shown = TypeVar("Shown", Client, Supplier, ThirdParty)
OfClient = TypeVar("OfClient", models.Site, models.Affair)
Work = Callable[[AsyncSession, Actor], Awaitable[models.Organization]]
CLIENT, SUPPLIER, THIRD_PARTY = (
    models.OrganizationKind.CLIENT,
    models.OrganizationKind.SUPPLIER,
    models.OrganizationKind.THIRD_PARTY,
)
_TYPE_NAMES = {CLIENT: "Client", SUPPLIER: "Supplier", THIRD_PARTY: "ThirdParty"}


@strawberry.input
class CreateClientInput:
    code: str
    name: str
    status: ClientStatus | None = models.ClientStatus.CLIENT


@strawberry.input
class CreateOrganizationInput:
    code: str
    name: str


@strawberry.input
class CreateSiteInput:
    client_id: strawberry.ID
    code: str
    name: str
    city: str | None = None


@strawberry.input
class CreateAffairInput:
    client_id: strawberry.ID
    code: str
    name: str


@strawberry.input
class CodeAndNameUpdate:
    """What every update of coded data (organisations, sites, affairs) takes; not itself a GraphQL type."""

    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET


@strawberry.input(description=UNCHANGED)
class UpdateClientInput(CodeAndNameUpdate):
    status: ClientStatus | None = strawberry.UNSET


@strawberry.input(description=UNCHANGED)
class UpdateOrganizationInput(CodeAndNameUpdate):
    pass


@strawberry.input(description=UNCHANGED)
class UpdateSiteInput(CodeAndNameUpdate):
    city: str | None = strawberry.UNSET


@strawberry.input(description=UNCHANGED)
class UpdateAffairInput(CodeAndNameUpdate):
    pass


@strawberry.type
class ClientPayload:
    client: Client | None
    user_errors: list[UserError]


@strawberry.type
class SupplierPayload:
    supplier: Supplier | None
    user_errors: list[UserError]


@strawberry.type
class ThirdPartyPayload:
    third_party: ThirdParty | None
    user_errors: list[UserError]


@strawberry.type
class SitePayload:
    site: Site | None
    user_errors: list[UserError]


@strawberry.type
class AffairPayload:
    affair: Affair | None
    user_errors: list[UserError]


def _shown_as(type_: type[Shown]) -> Callable[[models.Organization], Shown]:
    """An organisation as the GraphQL type of its kind (the use case checked the kind)."""

    def show(row: models.Organization) -> Shown:
        organization = organization_from_row(row)
        assert isinstance(organization, type_)
        return organization

    return show


def _create(kind: models.OrganizationKind, input: CreateClientInput | CreateOrganizationInput) -> Work:
    status = input.status if isinstance(input, CreateClientInput) else None
    return lambda session, _: organization_mutations.create_organization(
        session, kind=kind, code=input.code, name=input.name, status=status
    )


def _update(
    kind: models.OrganizationKind, input: UpdateClientInput | UpdateOrganizationInput, *fields: str
) -> Work:
    update = partial(organization_mutations.update_organization, kind=kind)
    return updating(update, "organization_id", _TYPE_NAMES[kind], input, *fields)


def _of_client(
    create: Callable[..., Awaitable[OfClient]], input: CreateSiteInput | CreateAffairInput, **more: str | None
) -> Callable[[AsyncSession, Actor], Awaitable[OfClient]]:
    """The work of creating a site or an affair: the client's id decoded inside it."""
    return lambda session, _: create(
        session,
        client_id=pk_of(input.client_id, "Client", ("input", "clientId")),
        code=input.code,
        name=input.name,
        **more,
    )


CLIENT_PAYLOAD = One(ClientPayload, _shown_as(Client))
SUPPLIER_PAYLOAD = One(SupplierPayload, _shown_as(Supplier))
THIRD_PARTY_PAYLOAD = One(ThirdPartyPayload, _shown_as(ThirdParty))
SITE_PAYLOAD = One(SitePayload, Site.from_row)
AFFAIR_PAYLOAD = One(AffairPayload, Affair.from_row)


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(permission_classes=[StaffOnly], description="A client or prospect; codes unique.")
    async def create_client(self, info: Info, input: CreateClientInput) -> ClientPayload:
        return await run(info, CLIENT_PAYLOAD, _create(CLIENT, input))

    @strawberry.mutation(permission_classes=[StaffOnly], description="A supplier; codes unique.")
    async def create_supplier(self, info: Info, input: CreateOrganizationInput) -> SupplierPayload:
        return await run(info, SUPPLIER_PAYLOAD, _create(SUPPLIER, input))

    @strawberry.mutation(permission_classes=[StaffOnly], description="A third party; codes unique.")
    async def create_third_party(self, info: Info, input: CreateOrganizationInput) -> ThirdPartyPayload:
        return await run(info, THIRD_PARTY_PAYLOAD, _create(THIRD_PARTY, input))

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_client(self, info: Info, input: UpdateClientInput) -> ClientPayload:
        return await run(info, CLIENT_PAYLOAD, _update(CLIENT, input, "code", "name", "status"))

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_supplier(self, info: Info, input: UpdateOrganizationInput) -> SupplierPayload:
        return await run(info, SUPPLIER_PAYLOAD, _update(SUPPLIER, input, "code", "name"))

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_third_party(self, info: Info, input: UpdateOrganizationInput) -> ThirdPartyPayload:
        return await run(info, THIRD_PARTY_PAYLOAD, _update(THIRD_PARTY, input, "code", "name"))

    @strawberry.mutation(permission_classes=[StaffOnly], description="A site of a client; codes unique.")
    async def create_site(self, info: Info, input: CreateSiteInput) -> SitePayload:
        work = _of_client(organization_mutations.create_site, input, city=input.city)
        return await run(info, SITE_PAYLOAD, work)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_site(self, info: Info, input: UpdateSiteInput) -> SitePayload:
        work = updating(organization_mutations.update_site, "site_id", "Site", input, "code", "name", "city")
        return await run(info, SITE_PAYLOAD, work)

    @strawberry.mutation(permission_classes=[StaffOnly], description="An affair of a client; codes unique.")
    async def create_affair(self, info: Info, input: CreateAffairInput) -> AffairPayload:
        return await run(info, AFFAIR_PAYLOAD, _of_client(organization_mutations.create_affair, input))

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_affair(self, info: Info, input: UpdateAffairInput) -> AffairPayload:
        work = updating(organization_mutations.update_affair, "affair_id", "Affair", input, "code", "name")
        return await run(info, AFFAIR_PAYLOAD, work)
