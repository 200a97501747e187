"""`anonymizeContact` (DOMAIN.md rule 22): the person's data goes, the facts stay.

The names become "Anonyme"; every coordinate, note, social profile and free text of the contact
and of its links is cleared; the same values are scrubbed from its history (the entries and
the fields that changed stay, their values go), from merges that could bring them back (their
snapshots are dropped: such a merge cannot be undone any more), from the audit log's reasons,
and from the search index (SQLite's FTS5 index is then rebuilt: a deleted row's words would
otherwise linger in its segments until the next merge). Accounts are deactivated and their
logins replaced. Links, memberships and history entries stay. The contacts merged into this one
are the same person: they are erased with it.

It cannot be undone. It is recorded in the audit log (who, when, why, how many; never the
erased values) and, without the values, in the contact's history.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import purge_search_index
from db.models import (
    AuditAction,
    AuditEntry,
    Contact,
    ContactChange,
    ContactLink,
    ContactMerge,
    ContactStatus,
    ExternalCollaborator,
    ExtranetUser,
    FieldChange,
)
from resolvers import history
from resolvers.access import Actor
from resolvers.audit import checked_reason, record_contact_access
from resolvers.errors import NotAllowed, NotFound
from resolvers.history_text import Difference
from resolvers.search import refresh_contact_keys

PLACEHOLDER = "Anonyme"
ERASED = "[effacé]"
CONTACT_COLUMNS = {
    "civility": "civility",
    "first_name": "firstName",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "notes": "notes",
    "linkedin_url": "linkedinUrl",
    "disappearance_reason": "disappearanceReason",
}
LINK_COLUMNS = ("function", "department", "email", "phone", "mobile", "fax", "extension")
# The history fields whose values are the person's (GraphQL names).
PERSONAL_FIELDS = ("lastName", *CONTACT_COLUMNS.values(), "function", "department", "fax", "extension")


@dataclass(frozen=True)
class Erased:
    contact: Contact
    contact_ids: list[int]


async def anonymize_contact(
    session: AsyncSession, actor: Actor, *, contact_id: int, reason: str | None, purge: bool = True
) -> Erased:
    """Erase the person behind `contact_id` (and the contacts merged into it).

    `purge=False` leaves SQLite's search index to be purged once, by whoever erases many
    contacts in a row (`purge_search_index`): rewriting it per contact would cost the base."""
    why = checked_reason(reason, ("input", "reason"))
    contact = await session.scalar(select(Contact).where(Contact.id == contact_id).with_for_update())
    if contact is None:
        raise NotFound(("input", "contactId"), "No contact has this id.")
    if contact.status is ContactStatus.MERGED:
        message = "This contact was merged into another: erase that one."
        raise NotAllowed(("input", "contactId"), message, contact_id=contact_id)
    ids = await _same_person(session, contact_id)
    values = await _personal_values(session, ids)
    lines = await _erasure_lines(session, ids)
    await _clear(session, ids, actor)
    await _scrub_history(session, ids)
    for contact_id, changes in lines.items():
        await history.record(session, contact_id=contact_id, actor=actor, changes=changes)
    await _forget_merges(session, ids)
    await _scrub_reasons(session, values)
    await refresh_contact_keys(session, ids)
    if purge:
        await purge_search_index(await session.connection())
    await record_contact_access(session, actor, AuditAction.ERASURE, contact_id, count=len(ids), reason=why)
    await _scrub_reasons(session, values)  # the reason just given may name the person too
    await session.refresh(contact)
    return Erased(contact, ids)


async def _same_person(session: AsyncSession, contact_id: int) -> list[int]:
    """The contact and every contact merged into it, however many merges deep."""
    found, frontier = [contact_id], [contact_id]
    while frontier:
        frontier = list(await session.scalars(select(Contact.id).where(Contact.merged_into_id.in_(frontier))))
        found.extend(frontier)
    return found


async def _personal_values(session: AsyncSession, ids: list[int]) -> set[str]:
    """Every text that is the person's, to be scrubbed wherever free text could hold it."""
    columns = [Contact.last_name, *(getattr(Contact, name) for name in CONTACT_COLUMNS if name != "civility")]
    found: set[str] = set()
    for row in await session.execute(select(*columns).where(Contact.id.in_(ids))):
        found.update(value for value in row if value)
    link_columns = [getattr(ContactLink, name) for name in LINK_COLUMNS]
    for row in await session.execute(select(*link_columns).where(ContactLink.contact_id.in_(ids))):
        found.update(value for value in row if value)
    for login, email in await session.execute(
        select(ExtranetUser.login, ExtranetUser.email).where(ExtranetUser.contact_id.in_(ids))
    ):
        found.update((login, email))
    # Short texts ("M", "12") would scrub unrelated words: the person is not in them.
    return {value for value in found if len(value) >= 3}


