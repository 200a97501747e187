"""Batches over a selection of contacts: the selection input, the batch payload, and associating
the selection to a client's sites (DOMAIN.md rules 11 and 13; memberships are `memberships.py`)."""

from collections.abc import Awaitable, Sequence
from typing import Protocol

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers import batches, selection
from resolvers.access import Actor, Viewer
from resolvers.batches import Changed
from resolvers.errors import DomainError
from schema.contact_lists import ContactFilter
from schema.contacts import Contact
from schema.context import Context, Info
from schema.errors import UserError, user_errors
from schema.ids import key_or_none
from schema.mutations import run
from schema.permissions import StaffOnly


@strawberry.input(
    description="Exactly one of ids (what the user ticked) or filter (everything a search matches)."
)
class ContactSelection:
    ids: list[strawberry.ID] | None = None
    filter: ContactFilter | None = None

    def selection(self) -> selection.ContactSelection:
        """The use cases' selection; a bad id inside the filter is NOT_FOUND at its path."""
        return selection.ContactSelection(
            ids=None if self.ids is None else [key_or_none(value, "Contact") for value in self.ids],
            filter=None if self.filter is None else self.filter.criteria(("input", "selection", "filter")),
        )


CHANGED_CONTACTS = (
    "The contacts whose version rose, as they are now: in reading order, at most the first 100 "
    "(rule 13), so that a front end's cache is right without asking again."
)


async def changed_contacts(ctx: Context, contact_ids: Sequence[int]) -> list[Contact]:
    """The contacts a batch changed, read after it committed, in the order given (reading order)."""
    rows = await ctx.loaders.contacts_by_id.load_many(contact_ids)
    return [Contact.from_row(row) for row in rows if row is not None]


@strawberry.type
class BatchPayload:
    affected_count: int = strawberry.field(description="How many contacts changed: their version rose.")
    contact_pks: strawberry.Private[list[int]]
    user_errors: list[UserError]

    @strawberry.field(description=CHANGED_CONTACTS)
    async def contacts(self, info: Info) -> list[Contact]:
        return await changed_contacts(info.context, self.contact_pks)

    @classmethod
    def of(cls, changed: Changed) -> "BatchPayload":
        return cls(affected_count=changed.count, contact_pks=changed.contact_ids, user_errors=[])

    @classmethod
    async def refused(cls, ctx: Context, error: DomainError) -> "BatchPayload":
        """All or nothing: nothing written, and every culprit named."""
        return cls(affected_count=0, contact_pks=[], user_errors=user_errors(error))


@strawberry.input
class AssociateContactsInput:
    selection: ContactSelection
    client_id: strawberry.ID
    site_ids: list[strawberry.ID]


class SitesBatch(Protocol):
    """`batches.associate_contacts` and `batches.dissociate_contacts`: the same arguments."""

    def __call__(
        self,
        session: AsyncSession,
        viewer: Viewer,
        chosen: selection.ContactSelection,
        /,
        *,
        client_id: int | None,
        site_ids: Sequence[int | None],
        max_selection: int,
        actor: Actor,
    ) -> Awaitable[Changed]: ...


async def _sites_batch(info: Info, input: AssociateContactsInput, change: SitesBatch) -> BatchPayload:
    ctx = info.context
    return await run(
        info,
        BatchPayload,
        lambda session, actor: change(
            session,
            ctx.viewer,
            input.selection.selection(),
            client_id=key_or_none(input.client_id, "Client"),
            site_ids=[key_or_none(value, "Site") for value in input.site_ids],
            max_selection=ctx.max_selection,
            actor=actor,
        ),
    )


@strawberry.type
class BatchMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Link the selection to the client where missing, and to the sites where missing.",
    )
    async def associate_contacts(self, info: Info, input: AssociateContactsInput) -> BatchPayload:
        return await _sites_batch(info, input, batches.associate_contacts)

    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Take the sites off the selection's links to the client; the links stay.",
    )
    async def dissociate_contacts(self, info: Info, input: AssociateContactsInput) -> BatchPayload:
        return await _sites_batch(info, input, batches.dissociate_contacts)
