"""Creating and changing clients, suppliers, third parties, sites and affairs (DOMAIN.md rule 20)."""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Affair,
    ClientStatus,
    ContactLink,
    Organization,
    OrganizationKind,
    Site,
)
from resolvers.errors import Invalid, NotFound
from resolvers.reference_data import (
    AFFAIR,
    KIND_NAMES,
    ORGANIZATION,
    SITE,
    Changes,
    added,
    apply_changes,
    changed,
    checked,
    existing,
    refuse_taken,
    same_code,
)
from resolvers.search import refresh_contact_keys
from resolvers.text import fold

OfClient = TypeVar("OfClient", Site, Affair)


async def _client(session: AsyncSession, client_id: int) -> Organization:
    client = await session.get(Organization, client_id)
    if client is None or client.kind is not OrganizationKind.CLIENT:
        raise NotFound(("input", "clientId"), "No client has that id.")
    return client


# ---------------------------------------------------------------- organisations


async def create_organization(
    session: AsyncSession, *, kind: OrganizationKind, code: str, name: str, status: ClientStatus | None = None
) -> Organization:
    """A client, supplier or third party whose code is new within its kind."""
    given: dict[str, Any] = {"code": code, "name": name}
    if kind is OrganizationKind.CLIENT:
        given["status"] = status
    values = checked(given, ORGANIZATION)
    await _taken_organization_code(session, kind, values["code"])
    return await added(session, Organization(kind=kind, name_key=fold(values["name"]), **values))


async def update_organization(
    session: AsyncSession, *, organization_id: int, kind: OrganizationKind, changes: Changes
) -> Organization:
    """Change an organisation's code, name (and a client's status); contacts follow a new name."""
    values = checked(changes, ORGANIZATION)
    row = await session.get(Organization, organization_id)
    if row is None or row.kind is not kind:
        raise NotFound(("input", "id"), f"No {KIND_NAMES[kind]} has that id.")
    if "status" in values and kind is not OrganizationKind.CLIENT:
        raise Invalid(("input", "status"), "Only a client has a status.")
    if values.get("code", row.code) != row.code:
        await _taken_organization_code(session, kind, values["code"], Organization.id != row.id)
    if "name" in apply_changes(row, values):
        await session.flush()
        # Contacts are searched by the names of their organisations.
        linked = await session.scalars(
            select(ContactLink.contact_id)
            .where(ContactLink.organization_id == row.id)
            .order_by(ContactLink.contact_id)
        )
        await refresh_contact_keys(session, list(linked))
    await session.flush()
    return row


async def _taken_organization_code(
    session: AsyncSession, kind: OrganizationKind, code: str, *besides: ColumnElement[bool]
) -> None:
    where = (Organization.kind == kind, same_code(Organization.code_key, code), *besides)
    await refuse_taken(session, KIND_NAMES[kind], code, *where)


# ---------------------------------------------------------------- sites and affairs


async def create_site(
    session: AsyncSession, *, client_id: int, code: str, name: str, city: str | None = None
) -> Site:
    """A site of a client; site codes are unique."""
    values = checked({"code": code, "name": name, "city": city}, SITE)
    return await _create_of_client(session, Site, "site", client_id, values)


async def update_site(session: AsyncSession, *, site_id: int, changes: Changes) -> Site:
    """Change a site's code, name or city."""
    return await _update_of_client(session, Site, "site", site_id, checked(changes, SITE))


async def create_affair(session: AsyncSession, *, client_id: int, code: str, name: str) -> Affair:
    """An affair sold to a client; affair codes are unique."""
    values = checked({"code": code, "name": name}, AFFAIR)
    return await _create_of_client(session, Affair, "affair", client_id, values)


async def update_affair(session: AsyncSession, *, affair_id: int, changes: Changes) -> Affair:
    """Change an affair's code or name."""
    return await _update_of_client(session, Affair, "affair", affair_id, checked(changes, AFFAIR))


async def _create_of_client(
    session: AsyncSession, model: type[OfClient], what: str, client_id: int, values: dict[str, Any]
) -> OfClient:
    await _client(session, client_id)
    await refuse_taken(session, what, values["code"], same_code(model.code_key, values["code"]))
    return await added(session, model(client_id=client_id, name_key=fold(values["name"]), **values))


async def _update_of_client(
    session: AsyncSession, model: type[OfClient], what: str, row_id: int, values: Changes
) -> OfClient:
    row = await existing(session, model, row_id, f"No {what} has that id.")
    if values.get("code", row.code) != row.code:
        taken = (same_code(model.code_key, values["code"]), model.id != row.id)
        await refuse_taken(session, what, values["code"], *taken)
    return await changed(session, row, values)
