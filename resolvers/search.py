"""What a contact is found and sorted by: keys and search tokens kept in step with every write."""

from collections.abc import Sequence
from typing import TypedDict

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from db.dialect import index_search_tokens
from db.models import Contact, ContactLink, Organization
from resolvers.errors import Invalid
from resolvers.text import fold, words

CHUNK = 500

_WRITE_KEYS = (
    update(Contact)
    .where(Contact.id == bindparam("key_id"))
    .values(
        last_name_key=bindparam("last_key"),
        first_name_key=bindparam("first_key"),
        search_tokens=bindparam("tokens"),
    )
)


class KeyRow(TypedDict):
    """A contact's sort keys and search tokens, as the refresh binds them."""

    key_id: int
    last_key: str
    first_key: str
    tokens: str


async def refresh_contact_keys(session: AsyncSession, contact_ids: Sequence[int]) -> None:
    """Recompute the sort keys and search tokens of these contacts from what they show now.

    Call it in the transaction that changed names, e-mails, functions, links or an
    organisation's name: the search index follows in that same transaction. Set-based: two
    reads and one executemany per 500 contacts (and, on SQLite, two more for the FTS5 table).
    """
    for start in range(0, len(contact_ids), CHUNK):
        rows = await _key_rows(session, contact_ids[start : start + CHUNK])
        if rows:
            connection = await session.connection()
            await connection.execute(_WRITE_KEYS, rows)
            await index_search_tokens(connection, [(row["key_id"], row["tokens"]) for row in rows])


async def _key_rows(session: AsyncSession, contact_ids: Sequence[int]) -> list[KeyRow]:
    """The new keys and tokens of these contacts, from their names and what their links show."""
    people = await session.execute(
        select(Contact.id, Contact.last_name, Contact.first_name, Contact.email).where(
            Contact.id.in_(contact_ids)
        )
    )
    at_organizations = await session.execute(
        select(ContactLink.contact_id, ContactLink.email, ContactLink.function, Organization.name)
        .join(Organization, Organization.id == ContactLink.organization_id)
        .where(ContactLink.contact_id.in_(contact_ids))
        .order_by(ContactLink.id)
    )
    extra: dict[int, list[str | None]] = {}
    for contact_id, email, function, name in at_organizations:
        extra.setdefault(contact_id, []).extend((email, function, name))
    return [
        key_row(contact_id, last_name, first_name, email, extra.get(contact_id, []))
        for contact_id, last_name, first_name, email in people
    ]


def key_row(
    contact_id: int, last_name: str, first_name: str | None, email: str | None, at_links: Sequence[str | None]
) -> KeyRow:
    """A contact's keys and tokens from its names, its e-mail and, link by link in id order,
    what each link shows (e-mail, function, organisation name)."""
    return {
        "key_id": contact_id,
        "last_key": fold(last_name),
        "first_key": fold(first_name),
        "tokens": tokens_text(last_name, first_name, email, *at_links),
    }


def tokens_text(*values: str | None) -> str:
    """The folded words, space-separated with a space on each side, so a whole word is `% w %`."""
    return f" {' '.join(words(*values))} "


MAX_SEARCH_WORDS = 10
MAX_SEARCH_WORD_LENGTH = 50


def search_problem(text: str | None) -> str | None:
    """Why a search cannot run, or None: at most 10 words of at most 50 characters each.

    Checked before any SQL is built, so that no statement grows with the size of the input.
    """
    if not text:
        return None
    found = words(text)
    if len(found) > MAX_SEARCH_WORDS:
        return f"A search takes at most {MAX_SEARCH_WORDS} words ({len(found)} given)."
    longest = max((len(word) for word in found), default=0)
    if longest > MAX_SEARCH_WORD_LENGTH:
        return f"A search word has at most {MAX_SEARCH_WORD_LENGTH} characters ({longest} given)."
    return None


def search_words(text: str | None) -> list[str]:
    """The words a search matches, refused (INVALID) beyond the limits."""
    problem = search_problem(text)
    if problem is not None:
        raise Invalid(("search",), problem)
    return words(text)


def tokens_hold(
    tokens: ColumnElement[str] | QueryableAttribute[str], found: Sequence[str]
) -> list[ColumnElement[bool]]:
    """The search as a test of rows already at hand, without the search index: each word whole
    (`% w %`) when of one letter, else as the start of a word (`% w%`), as `tokens_text` allows.
    Words are letters and digits only, so none is a LIKE wildcard."""
    return [tokens.like(f"% {word} %" if len(word) == 1 else f"% {word}%") for word in found]
