"""`anonymizeContact` (DOMAIN.md rule 22) as GraphQL. The rule lives in resolvers/erasure."""

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import erasure
from resolvers.access import Actor
from schema.contact_edits import ContactPayload
from schema.context import Info
from schema.ids import pk_of
from schema.mutations import run
from schema.permissions import AdminOnly


@strawberry.input
class AnonymizeContactInput:
    contact_id: strawberry.ID
    reason: str


@strawberry.type
class ErasureMutations:
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
