"""Stewardship (DOMAIN.md rules 21-23) as GraphQL: duplicates, merges, erasure, personal-data
exports and the audit log. Adapters only: the rules live in resolvers/duplicates, merges,
unmerges, erasure, personal_data and audit."""

from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import audit, duplicate_groups, duplicates, erasure, merges, personal_data, unmerges
from resolvers.access import Actor, Role
from resolvers.errors import DomainError, ErrorCode
from schema.contact_edits import ContactPayload
from schema.contacts import Contact, load_contact
from schema.context import Context, Info
from schema.duplicates import DuplicateReason
from schema.errors import ReadErrorCode, UserError, read_error, user_errors
from schema.history import FieldChange
from schema.ids import key_or_none, pk_of, to_global_id
from schema.inputs import UNSET
from schema.mutations import Work, actor_of, run
from schema.node import Node, node_fetcher
from schema.pagination import Connection, PageInfo, connection, counter, page_request, read_page
from schema.permissions import AdminOnly, StaffOnly

AuditAction = strawberry.enum(models.AuditAction, name="AuditAction")


async def load_contacts(ctx: Context, pks: Sequence[int]) -> list[Contact]:
    """Contacts named by a merge or a group, in one batch (staff see every contact)."""
    rows = await ctx.loaders.contacts_by_id.load_many(pks)
    return [Contact.from_row(row) for row in rows if row is not None]


@strawberry.type
class DuplicateGroup:
    contact_pks: strawberry.Private[tuple[int, ...]]
    reasons: list[DuplicateReason]  # type: ignore[valid-type]
    score: float

    @classmethod
    def of(cls, group: duplicate_groups.DuplicateGroup) -> "DuplicateGroup":
        return cls(contact_pks=group.contact_ids, reasons=list(group.reasons), score=group.score)

    @strawberry.field
    async def contacts(self, info: Info) -> list[Contact]:
        return await load_contacts(info.context, self.contact_pks)


@strawberry.type
class DuplicateGroupEdge:
    cursor: str
    node: DuplicateGroup


@strawberry.type
class DuplicateGroupConnection:
    """Computed whole on each read (the base is compared with itself): the total comes with it."""

    edges: list[DuplicateGroupEdge]
    nodes: list[DuplicateGroup]
    page_info: PageInfo
    total_count: int


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
        return await load_contacts(info.context, self.merged_pks)


@node_fetcher("ContactMerge")
async def _fetch_merges(ctx: Context, pks: Sequence[int]) -> list[ContactMerge | None]:
    if not ctx.viewer.is_staff:  # the portal sees neither merges nor duplicates (rule 21)
        return [None for _ in pks]
    async with ctx.db.read() as session:
        rows = await unmerges.merges_by_id(session, pks)
    return [ContactMerge.from_row(row) if row is not None else None for row in rows]


@strawberry.type(description="An access to personal data (rule 23): who, when, what, why, how many.")
class AuditEntry(Node):
    at: datetime
    actor: str
    action: AuditAction  # type: ignore[valid-type]
    subject: str = strawberry.field(description='What was reached: a contact\'s id, "contacts.csv"…')
    reason: str | None
    contact_count: int

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> "AuditEntry":
        return cls(
            id=strawberry.ID(to_global_id("AuditEntry", row.id)),
            at=row.at,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            reason=row.reason,
            contact_count=row.contact_count,
        )


@node_fetcher("AuditEntry")
async def _fetch_audit_entries(ctx: Context, pks: Sequence[int]) -> list[AuditEntry | None]:
    if ctx.viewer.role is not Role.ADMIN:
        return [None for _ in pks]
    async with ctx.db.read() as session:
        rows = await audit.audit_entries_by_id(session, pks)
    return [AuditEntry.from_row(row) if row is not None else None for row in rows]


@strawberry.type(description="What Carnet holds on one person, for a data subject's request (rule 23).")
class PersonalDataExport:
    contact: Contact
    generated_at: datetime
    json: str = strawberry.field(description="Every stored field of the contact, its links, memberships…")
    vcard: str = strawberry.field(description="vCard 4.0")


# ---------------------------------------------------------------- queries


@strawberry.type
class StewardshipQueries:
    @strawberry.field(
        permission_classes=[StaffOnly],
        description="Groups of contacts that may be the same person, across the whole base, best first.",
    )
    async def duplicate_groups(
        self,
        info: Info,
        min_score: float | None = duplicates.DEFAULT_MIN_SCORE,
        first: int | None = None,
        after: str | None = None,
    ) -> "DuplicateGroupConnection":
        if min_score is None or not 0 <= min_score <= 1:
            raise read_error("`minScore` must be between 0 and 1.")
        request = page_request(first, after)
        try:
            async with info.context.db.read() as session:
                page = await duplicate_groups.duplicate_groups(
                    session, min_score=min_score, first=request.size, after=after
                )
        except duplicate_groups.BadCursor as error:
            raise read_error(str(error)) from error
        edges = [
            DuplicateGroupEdge(cursor=group.cursor, node=DuplicateGroup.of(group)) for group in page.groups
        ]
        info_ = PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return DuplicateGroupConnection(
            edges=edges, nodes=[edge.node for edge in edges], page_info=info_, total_count=page.total
        )

    @strawberry.field(permission_classes=[AdminOnly], description="Admin only; recorded (rule 23).")
    async def personal_data_export(
        self, info: Info, contact_id: strawberry.ID, reason: str
    ) -> PersonalDataExport | None:
        ctx, pk = info.context, key_or_none(contact_id, "Contact")
        if pk is None:
            raise read_error("No contact has this id.", ReadErrorCode.NOT_FOUND)
        try:
            async with ctx.db.begin() as session:
                data = await personal_data.export_personal_data(
                    session, actor_of(info), contact_id=pk, reason=reason
                )
        except DomainError as error:
            code = (
                ReadErrorCode.NOT_FOUND
                if error.problems[0].code is ErrorCode.NOT_FOUND
                else ReadErrorCode.BAD_USER_INPUT
            )
            raise read_error(error.problems[0].message, code) from error
        return PersonalDataExport(
            contact=Contact.from_row(data.contact),
            generated_at=data.generated_at,
            json=data.json,
            vcard=data.vcard,
        )

    @strawberry.field(
        permission_classes=[AdminOnly],
        description="Accesses to personal data (exports, file exports, erasures), newest first. Admin only.",
    )
    async def audit_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry] | None:
        ctx, request = info.context, page_request(first, after)
        page = await read_page(ctx, lambda session: audit.list_audit(session, page=request))
        nodes = [AuditEntry.from_row(row[0]) for row in page.rows]
        return connection(page, nodes, counter(ctx, audit.count_audit))  # type: ignore[return-value]


# ---------------------------------------------------------------- mutations


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


@strawberry.input
class AnonymizeContactInput:
    contact_id: strawberry.ID
    reason: str


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
class StewardshipMutations:
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

    @strawberry.mutation(
        permission_classes=[AdminOnly],
        description="Erase a person's data for good (rule 22); recorded in the audit log. Admin only.",
    )
    async def anonymize_contact(self, info: Info, input: AnonymizeContactInput) -> ContactPayload:
        async def work(session: AsyncSession, actor: Actor) -> models.Contact:
            contact_id = pk_of(input.contact_id, "Contact", ("input", "contactId"))
            erased = await erasure.anonymize_contact(
                session, actor, contact_id=contact_id, reason=input.reason
            )
            return erased.contact

        return await run(info, ContactPayload, work)
