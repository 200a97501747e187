"""Completing values as graphql-core does, specialised per return type at compile time.

A completer takes the run, a resolved value and its path, and returns the JSON value or an
awaitable of it. Errors are graphql-core's own: the same exceptions with the same messages,
handed to the executor's `handle_field_error` at the same places (a field, a list item), so
that paths, nulls and propagation are the stock executor's. What a plan does not reproduce
raises `Abort`, and the stock executor answers the whole operation instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLScalarType,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable

from schema.compiled.run import NEVER_AWAITABLE, Abort, Run

Completer = Callable[[Run, Any, Path | None], Any]
# graphql-core's Path is a NamedTuple: made here without its generated __new__, a Python call
# (the hot paths make some 1,400 a page: a relation's field, a short list's items).
new_path = tuple.__new__


class ShortList(NamedTuple):
    """What a list completer calls for a list of a few values (`_short_list`), for a plan to
    call it itself: a page's relation fields complete some 560 lists."""

    completers: tuple[Completer, Completer]  # an item's, and the one for an item that is a value
    item_type: GraphQLOutputType
    details: list[FieldDetails]


# Filled as completers are made, read when plans are compiled: the completer a null check wraps,
# and a list completer's ShortList.
_WRAPPED: WeakKeyDictionary[Completer, Completer] = WeakKeyDictionary()
_SHORT_LISTS: WeakKeyDictionary[Completer, ShortList] = WeakKeyDictionary()


def unwrapped(complete: Completer) -> Completer:
    """What a null check calls for a value neither null nor an error; else `complete` itself."""
    return _WRAPPED.get(complete, complete)


def short_list(complete: Completer) -> ShortList | None:
    """The ShortList of a (possibly nullable or non-null) list's completer, else None: for a list
    value of fewer than SHORT items, `complete_short_list` with it answers what `complete` would
    (a null check passes a list on as it is)."""
    while complete not in _SHORT_LISTS and complete in _WRAPPED:
        complete = _WRAPPED[complete]
    return _SHORT_LISTS.get(complete)


SHORT = 16  # below this many items a list is completed without a look at the clock


class FieldSite:
    """A field as its completers report errors: graphql-core's messages name it."""

    __slots__ = ("details", "name", "parent")

    def __init__(self, parent: str, name: str, details: list[FieldDetails]) -> None:
        self.parent, self.name, self.details = parent, name, details


def leaf(type_: GraphQLLeafType) -> Completer:
    coerce = type_.coerce_output_value

    def complete_leaf(run: Run, value: Any, path: Path | None) -> Any:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise TypeError(
                f"Expected `{inspect(type_)}.coerce_output_value({inspect(value)})`"
                f" to return non-nullable value, returned: {inspect(coerced)}"
            )
        return coerced

    return complete_leaf


def nullable(inner: Completer) -> Completer:
    def complete_nullable(run: Run, value: Any, path: Path | None) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise value
        return inner(run, value, path)

    _WRAPPED[complete_nullable] = inner
    return complete_nullable


def null_message(site: FieldSite) -> str:
    return f"Cannot return null for non-nullable field {site.parent}.{site.name}."


def non_null(inner: Completer, site: FieldSite) -> Completer:
    message = null_message(site)

    def complete_non_null(run: Run, value: Any, path: Path | None) -> Any:
        if value is None or value is Undefined:
            raise TypeError(message)
        if isinstance(value, Exception):
            raise value
        return inner(run, value, path)

    _WRAPPED[complete_non_null] = inner
    return complete_non_null


