"""Creating and editing a contact card: inputs, the contact payload, and the mutations."""

from dataclasses import dataclass
from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from resolvers import card_fields, contact_edits, contacts, duplicates
from resolvers.access import Actor
from resolvers.card_fields import ContactEdit, LinkEdit, Maybe
from resolvers.errors import DomainError, ErrorCode
from resolvers.link_fields import NewLink
from resolvers.organizations import OrganizationRef
from schema.contact_values import Civility
from schema.contacts import Contact
from schema.context import Context, Info, asks_for
from schema.duplicates import DuplicateCandidate, shown
from schema.errors import UserError, user_errors
from schema.ids import organization_ref, pk_of
from schema.inputs import UNSET, maybe, or_none
from schema.mutations import Work, run
from schema.permissions import StaffOnly


def site_pks(ids: list[strawberry.ID] | None, path: tuple[str, ...]) -> list[int] | None:
    if ids is None:
        return None
    return [pk_of(value, "Site", (*path, "siteIds", str(index))) for index, value in enumerate(ids)]


@strawberry.input
class LinkDetailsInput:
    """The fields of a link that its inputs share (not itself a GraphQL type)."""

    function: str | None = UNSET
    department: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    fax: str | None = UNSET
    extension: str | None = UNSET
    left_on: date | None = UNSET
    site_ids: list[strawberry.ID] | None = UNSET
    receives_invoices: bool | None = UNSET
    receives_invoices_all_sites: bool | None = UNSET
    receives_reminders: bool | None = UNSET
    receives_reminders_all_sites: bool | None = UNSET
    interlocutor_type_codes: list[str] | None = UNSET

    def edit(self, path: tuple[str, ...], *, is_primary: Maybe[bool | None] = card_fields.UNSET) -> LinkEdit:
        """The link's fields as the use cases take them, site ids decoded (NOT_FOUND at their path)."""
        return LinkEdit(
            is_primary=is_primary,
            function=maybe(self.function),
            department=maybe(self.department),
            email=maybe(self.email),
            phone=maybe(self.phone),
            mobile=maybe(self.mobile),
            fax=maybe(self.fax),
            extension=maybe(self.extension),
            left_on=maybe(self.left_on),
            site_ids=maybe(self.site_ids) if self.site_ids is UNSET else site_pks(self.site_ids, path),
            receives_invoices=maybe(self.receives_invoices),
            receives_invoices_all_sites=maybe(self.receives_invoices_all_sites),
            receives_reminders=maybe(self.receives_reminders),
            receives_reminders_all_sites=maybe(self.receives_reminders_all_sites),
            interlocutor_type_codes=maybe(self.interlocutor_type_codes),
        )


@strawberry.input
class AtOrganizationInput:
    """The organisation a link input is about (not itself a GraphQL type)."""

    organization_id: strawberry.ID

    def organization(self, path: tuple[str, ...] = ("input",)) -> OrganizationRef:
        return organization_ref(self.organization_id, (*path, "organizationId"))


@strawberry.input
class ContactLinkInput(AtOrganizationInput, LinkDetailsInput):
    def new_link(self, path: tuple[str, ...]) -> NewLink:
        """The link to make, ids decoded (NOT_FOUND at their path)."""
        return NewLink(self.organization(path), self.edit(path))


@strawberry.input
class CardInput:
    """What every mutation of one card starts with (not itself a GraphQL type)."""

    contact_id: strawberry.ID
    expected_version: int | None = UNSET

    def contact_pk(self) -> int:
        return pk_of(self.contact_id, "Contact", ("input", "contactId"))

    def version(self) -> int | None:
        return or_none(self.expected_version)


@strawberry.input
class CreateContactInput:
    last_name: str
    civility: Civility | None = UNSET
    first_name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    notes: str | None = UNSET
    hidden_from_crm: bool | None = False
    last_follow_up_on: date | None = UNSET
    linkedin_url: str | None = UNSET
    link: ContactLinkInput | None = strawberry.field(default=UNSET, description="The primary link.")
    affair_ids: list[strawberry.ID] | None = UNSET

    def fields(self) -> ContactEdit:
        return contact_edit(self)

    def affair_pks(self) -> list[int]:
        ids = self.affair_ids or []
        return [pk_of(value, "Affair", ("input", "affairIds", str(index))) for index, value in enumerate(ids)]


