"""`mergeContacts` and `unmergeContacts` (DOMAIN.md rule 21) as GraphQL: the merge as a node,
its inputs and payloads. Adapters only: the rules live in resolvers/merges and unmerges."""

from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import merges, unmerges
from resolvers.access import Actor
from resolvers.errors import DomainError
from schema.contacts import Contact, load_contact
from schema.context import Context, Info
from schema.errors import UserError, user_errors
from schema.history import FieldChange
from schema.ids import key_or_none, to_global_id
from schema.inputs import UNSET
from schema.mutations import Work, run
from schema.node import Node, load_nodes, node_fetcher
from schema.permissions import StaffOnly


@strawberry.type
class ContactMerge(Node):
    pk: strawberry.Private[int]
    kept_pk: strawberry.Private[int]
    merged_pks: strawberry.Private[list[int]]
    at: datetime
    actor: str
    undone: bool

    @classmethod
    def from_row(cls, row: models.ContactMerge) -> "ContactMerge":
        return cls(
            id=strawberry.ID(to_global_id("ContactMerge", row.id)),
            pk=row.id,
            kept_pk=row.kept_id,
            merged_pks=[int(pk) for pk in row.merged_ids.split(",")],
            at=row.at,
            actor=row.actor,
            undone=row.undone_at is not None,
        )

    @strawberry.field
    async def kept(self, info: Info) -> Contact:
        return await load_contact(info.context, self.kept_pk)

    @strawberry.field
    async def merged(self, info: Info) -> list[Contact]:
        merged: list[Contact] = await load_nodes(info.context, "Contact", self.merged_pks)
        return merged


@node_fetcher("ContactMerge")
async def _fetch_merges(ctx: Context, pks: Sequence[int]) -> list[ContactMerge | None]:
    if not ctx.viewer.is_staff:  # the portal sees neither merges nor duplicates (rule 21)
        return [None for _ in pks]
    async with ctx.reads.read() as session:
        rows = await unmerges.merges_by_id(session, pks)
    return [ContactMerge.from_row(row) if row is not None else None for row in rows]


@strawberry.input(description="A contact field (GraphQL name) taken from one of the merged contacts.")
class FieldChoice:
    field: str
    from_contact_id: strawberry.ID


@strawberry.input
class MergeContactsInput:
    keep_id: strawberry.ID
    merge_ids: list[strawberry.ID]
    field_choices: list[FieldChoice] | None = UNSET
    dry_run: bool | None = False


@strawberry.input
class UnmergeContactsInput:
    merge_id: strawberry.ID


@strawberry.type
class MergeContactsPayload:
    contact: Contact | None
    merge: ContactMerge | None
    changes: list[FieldChange]
    applied: bool
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: merges.MergeResult) -> "MergeContactsPayload":
        return cls(
            contact=Contact.from_row(result.contact),
            merge=ContactMerge.from_row(result.merge) if result.merge is not None else None,
            changes=[FieldChange.of(change) for change in result.changes],
            applied=result.merge is not None,
            user_errors=[],
        )

    @classmethod
    async def refused(cls, ctx: Context, error: DomainError) -> "MergeContactsPayload":
        return cls(contact=None, merge=None, changes=[], applied=False, user_errors=user_errors(error))


@strawberry.type
class UnmergeContactsPayload:
    contacts: list[Contact]
    user_errors: list[UserError]

    @classmethod
    def of(cls, rows: list[models.Contact]) -> "UnmergeContactsPayload":
        return cls(contacts=[Contact.from_row(row) for row in rows], user_errors=[])

    @classmethod
    async def refused(cls, ctx: Context, error: DomainError) -> "UnmergeContactsPayload":
        return cls(contacts=[], user_errors=user_errors(error))


def _merge_work(input: MergeContactsInput) -> Work[merges.MergeResult]:
    async def work(session: AsyncSession, actor: Actor) -> merges.MergeResult:
        keep = key_or_none(input.keep_id, "Contact")
        given = [key_or_none(value, "Contact") for value in input.merge_ids]
        choices = [
            merges.FieldChoice(choice.field, key_or_none(choice.from_contact_id, "Contact"))
            for choice in input.field_choices or []
        ]
        return await merges.merge_contacts(
            session, actor, keep_id=keep, merge_ids=given, choices=choices, dry_run=bool(input.dry_run)
        )

    return work


@strawberry.type
class MergeMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Fold mergeIds into keepId in one transaction (rule 21); dryRun writes nothing.",
    )
    async def merge_contacts(self, info: Info, input: MergeContactsInput) -> MergeContactsPayload:
        return await run(info, MergeContactsPayload, _merge_work(input), read_only=bool(input.dry_run))

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Put every contact of a merge back as it was (rule 21)."
    )
    async def unmerge_contacts(self, info: Info, input: UnmergeContactsInput) -> UnmergeContactsPayload:
        return await run(
            info,
            UnmergeContactsPayload,
            lambda session, actor: unmerges.unmerge_contacts(
                session, actor, merge_id=key_or_none(input.merge_id, "ContactMerge")
            ),
        )
