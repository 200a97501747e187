"""normalizeContacts: make last names, first names and functions uniform over a selection
(DOMAIN.md rule 14), as a dry run or for real."""

from collections.abc import Awaitable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers import normalization, normalization_writes
from resolvers.errors import DomainError
from resolvers.normalization import Normalization
from resolvers.normalization_plan import NormalizationResult, Plan
from resolvers.text_styles import TextStyle
from schema.batches import CHANGED_CONTACTS, ContactSelection, changed_contacts
from schema.contacts import Contact
from schema.context import Context, Info
from schema.errors import UserError, user_errors
from schema.history import FieldChange
from schema.mutations import run, run_planned
from schema.permissions import StaffOnly

strawberry.enum(TextStyle, name="TextStyle")  # decorates in place: annotate with the class


@strawberry.input(description="Exactly one of style or value.")
class TextRule:
    style: TextStyle | None = None
    value: str | None = strawberry.field(default=None, description="That exact text for every contact.")

    def rule(self) -> normalization.TextRule:
        return normalization.TextRule(style=self.style, value=self.value)


@strawberry.input
class NormalizeContactsInput:
    selection: ContactSelection
    last_name: TextRule | None = None
    first_name: TextRule | None = None
    function: TextRule | None = strawberry.field(default=None, description="Every link's function.")
    dry_run: bool | None = strawberry.field(
        default=False, description="true: list the changes, write nothing."
    )

    def rules(self) -> Normalization:
        return Normalization(
            last_name=self.last_name.rule() if self.last_name else None,
            first_name=self.first_name.rule() if self.first_name else None,
            function=self.function.rule() if self.function else None,
        )


@strawberry.type
class NormalizationPayload:
    changes: list[FieldChange] = strawberry.field(
        description="The first 1,000 changes, by contact in the lists' order, then by field."
    )
    changed_count: int = strawberry.field(description="Every change, listed or not.")
    applied: bool
    contact_pks: strawberry.Private[list[int]]
    user_errors: list[UserError]

    @strawberry.field(description=CHANGED_CONTACTS + " Empty on a dry run.")
    async def contacts(self, info: Info) -> list[Contact]:
        return await changed_contacts(info.context, self.contact_pks)

    @classmethod
    def of(cls, result: NormalizationResult) -> "NormalizationPayload":
        changes = [FieldChange.of(change) for change in result.changes]
        return cls(
            changes=changes,
            changed_count=result.changed_count,
            applied=result.applied,
            contact_pks=result.contacts.contact_ids,
            user_errors=[],
        )

    @classmethod
    async def refused(cls, ctx: Context, error: DomainError) -> "NormalizationPayload":
        return cls(changes=[], changed_count=0, applied=False, contact_pks=[], user_errors=user_errors(error))


@strawberry.type
class NormalizationMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Make last names, first names and functions uniform, by a style or one value.",
    )
    async def normalize_contacts(self, info: Info, input: NormalizeContactsInput) -> NormalizationPayload:
        ctx, dry_run = info.context, bool(input.dry_run)

        def plan(session: AsyncSession) -> Awaitable[Plan]:
            return normalization.work_out(
                session,
                ctx.viewer,
                input.selection.selection(),
                input.rules(),
                max_selection=ctx.max_selection,
                to_write=not dry_run,
            )

        if dry_run:  # listed, never written: a read transaction
            return await run(
                info,
                NormalizationPayload,
                lambda session, _: _listed(plan(session)),
                read_only=True,
            )
        # Worked out first, without the write lock; then checked and written in one transaction.
        return await run_planned(info, NormalizationPayload, plan, normalization_writes.apply)


async def _listed(plan: Awaitable[Plan]) -> NormalizationResult:
    return NormalizationResult(await plan, applied=False)
