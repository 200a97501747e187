"""Batches over a selection of contacts: what they share (versions and history written
set-based), and associating contacts to a client's sites (DOMAIN.md rules 11 and 13).

A batch never goes through `cards.Card`, which costs several statements per contact. It reads
the selection's state a chunk at a time, works out each contact's differences in Python, in
exactly the text `cards.py` records, and writes them with one statement per table per chunk.
"""

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.columns import table_of
from db.models import (
    Contact,
    ContactChange,
    ContactLink,
    ContactLinkSite,
    FieldChange,
    Organization,
    OrganizationKind,
)
from resolvers.access import Actor, Viewer
from resolvers.card_fields import LINK_FIELDS
from resolvers.errors import DomainError, ErrorCode, Problems
from resolvers.history_text import Difference, new_link_shown, set_change
from resolvers.link_fields import check_sites
from resolvers.search import refresh_contact_keys
from resolvers.selection import ContactSelection, Selected, chunks, select_contacts

CONTACT = table_of(Contact)
CHANGE = table_of(ContactChange)
FIELD_CHANGE = table_of(FieldChange)
LINK = table_of(ContactLink)
LINK_SITE = table_of(ContactLinkSite)
NEW_LINK = {field.column: field.on_new_link for field in LINK_FIELDS if field.on_new_link is not None}


# Rule 13: a batch answers with at most the first 100 contacts it changed, in reading order.
SHOWN_CONTACTS = 100

# Where a contact reads in the lists' default order: last name key, first name key, id.
ReadingKey = tuple[str, str, int]


@dataclass
class Changed:
    """The contacts a batch changed (their version rose): how many, and the first in reading order."""

    count: int = 0
    first: list[ReadingKey] = field(default_factory=list)

    def add(self, keys: Iterable[ReadingKey]) -> None:
        found = list(keys)
        self.count += len(found)
        self.first = heapq.nsmallest(SHOWN_CONTACTS, [*self.first, *found])

    @property
    def contact_ids(self) -> list[int]:
        return [key[2] for key in self.first]


def refuse_if_any(selected: Selected, problems: Problems) -> None:
    """All or nothing: every culprit, the selection's first, in one refusal."""
    found = [*selected.problems, *problems.found]
    if found:
        raise DomainError(found)


async def record_changes(
    session: AsyncSession, changes: Mapping[int, Sequence[Difference]], actor: Actor
) -> list[ReadingKey]:
    """Raise the version of every contact with differences and record its history entry.

    Three statements per chunk: the version bump (it returns where each contact reads), the
    entries (their ids come back with their contacts'), the fields. Returns the reading keys of
    the contacts whose version rose.
    """
    changed = sorted(contact_id for contact_id, found in changes.items() if found)
    connection = await session.connection()
    keys: list[ReadingKey] = []
    for chunk in chunks(changed):
        bumped = await connection.execute(
            update(CONTACT)
            .where(Contact.id.in_(chunk))
            .values(version=Contact.version + 1, updated_at=actor.now)
            .returning(CONTACT.c.last_name_key, CONTACT.c.first_name_key, CONTACT.c.id)
        )
        keys.extend((last, first, contact_id) for last, first, contact_id in bumped.all())
        entry_ids = await _insert_entries(connection, chunk, actor)
        await connection.execute(
            insert(FIELD_CHANGE),
            [
                _field_row(entry_ids[contact_id], change)
                for contact_id in chunk
                for change in changes[contact_id]
            ],
        )
    return keys


async def _insert_entries(
    connection: AsyncConnection, contact_ids: Sequence[int], actor: Actor
) -> dict[int, int]:
    """One history entry per contact, by INSERT … SELECT: contact id -> entry id."""
    rows = select(
        Contact.id,
        literal(actor.now, CHANGE.c.at.type),
        literal(actor.subject, CHANGE.c.actor.type),
        literal(actor.operation, CHANGE.c.operation.type),
    ).where(Contact.id.in_(contact_ids))
    statement = (
        insert(CHANGE)
        .from_select(["contact_id", "at", "actor", "operation"], rows)
        .returning(CHANGE.c.contact_id, CHANGE.c.id)
    )
    return dict((await connection.execute(statement)).all())


def _field_row(entry_id: int, change: Difference) -> dict[str, object]:
    return {
        "change_id": entry_id,
        "organization_id": change.organization_id,
        "field": change.field,
        "before": change.before,
        "after": change.after,
    }