def list_of(
    item: Completer,
    present: Completer,
    item_type: GraphQLOutputType,
    site: FieldSite,
    non_null_message: str | None = None,
) -> Completer:
    """`item` completes an item; `present`, what it calls for an item neither null nor an error.
    With `non_null_message`, the list is non-null: `non_null`'s checks made here, since a list
    (what the field commonly holds) needs none of them."""
    details = site.details

    def complete_list(run: Run, value: Any, path: Path | None) -> Any:
        if value.__class__ is list and path is not None:  # the commonest: no ABC isinstance check
            if len(value) < SHORT:
                return complete_short_list(run, (item, present), item_type, details, path, value)
        elif non_null_message is not None and (value is None or value is Undefined):
            raise TypeError(non_null_message)
        elif non_null_message is not None and isinstance(value, Exception):
            raise value
        elif not is_iterable(value) or path is None:
            raise Abort("a list field returned no iterable")
        items = _Items(run, item, item_type, details, path, iter(value))
        try:
            finished = items.complete()
        except BaseException:
            items.discard()
            raise
        if not finished:  # the loop is due a breath: the rest of the list after it
            return items.rest_later()
        if not items.pending:
            return items.results
        return _await_items(items.results, items.pending)

    _SHORT_LISTS[complete_list] = ShortList((item, present), item_type, details)
    return complete_list


def complete_short_list(
    run: Run,
    completers: tuple[Completer, Completer],
    item_type: GraphQLOutputType,
    details: list[FieldDetails],
    path: Path,
    values: list[Any],
) -> Any:
    """A list too short for a look at the clock (a link's sites, a contact's events…, some 500
    lists a page): `_Items.complete`'s loop, without the object, and an item that is neither
    null nor an error completed without the call that checks it."""
    item, present = completers
    results: list[Any] = []
    pending: list[int] = []
    is_awaitable = run.is_awaitable
    try:
        for index, element in enumerate(values):
            if element.__class__ not in NEVER_AWAITABLE and is_awaitable(element):
                run.discard([element])
                raise Abort("an awaitable list item")
            item_path = new_path(Path, (path, index, None))  # path.add_key, without its calls
            try:
                if element is None or element is Undefined or isinstance(element, Exception):
                    completed = item(run, element, item_path)
                else:
                    completed = present(run, element, item_path)
            except Abort:
                raise
            except Exception as error:
                run.executor.handle_field_error(error, item_type, details, item_path)
                completed = None
            if completed.__class__ not in NEVER_AWAITABLE and is_awaitable(completed):
                completed = _guarded(run, completed, item_type, details, item_path)
                pending.append(index)
            results.append(completed)
    except BaseException:
        run.discard([results[index] for index in pending])
        raise
    if not pending:
        return results
    return _await_items(results, pending)


class _Items:
    """A list being completed, item after item, a breath taken when due (resolvers.breath):
    a list of thousands of objects is not completed in one turn of the loop."""

    __slots__ = ("details", "item", "item_type", "path", "pending", "results", "run", "values")
    CHECK_EVERY = SHORT  # items between two looks at the clock

    def __init__(
        self,
        run: Run,
        item: Completer,
        item_type: GraphQLOutputType,
        details: list[FieldDetails],
        path: Path,
        values: Iterator[Any],
    ) -> None:
        self.run, self.item, self.item_type, self.details, self.path = run, item, item_type, details, path
        self.values = values
        self.results: list[Any] = []
        self.pending: list[int] = []

    def complete(self) -> bool:
        """Complete items until the last (True) or until a breath is due (False)."""
        run, item, results, pending = self.run, self.item, self.results, self.pending
        item_type, details, path = self.item_type, self.details, self.path
        is_awaitable, breath = run.is_awaitable, run.breath
        index = len(results)
        for element in self.values:
            if element.__class__ not in NEVER_AWAITABLE and is_awaitable(element):
                run.discard([element])
                raise Abort("an awaitable list item")
            try:
                completed = item(run, element, path.add_key(index, None))
            except Abort:
                raise
            except Exception as error:
                run.executor.handle_field_error(error, item_type, details, path.add_key(index, None))
                completed = None
            if completed.__class__ not in NEVER_AWAITABLE and is_awaitable(completed):
                completed = _guarded(run, completed, item_type, details, path.add_key(index, None))
                pending.append(index)
            results.append(completed)
            index += 1
            if index % self.CHECK_EVERY == 0 and breath.due():
                return False
        return True

    async def rest_later(self) -> list[Any]:
        try:
            while True:
                await self.run.breath.take()
                if self.complete():
                    break
        except BaseException:
            self.discard()
            raise
        if not self.pending:
            return self.results
        return await _await_items(self.results, self.pending)

    def discard(self) -> None:
        self.run.discard([self.results[index] for index in self.pending])