async def _erasure_lines(session: AsyncSession, ids: list[int]) -> dict[int, list[Difference]]:
    """Per contact, the history lines of its erasure: which fields went, never what they held."""
    shown = [getattr(Contact, name) for name in CONTACT_COLUMNS]
    rows = await session.execute(select(Contact.id, *shown).where(Contact.id.in_(ids)))
    lines = {}
    for contact_id, *others in rows.all():
        changes = [Difference(contact_id, None, "lastName", None, PLACEHOLDER)]
        changes += [
            Difference(contact_id, None, field, None, None)
            for field, value in zip(CONTACT_COLUMNS.values(), others, strict=True)
            if value is not None
        ]
        lines[contact_id] = changes
    return lines


async def _clear(session: AsyncSession, ids: list[int], actor: Actor) -> None:
    cleared = dict.fromkeys(CONTACT_COLUMNS)
    await session.execute(
        update(Contact)
        .where(Contact.id.in_(ids))
        .values(last_name=PLACEHOLDER, version=Contact.version + 1, updated_at=actor.now, **cleared)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(ContactLink).where(ContactLink.contact_id.in_(ids)).values(dict.fromkeys(LINK_COLUMNS))
    )
    placeholder = literal("anonyme-") + cast(ExtranetUser.id, String)
    await session.execute(
        update(ExtranetUser)
        .where(ExtranetUser.contact_id.in_(ids))
        .values(
            active=False,
            login=placeholder,
            login_key=placeholder,
            email=placeholder + literal("@anonyme.invalid"),
        )
    )
    await session.execute(
        update(ExternalCollaborator).where(ExternalCollaborator.contact_id.in_(ids)).values(active=False)
    )


async def _scrub_history(session: AsyncSession, ids: list[int]) -> None:
    entries = select(ContactChange.id).where(ContactChange.contact_id.in_(ids))
    await session.execute(
        update(FieldChange)
        .where(FieldChange.change_id.in_(entries), FieldChange.field.in_(PERSONAL_FIELDS))
        .values(before=None, after=None)
    )


async def _forget_merges(session: AsyncSession, ids: list[int]) -> None:
    """A merge's snapshot holds the person's values: it goes, and the merge stays undone-proof."""
    listed = [
        (literal(",") + ContactMerge.merged_ids + literal(",")).like(f"%,{contact_id},%")
        for contact_id in ids
    ]
    await session.execute(
        update(ContactMerge)
        .where(and_(ContactMerge.snapshot.is_not(None), or_(ContactMerge.kept_id.in_(ids), *listed)))
        .values(snapshot=None)
    )


async def _scrub_reasons(session: AsyncSession, values: Iterable[str]) -> None:
    for value in sorted(values, key=len, reverse=True):
        await session.execute(
            update(AuditEntry)
            .where(AuditEntry.reason.contains(value, autoescape=True))
            .values(reason=func.replace(AuditEntry.reason, value, ERASED))
        )
