"""Extranet users and external collaborators: made from a selection, one outcome per contact,
and (de)activated one by one (DOMAIN.md rule 15)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from db import models
from resolvers import accounts
from resolvers.errors import DomainError
from schema.batches import ContactSelection
from schema.contacts import ExternalCollaborator, ExtranetUser
from schema.context import Context, Info
from schema.errors import UserError, user_errors
from schema.ids import key_or_none
from schema.mutations import One, run
from schema.permissions import StaffOnly

Row = TypeVar("Row", models.ExtranetUser, models.ExternalCollaborator)
Shown = TypeVar("Shown")
Payload = TypeVar("Payload")


@strawberry.input
class SelectionInput:
    selection: ContactSelection


@strawberry.input
class SetActiveInput:
    id: strawberry.ID
    active: bool


@dataclass(frozen=True)
class Created(Generic[Row, Shown, Payload]):
    """The payload of accounts made from a selection: those made, and a userError for each
    contact that got none; or none at all and the refusal."""

    payload: Callable[..., Payload]
    show: Callable[[Row], Shown]

    def of(self, outcomes: accounts.Outcomes[Row]) -> Payload:
        errors = user_errors(DomainError(outcomes.problems)) if outcomes.problems else []
        return self.payload(created=[self.show(row) for row in outcomes.created], user_errors=errors)

    async def refused(self, ctx: Context, error: DomainError) -> Payload:
        return self.payload(created=[], user_errors=user_errors(error))


@strawberry.type
class ExtranetUsersPayload:
    created: list[ExtranetUser]
    user_errors: list[UserError] = strawberry.field(description="One per contact that got no account.")


@strawberry.type
class ExternalCollaboratorsPayload:
    created: list[ExternalCollaborator]
    user_errors: list[UserError] = strawberry.field(description="One per contact that got no account.")


@strawberry.type
class ExtranetUserPayload:
    extranet_user: ExtranetUser | None
    user_errors: list[UserError]


@strawberry.type
class ExternalCollaboratorPayload:
    external_collaborator: ExternalCollaborator | None
    user_errors: list[UserError]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="An extranet user per contact, its login the e-mail; each contact gets its own outcome.",
    )
    async def create_extranet_users(self, info: Info, input: SelectionInput) -> ExtranetUsersPayload:
        ctx = info.context
        return await run(
            info,
            Created(ExtranetUsersPayload, ExtranetUser.from_row),
            lambda session, actor: accounts.create_extranet_users(
                session,
                ctx.viewer,
                input.selection.selection(),
                max_selection=ctx.max_selection,
                now=actor.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="An external collaborator per contact, tied to its primary organisation.",
    )
    async def create_external_collaborators(
        self, info: Info, input: SelectionInput
    ) -> ExternalCollaboratorsPayload:
        ctx = info.context
        return await run(
            info,
            Created(ExternalCollaboratorsPayload, ExternalCollaborator.from_row),
            lambda session, actor: accounts.create_external_collaborators(
                session,
                ctx.viewer,
                input.selection.selection(),
                max_selection=ctx.max_selection,
                now=actor.now,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Deactivate or reactivate; a disappeared contact's account cannot be reactivated.",
    )
    async def set_extranet_user_active(self, info: Info, input: SetActiveInput) -> ExtranetUserPayload:
        ctx = info.context
        return await run(
            info,
            One(ExtranetUserPayload, ExtranetUser.from_row),
            lambda session, _: accounts.set_account_active(
                session,
                ctx.viewer,
                models.ExtranetUser,
                account_id=key_or_none(input.id, "ExtranetUser"),
                active=input.active,
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Deactivate or reactivate; a disappeared contact's account cannot be reactivated.",
    )
    async def set_external_collaborator_active(
        self, info: Info, input: SetActiveInput
    ) -> ExternalCollaboratorPayload:
        ctx = info.context
        return await run(
            info,
            One(ExternalCollaboratorPayload, ExternalCollaborator.from_row),
            lambda session, _: accounts.set_account_active(
                session,
                ctx.viewer,
                models.ExternalCollaborator,
                account_id=key_or_none(input.id, "ExternalCollaborator"),
                active=input.active,
            ),
        )
