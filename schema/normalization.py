"""normalizeContacts: make last names, first names and functions uniform over a selection
(DOMAIN.md rule 14), as a dry run or for real."""

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers import normalization
from resolvers.errors import DomainError
from resolvers.normalization import Normalization, NormalizationResult
from schema.batches import ContactSelection, stamp
from schema.context import Context, Info
from schema.errors import UserError, user_errors
from schema.history import FieldChange
from schema.permissions import StaffOnly
from schema.writes import write

TextStyle = strawberry.enum(normalization.TextStyle, name="TextStyle")


@strawberry.input(description="Exactly one of style or value.")
class TextRule:
    style: TextStyle | None = None  # type: ignore[valid-type]
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
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: NormalizationResult | DomainError) -> "NormalizationPayload":
        if isinstance(outcome, DomainError):
            return cls(changes=[], changed_count=0, applied=False, user_errors=user_errors(outcome))
        changes = [FieldChange.of(change) for change in outcome.changes]
        return cls(
            changes=changes, changed_count=outcome.changed_count, applied=outcome.applied, user_errors=[]
        )


async def read_only(
    ctx: Context, work: Callable[[AsyncSession], Awaitable[NormalizationResult]]
) -> NormalizationResult | DomainError:
    """A dry run reads in a read transaction: no write lock, nothing that could be written."""
    try:
        async with ctx.db.read() as session:
            return await work(session)
    except DomainError as error:
        return error


@strawberry.type
class NormalizationMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly],
        description="Make last names, first names and functions uniform, by a style or one value.",
    )
    async def normalize_contacts(self, info: Info, input: NormalizeContactsInput) -> NormalizationPayload:
        ctx, dry_run, batch_stamp = info.context, bool(input.dry_run), stamp(info)

        def work(session: AsyncSession) -> Awaitable[NormalizationResult]:
            return normalization.normalize_contacts(
                session,
                ctx.viewer,
                input.selection.selection(),
                input.rules(),
                dry_run=dry_run,
                max_selection=ctx.max_selection,
                stamp=batch_stamp,
            )

        return NormalizationPayload.of(await (read_only(ctx, work) if dry_run else write(ctx, work)))