@strawberry.input
class UpdateContactInput:
    id: strawberry.ID
    expected_version: int | None = UNSET
    civility: Civility | None = UNSET
    last_name: str | None = UNSET
    first_name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    notes: str | None = UNSET
    hidden_from_crm: bool | None = UNSET
    linkedin_url: str | None = UNSET
    last_follow_up_on: date | None = strawberry.field(
        default=UNSET, description="A correction; null clears; never in the future (rule 4)."
    )

    def fields(self) -> ContactEdit:
        return contact_edit(self)


def contact_edit(source: CreateContactInput | UpdateContactInput) -> ContactEdit:
    return ContactEdit(
        civility=maybe(source.civility),
        last_name=maybe(source.last_name),
        first_name=maybe(source.first_name),
        email=maybe(source.email),
        phone=maybe(source.phone),
        mobile=maybe(source.mobile),
        notes=maybe(source.notes),
        hidden_from_crm=maybe(source.hidden_from_crm),
        last_follow_up_on=maybe(source.last_follow_up_on),
        linkedin_url=maybe(source.linkedin_url),
    )


@strawberry.type(description="possibleDuplicates: a warning on create and update (rule 21), never a refusal.")
class ContactPayload:
    contact: Contact | None
    user_errors: list[UserError]
    # Found in the write's own transaction by the mutations that warn of duplicates (createContact,
    # quickCreateContact, updateContact), and only when the payload asks for them.
    found: strawberry.Private[tuple[duplicates.Candidate, ...]] = ()

    @classmethod
    def of(cls, row: models.Contact) -> "ContactPayload":
        return cls(contact=Contact.from_row(row), user_errors=[])

    @strawberry.field(description="Contacts that may be the same person (rule 21), best first.")
    async def possible_duplicates(self, info: Info) -> list[DuplicateCandidate]:
        return shown(info.context, self.found)

    @classmethod
    async def refused(cls, ctx: Context, error: DomainError) -> "ContactPayload":
        """The refusal; on CONFLICT, with the current card so that the client can show it."""
        conflict = next((p for p in error.problems if p.code is ErrorCode.CONFLICT), None)
        current = await _current_card(ctx, conflict.contact_id) if conflict and conflict.contact_id else None
        return cls(contact=current, user_errors=user_errors(error))


async def _current_card(ctx: Context, contact_id: int) -> Contact | None:
    async with ctx.reads.read() as session:
        rows = await contacts.contacts_by_id(session, ctx.viewer, [contact_id])
    return Contact.from_row(rows[0]) if rows[0] is not None else None


@dataclass(frozen=True)
class Warned:
    """A contact just written, and its possible duplicates when the payload asks for them."""

    row: models.Contact
    found: tuple[duplicates.Candidate, ...]


def warning_of_duplicates(info: Info, work: Work[models.Contact]) -> Work[Warned]:
    """`work`, then its contact's possible duplicates (rule 21) in the same transaction: one more
    statement and no other transaction, run only when the payload asks for `possibleDuplicates`."""
    asked = asks_for(info, "possibleDuplicates")

    async def warned(session: AsyncSession, actor: Actor) -> Warned:
        row = await work(session, actor)
        found = await duplicates.possible_duplicates(session, row.id) if asked else []
        return Warned(row, tuple(found))

    return warned


class WarnsOfDuplicates:
    """The answer of the mutations that warn of duplicates (their work wrapped in
    `warning_of_duplicates`): a ContactPayload with what the look-up found."""

    @staticmethod
    def of(warned: Warned) -> ContactPayload:
        return ContactPayload(contact=Contact.from_row(warned.row), user_errors=[], found=warned.found)

    refused = staticmethod(ContactPayload.refused)


WARNS_OF_DUPLICATES = WarnsOfDuplicates()


@strawberry.type
class CardMutations:
    @strawberry.mutation(
        permission_classes=[StaffOnly], description="A new contact card with its primary link."
    )
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        return await run(
            info,
            WARNS_OF_DUPLICATES,
            warning_of_duplicates(
                info,
                lambda session, actor: contact_edits.create_contact(
                    session,
                    actor,
                    fields=input.fields(),
                    link=input.link.new_link(("input", "link")) if input.link else None,
                    affair_ids=input.affair_pks(),
                ),
            ),
        )

    @strawberry.mutation(
        permission_classes=[StaffOnly], description="Change a card: left out is unchanged, null clears."
    )
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        return await run(
            info,
            WARNS_OF_DUPLICATES,
            warning_of_duplicates(
                info,
                lambda session, actor: contact_edits.update_contact(
                    session,
                    actor,
                    contact_id=pk_of(input.id, "Contact", ("input", "id")),
                    expected_version=or_none(input.expected_version),
                    fields=input.fields(),
                ),
            ),
        )
