"""The contact card as GraphQL types: Contact, ContactLink, extranet users and collaborators."""

from datetime import date, datetime
from functools import partial
from typing import Any

import strawberry

from db import models
from resolvers import contacts, history
from resolvers.loaders import Related, now_or_later
from resolvers.paging import MAX_PAGE_SIZE
from resolvers.rows import (
    ContactRow,
    InterlocutorTypeRow,
    LinkRow,
    OrganizationRow,
    ParticipationRow,
    SiteRow,
    TargetRow,
)
from schema.contact_values import Civility, ContactStatus, SocialNetwork, SocialProfile, linkedin_search
from schema.context import Context, Info
from schema.duplicates import DuplicateCandidate, candidates
from schema.errors import read_error
from schema.history import ContactChange
from schema.ids import to_global_id
from schema.node import Node, nodes_by_loader
from schema.organizations import Affair, Organization, Site, load_organization, organization_from_row
from schema.pagination import Connection, connection, load_page, page_request
from schema.permissions import StaffOnly
from schema.reference import EventParticipation, InterlocutorType, Target


def _organization(row: OrganizationRow | None) -> Organization:
    if row is None:  # a foreign key guarantees it; say so loudly if it ever breaks
        raise LookupError("a link's organisation is missing")
    return organization_from_row(row)


# What a link's and a contact's relations are, for their resolvers and compiled plans alike.
_LINK_ORGANIZATION: Related[OrganizationRow | None, Organization] = Related(
    "organizations_by_id", "organization_pk", _organization
)
_LINK_SITES: Related[list[SiteRow], list[Site]] = Related(
    "sites_by_link_id", "pk", lambda rows: [Site.from_row(row) for row in rows]
)
_LINK_TYPES: Related[list[InterlocutorTypeRow], list[InterlocutorType]] = Related(
    "interlocutor_types_by_link_id", "pk", lambda rows: [InterlocutorType.from_row(row) for row in rows]
)
_AFFAIRS: Related[list[models.Affair], list[Affair]] = Related(
    "affairs_by_contact_id", "pk", lambda rows: [Affair.from_row(row) for row in rows]
)
_TARGETS: Related[list[TargetRow], list[Target]] = Related(
    "targets_by_contact_id", "pk", lambda rows: [Target.from_row(row) for row in rows]
)
_EVENTS: Related[list[ParticipationRow], list[EventParticipation]] = Related(
    "participations_by_contact_id", "pk", lambda rows: [EventParticipation.from_row(row) for row in rows]
)


@strawberry.type
class ContactLink(Node):
    pk: strawberry.Private[int]
    contact_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int]
    is_primary: bool
    function: str | None
    department: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    fax: str | None
    extension: str | None
    left_on: date | None
    receives_invoices: bool
    receives_invoices_all_sites: bool
    receives_reminders: bool
    receives_reminders_all_sites: bool

    @classmethod
    def from_row(cls, row: models.ContactLink | LinkRow) -> "ContactLink":
        return cls(
            id=strawberry.ID(to_global_id("ContactLink", row.id)),
            pk=row.id,
            contact_pk=row.contact_id,
            organization_pk=row.organization_id,
            is_primary=row.is_primary,
            function=row.function,
            department=row.department,
            email=row.email,
            phone=row.phone,
            mobile=row.mobile,
            fax=row.fax,
            extension=row.extension,
            left_on=row.left_on,
            receives_invoices=row.receives_invoices,
            receives_invoices_all_sites=row.receives_invoices_all_sites,
            receives_reminders=row.receives_reminders,
            receives_reminders_all_sites=row.receives_reminders_all_sites,
        )

    @strawberry.field
    async def contact(self, info: Info) -> "Contact":
        return await load_contact(info.context, self.contact_pk)

    @strawberry.field(metadata=_LINK_ORGANIZATION.metadata)
    def organization(self, info: Info) -> Organization:
        return _LINK_ORGANIZATION.resolve(self, info.context.loaders)

    @strawberry.field(description="leftOn is null or after today")
    def active(self, info: Info) -> bool:
        return contacts.link_is_active(self.left_on, info.context.today)

    @strawberry.field(
        description="The client's sites the contact is attached to (client links only).",
        metadata=_LINK_SITES.metadata,
    )
    def sites(self, info: Info) -> list[Site]:
        return _LINK_SITES.resolve(self, info.context.loaders)

    @strawberry.field(metadata=_LINK_TYPES.metadata)
    def interlocutor_types(self, info: Info) -> list[InterlocutorType]:
        return _LINK_TYPES.resolve(self, info.context.loaders)


