"""Creating and changing targets, events and interlocutor types (DOMAIN.md rules 6 and 20)."""

from datetime import date

import strawberry

from resolvers import reference_data
from schema.context import Info
from schema.errors import UserError
from schema.organization_mutations import input_pk, provided, written
from schema.permissions import AdminOnly, StaffOnly
from schema.reference import Event, InterlocutorType, Target

UNCHANGED = "Fields left out stay as they are; null clears (refused where required)."


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


@strawberry.type
class ReferenceMutations:
    @strawberry.mutation(permission_classes=[StaffOnly], description="A marketing target list.")
    async def create_target(self, info: Info, input: CreateTargetInput) -> TargetPayload:
        row, errors = await written(
            info, lambda s: reference_data.create_target(s, name=input.name, description=input.description)
        )
        return TargetPayload(target=Target.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_target(self, info: Info, input: UpdateTargetInput) -> TargetPayload:
        changes = provided(input, "name", "description")
        row, errors = await written(
            info,
            lambda s: reference_data.update_target(
                s, target_id=input_pk(input.id, "Target"), changes=changes
            ),
        )
        return TargetPayload(target=Target.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="An event; it cannot end before it starts."
    )
    async def create_event(self, info: Info, input: CreateEventInput) -> EventPayload:
        row, errors = await written(
            info,
            lambda s: reference_data.create_event(
                s, name=input.name, starts_on=input.starts_on, ends_on=input.ends_on, location=input.location
            ),
        )
        return EventPayload(event=Event.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def update_event(self, info: Info, input: UpdateEventInput) -> EventPayload:
        changes = provided(input, "name", "starts_on", "ends_on", "location")
        row, errors = await written(
            info,
            lambda s: reference_data.update_event(s, event_id=input_pk(input.id, "Event"), changes=changes),
        )
        return EventPayload(event=Event.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[AdminOnly], description="Administrators only.")
    async def create_interlocutor_type(
        self, info: Info, input: CreateInterlocutorTypeInput
    ) -> InterlocutorTypePayload:
        row, errors = await written(
            info, lambda s: reference_data.create_interlocutor_type(s, code=input.code, label=input.label)
        )
        return InterlocutorTypePayload(
            interlocutor_type=InterlocutorType.from_row(row) if row else None, user_errors=errors
        )

    @strawberry.mutation(permission_classes=[AdminOnly], description="Administrators only; archives too.")
    async def update_interlocutor_type(
        self, info: Info, input: UpdateInterlocutorTypeInput
    ) -> InterlocutorTypePayload:
        changes = provided(input, "label", "archived")
        row, errors = await written(
            info,
            lambda s: reference_data.update_interlocutor_type(s, code=input.code, changes=changes),
        )
        return InterlocutorTypePayload(
            interlocutor_type=InterlocutorType.from_row(row) if row else None, user_errors=errors
        )
