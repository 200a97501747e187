"""Targets, events (with their participants) and interlocutor types, as GraphQL types."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

import strawberry

from db import models
from resolvers import participants, reference
from resolvers.contact_lists import ContactFilter as ContactScope
from resolvers.global_ids import pair_key, text_key
from resolvers.loaders import Related
from resolvers.paging import Page, PageRequest
from resolvers.rows import EventRow, InterlocutorTypeRow, ParticipationRow, TargetRow
from schema.contact_values import LazyContact
from schema.context import Context, Info
from schema.ids import to_global_id
from schema.node import Node, load_node, node_fetcher, nodes_by_loader
from schema.pagination import Connection, connection, counter, load_page, page_request, read_page
from schema.scoped_lists import scoped_contacts

ParticipationStatus = models.ParticipationStatus
# Decorates in place: annotate with the class.
strawberry.enum(ParticipationStatus, name="ParticipationStatus")


@strawberry.type
class InterlocutorType(Node):
    code: str
    label: str
    archived: bool

    @classmethod
    def from_row(cls, row: models.InterlocutorType | InterlocutorTypeRow) -> "InterlocutorType":
        return cls(
            id=strawberry.ID(to_global_id("InterlocutorType", row.code)),
            code=row.code,
            label=row.label,
            archived=row.archived,
        )


@strawberry.type
class Target(Node):
    pk: strawberry.Private[int]
    name: str
    description: str | None

    @classmethod
    def from_row(cls, row: models.Target | TargetRow) -> "Target":
        return cls(
            id=strawberry.ID(to_global_id("Target", row.id)),
            pk=row.id,
            name=row.name,
            description=row.description,
        )

    contacts = scoped_contacts(
        lambda target: ContactScope(target_id=target.pk), "The contacts of this target list."
    )


@strawberry.type
class Event(Node):
    pk: strawberry.Private[int]
    name: str
    starts_on: date
    ends_on: date | None
    location: str | None

    @classmethod
    def from_row(cls, row: models.Event | EventRow) -> "Event":
        return cls(
            id=strawberry.ID(to_global_id("Event", row.id)),
            pk=row.id,
            name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            location=row.location,
        )

    @strawberry.field(description="Who takes part, in the contacts' order; `status` narrows it.")
    async def participants(
        self,
        info: Info,
        status: ParticipationStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection["EventParticipation"]:
        ctx, scope = info.context, (self.pk, status)
        page = page_request(first, after, last, before)
        request = participants.ParticipantsRequest(self.pk, status, page)
        rows = await load_page(ctx.loaders.participant_pages_by_request, request)
        counts = ctx.loaders.participant_counts_by_scope
        nodes = [EventParticipation.from_row(row[0]) for row in rows.rows]
        return connection(rows, nodes, lambda: counts.load(scope))


_PARTICIPATION_EVENT: Related[EventRow | None, "Event"] = Related(
    "events_by_id", "event_pk", lambda row: _event(row)
)  # defined below


@strawberry.type
class EventParticipation(Node):
    event_pk: strawberry.Private[int]
    contact_pk: strawberry.Private[int]
    status: ParticipationStatus

    @classmethod
    def from_row(cls, row: models.EventParticipation | ParticipationRow) -> "EventParticipation":
        return cls(
            id=strawberry.ID(to_global_id("EventParticipation", row.event_id, row.contact_id)),
            event_pk=row.event_id,
            contact_pk=row.contact_id,
            status=row.status,
        )

    @strawberry.field(metadata=_PARTICIPATION_EVENT.metadata)
    def event(self, info: Info) -> Event:
        return _PARTICIPATION_EVENT.resolve(self, info.context.loaders)

    @strawberry.field
    async def contact(self, info: Info) -> LazyContact:
        contact: LazyContact = await load_node(info.context, "Contact", self.contact_pk)
        return contact


def _event(row: EventRow | None) -> Event:
    if row is None:  # a foreign key guarantees it; say so loudly if it ever breaks
        raise LookupError("an event is missing")
    return Event.from_row(row)


nodes_by_loader("Target", lambda loaders: loaders.targets_by_id, Target.from_row)
nodes_by_loader("Event", lambda loaders: loaders.events_by_id, Event.from_row)


@node_fetcher("EventParticipation", key=pair_key)
async def _fetch_participations(
    ctx: Context, keys: Sequence[tuple[int, int]]
) -> list[EventParticipation | None]:
    rows = await ctx.loaders.participations_by_key.load_many(keys)
    return [EventParticipation.from_row(row) if row is not None else None for row in rows]


@node_fetcher("InterlocutorType", key=text_key)
async def _fetch_interlocutor_types(ctx: Context, codes: Sequence[str]) -> list[InterlocutorType | None]:
    rows = await ctx.loaders.interlocutor_types_by_code.load_many(codes)
    return [InterlocutorType.from_row(row) if row is not None else None for row in rows]


Shown = TypeVar("Shown")


async def _searched(
    info: Info,
    list_page: Callable[..., Awaitable[Page]],
    count: Callable[..., Awaitable[int]],
    show: Callable[[Any], Shown],
    search: str | None,
    page: PageRequest,
) -> Connection[Shown]:
    """A page of a reference list searched by name (`list_page` and `count` take `search`)."""
    ctx = info.context
    rows = await read_page(ctx, lambda s: list_page(s, search=search, page=page))
    total = counter(ctx, lambda s: count(s, search=search))
    return connection(rows, [show(row[0]) for row in rows.rows], total)


@strawberry.type
class ReferenceQueries:
    @strawberry.field(description="Marketing target lists by name; `search` matches words of the name.")
    async def targets(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Target]:
        page = page_request(first, after)
        return await _searched(
            info, reference.list_targets, reference.count_targets, Target.from_row, search, page
        )

    @strawberry.field(description="Events by name; `search` matches words of the name.")
    async def events(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Event]:
        page = page_request(first, after)
        return await _searched(
            info, reference.list_events, reference.count_events, Event.from_row, search, page
        )

    @strawberry.field(description="The reference list of interlocutor types, by label.")
    async def interlocutor_types(
        self, info: Info, include_archived: bool | None = False
    ) -> list[InterlocutorType]:
        async with info.context.reads.read() as session:
            rows = await reference.list_interlocutor_types(session, include_archived=bool(include_archived))
        return [InterlocutorType.from_row(row) for row in rows]
