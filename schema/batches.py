"""Batches over a selection of contacts: the selection input, the batch payload, and the
association, affair, target and event mutations (DOMAIN.md rules 11 to 13)."""

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import batches, memberships, selection
from resolvers.batches import Stamp
from resolvers.errors import DomainError
from resolvers.memberships import Membership
from schema.context import Info
from schema.errors import UserError, user_errors
from schema.ids import from_global_id
from schema.lists import ContactFilter
from schema.permissions import StaffOnly
from schema.reference import ParticipationStatus
from schema.writes import write


def pk_or_none(value: str, type_name: str) -> int | None:
    """The primary key behind a global id of `type_name`; None for anything else.

    Batches name every culprit at once, so a bad id is not refused here: the use case reports
    it at its place, with the others.
    """
    parsed = from_global_id(value)
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


@strawberry.input(
    description="Exactly one of ids (what the user ticked) or filter (everything a search matches)."
)
class ContactSelection:
    ids: list[strawberry.ID] | None = None
    filter: ContactFilter | None = None

    def selection(self) -> selection.ContactSelection:
        """The use cases' selection; a bad id inside the filter is NOT_FOUND at its path."""
        return selection.ContactSelection(
            ids=None if self.ids is None else [pk_or_none(value, "Contact") for value in self.ids],
            filter=None if self.filter is None else self.filter.criteria(("input", "selection", "filter")),
        )


@strawberry.type
class BatchPayload:
    affected_count: int = strawberry.field(description="How many contacts changed: their version rose.")
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: int | DomainError) -> "BatchPayload":
        if isinstance(outcome, DomainError):
            return cls(affected_count=0, user_errors=user_errors(outcome))
        return cls(affected_count=outcome, user_errors=[])


def stamp(info: Info) -> Stamp:
    """Who, which mutation (its GraphQL name), when: what the batch's history entries carry."""
    return Stamp(actor=info.context.viewer.subject, operation=info.field_name, now=info.context.now)


async def run_batch(info: Info, work: Callable[[AsyncSession, Stamp], Awaitable[int]]) -> BatchPayload:
    """One transaction: all of it written, or nothing and every culprit named."""
    batch_stamp = stamp(info)
    return BatchPayload.of(await write(info.context, lambda session: work(session, batch_stamp)))


@strawberry.input
class AssociateContactsInput:
    selection: ContactSelection
    client_id: strawberry.ID
    site_ids: list[strawberry.ID]


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
    status: ParticipationStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Every selected contact's status; none: new ones INVITED, others unchanged."
    )


@strawberry.input
class RemoveEventContactsInput:
    selection: ContactSelection
    event_id: strawberry.ID


def _client_sites(
    input: AssociateContactsInput,
) -> tuple[selection.ContactSelection, int | None, list[int | None]]:
    sites = [pk_or_none(value, "Site") for value in input.site_ids]
    return input.selection.selection(), pk_or_none(input.client_id, "Client"), sites


async def _add(
    info: Info,
    chosen: ContactSelection,
    membership: Membership,
    group_id: str,
    status: models.ParticipationStatus | None = None,
) -> BatchPayload:
    ctx = info.context
    return await run_batch(
        info,
        lambda session, batch_stamp: memberships.add_contacts(
            session,
            ctx.viewer,
            chosen.selection(),
            membership,
            group_id=pk_or_none(group_id, membership.type_name),
            max_selection=ctx.max_selection,
            stamp=batch_stamp,
            status=status,
        ),
    )


async def _remove(
    info: Info, chosen: ContactSelection, membership: Membership, group_id: str
) -> BatchPayload:
    ctx = info.context
    return await run_batch(
        info,
        lambda session, batch_stamp: memberships.remove_contacts(
            session,
            ctx.viewer,
            chosen.selection(),
            membership,
            group_id=pk_or_none(group_id, membership.type_name),
            max_selection=ctx.max_selection,
            stamp=batch_stamp,
        ),
    )


@strawberry.type
class BatchMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Link the selection to the client where missing, and to the sites where missing.",
    )
    async def associate_contacts(self, info: Info, input: AssociateContactsInput) -> BatchPayload:
        ctx = info.context

        async def work(session: AsyncSession, batch_stamp: Stamp) -> int:
            chosen, client_id, site_ids = _client_sites(input)
            return await batches.associate_contacts(
                session,
                ctx.viewer,
                chosen,
                client_id=client_id,
                site_ids=site_ids,
                max_selection=ctx.max_selection,
                stamp=batch_stamp,
            )

        return await run_batch(info, work)

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Take the sites off the selection's links to the client; the links stay.",
    )
    async def dissociate_contacts(self, info: Info, input: AssociateContactsInput) -> BatchPayload:
        ctx = info.context

        async def work(session: AsyncSession, batch_stamp: Stamp) -> int:
            chosen, client_id, site_ids = _client_sites(input)
            return await batches.dissociate_contacts(
                session,
                ctx.viewer,
                chosen,
                client_id=client_id,
                site_ids=site_ids,
                max_selection=ctx.max_selection,
                stamp=batch_stamp,
            )

        return await run_batch(info, work)

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