_LINKS: Related[list[LinkRow], list[ContactLink]] = Related(
    "links_by_contact_id", "pk", lambda rows: [ContactLink.from_row(row) for row in rows]
)


@strawberry.type
class Contact(Node):
    pk: strawberry.Private[int]
    linkedin_url: strawberry.Private[str | None]
    merged_into_pk: strawberry.Private[int | None]
    civility: Civility | None
    last_name: str
    first_name: str | None
    display_name: str = strawberry.field(description='"Mme Marie DUPONT"')
    email: str | None = strawberry.field(
        description="Identity coordinates; a link's own e-mail wins over it."
    )
    phone: str | None
    mobile: str | None
    notes: str | None
    hidden_from_crm: bool
    last_follow_up_on: date | None
    status: ContactStatus
    disappeared_on: date | None
    disappearance_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: models.Contact | ContactRow) -> "Contact":
        return cls(
            id=strawberry.ID(to_global_id("Contact", row.id)),
            pk=row.id,
            linkedin_url=row.linkedin_url,
            merged_into_pk=row.merged_into_id,
            civility=row.civility,
            last_name=row.last_name,
            first_name=row.first_name,
            display_name=contacts.display_name(row.civility, row.first_name, row.last_name),
            email=row.email,
            phone=row.phone,
            mobile=row.mobile,
            notes=row.notes,
            hidden_from_crm=row.hidden_from_crm,
            last_follow_up_on=row.last_follow_up_on,
            status=row.status,
            disappeared_on=row.disappeared_on,
            disappearance_reason=row.disappearance_reason,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    def social_profiles(self, info: Info) -> list[SocialProfile]:
        if self.linkedin_url:
            return [SocialProfile(network=SocialNetwork.LINKEDIN, url=self.linkedin_url, generated=False)]
        loader = info.context.loaders.primary_organization_name_by_contact_id  # a page reads it ahead
        return now_or_later(loader, self.pk, partial(linkedin_search, self.first_name, self.last_name))

    @strawberry.field(
        description="The contact at each organisation, primary first, then oldest first.",
        metadata=_LINKS.metadata,
    )
    def links(self, info: Info) -> list[ContactLink]:
        return _LINKS.resolve(self, info.context.loaders)

    @strawberry.field
    async def primary_link(self, info: Info) -> ContactLink | None:
        rows = await info.context.loaders.links_by_contact_id.load(self.pk)
        return next((ContactLink.from_row(row) for row in rows if row.is_primary), None)

    @strawberry.field(metadata=_AFFAIRS.metadata)
    def affairs(self, info: Info) -> list[Affair]:
        return _AFFAIRS.resolve(self, info.context.loaders)

    @strawberry.field(metadata=_TARGETS.metadata)
    def targets(self, info: Info) -> list[Target]:
        return _TARGETS.resolve(self, info.context.loaders)

    @strawberry.field(
        description="The events the contact takes part in, latest first.", metadata=_EVENTS.metadata
    )
    def events(self, info: Info) -> list[EventParticipation]:
        return _EVENTS.resolve(self, info.context.loaders)

    @strawberry.field
    async def extranet_user(self, info: Info) -> "ExtranetUser | None":
        row = await info.context.loaders.extranet_user_by_contact_id.load(self.pk)
        return ExtranetUser.from_row(row) if row is not None else None

    @strawberry.field
    async def external_collaborator(self, info: Info) -> "ExternalCollaborator | None":
        row = await info.context.loaders.collaborator_by_contact_id.load(self.pk)
        return ExternalCollaborator.from_row(row) if row is not None else None

    @strawberry.field(
        permission_classes=[StaffOnly],
        description=(
            "Every change of the contact, newest first. "
            "Null, with a FORBIDDEN error, for a portal caller (rule 7)."
        ),
    )
    async def history(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ContactChange] | None:
        ctx, contact_id = info.context, self.pk
        request = history.HistoryRequest(contact_id, page_request(first, after, last, before))
        rows = await load_page(ctx.loaders.change_pages_by_request, request)
        counts = ctx.loaders.change_counts_by_contact_id
        nodes = [ContactChange.from_row(row[0]) for row in rows.rows]
        return connection(rows, nodes, lambda: counts.load(contact_id))

    @strawberry.field(description="Set when status is MERGED: the contact this one was folded into.")
    async def merged_into(self, info: Info) -> "Contact | None":
        if self.merged_into_pk is None:
            return None
        row = await info.context.loaders.contacts_by_id.load(self.merged_into_pk)
        return Contact.from_row(row) if row is not None else None

    @strawberry.field(
        permission_classes=[StaffOnly],
        description="Contacts that may be the same person (rule 21), best first. Staff only.",
    )
    async def possible_duplicates(
        self, info: Info, first: int | None = 10
    ) -> list[DuplicateCandidate] | None:
        if first is None or not 1 <= first <= MAX_PAGE_SIZE:
            raise read_error(f"`first` must be between 1 and {MAX_PAGE_SIZE}.")
        return await candidates(info.context, self.pk, first)


@strawberry.type
class Account(Node):
    """What both kinds of account made from a contact share: whose it is, and where.

    Only a base: the schema names ExtranetUser and ExternalCollaborator, never Account.
    """

    pk: strawberry.Private[int]
    contact_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int]
    active: bool

    @strawberry.field
    async def contact(self, info: Info) -> Contact:
        return await load_contact(info.context, self.contact_pk)

    @strawberry.field
    async def organization(self, info: Info) -> Organization:
        return await load_organization(info.context, self.organization_pk)


