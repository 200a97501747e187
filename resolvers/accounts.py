"""Extranet users and external collaborators, made from a selection (DOMAIN.md rule 15).

The one batch that creates what it can: each contact gets its own outcome, an account or a
problem naming it. Accounts are objects of their own: making or (de)activating one changes
neither the contact's version nor its history.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import and_, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.columns import table_of
from db.models import Contact, ContactLink, ContactStatus, ExternalCollaborator, ExtranetUser
from resolvers.access import Viewer, visible_contact
from resolvers.errors import ErrorCode, NotAllowed, NotFound, Problem
from resolvers.selection import ContactSelection, Selected, chunks, select_contacts

Account = TypeVar("Account", ExtranetUser, ExternalCollaborator)
COLLABORATOR_CODE = "EXT-{:06d}"


@dataclass(frozen=True)
class Person:
    """What an account is made from: the contact's state, its primary link, its e-mail."""

    contact_id: int
    disappeared: bool
    organization_id: int | None  # the primary link's organisation
    email: str | None  # the primary link's e-mail, else the contact's own
    has_account: bool


@dataclass(frozen=True)
class Outcomes(Generic[Account]):
    """The accounts made, and a problem for each contact that got none, in the selection's order."""

    created: list[Account]
    problems: list[Problem]


async def _people(
    session: AsyncSession, model: type[ExtranetUser] | type[ExternalCollaborator], contact_ids: Sequence[int]
) -> list[Person]:
    primary = and_(ContactLink.contact_id == Contact.id, ContactLink.is_primary.is_(True))
    rows = await session.execute(
        select(
            Contact.id,
            Contact.status,
            ContactLink.organization_id,
            ContactLink.email,
            Contact.email,
            model.id,
        )
        .outerjoin(ContactLink, primary)
        .outerjoin(model, model.contact_id == Contact.id)
        .where(Contact.id.in_(contact_ids))
        .order_by(Contact.id)
    )
    return [
        Person(
            contact_id,
            status is ContactStatus.DISAPPEARED,
            organization_id,
            link_email or own_email,
            account is not None,
        )
        for contact_id, status, organization_id, link_email, own_email, account in rows
    ]


def _refusal(person: Person, kind: str) -> tuple[ErrorCode, str] | None:
    """Why this contact gets no account of this kind, if it gets none."""
    if person.disappeared:
        return ErrorCode.NOT_ALLOWED, "The contact has disappeared: it gets no account."
    if person.has_account:
        return ErrorCode.ALREADY_EXISTS, f"The contact already has an {kind}."
    if person.organization_id is None:
        return ErrorCode.NOT_ALLOWED, "The contact has no primary organisation."
    return None


Item = TypeVar("Item")


def _in_selection_order(selected: Selected, outcomes: dict[int, Item]) -> list[Item]:
    order = sorted(outcomes, key=lambda contact_id: selected.positions.get(contact_id, contact_id))
    return [outcomes[contact_id] for contact_id in order]


def _outcomes(
    selected: Selected, made: dict[int, Account], refused: dict[int, tuple[ErrorCode, str]]
) -> Outcomes[Account]:
    refusals: dict[int, Problem] = {
        contact_id: Problem(code, selected.path_of(contact_id), message, contact_id)
        for contact_id, (code, message) in refused.items()
    }
    created = _in_selection_order(selected, made)
    return Outcomes(created, [*selected.problems, *_in_selection_order(selected, refusals)])


async def create_extranet_users(
    session: AsyncSession, viewer: Viewer, selection: ContactSelection, *, max_selection: int, now: datetime
) -> Outcomes[ExtranetUser]:
    """An extranet user per contact, its login the e-mail (primary link's, else the contact's).

    Logins are unique regardless of case: an e-mail that is already a login, or that an
    earlier contact of the selection takes (by id), is DUPLICATE.
    """
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection)
    made: dict[int, ExtranetUser] = {}
    refused: dict[int, tuple[ErrorCode, str]] = {}
    taken: set[str] = set()
    for chunk in chunks(selected.contact_ids):
        people = await _people(session, ExtranetUser, chunk)
        logins = {person.email.lower() for person in people if person.email}
        taken |= set(
            await session.scalars(select(ExtranetUser.login_key).where(ExtranetUser.login_key.in_(logins)))
        )
        rows = []
        for person in people:
            refusal = _refusal(person, "extranet user") or _login_refusal(person, taken)
            if refusal is not None:
                refused[person.contact_id] = refusal
                continue
            assert person.email is not None and person.organization_id is not None
            taken.add(person.email.lower())
            rows.append(_user(person.contact_id, person.organization_id, person.email, now))
        made.update(await _insert(session, ExtranetUser, rows))
    return _outcomes(selected, made, refused)


