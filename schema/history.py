"""A contact's history as GraphQL types; `FieldChange` also reports a normalisation's changes."""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from resolvers.history_text import Difference
from schema.context import Context, Info
from schema.ids import to_global_id
from schema.node import Node, node_fetcher
from schema.organizations import Organization, load_organization

if TYPE_CHECKING:
    from schema.contacts import Contact

LazyContact = Annotated["Contact", strawberry.lazy("schema.contacts")]


@strawberry.type
class FieldChange:
    contact_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int | None]
    field: str = strawberry.field(description='The GraphQL name, e.g. "lastName", "function", "siteIds".')
    before: str | None
    after: str | None

    @classmethod
    def of(cls, change: Difference) -> "FieldChange":
        return cls(
            contact_pk=change.contact_id,
            organization_pk=change.organization_id,
            field=change.field,
            before=change.before,
            after=change.after,
        )

    @strawberry.field
    async def contact(self, info: Info) -> LazyContact:
        from schema.contacts import load_contact

        return await load_contact(info.context, self.contact_pk)

    @strawberry.field(description="Set when the field belongs to the contact's link to it.")
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_pk is None:
            return None
        return await load_organization(info.context, self.organization_pk)


@strawberry.type
class ContactChange(Node):
    pk: strawberry.Private[int]
    contact_pk: strawberry.Private[int]
    at: datetime
    actor: str = strawberry.field(description="The token's subject.")
    operation: str = strawberry.field(description="The mutation's name.")

    @classmethod
    def from_row(cls, row: models.ContactChange) -> "ContactChange":
        return cls(
            id=strawberry.ID(to_global_id("ContactChange", row.id)),
            pk=row.id,
            contact_pk=row.contact_id,
            at=row.at,
            actor=row.actor,
            operation=row.operation,
        )

    @strawberry.field
    async def changes(self, info: Info) -> list[FieldChange]:
        rows = await info.context.loaders.field_changes_by_change_id.load(self.pk)
        return [
            FieldChange(
                contact_pk=self.contact_pk,
                organization_pk=row.organization_id,
                field=row.field,
                before=row.before,
                after=row.after,
            )
            for row in rows
        ]


@node_fetcher("ContactChange")
async def _fetch_changes(ctx: Context, pks: Sequence[int]) -> list[ContactChange | None]:
    rows = await ctx.loaders.changes_by_id.load_many(pks)
    return [ContactChange.from_row(row) if row is not None else None for row in rows]
