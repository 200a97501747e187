"""A card's links, as mutations: linking to one more organisation, changing a link, unlinking.

Every one takes `expectedVersion`, goes through the card and answers a `ContactPayload`.
"""

from datetime import date
from typing import Any

import strawberry

from resolvers import links
from resolvers.organizations import OrganizationRef
from schema.contact_edits import LINK_FIELDS, CardInput, ContactLinkInput, ContactPayload, site_pks
from schema.context import Info
from schema.ids import organization_ref
from schema.inputs import UNSET, given
from schema.mutations import run
from schema.permissions import StaffOnly


@strawberry.input
class LinkContactInput(CardInput):
    link: ContactLinkInput


@strawberry.input
class UpdateContactLinkInput(CardInput):
    organization_id: strawberry.ID
    is_primary: bool | None = UNSET
    function: str | None = UNSET
    department: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    fax: str | None = UNSET
    extension: str | None = UNSET
    left_on: date | None = UNSET
    site_ids: list[strawberry.ID] | None = UNSET
    receives_invoices: bool | None = UNSET
    receives_invoices_all_sites: bool | None = UNSET
    receives_reminders: bool | None = UNSET
    receives_reminders_all_sites: bool | None = UNSET
    interlocutor_type_codes: list[str] | None = UNSET

    def organization(self) -> OrganizationRef:
        return organization_ref(self.organization_id, ("input", "organizationId"))

    def fields(self) -> dict[str, Any]:
        """The link's fields given, site ids decoded (NOT_FOUND at their path)."""
        values = given(self, "is_primary", *LINK_FIELDS)
        if self.site_ids is not strawberry.UNSET:
            values["site_ids"] = site_pks(self.site_ids, ("input",))
        return values


@strawberry.input
class UnlinkContactInput(CardInput):
    organization_id: strawberry.ID

    def organization(self) -> OrganizationRef:
        return organization_ref(self.organization_id, ("input", "organizationId"))


@strawberry.type
class LinkMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Attach the contact to another organisation."
    )
    async def link_contact(self, info: Info, input: LinkContactInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: links.link_contact(
                session,
                actor,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                link=input.link.fields(("input", "link")),
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Change a link: left out is unchanged, null clears; isPrimary true promotes it.",
    )
    async def update_contact_link(self, info: Info, input: UpdateContactLinkInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: links.update_contact_link(
                session,
                actor,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                organization=input.organization(),
                fields=input.fields(),
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Remove a link; never the last one. The oldest remaining replaces a removed primary.",
    )
    async def unlink_contact(self, info: Info, input: UnlinkContactInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: links.unlink_contact(
                session,
                actor,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                organization=input.organization(),
            ),
        )
