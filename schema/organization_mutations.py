"""Creating and changing clients, suppliers, third parties, sites and affairs (DOMAIN.md rule 20)."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import reference_data
from resolvers.errors import DomainError
from schema.context import Info
from schema.errors import UserError, user_errors
from schema.ids import pk_of
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
from schema.writes import write

R = TypeVar("R")
Work = Callable[[AsyncSession], Awaitable[R]]
CLIENT, SUPPLIER, THIRD_PARTY = (
    models.OrganizationKind.CLIENT,
    models.OrganizationKind.SUPPLIER,
    models.OrganizationKind.THIRD_PARTY,
)
_TYPE_NAMES = {CLIENT: "Client", SUPPLIER: "Supplier", THIRD_PARTY: "ThirdParty"}


async def written(info: Info, work: Work[R]) -> tuple[R | None, list[UserError]]:
    """Run `work` in one transaction: its result, or nothing and the `userErrors` of its refusal."""
    result = await write(info.context, work)
    if isinstance(result, DomainError):
        return None, user_errors(result)
    return result, []


def provided(input: object, *fields: str) -> dict[str, Any]:
    """The fields the caller gave (explicit nulls included): what an update changes."""
    given = {field: getattr(input, field) for field in fields}
    return {field: value for field, value in given.items() if value is not strawberry.UNSET}


def input_pk(value: str, type_name: str, field: str = "id") -> int:
    """The primary key of an input id; call it inside the write, where NOT_FOUND becomes a userError."""
    return pk_of(value, type_name, ("input", field))


@strawberry.input
class CreateClientInput:
    code: str
    name: str
    status: ClientStatus | None = models.ClientStatus.CLIENT  # type: ignore[valid-type]


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


@strawberry.input(description="Fields left out stay as they are; null clears (refused where required).")
class UpdateClientInput:
    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    status: ClientStatus | None = strawberry.UNSET  # type: ignore[valid-type]


@strawberry.input(description="Fields left out stay as they are; null clears (refused where required).")
class UpdateOrganizationInput:
    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET


@strawberry.input(description="Fields left out stay as they are; null clears (refused where required).")
class UpdateSiteInput:
    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET


@strawberry.input(description="Fields left out stay as they are; null clears (refused where required).")
class UpdateAffairInput:
    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET


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


def _organization(row: models.Organization | None, type_: type[R]) -> R | None:
    organization = organization_from_row(row) if row is not None else None
    return organization if isinstance(organization, type_) else None


def _create(kind: models.OrganizationKind, input: Any, status: Any = None) -> Work[models.Organization]:
    return lambda s: reference_data.create_organization(
        s, kind=kind, code=input.code, name=input.name, status=status
    )


def _update(kind: models.OrganizationKind, input: Any, *fields: str) -> Work[models.Organization]:
    return lambda s: reference_data.update_organization(
        s, organization_id=input_pk(input.id, _TYPE_NAMES[kind]), kind=kind, changes=provided(input, *fields)
    )


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(permission_classes=[StaffOnly], description="A client or prospect; codes unique.")
    async def create_client(self, info: Info, input: CreateClientInput) -> ClientPayload:
        row, errors = await written(info, _create(CLIENT, input, input.status))
        return ClientPayload(client=_organization(row, Client), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly], description="A supplier; codes unique.")
    async def create_supplier(self, info: Info, input: CreateOrganizationInput) -> SupplierPayload:
        row, errors = await written(info, _create(SUPPLIER, input))
        return SupplierPayload(supplier=_organization(row, Supplier), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly], description="A third party; codes unique.")
    async def create_third_party(self, info: Info, input: CreateOrganizationInput) -> ThirdPartyPayload:
        row, errors = await written(info, _create(THIRD_PARTY, input))
        return ThirdPartyPayload(third_party=_organization(row, ThirdParty), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_client(self, info: Info, input: UpdateClientInput) -> ClientPayload:
        row, errors = await written(info, _update(CLIENT, input, "code", "name", "status"))
        return ClientPayload(client=_organization(row, Client), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_supplier(self, info: Info, input: UpdateOrganizationInput) -> SupplierPayload:
        row, errors = await written(info, _update(SUPPLIER, input, "code", "name"))
        return SupplierPayload(supplier=_organization(row, Supplier), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_third_party(self, info: Info, input: UpdateOrganizationInput) -> ThirdPartyPayload:
        row, errors = await written(info, _update(THIRD_PARTY, input, "code", "name"))
        return ThirdPartyPayload(third_party=_organization(row, ThirdParty), user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly], description="A site of a client; codes unique.")
    async def create_site(self, info: Info, input: CreateSiteInput) -> SitePayload:
        row, errors = await written(
            info,
            lambda s: reference_data.create_site(
                s,
                client_id=input_pk(input.client_id, "Client", "clientId"),
                code=input.code,
                name=input.name,
                city=input.city,
            ),
        )
        return SitePayload(site=Site.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_site(self, info: Info, input: UpdateSiteInput) -> SitePayload:
        changes = provided(input, "code", "name", "city")
        row, errors = await written(
            info, lambda s: reference_data.update_site(s, site_id=input_pk(input.id, "Site"), changes=changes)
        )
        return SitePayload(site=Site.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly], description="An affair of a client; codes unique.")
    async def create_affair(self, info: Info, input: CreateAffairInput) -> AffairPayload:
        row, errors = await written(
            info,
            lambda s: reference_data.create_affair(
                s, client_id=input_pk(input.client_id, "Client", "clientId"), code=input.code, name=input.name
            ),
        )
        return AffairPayload(affair=Affair.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_affair(self, info: Info, input: UpdateAffairInput) -> AffairPayload:
        changes = provided(input, "code", "name")
        row, errors = await written(
            info,
            lambda s: reference_data.update_affair(
                s, affair_id=input_pk(input.id, "Affair"), changes=changes
            ),
        )
        return AffairPayload(affair=Affair.from_row(row) if row else None, user_errors=errors)