def _account_fields(type_name: str, row: models.ExtranetUser | models.ExternalCollaborator) -> dict[str, Any]:
    return {
        "id": strawberry.ID(to_global_id(type_name, row.id)),
        "pk": row.id,
        "contact_pk": row.contact_id,
        "organization_pk": row.organization_id,
        "active": row.active,
    }


@strawberry.type
class ExtranetUser(Account):
    login: str
    email: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.ExtranetUser) -> "ExtranetUser":
        return cls(
            **_account_fields("ExtranetUser", row),
            login=row.login,
            email=row.email,
            created_at=row.created_at,
        )


@strawberry.type
class ExternalCollaborator(Account):
    code: str

    @classmethod
    def from_row(cls, row: models.ExternalCollaborator) -> "ExternalCollaborator":
        return cls(**_account_fields("ExternalCollaborator", row), code=row.code)


async def load_contact(ctx: Context, pk: int) -> Contact:
    """A contact reached through something that points to it, already checked as visible."""
    row = await ctx.loaders.contacts_by_id.load(pk)
    if row is None:
        raise LookupError(f"contact {pk} is not visible here")
    return Contact.from_row(row)


nodes_by_loader("Contact", lambda loaders: loaders.contacts_by_id, Contact.from_row)
nodes_by_loader("ContactLink", lambda loaders: loaders.links_by_id, ContactLink.from_row)
nodes_by_loader("ExtranetUser", lambda loaders: loaders.extranet_users_by_id, ExtranetUser.from_row)
nodes_by_loader(
    "ExternalCollaborator", lambda loaders: loaders.collaborators_by_id, ExternalCollaborator.from_row
)
