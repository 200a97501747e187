"""A card over its life, as mutations: quick creation, links, follow-up, disappearance, return.

Every one takes `expectedVersion`, goes through the card (version raised, history recorded under
the mutation's name) and answers a `ContactPayload`.
"""

from datetime import date
from typing import Any

import strawberry

from resolvers import lifecycle, links
from resolvers.organizations import OrganizationRef
from schema.card import LINK_FIELDS, ContactLinkInput, ContactPayload, site_pks
from schema.contacts import Civility
from schema.context import Info
from schema.ids import organization_ref, pk_of
from schema.inputs import UNSET, given, or_none
from schema.mutations import run
from schema.permissions import StaffOnly


@strawberry.input
class QuickCreateContactInput:
    affair_id: strawberry.ID
    civility: Civility | None = UNSET  # type: ignore[valid-type]
    last_name: str
    first_name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET

    def fields(self) -> dict[str, Any]:
        return given(self, "civility", "last_name", "first_name", "email", "phone")


@strawberry.input
class CardInput:
    """What every mutation of one card starts with (not itself a GraphQL type)."""

    contact_id: strawberry.ID
    expected_version: int | None = UNSET

    def contact_pk(self) -> int:
        return pk_of(self.contact_id, "Contact", ("input", "contactId"))

    def version(self) -> int | None:
        return or_none(self.expected_version)


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


@strawberry.input
class MarkContactFollowedUpInput(CardInput):
    on: date | None = strawberry.field(default=UNSET, description="Today when left out.")


@strawberry.input
class DeclareContactDisappearedInput(CardInput):
    on: date | None = strawberry.field(default=UNSET, description="Today when left out.")
    reason: str | None = UNSET


@strawberry.input
class ReinstateContactInput(CardInput):
    pass


def day_or_today(day: date | None, today: date) -> date:
    return today if day is None or day is strawberry.UNSET else day


@strawberry.type
class LifecycleMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="The strict minimum from an affair: attached to it, linked to its client as primary.",
    )
    async def quick_create_contact(self, info: Info, input: QuickCreateContactInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: lifecycle.quick_create_contact(
                session,
                actor,
                affair_id=pk_of(input.affair_id, "Affair", ("input", "affairId")),
                fields=input.fields(),
            ),
        )

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

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Record a follow-up: today by default, never in the future.",
    )
    async def mark_contact_followed_up(self, info: Info, input: MarkContactFollowedUpInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: lifecycle.mark_followed_up(
                session,
                actor,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                on=day_or_today(input.on, actor.today),
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="The person is gone: out of recipients and the CRM, accounts off, nothing deleted.",
    )
    async def declare_contact_disappeared(
        self, info: Info, input: DeclareContactDisappearedInput
    ) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: lifecycle.declare_disappeared(
                session,
                actor,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                on=day_or_today(input.on, actor.today),
                reason=or_none(input.reason),
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Bring a disappeared contact back; its accounts stay inactive until reactivated.",
    )
    async def reinstate_contact(self, info: Info, input: ReinstateContactInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: lifecycle.reinstate_contact(
                session, actor, contact_id=input.contact_pk(), expected_version=input.version()
            ),
        )
