"""A contact's history as GraphQL types; `FieldChange` also reports a normalisation's changes."""

from datetime import datetime

import strawberry

from db import models
from resolvers.history_text import Difference
from schema.contact_values import LazyContact
from schema.context import Info
from schema.ids import to_global_id
from schema.node import Node, load_node, nodes_by_loader
from schema.organizations import Organization, load_organization


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
        contact: LazyContact = await load_node(info.context, "Contact", self.contact_pk)
        return contact

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


nodes_by_loader("ContactChange", lambda loaders: loaders.changes_by_id, ContactChange.from_row)