def _login_refusal(person: Person, taken: set[str]) -> tuple[ErrorCode, str] | None:
    if not person.email:
        return ErrorCode.MISSING_EMAIL, "Neither the contact's primary link nor the contact has an e-mail."
    if person.email.lower() in taken:
        return ErrorCode.DUPLICATE, f"{person.email} is already an extranet user's login."
    return None


def _user(contact_id: int, organization_id: int, email: str, now: datetime) -> ExtranetUser:
    return ExtranetUser(
        contact_id=contact_id,
        organization_id=organization_id,
        login=email,
        login_key=email.lower(),
        email=email,
        active=True,
        created_at=now,
    )


async def _insert(session: AsyncSession, model: type[Account], rows: list[Account]) -> dict[int, Account]:
    """Write new accounts in one statement; they come back keyed by contact, with their ids."""
    if not rows:
        return {}
    table = table_of(model)
    values = [
        {column.key: getattr(row, column.key) for column in table.columns if column.key != "id"}
        for row in rows
    ]
    connection = await session.connection()
    ids: dict[int, int] = dict(
        (await connection.execute(insert(table).returning(table.c.contact_id, table.c.id), values)).all()
    )
    for row in rows:
        row.id = ids[row.contact_id]
    return {row.contact_id: row for row in rows}


async def create_external_collaborators(
    session: AsyncSession, viewer: Viewer, selection: ContactSelection, *, max_selection: int, now: datetime
) -> Outcomes[ExternalCollaborator]:
    """An external collaborator per contact, tied to its primary organisation.

    Its code is made from the contact's id: one collaborator per contact makes it unique by
    construction, and two batches running at once cannot pick the same one.
    """
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection)
    made: dict[int, ExternalCollaborator] = {}
    refused: dict[int, tuple[ErrorCode, str]] = {}
    for chunk in chunks(selected.contact_ids):
        rows = []
        for person in await _people(session, ExternalCollaborator, chunk):
            refusal = _refusal(person, "external collaborator")
            if refusal is not None:
                refused[person.contact_id] = refusal
                continue
            assert person.organization_id is not None
            rows.append(
                ExternalCollaborator(
                    contact_id=person.contact_id,
                    organization_id=person.organization_id,
                    code=COLLABORATOR_CODE.format(person.contact_id),
                    active=True,
                    created_at=now,
                )
            )
        made.update(await _insert(session, ExternalCollaborator, rows))
    return _outcomes(selected, made, refused)


async def set_account_active(
    session: AsyncSession, viewer: Viewer, model: type[Account], *, account_id: int | None, active: bool
) -> Account:
    """Deactivate or reactivate an account; a disappeared contact's cannot be reactivated.

    The contact's row is locked so that a concurrent declaration of disappearance (which
    deactivates the accounts) cannot slip between the check and the write.
    """
    found = None
    if account_id is not None:
        query = (
            select(model, Contact.status)
            .join(Contact, Contact.id == model.contact_id)
            .where(model.id == account_id, visible_contact(viewer))
            .with_for_update(of=Contact)
        )
        found = (await session.execute(query)).first()
    if found is None:
        raise NotFound(("input", "id"), "No account you may see has this id.")
    account, status = found
    if active and status is not ContactStatus.ACTIVE:
        gone = "has disappeared" if status is ContactStatus.DISAPPEARED else "was merged into another"
        raise NotAllowed(
            ("input", "active"),
            f"The contact {gone}: its account cannot be reactivated.",
            contact_id=account.contact_id,
        )
    account.active = active
    await session.flush()
    return account
