"""A card over its life, as mutations: quick creation, links, follow-up, disappearance, return.

Every one takes `expectedVersion`, goes through the card (version raised, history recorded under
the mutation's name) and answers a `ContactPayload`.
"""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import lifecycle, links
from resolvers.organizations import OrganizationRef
from schema.card import (
    LINK_FIELDS,
    UNSET,
    ContactLinkInput,
    ContactPayload,
    expected,
    given,
    site_pks,
)
from schema.contacts import Civility
from schema.context import Context, Info
from schema.ids import organization_ref, pk_of
from schema.permissions import StaffOnly
from schema.writes import write

Change = Callable[[AsyncSession], Awaitable[models.Contact]]


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
        return expected(self.expected_version)


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

    def fields(self) -> dict[str, Any]:
        """The link's fields given, site ids decoded (NOT_FOUND at their path)."""
        values = given(self, "is_primary", *LINK_FIELDS)
        if self.site_ids is not strawberry.UNSET:
            values["site_ids"] = site_pks(self.site_ids, ("input",))
        return values


@strawberry.input
class UnlinkContactInput(CardInput):
    organization_id: strawberry.ID


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


def organization(value: strawberry.ID) -> OrganizationRef:
    return organization_ref(value, ("input", "organizationId"))


def day_or_today(ctx: Context, day: date | None) -> date:
    return ctx.today if day is None or day is strawberry.UNSET else day


async def _changed(ctx: Context, change: Change) -> ContactPayload:
    """Run one card change in its transaction and answer with the card or the refusal."""
    return await ContactPayload.outcome(ctx, await write(ctx, change))


@strawberry.type
class LifecycleMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="The strict minimum from an affair: attached to it, linked to its client as primary.",
    )
    async def quick_create_contact(self, info: Info, input: QuickCreateContactInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: lifecycle.quick_create_contact(
                session,
                affair_id=pk_of(input.affair_id, "Affair", ("input", "affairId")),
                fields=input.fields(),
                actor=ctx.viewer.subject,
                now=ctx.now,
                today=ctx.today,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Attach the contact to another organisation."
    )
    async def link_contact(self, info: Info, input: LinkContactInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: links.link_contact(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                link=input.link.fields(("input", "link")),
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Change a link: left out is unchanged, null clears; isPrimary true promotes it.",
    )
    async def update_contact_link(self, info: Info, input: UpdateContactLinkInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: links.update_contact_link(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                organization=organization(input.organization_id),
                fields=input.fields(),
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Remove a link; never the last one. The oldest remaining replaces a removed primary.",
    )
    async def unlink_contact(self, info: Info, input: UnlinkContactInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: links.unlink_contact(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                organization=organization(input.organization_id),
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Record a follow-up: today by default, never in the future.",
    )
    async def mark_contact_followed_up(self, info: Info, input: MarkContactFollowedUpInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: lifecycle.mark_followed_up(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                on=day_or_today(ctx, input.on),
                today=ctx.today,
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="The person is gone: out of recipients and the CRM, accounts off, nothing deleted.",
    )
    async def declare_contact_disappeared(
        self, info: Info, input: DeclareContactDisappearedInput
    ) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: lifecycle.declare_disappeared(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                on=day_or_today(ctx, input.on),
                reason=None if input.reason is strawberry.UNSET else input.reason,
                today=ctx.today,
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Bring a disappeared contact back; its accounts stay inactive until reactivated.",
    )
    async def reinstate_contact(self, info: Info, input: ReinstateContactInput) -> ContactPayload:
        ctx = info.context
        return await _changed(
            ctx,
            lambda session: lifecycle.reinstate_contact(
                session,
                contact_id=input.contact_pk(),
                expected_version=input.version(),
                actor=ctx.viewer.subject,
                now=ctx.now,
            ),
        )
