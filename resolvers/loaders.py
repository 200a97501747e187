"""Per-request DataLoaders: one `SELECT … WHERE key IN (…)` per relation per request, or none
for a relation another's statement reads with its rows (a link's organisation: `Loaders._joined`).

`Loaders` names one loader per relation, made on first use. A batch function takes a session
and the keys (and the viewer, when what it returns depends on what the viewer may see), and
returns one value per key, in the keys' order. Each batch reads through the request's
`RequestReads`: the request's one connection for a query, one at a time (sibling fields load
concurrently); a short session of its own otherwise.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import dataloader
from strawberry.dataloader import DataLoader, dispatch_batch, should_create_new_batch
from strawberry.exceptions import WrongNumberOfResultsReturned

from db import models
from db.engine import Database, RequestReads
from resolvers import (
    contact_lists,
    contacts,
    history,
    interlocutors,
    nodes,
    organizations,
    participants,
    reference,
    rows,
)
from resolvers.access import Viewer
from resolvers.breath import QUIET_TURNS, Breath
from resolvers.keyed import Joined
from resolvers.paging import Page

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

Batch = Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
SeenBatch = Callable[[AsyncSession, Viewer, Sequence[K]], Awaitable[Sequence[V]]]
JoinedBatch = Callable[[AsyncSession, Sequence[K]], Awaitable[Joined[V, Any, Any]]]


@dataclass(slots=True)
class _Batch(dataloader.Batch[K, V]):
    """A batch, with the keys `load_many` asked (`bulk_keys`): one future for all of those."""

    bulk_keys: list[K] = field(default_factory=list)
    bulk: "asyncio.Future[None] | None" = None


class SharedDataLoader(DataLoader[K, V]):
    """A DataLoader whose futures survive the cancellation of one of their awaiters, and whose
    batches wait for the request's breaths (resolvers.breath).

    A field error nulls its subtree and graphql-core cancels the subtree's pending tasks. A task
    awaiting a future directly cancels that future, which every sibling awaiting the same key
    shares: the sibling got a CancelledError and the whole request a 500. Each awaiter gets a
    shield of its own instead; the loader's future settles for everyone else.

    A batch is dispatched as Strawberry's DataLoader does it (a turn of the loop after its
    first key), unless some task of the request breathed meanwhile: a task back from a breath
    may queue its key turns later, in a batch (a statement) of its own. The dispatch then waits
    for the request's tasks to be back in step (`_dispatch_when_settled`).

    `values` holds what its batches loaded, by key, as well: `ready` reads a value there in one
    look, where the future takes four calls (a page's fields ask some 800). The keys of
    `load_many` (a page's read-ahead, some 700 keys) go into the batch without a future each:
    the batch's one `bulk` future says when their values are in `values`.
    """

    def __init__(self, load_fn: Callable[[list[K]], Awaitable[Sequence[V]]], breath: Breath) -> None:
        loaded: dict[K, V] = {}  # the closure holds the dict, not the loader: no reference cycle
        self.values = loaded

        async def load_then_a_new_turn(keys: list[K]) -> Sequence[V]:
            values = await load_fn(keys)
            breath.restart()  # the request waited for the database, the loop free meanwhile
            if len(values) == len(keys):  # else Strawberry fails the batch's futures
                for key, value in zip(keys, values, strict=True):
                    if not isinstance(value, BaseException):  # Strawberry raises those to their awaiters
                        loaded[key] = value
            return values

        super().__init__(load_fn=load_then_a_new_turn)
        self.breath = breath
        self._in_bulk: dict[K, asyncio.Future[None]] = {}  # keys of a bulk not settled yet

    def load(self, key: K) -> Awaitable[V]:
        return self._settled(self._future(key))

    async def _settled(self, future: "asyncio.Future[V]") -> V:
        """The value, then a breath if the request's turn is over: a batch settles thousands of
        awaiters at once, and each would otherwise go on in the same turn of the loop."""
        value = await asyncio.shield(future)
        if self.breath.due():
            await self.breath.take()
        return value

    def _future(self, key: K) -> "asyncio.Future[V]":
        """Strawberry's DataLoader.load, with the batch this loader dispatches itself; a key a
        bulk loaded, or is loading, is not loaded again."""
        if self.cache:
            cached = self.cache_map.get(key)
            if cached and not cached.cancelled():
                return cached
            if key in self.values or key in self._in_bulk:
                return self._from_bulk(key)
        future: asyncio.Future[V] = self.loop.create_future()
        if self.cache:
            self.cache_map.set(key, future)
        # Not Batch.add_task: its done callback (one loop callback per key when the batch settles,
        # some 700 a page) only cancels a batch whose futures were all cancelled, and awaiters
        # here get shields: nothing cancels these futures.
        self._batch().tasks.append(dataloader.LoaderTask(key, future))
        return future

    def _from_bulk(self, key: K) -> "asyncio.Future[V]":
        """A future of the value a bulk loaded or is loading (a single `load` of such a key)."""
        future: asyncio.Future[V] = self.loop.create_future()
        self.cache_map.set(key, future)
        bulk = self._in_bulk.get(key)
        if bulk is None:
            future.set_result(self.values[key])
        else:
            bulk.add_done_callback(partial(_settle_from_bulk, future, self.values, key))
        return future

    def _batch(self) -> _Batch[K, V]:
        batch = self.batch
        if (
            isinstance(batch, _Batch)
            and (batch.tasks or batch.bulk_keys)
            and not should_create_new_batch(self, batch)
        ):
            return batch
        batch = self.batch = _Batch()
        self.loop.call_soon(self._dispatch_when_settled, batch, self.breath.returned, None)
        return batch

    def _dispatch_when_settled(self, batch: _Batch[K, V], returned: int, quiet: int | None) -> None:
        """Dispatch in the turn after the first key, as Strawberry does, if no task of the
        request breathed meanwhile nor is about to (its turn is over); else once QUIET_TURNS
        turns went by with none out for a breath nor back from one. Breaths put the request's
        tasks out of step: one back from a breath starts tasks (a list's async fields) that
        start others a turn later, and so on down the document, each queuing its key a turn
        after its parent."""
        breath = self.breath
        if breath.out or breath.returned != returned or (quiet is None and breath.due()):
            self.loop.call_soon(self._dispatch_when_settled, batch, breath.returned, 0)
            return
        if quiet is not None and quiet < QUIET_TURNS:
            self.loop.call_soon(self._dispatch_when_settled, batch, returned, quiet + 1)
            return
        # No done callback to forget the task (Strawberry's, a loop callback a batch): only
        # Batch.add_task's callback reads it, and these batches' futures have none.
        batch._dispatch_task = self.loop.create_task(self._dispatch(batch))

    async def _dispatch(self, batch: _Batch[K, V]) -> None:
        """Strawberry's dispatch_batch, for the bulk's keys as well."""
        tasks, bulk_keys = batch.tasks, batch.bulk_keys
        if not bulk_keys:
            await dispatch_batch(self, batch)
            return
        batch.dispatched = True
        keys = [task.key for task in tasks] + bulk_keys
        try:
            values = list(await self.load_fn(keys))
            if len(values) != len(keys):
                raise WrongNumberOfResultsReturned(expected=len(keys), received=len(values))
        except Exception as error:
            for task in tasks:
                if not task.future.cancelled():
                    task.future.set_exception(error)
            self._settle_bulk(batch, error)
            return
        for task, value in zip(tasks, values, strict=False):
            if task.future.cancelled():
                continue
            if isinstance(value, BaseException):
                task.future.set_exception(value)
            else:
                task.future.set_result(value)
        failed = next((value for value in values[len(tasks) :] if isinstance(value, BaseException)), None)
        self._settle_bulk(batch, failed)

    def _settle_bulk(self, batch: _Batch[K, V], error: BaseException | None) -> None:
        for key in batch.bulk_keys:
            self._in_bulk.pop(key, None)
        bulk = batch.bulk
        if bulk is not None and not bulk.done():
            if error is None:
                bulk.set_result(None)
            else:
                bulk.set_exception(error)

    def hold(self, values: dict[K, V]) -> None:
        """Values another loader's statement read (a link's organisation, with the link): a load
        of their keys is answered from them, without a statement. A key loaded already keeps
        its value; one in a batch not yet dispatched is read again there, to the same value."""
        loaded = self.values
        for key, value in values.items():
            loaded.setdefault(key, value)

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[V]]:
        return self._load_all(list(keys))

    async def _load_all(self, keys: list[K]) -> list[V]:
        """The values of `keys`, with one shielded wait per batch instead of a shield and a
        gathered future per key: a batch settles all its keys at once. The keys nobody asked
        yet join the current batch's bulk (no future each); a page's read-ahead asks some 700."""
        futures = [self._future(key) for key in keys] if not self.cache else self._waits(keys)
        for future in futures:
            if not future.done():
                await asyncio.shield(future)
            future.result()  # a failed batch's error
        cached = self.cache_map.cache_map  # type: ignore[attr-defined]  # DefaultCache's dict
        values = self.values
        return [values[key] if key in values else cached[key].result() for key in keys]

    def _waits(self, keys: list[K]) -> "list[asyncio.Future[Any]]":
        """What to wait for before the values of `keys` are at hand: the futures of keys asked
        before, the bulks loading others, the current batch's bulk for the rest."""
        values, in_bulk = self.values, self._in_bulk
        cached = self.cache_map.cache_map  # type: ignore[attr-defined]  # DefaultCache's dict
        waits: dict[int, asyncio.Future[Any]] = {}
        fresh: list[K] = []
        for key in dict.fromkeys(keys):
            if key in values:
                continue
            future = cached.get(key)
            if future is None or future.cancelled():
                future = in_bulk.get(key)
            if future is not None:
                waits[id(future)] = future
            else:
                fresh.append(key)
        if fresh:
            batch = self._batch()
            batch.bulk_keys.extend(fresh)
            bulk = batch.bulk = batch.bulk or self.loop.create_future()
            for key in fresh:
                in_bulk[key] = bulk
            waits[id(bulk)] = bulk
        return list(waits.values())


class Loaders:
    """The DataLoaders of one request, one per relation, each made on first use."""

    def __init__(
        self, db: Database, viewer: Viewer, reads: RequestReads | None = None, breath: Breath | None = None
    ) -> None:
        self._read = (reads or RequestReads(db)).read
        self._viewer = viewer
        self._breath = breath or Breath()

    def release(self) -> None:
        """Forget the loaders made so far and all they hold, once the request is answered.
        Each loader's batch function is bound to this object, which holds the loader: a
        reference cycle that kept a whole response's rows, futures and ORM states (some 6,500
        objects for the bench's reference query) alive until a full garbage collection."""
        for name in [name for name, value in vars(self).items() if isinstance(value, DataLoader)]:
            del self.__dict__[name]

    def _plain(self, batch: Batch[K, V]) -> DataLoader[K, V]:
        async def load(keys: Sequence[K]) -> Sequence[V]:
            async with self._read() as session:
                return await batch(session, keys)

        return SharedDataLoader(load, self._breath)

    def _joined(self, batch: JoinedBatch[K, V], related: str) -> DataLoader[K, V]:
        """A relation whose statement reads the rows of another as well (resolvers.keyed.Joined):
        the loader of that one (`related`, a `Loaders` attribute) holds them."""

        async def load(session: AsyncSession, keys: Sequence[K]) -> Sequence[V]:
            joined = await batch(session, keys)
            loader = getattr(self, related)
            if isinstance(loader, SharedDataLoader):
                loader.hold(joined.related)
            return joined.values

        return self._plain(load)

    def _seen(self, batch: SeenBatch[K, V]) -> DataLoader[K, V]:
        """A relation whose rows depend on what the viewer may see (DOMAIN.md rule 7)."""
        return self._plain(lambda session, keys: batch(session, self._viewer, keys))

    # ------------------------------------------------------------ contacts and what hangs off them

    @cached_property
    def contacts_by_id(self) -> DataLoader[int, models.Contact | None]:
        return self._seen(contacts.contacts_by_id)

    @cached_property
    def links_by_contact_id(self) -> DataLoader[int, list[rows.LinkRow]]:
        return self._joined(contacts.links_by_contact_id, "organizations_by_id")

    @cached_property
    def primary_organization_name_by_contact_id(self) -> DataLoader[int, str | None]:
        return self._plain(contacts.primary_organization_name_by_contact_id)

    @cached_property
    def sites_by_link_id(self) -> DataLoader[int, list[rows.SiteRow]]:
        return self._plain(contacts.sites_by_link_id)

    @cached_property
    def affairs_by_contact_id(self) -> DataLoader[int, list[models.Affair]]:
        return self._plain(contacts.affairs_by_contact_id)

    @cached_property
    def targets_by_contact_id(self) -> DataLoader[int, list[rows.TargetRow]]:
        return self._plain(contacts.targets_by_contact_id)

    @cached_property
    def participations_by_contact_id(self) -> DataLoader[int, list[rows.ParticipationRow]]:
        return self._joined(contacts.participations_by_contact_id, "events_by_id")

    @cached_property
    def extranet_user_by_contact_id(self) -> DataLoader[int, models.ExtranetUser | None]:
        return self._plain(contacts.extranet_user_by_contact_id)

    @cached_property
    def collaborator_by_contact_id(self) -> DataLoader[int, models.ExternalCollaborator | None]:
        return self._plain(contacts.collaborator_by_contact_id)

    @cached_property
    def extranet_users_by_id(self) -> DataLoader[int, models.ExtranetUser | None]:
        return self._seen(contacts.extranet_users_by_id)

    @cached_property
    def collaborators_by_id(self) -> DataLoader[int, models.ExternalCollaborator | None]:
        return self._seen(contacts.collaborators_by_id)

    @cached_property
    def interlocutor_types_by_link_id(self) -> DataLoader[int, list[rows.InterlocutorTypeRow]]:
        return self._plain(reference.interlocutor_types_by_link_id)

    # ------------------------------------------------------------ organisations and reference data

    @cached_property
    def organizations_by_id(self) -> DataLoader[int, rows.OrganizationRow | None]:
        return self._plain(organizations.organizations_by_id)

    @cached_property
    def sites_by_id(self) -> DataLoader[int, models.Site | None]:
        return self._plain(organizations.sites_by_id)

    @cached_property
    def sites_by_client_id(self) -> DataLoader[int, list[models.Site]]:
        return self._plain(organizations.sites_by_client_id)

    @cached_property
    def affairs_by_id(self) -> DataLoader[int, models.Affair | None]:
        return self._plain(organizations.affairs_by_id)

    @cached_property
    def affairs_by_client_id(self) -> DataLoader[int, list[models.Affair]]:
        return self._plain(organizations.affairs_by_client_id)

    @cached_property
    def targets_by_id(self) -> DataLoader[int, models.Target | None]:
        return self._plain(reference.targets_by_id)

    @cached_property
    def events_by_id(self) -> DataLoader[int, rows.EventRow | None]:
        return self._plain(reference.events_by_id)

    # ------------------------------------------------------------ pages and counts of nested lists

    @cached_property
    def contact_pages_by_request(self) -> DataLoader[contact_lists.ListRequest, Page]:
        return self._seen(contact_lists.pages_by_request)

    @cached_property
    def contact_counts_by_criteria(self) -> DataLoader[tuple[contact_lists.ContactFilter, ...], int]:
        return self._seen(contact_lists.counts_by_criteria)

    @cached_property
    def interlocutors_by_request(
        self,
    ) -> DataLoader[interlocutors.InterlocutorsRequest, list[models.ContactLink]]:
        return self._seen(interlocutors.interlocutors_by_request)

    @cached_property
    def participant_pages_by_request(self) -> DataLoader[participants.ParticipantsRequest, Page]:
        return self._seen(participants.participant_pages_by_request)

    @cached_property
    def participant_counts_by_scope(self) -> DataLoader[participants.Scope, int]:
        return self._seen(participants.participant_counts_by_scope)

    @cached_property
    def change_pages_by_request(self) -> DataLoader[history.HistoryRequest, Page]:
        return self._plain(history.change_pages_by_request)

    @cached_property
    def change_counts_by_contact_id(self) -> DataLoader[int, int]:
        return self._plain(history.change_counts_by_contact_id)

    # ------------------------------------------------------------ what `node` and look-ups read by key

    @cached_property
    def links_by_id(self) -> DataLoader[int, models.ContactLink | None]:
        return self._seen(nodes.links_by_id)

    @cached_property
    def participations_by_key(self) -> DataLoader[tuple[int, int], models.EventParticipation | None]:
        return self._seen(nodes.participations_by_key)

    @cached_property
    def changes_by_id(self) -> DataLoader[int, models.ContactChange | None]:
        return self._seen(nodes.changes_by_id)

    @cached_property
    def interlocutor_types_by_code(self) -> DataLoader[str, models.InterlocutorType | None]:
        return self._plain(nodes.interlocutor_types_by_code)

    @cached_property
    def field_changes_by_change_id(self) -> DataLoader[int, list[models.FieldChange]]:
        return self._plain(history.field_changes_by_change_id)


class _NotReady:
    """What `ready` answers for a key whose value is not at hand."""


NOT_READY = _NotReady()


def _settle_from_bulk(
    future: "asyncio.Future[V]", values: dict[K, V], key: K, bulk: "asyncio.Future[None]"
) -> None:
    if future.cancelled():
        return
    if bulk.cancelled():
        future.cancel()
        return
    error = bulk.exception()
    if error is not None:
        future.set_exception(error)
    elif key in values:
        future.set_result(values[key])
    else:  # the batch function gave an error for this key
        future.set_exception(LookupError(f"no value loaded for {key!r}"))


def ready(loader: DataLoader[K, V], key: K) -> V | _NotReady:
    """The loader's value for `key` when it holds it already (a page read it ahead), else NOT_READY."""
    if isinstance(loader, SharedDataLoader):
        value: V | _NotReady = loader.values.get(key, NOT_READY)
        if value is not NOT_READY:
            return value
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return NOT_READY


def now_or_later(loader: DataLoader[K, V], key: K, convert: Callable[[V], T]) -> T:
    """`convert` of the value for `key`: at once when the loader already holds it (a page read
    it ahead), else an awaitable. A resolver answering at once costs GraphQL a fraction of one
    that must be awaited: no coroutine, no task, no gathering of a list of them.

    Typed as the value itself: a resolver may return either, GraphQL awaits an awaitable, and
    the resolver's annotation (what the schema shows) is the value's type.
    """
    value = ready(loader, key)
    if not isinstance(value, _NotReady):
        return convert(value)

    async def later() -> T:
        return convert(await loader.load(key))

    return cast(T, later())


RELATED = "carnet.related"  # a field's metadata key for its `Related`


@dataclass(frozen=True)
class Related(Generic[V, T]):
    """A field whose value is `convert` of a loader's value for a key its object holds: the
    links of a contact, a link's organisation… Its resolver is `resolve`; a compiled plan reads
    `metadata` and completes a value the loader holds already without calling it
    (schema.compiled.plans._related_step): the same value, some 2 µs less a field.
    """

    loader: str  # the `Loaders` attribute
    key: str  # the object's attribute holding the key
    convert: Callable[[V], T]

    @property
    def metadata(self) -> dict[str, "Related[V, T]"]:
        return {RELATED: self}

    def loader_of(self, loaders: Loaders) -> DataLoader[Any, V]:
        found: DataLoader[Any, V] = getattr(loaders, self.loader)
        return found

    def resolve(self, source: object, loaders: Loaders) -> T:
        return now_or_later(self.loader_of(loaders), getattr(source, self.key), self.convert)
