"""Affairs, targets and events by selection (DOMAIN.md rule 12): all or nothing, idempotent."""

from collections.abc import Awaitable, Callable
from functools import partial

import strawberry

from db import models
from resolvers import memberships
from resolvers.batches import Changed
from resolvers.memberships import Membership
from schema.batches import BatchPayload, ContactSelection
from schema.context import Info
from schema.ids import key_or_none
from schema.mutations import run
from schema.permissions import StaffOnly
from schema.reference import ParticipationStatus


@strawberry.input
class AffairContactsInput:
    selection: ContactSelection
    affair_id: strawberry.ID


@strawberry.input
class TargetContactsInput:
    selection: ContactSelection
    target_id: strawberry.ID


@strawberry.input
class EventContactsInput:
    selection: ContactSelection
    event_id: strawberry.ID
    status: ParticipationStatus | None = strawberry.field(
        default=None, description="Every selected contact's status; none: new ones INVITED, others unchanged."
    )


@strawberry.input
class RemoveEventContactsInput:
    selection: ContactSelection
    event_id: strawberry.ID


async def _add(
    info: Info,
    chosen: ContactSelection,
    membership: Membership,
    group_id: str,
    status: models.ParticipationStatus | None = None,
) -> BatchPayload:
    return await _change(info, chosen, membership, group_id, partial(memberships.add_contacts, status=status))


async def _remove(
    info: Info, chosen: ContactSelection, membership: Membership, group_id: str
) -> BatchPayload:
    return await _change(info, chosen, membership, group_id, memberships.remove_contacts)


async def _change(
    info: Info,
    chosen: ContactSelection,
    membership: Membership,
    group_id: str,
    change: Callable[..., Awaitable[Changed]],
) -> BatchPayload:
    """`memberships.add_contacts` or `remove_contacts`, on the selection and the group named."""
    ctx = info.context
    return await run(
        info,
        BatchPayload,
        lambda session, actor: change(
            session,
            ctx.viewer,
            chosen.selection(),
            membership,
            group_id=key_or_none(group_id, membership.type_name),
            max_selection=ctx.max_selection,
            actor=actor,
        ),
    )


@strawberry.type
class MembershipMutations:
    @strawberry.mutation(permission_classes=[StaffOnly])
    async def attach_contacts_to_affair(self, info: Info, input: AffairContactsInput) -> BatchPayload:
        return await _add(info, input.selection, memberships.AFFAIRS, input.affair_id)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def detach_contacts_from_affair(self, info: Info, input: AffairContactsInput) -> BatchPayload:
        return await _remove(info, input.selection, memberships.AFFAIRS, input.affair_id)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def add_contacts_to_target(self, info: Info, input: TargetContactsInput) -> BatchPayload:
        return await _add(info, input.selection, memberships.TARGETS, input.target_id)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def remove_contacts_from_target(self, info: Info, input: TargetContactsInput) -> BatchPayload:
        return await _remove(info, input.selection, memberships.TARGETS, input.target_id)

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="With a status, every selected contact gets it; without, new participants are INVITED.",
    )
    async def associate_contacts_to_event(self, info: Info, input: EventContactsInput) -> BatchPayload:
        return await _add(info, input.selection, memberships.EVENTS, input.event_id, input.status)

    @strawberry.mutation(permission_classes=[StaffOnly])
    async def remove_contacts_from_event(self, info: Info, input: RemoveEventContactsInput) -> BatchPayload:
        return await _remove(info, input.selection, memberships.EVENTS, input.event_id)
