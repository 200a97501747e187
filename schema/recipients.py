"""`recipients`: who is sent a client's invoices or reminders, with the reason and the e-mail."""

import strawberry

from resolvers import recipients
from resolvers.errors import DomainError
from schema.contacts import Contact, ContactLink
from schema.context import Info
from schema.errors import ReadErrorCode, read_error
from schema.ids import optional_pk_of, pk_of
from schema.permissions import StaffOnly

DocumentKind = recipients.DocumentKind
strawberry.enum(DocumentKind, name="DocumentKind")  # decorates in place: annotate with the class
RecipientReason = recipients.RecipientReason
strawberry.enum(RecipientReason, name="RecipientReason")  # decorates in place: annotate with the class


@strawberry.type
class Recipient:
    contact: Contact
    link: ContactLink
    email: str | None = strawberry.field(description="The link's e-mail, else the contact's own.")
    reason: RecipientReason

    @classmethod
    def of(cls, found: recipients.Recipient) -> "Recipient":
        """Built from the rows the one statement read: no field of it runs another query."""
        return cls(
            contact=Contact.from_row(found.contact),
            link=ContactLink.from_row(found.link),
            email=found.email,
            reason=found.reason,
        )


@strawberry.type
class RecipientQueries:
    @strawberry.field(
        permission_classes=[StaffOnly],
        description=(
            "Who is sent this client's invoices or reminders (for one site, or any), and why. "
            "Null, with an error, for a portal caller or an unknown client or site."
        ),
    )
    async def recipients(
        self,
        info: Info,
        *,
        client_id: strawberry.ID,
        site_id: strawberry.ID | None = None,
        document: DocumentKind,
    ) -> list[Recipient] | None:
        ctx = info.context
        try:
            client_pk = pk_of(client_id, "Client", ("clientId",))
            site_pk = optional_pk_of(site_id, "Site", ("siteId",))
            async with ctx.reads.read() as session:
                found = await recipients.resolve_recipients(
                    session,
                    ctx.viewer,
                    client_id=client_pk,
                    site_id=site_pk,
                    document=document,
                    today=ctx.today,
                )
        except DomainError as error:
            raise read_error(error.problems[0].message, ReadErrorCode.NOT_FOUND) from error
        return [Recipient.of(recipient) for recipient in found]
