"""A card's links, as mutations: linking to one more organisation, changing a link, unlinking.

Every one takes `expectedVersion`, goes through the card and answers a `ContactPayload`.
"""

import strawberry

from resolvers import links
from resolvers.card_fields import LinkEdit
from schema.contact_edits import (
    AtOrganizationInput,
    CardInput,
    ContactLinkInput,
    ContactPayload,
    LinkDetailsInput,
)
from schema.context import Info
from schema.inputs import UNSET, maybe
from schema.mutations import run
from schema.permissions import StaffOnly


@strawberry.input
class LinkContactInput(CardInput):
    link: ContactLinkInput


@strawberry.input
class PrimaryInput:
    """isPrimary, placed before the link's details (not itself a GraphQL type)."""

    is_primary: bool | None = UNSET


@strawberry.input
class UpdateContactLinkInput(CardInput, AtOrganizationInput, PrimaryInput, LinkDetailsInput):
    def fields(self) -> LinkEdit:
        """The link's fields given, site ids decoded (NOT_FOUND at their path)."""
        return self.edit(("input",), is_primary=maybe(self.is_primary))


@strawberry.input
class UnlinkContactInput(CardInput, AtOrganizationInput):
    pass


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
                link=input.link.new_link(("input", "link")),
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
