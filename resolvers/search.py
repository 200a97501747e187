"""What a contact is found and sorted by: keys and search tokens kept in step with every write."""

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contact, ContactLink, Organization
from resolvers.text import fold, words

CHUNK = 500


async def refresh_contact_keys(session: AsyncSession, contact_ids: Sequence[int]) -> None:
    """Recompute the sort keys and search tokens of these contacts from what they show now.

    Call it in the transaction that changed names, e-mails, functions, links or an
    organisation's name. Set-based: two reads and one executemany per 500 contacts.
    """
    for start in range(0, len(contact_ids), CHUNK):
        await _refresh(session, contact_ids[start : start + CHUNK])


async def _refresh(session: AsyncSession, contact_ids: Sequence[int]) -> None:
    people = (
        await session.execute(
            select(Contact.id, Contact.last_name, Contact.first_name, Contact.email).where(
                Contact.id.in_(contact_ids)
            )
        )
    ).all()
    at_organizations = (
        await session.execute(
            select(ContactLink.contact_id, ContactLink.email, ContactLink.function, Organization.name)
            .join(Organization, Organization.id == ContactLink.organization_id)
            .where(ContactLink.contact_id.in_(contact_ids))
        )
    ).all()
    extra: dict[int, list[str | None]] = {}
    for contact_id, email, function, name in at_organizations:
        extra.setdefault(contact_id, []).extend((email, function, name))
    rows = [
        {
            "key_id": contact_id,
            "last_key": fold(last_name),
            "first_key": fold(first_name),
            "tokens": tokens_text(last_name, first_name, email, *extra.get(contact_id, [])),
        }
        for contact_id, last_name, first_name, email in people
    ]
    if rows:
        statement = (
            update(Contact)
            .where(Contact.id == bindparam("key_id"))
            .values(
                last_name_key=bindparam("last_key"),
                first_name_key=bindparam("first_key"),
                search_tokens=bindparam("tokens"),
            )
        )
        await (await session.connection()).execute(statement, rows)


def tokens_text(*values: str | None) -> str:
    """The folded words, space-separated with a space on each side, so a whole word is `% w %`."""
    return f" {' '.join(words(*values))} "
