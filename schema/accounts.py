"""Extranet users and external collaborators: made from a selection, one outcome per contact,
and (de)activated one by one (DOMAIN.md rule 15)."""

from typing import Any

import strawberry

from db import models
from resolvers import accounts
from resolvers.errors import DomainError
from schema.batches import ContactSelection, pk_or_none
from schema.contacts import ExternalCollaborator, ExtranetUser
from schema.context import Info
from schema.errors import UserError, user_errors
from schema.permissions import StaffOnly
from schema.writes import write


@strawberry.input
class SelectionInput:
    selection: ContactSelection


@strawberry.input
class SetActiveInput:
    id: strawberry.ID
    active: bool


def _split(outcome: accounts.Outcomes | DomainError) -> tuple[list[Any], list[UserError]]:
    """The accounts made, and the userErrors: one per contact that got none, or the refusal."""
    if isinstance(outcome, DomainError):
        return [], user_errors(outcome)
    return outcome.created, user_errors(DomainError(outcome.problems)) if outcome.problems else []


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
        outcomes = await write(
            ctx,
            lambda session: accounts.create_extranet_users(
                session, ctx.viewer, input.selection.selection(), max_selection=ctx.max_selection, now=ctx.now
            ),
        )
        created, errors = _split(outcomes)
        return ExtranetUsersPayload(
            created=[ExtranetUser.from_row(row) for row in created], user_errors=errors
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="An external collaborator per contact, tied to its primary organisation.",
    )
    async def create_external_collaborators(
        self, info: Info, input: SelectionInput
    ) -> ExternalCollaboratorsPayload:
        ctx = info.context
        outcomes = await write(
            ctx,
            lambda session: accounts.create_external_collaborators(
                session, ctx.viewer, input.selection.selection(), max_selection=ctx.max_selection, now=ctx.now
            ),
        )
        created, errors = _split(outcomes)
        return ExternalCollaboratorsPayload(
            created=[ExternalCollaborator.from_row(row) for row in created], user_errors=errors
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Deactivate or reactivate; a disappeared contact's account cannot be reactivated.",
    )
    async def set_extranet_user_active(self, info: Info, input: SetActiveInput) -> ExtranetUserPayload:
        ctx = info.context
        outcome = await write(
            ctx,
            lambda session: accounts.set_account_active(
                session,
                ctx.viewer,
                models.ExtranetUser,
                account_id=pk_or_none(input.id, "ExtranetUser"),
                active=input.active,
            ),
        )
        if isinstance(outcome, DomainError):
            return ExtranetUserPayload(extranet_user=None, user_errors=user_errors(outcome))
        return ExtranetUserPayload(extranet_user=ExtranetUser.from_row(outcome), user_errors=[])

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Deactivate or reactivate; a disappeared contact's account cannot be reactivated.",
    )
    async def set_external_collaborator_active(
        self, info: Info, input: SetActiveInput
    ) -> ExternalCollaboratorPayload:
        ctx = info.context
        outcome = await write(
            ctx,
            lambda session: accounts.set_account_active(
                session,
                ctx.viewer,
                models.ExternalCollaborator,
                account_id=pk_or_none(input.id, "ExternalCollaborator"),
                active=input.active,
            ),
        )
        if isinstance(outcome, DomainError):
            return ExternalCollaboratorPayload(external_collaborator=None, user_errors=user_errors(outcome))
        return ExternalCollaboratorPayload(
            external_collaborator=ExternalCollaborator.from_row(outcome), user_errors=[]
        )