async def _guarded(
    run: Run, completed: Awaitable[Any], type_: GraphQLOutputType, details: list[FieldDetails], path: Path
) -> Any:
    """An awaitable completion whose errors are the field's (or item's), as graphql-core's are."""
    try:
        if run.breath.due():
            await run.breath.take()
        return await completed
    except Abort:
        raise
    except Exception as error:
        run.executor.handle_field_error(error, type_, details, path)
        return None


def guarded(
    run: Run, completed: Awaitable[Any], type_: GraphQLOutputType, details: list[FieldDetails], path: Path
) -> Awaitable[Any]:
    return _guarded(run, completed, type_, details, path)


async def _await_items(results: list[Any], pending: list[int]) -> list[Any]:
    # The same shape as graphql-core's: one awaited inline, several gathered, so that loaders
    # batch the same keys together and a request runs the same statements.
    if len(pending) == 1:
        results[pending[0]] = await results[pending[0]]
    else:
        awaited = await gather_with_cancel(*(results[index] for index in pending))
        for index, value in zip(pending, awaited, strict=True):
            results[index] = value
    return results


async def await_fields(results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    if len(pending) == 1:
        results[pending[0]] = await results[pending[0]]
    else:
        awaited = await gather_with_cancel(*(results[key] for key in pending))
        results.update(zip(pending, awaited, strict=True))
    return results


async def complete_later(
    run: Run,
    value: Awaitable[Any],
    complete: Completer,
    type_: GraphQLOutputType,
    details: list[FieldDetails],
    path: Path,
) -> Any:
    """A resolver's awaitable, then its completion (graphql-core's complete_awaitable_value)."""
    try:
        if run.breath.due():
            await run.breath.take()
        resolved = await value
        if run.breath.due():  # its value may come with thousands of others' (a batch settled)
            await run.breath.take()
        completed = complete(run, resolved, path)
        if run.is_awaitable(completed):
            completed = await completed
    except Abort:
        raise
    except Exception as error:
        run.executor.handle_field_error(error, type_, details, path)
        return None
    return completed


def is_leaf(type_: GraphQLOutputType) -> bool:
    """A scalar or an enum, possibly non-null: completing it needs no path and awaits nothing."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return is_leaf_type(type_)


def wrap(
    type_: GraphQLOutputType,
    named: Callable[[GraphQLOutputType], Completer],
    site: FieldSite,
    *,
    nullable_here: bool = True,
) -> Completer:
    """The completer of a possibly wrapped type, `named` making the one of the named type."""
    if isinstance(type_, GraphQLNonNull):
        if isinstance(type_.of_type, GraphQLList):  # its own null checks: one call less a list
            return _list(type_.of_type, named, site, null_message(site))
        return non_null(wrap(type_.of_type, named, site, nullable_here=False), site)
    if isinstance(type_, GraphQLList):
        inner = _list(type_, named, site, None)
    elif isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        inner = leaf(type_)
    elif is_object_type(type_) or is_abstract_type(type_):
        inner = named(type_)
    else:  # pragma: no cover - every output type is one of the above
        raise TypeError(f"unexpected output type {type_}")
    return nullable(inner) if nullable_here else inner


def _list(
    type_: GraphQLList[Any],
    named: Callable[[GraphQLOutputType], Completer],
    site: FieldSite,
    non_null_message: str | None,
) -> Completer:
    item_type: GraphQLOutputType = type_.of_type
    # wrap(item_type), its inner completer kept: what it calls for an item that is a value
    if isinstance(item_type, GraphQLNonNull):
        present = wrap(item_type.of_type, named, site, nullable_here=False)
        item = non_null(present, site)
    else:
        present = wrap(item_type, named, site, nullable_here=False)
        item = nullable(present)
    return list_of(item, present, item_type, site, non_null_message)
