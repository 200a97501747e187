"""`personalDataExport` (DOMAIN.md rule 23) as GraphQL: everything held on one person, recorded.
The rule lives in resolvers/personal_data."""

from datetime import datetime

import strawberry

from resolvers import personal_data
from resolvers.errors import DomainError, ErrorCode
from schema.contacts import Contact
from schema.context import Info
from schema.errors import ReadErrorCode, read_error
from schema.ids import key_or_none
from schema.mutations import actor_of
from schema.permissions import AdminOnly


@strawberry.type(description="What Carnet holds on one person, for a data subject's request (rule 23).")
class PersonalDataExport:
    contact: Contact
    generated_at: datetime
    json: str = strawberry.field(description="Every stored field of the contact, its links, memberships…")
    vcard: str = strawberry.field(description="vCard 4.0")


@strawberry.type
class PersonalDataQueries:
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