async def check_client_sites(
    session: AsyncSession, client_id: int | None, site_ids: Sequence[int | None], problems: Problems
) -> set[int]:
    """The client must be one, and each site known and the client's; returns the sites."""
    kind = None
    if client_id is not None:
        kind = await session.scalar(select(Organization.kind).where(Organization.id == client_id))
    if kind is not OrganizationKind.CLIENT:
        problems.add(ErrorCode.NOT_FOUND, ("input", "clientId"), "No client has this id.")
    owner = client_id if kind is OrganizationKind.CLIENT else None
    return await check_sites(session, owner, site_ids, ("input",), problems)


async def _client_links(
    session: AsyncSession, contact_ids: Sequence[int], client_id: int
) -> dict[int, tuple[int, set[int]]]:
    """The links of these contacts to the client: contact id -> (link id, its sites)."""
    rows = await session.execute(
        select(ContactLink.contact_id, ContactLink.id, ContactLinkSite.site_id)
        .outerjoin(ContactLinkSite, ContactLinkSite.link_id == ContactLink.id)
        .where(ContactLink.contact_id.in_(contact_ids), ContactLink.organization_id == client_id)
    )
    links: dict[int, tuple[int, set[int]]] = {}
    for contact_id, link_id, site_id in rows:
        _, sites = links.setdefault(contact_id, (link_id, set()))
        if site_id is not None:
            sites.add(site_id)
    return links


def _sites_change(contact_id: int, client_id: int, before: set[int], after: set[int]) -> list[Difference]:
    return [set_change(contact_id, client_id, "siteIds", "Site", before, after)]


async def associate_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    *,
    client_id: int | None,
    site_ids: Sequence[int | None],
    max_selection: int,
    actor: Actor,
) -> Changed:
    """Link the selection to the client where it is not, and to the sites where it is not yet.

    All or nothing; running it twice changes nothing the second time. Returns the contacts
    that changed.
    """
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection)
    problems = Problems()
    sites = await check_client_sites(session, client_id, site_ids, problems)
    refuse_if_any(selected, problems)
    assert client_id is not None
    affected, linked = Changed(), []
    for chunk in chunks(selected.contact_ids):
        new, changes = await _associate_chunk(session, chunk, client_id, sites, actor)
        affected.add(await record_changes(session, changes, actor))
        linked.extend(new)
    await refresh_contact_keys(session, linked)  # a new link brings its organisation's name
    return affected


async def _associate_chunk(
    session: AsyncSession, chunk: Sequence[int], client_id: int, sites: set[int], actor: Actor
) -> tuple[list[int], dict[int, list[Difference]]]:
    links = await _client_links(session, chunk, client_id)
    changes: dict[int, list[Difference]] = {}
    site_rows = []
    for contact_id, (link_id, current) in links.items():
        if sites - current:
            changes[contact_id] = _sites_change(contact_id, client_id, current, current | sites)
            site_rows += [{"link_id": link_id, "site_id": site_id} for site_id in sorted(sites - current)]
    new = [contact_id for contact_id in chunk if contact_id not in links]
    shown = new_link_shown(sites)
    for contact_id in new:
        changes[contact_id] = [Difference(contact_id, client_id, name, None, after) for name, after in shown]
    connection = await session.connection()
    if new:
        row = {"organization_id": client_id, **NEW_LINK}
        created = await connection.execute(
            insert(LINK).returning(LINK.c.id),
            [{**row, "contact_id": contact_id, "created_at": actor.now} for contact_id in new],
        )
        site_rows += [
            {"link_id": link_id, "site_id": site} for link_id in created.scalars() for site in sites
        ]
    if site_rows:
        await connection.execute(insert(LINK_SITE), site_rows)
    return new, changes


async def dissociate_contacts(
    session: AsyncSession,
    viewer: Viewer,
    selection: ContactSelection,
    *,
    client_id: int | None,
    site_ids: Sequence[int | None],
    max_selection: int,
    actor: Actor,
) -> Changed:
    """Take the sites off the selection's links to the client; the links stay.

    A contact without a link to the client is left alone and not counted. All or nothing;
    idempotent. Returns the contacts that changed.
    """
    selected = await select_contacts(session, viewer, selection, max_selection=max_selection)
    problems = Problems()
    sites = await check_client_sites(session, client_id, site_ids, problems)
    refuse_if_any(selected, problems)
    assert client_id is not None
    affected = Changed()
    connection = await session.connection()
    for chunk in chunks(selected.contact_ids):
        links = await _client_links(session, chunk, client_id)
        changes = {
            contact_id: _sites_change(contact_id, client_id, current, current - sites)
            for contact_id, (_, current) in links.items()
            if current & sites
        }
        if changes:
            link_ids = [links[contact_id][0] for contact_id in changes]
            await connection.execute(
                delete(LINK_SITE).where(LINK_SITE.c.link_id.in_(link_ids), LINK_SITE.c.site_id.in_(sites))
            )
        affected.add(await record_changes(session, changes, actor))
    return affected
