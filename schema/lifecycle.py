"""A card over its life, as mutations: quick creation, follow-up, disappearance, return.

Every one takes `expectedVersion`, goes through the card (version raised, history recorded under
the mutation's name) and answers a `ContactPayload`.
"""

from datetime import date

import strawberry

from resolvers import lifecycle
from resolvers.card_fields import ContactEdit
from schema.contact_edits import WARNS_OF_DUPLICATES, CardInput, ContactPayload, warning_of_duplicates
from schema.contact_values import Civility
from schema.context import Info
from schema.ids import pk_of
from schema.inputs import UNSET, maybe, or_none
from schema.mutations import run
from schema.permissions import StaffOnly


@strawberry.input
class QuickCreateContactInput:
    affair_id: strawberry.ID
    civility: Civility | None = UNSET
    last_name: str
    first_name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET

    def fields(self) -> ContactEdit:
        return ContactEdit(
            civility=maybe(self.civility),
            last_name=maybe(self.last_name),
            first_name=maybe(self.first_name),
            email=maybe(self.email),
            phone=maybe(self.phone),
        )


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
            WARNS_OF_DUPLICATES,
            warning_of_duplicates(
                info,
                lambda session, actor: lifecycle.quick_create_contact(
                    session,
                    actor,
                    affair_id=pk_of(input.affair_id, "Affair", ("input", "affairId")),
                    fields=input.fields(),
                ),
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
