"""Creating and changing targets, events and interlocutor types (DOMAIN.md rules 6 and 20)."""

from datetime import date

import strawberry

from resolvers import reference_mutations
from schema.context import Info
from schema.errors import UserError
from schema.inputs import UNCHANGED, given
from schema.mutations import One, run, updating
from schema.permissions import AdminOnly, StaffOnly
from schema.reference import Event, InterlocutorType, Target


@strawberry.input
class CreateTargetInput:
    name: str
    description: str | None = None


@strawberry.input
class CreateEventInput:
    name: str
    starts_on: date
    ends_on: date | None = None
    location: str | None = None


@strawberry.input
class CreateInterlocutorTypeInput:
    code: str
    label: str


@strawberry.input(description=UNCHANGED)
class UpdateTargetInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description=UNCHANGED)
class UpdateEventInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    starts_on: date | None = strawberry.UNSET
    ends_on: date | None = strawberry.UNSET
    location: str | None = strawberry.UNSET


@strawberry.input(description="The type of that code; `archived: true` takes it out of new links.")
class UpdateInterlocutorTypeInput:
    code: str
    label: str | None = strawberry.UNSET
    archived: bool | None = strawberry.UNSET


@strawberry.type
class TargetPayload:
    target: Target | None
    user_errors: list[UserError]


@strawberry.type
class EventPayload:
    event: Event | None
    user_errors: list[UserError]


@strawberry.type
class InterlocutorTypePayload:
    interlocutor_type: InterlocutorType | None
    user_errors: list[UserError]


TARGET_PAYLOAD = One(TargetPayload, Target.from_row)
EVENT_PAYLOAD = One(EventPayload, Event.from_row)
INTERLOCUTOR_TYPE_PAYLOAD = One(InterlocutorTypePayload, InterlocutorType.from_row)


@strawberry.type
class ReferenceMutations:
    @strawberry.mutation(permission_classes=[StaffOnly], description="A marketing target list.")
    async def create_target(self, info: Info, input: CreateTargetInput) -> TargetPayload:
        return await run(
            info,
            TARGET_PAYLOAD,
            lambda session, _: reference_mutations.create_target(
                session, name=input.name, description=input.description
            ),
        )

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_target(self, info: Info, input: UpdateTargetInput) -> TargetPayload:
        return await run(
            info,
            TARGET_PAYLOAD,
            updating(reference_mutations.update_target, "target_id", "Target", input, "name", "description"),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="An event; it cannot end before it starts."
    )
    async def create_event(self, info: Info, input: CreateEventInput) -> EventPayload:
        return await run(
            info,
            EVENT_PAYLOAD,
            lambda session, _: reference_mutations.create_event(
                session,
                name=input.name,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                location=input.location,
            ),
        )

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_event(self, info: Info, input: UpdateEventInput) -> EventPayload:
        fields = ("name", "starts_on", "ends_on", "location")
        work = updating(reference_mutations.update_event, "event_id", "Event", input, *fields)
        return await run(info, EVENT_PAYLOAD, work)

    @strawberry.mutation(permission_classes=[AdminOnly], description="Administrators only.")
    async def create_interlocutor_type(
        self, info: Info, input: CreateInterlocutorTypeInput
    ) -> InterlocutorTypePayload:
        return await run(
            info,
            INTERLOCUTOR_TYPE_PAYLOAD,
            lambda session, _: reference_mutations.create_interlocutor_type(
                session, code=input.code, label=input.label
            ),
        )

    @strawberry.mutation(permission_classes=[AdminOnly], description="Administrators only; archives too.")
    async def update_interlocutor_type(
        self, info: Info, input: UpdateInterlocutorTypeInput
    ) -> InterlocutorTypePayload:
        return await run(
            info,
            INTERLOCUTOR_TYPE_PAYLOAD,
            lambda session, _: reference_mutations.update_interlocutor_type(
                session, code=input.code, changes=given(input, "label", "archived")
            ),
        )
