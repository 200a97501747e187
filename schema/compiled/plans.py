"""Compiling a query document into a plan: closures specialised to its fields and the schema.

The fields of each selection are collected by graphql-core itself (fragments, type
conditions, `@skip`/`@include` with this request's values), once; the plan then only reads
attributes, calls resolvers and coerces leaves. What it cannot do exactly as the stock
executor does raises `Unsupported`, and the document runs on the stock executor.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, EnumMeta
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    GraphQLUnionType,
    OperationType,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, collect_fields
from graphql.pyutils import Path, Undefined
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

from resolvers.loaders import NOT_READY, Related, SharedDataLoader
from schema.compiled import completion, generated, resolvers
from schema.compiled.completion import Completer, new_path
from schema.compiled.run import NEVER_AWAITABLE, Abort, Run, Site

# (run, source, path of the parent) -> the response dict, or an awaitable of it
Fields = Callable[[Run, Any, Path | None], Any]
Step = Callable[[Run, Any, Path | None], Any]
SUPPORTED_DIRECTIVES = frozenset({"skip", "include"})


class Unsupported(Exception):
    """The document needs the stock executor."""


class Compiler:
    """Compiles the operation an executor was built for, with its variables' `@skip`/`@include`."""

    def __init__(self, executor: Executor[Any]) -> None:
        self.executor = executor
        self.schema = executor.schema
        middleware = executor.middleware_manager
        if middleware is not None and middleware.middlewares:
            raise Unsupported("field middleware")
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        if getattr(strawberry_schema, "exception_handlers", ()):
            raise Unsupported("exception handlers")

    def operation(self) -> Fields:
        operation = self.executor.operation
        root_type = self.schema.query_type
        if operation.operation is not OperationType.QUERY or root_type is None:
            raise Unsupported("only queries are compiled")
        executor = self.executor
        grouped, defer_usages, forbidden = collect_fields(
            self.schema,
            executor.fragments,
            executor.variable_values,
            root_type,
            operation,
            executor.hide_suggestions,
        )
        if defer_usages or forbidden:
            raise Unsupported("incremental delivery")
        return self.fields(root_type, grouped)

    def fields(
        self,
        parent_type: GraphQLObjectType,
        grouped: dict[str, list[FieldDetails]],
        details: list[FieldDetails] | None = None,
    ) -> Fields:
        """The selection's function (schema.compiled.generated); with `details`, an object's
        value: its `is_type_of` checked first."""
        fields = [self.field(parent_type, key, field_details) for key, field_details in grouped.items()]
        try:
            return generated.selection_function(fields, parent_type if details is not None else None, details)
        except SyntaxError as error:  # a name the generator let through: the stock executor answers
            raise Unsupported(f"no selection function for {parent_type.name}: {error}") from error

    def field(self, parent_type: GraphQLObjectType, key: str, details: list[FieldDetails]) -> generated.Field:
        """How one response key is computed: its step, whether it may await, how it reads inline."""
        name = details[0].node.name.value
        _check(details)
        if name == "__typename":
            type_name = parent_type.name
            return generated.Field(
                key, lambda run, source, path: type_name, False, generated.Inline(constant=type_name)
            )
        field_def = parent_type.fields.get(name)
        if field_def is None or name.startswith("__"):
            raise Unsupported(f"field {parent_type.name}.{name}")
        site = Site(field_def, [detail.node for detail in details], parent_type)
        errors = completion.FieldSite(parent_type.name, name, details)
        complete = self.completer(field_def.type, details, site, errors)
        field = resolvers.strawberry_field(field_def)
        if field is not None and resolvers.is_attribute(field, site) and completion.is_leaf(field_def.type):
            step = _attribute_leaf(key, site, field.python_name, complete, errors)
            return generated.Field(key, step, False, _inline_attribute(field.python_name, field_def.type))
        resolve, resolver_path = self.resolver(site)
        step = _step(key, site, resolve, complete, errors, always_path=resolver_path)
        relation = resolvers.relation(field, site) if field is not None else None
        if relation is not None:
            step = _related_step(key, site, relation, step, complete, errors)
        return generated.Field(key, step, True)

    def resolver(self, site: Site) -> resolvers.Resolver:
        field = resolvers.strawberry_field(site.field_def)
        if field is not None:
            found = resolvers.attribute(field, site) or resolvers.direct(field, site)
            if found is not None:
                return resolvers.Resolver(found, needs_path=False)
        return resolvers.through_graphql(site)

    def completer(
        self, type_: GraphQLOutputType, details: list[FieldDetails], site: Site, errors: completion.FieldSite
    ) -> Completer:
        def named(named_type: GraphQLOutputType) -> Completer:
            if isinstance(named_type, GraphQLInterfaceType | GraphQLUnionType):
                return self.abstract(named_type, details, site)
            if isinstance(named_type, GraphQLObjectType):
                return self.object(named_type, details)
            raise Unsupported(f"no plan completes a {named_type}")  # wrap() passes only these

        return completion.wrap(type_, named, errors)

    def object(self, type_: GraphQLObjectType, details: list[FieldDetails]) -> Completer:
        if type_.is_type_of is not None and "_get_is_type_of" not in type_.is_type_of.__qualname__:
            raise Unsupported(f"a custom is_type_of on {type_.name}")
        grouped = self.executor.collect_subfields(type_, details)
        if grouped.new_defer_usages or grouped.forbidden_directive_instances:
            raise Unsupported("incremental delivery")
        return self.fields(type_, grouped.grouped_field_set, details)

    def abstract(self, type_: GraphQLAbstractType, details: list[FieldDetails], site: Site) -> Completer:
        """An interface or a union: the runtime type from its own resolve_type, as the stock
        executor asks it, then the plan compiled for that type."""
        resolve_type = type_.resolve_type
        if resolve_type is None:
            raise Unsupported(f"{type_.name} has no resolve_type")
        plans = {
            possible.name: self.object(possible, details)
            for possible in self.schema.get_possible_types(type_)
        }
        by_class: dict[type, Fields] = {}  # classes that alone decide their runtime type
        class_decides = _class_decides(type_)

        def complete_abstract(run: Run, value: Any, path: Path | None) -> Any:
            plan = by_class.get(value.__class__)
            if plan is not None and getattr(value, TYPE_CAST_ATTRIBUTE, None) is None:
                return plan(run, value, path)
            name = resolve_type(value, run.raw_info(site), type_)
            plan = plans.get(name) if isinstance(name, str) else None
            if plan is None:
                run.discard([name])
                raise Abort("a runtime type the stock executor would refuse")
            if class_decides(value):
                by_class[value.__class__] = plan
            return plan(run, value, path)

        return complete_abstract


def _class_decides(type_: GraphQLAbstractType) -> Callable[[Any], bool]:
    """Whether the runtime type of a value of this interface follows from its class alone: so
    with Strawberry's own resolve_type (no custom one) for a value not `strawberry.cast` to
    another type, of a class that is no generic's. Otherwise resolve_type is asked each time."""
    definition = (type_.extensions or {}).get(resolvers.DEFINITION)
    if not isinstance(definition, StrawberryObjectDefinition) or definition.resolve_type is not None:
        return lambda value: False

    def class_decides(value: Any) -> bool:
        if getattr(value, TYPE_CAST_ATTRIBUTE, None) is not None:
            return False
        found = getattr(value.__class__, "__strawberry_definition__", None)
        return isinstance(found, StrawberryObjectDefinition) and not found.is_graphql_generic

    return class_decides


def _check(details: list[FieldDetails]) -> None:
    for detail in details:
        if detail.defer_usage is not None or detail.fragment_variable_values is not None:
            raise Unsupported("incremental delivery or fragment variables")
        for directive in detail.node.directives or ():
            if directive.name.value not in SUPPORTED_DIRECTIVES:
                raise Unsupported(f"directive @{directive.name.value}")


def _step(
    key: str,
    site: Site,
    resolve: resolvers.Resolve,
    complete: Completer,
    errors: completion.FieldSite,
    *,
    always_path: bool,
) -> Step:
    """graphql-core's execute_field for one field: resolve, complete, and on an error null the
    field (or raise it to the parent when it is non-null) through the executor's own handler."""
    parent_name, return_type, details = site.parent_type.name, site.field_def.type, errors.details
    paths = always_path or not completion.is_leaf(return_type)

    def step(run: Run, source: Any, path: Path | None) -> Any:
        own = Path(path, key, parent_name) if paths else None
        try:
            value = resolve(run, source, own)
            if value.__class__ not in NEVER_AWAITABLE and run.is_awaitable(value):
                own = own or Path(path, key, parent_name)
                return completion.complete_later(run, value, complete, return_type, details, own)
            completed = complete(run, value, own)
            if completed.__class__ not in NEVER_AWAITABLE and run.is_awaitable(completed):
                own = own or Path(path, key, parent_name)
                return completion.guarded(run, completed, return_type, details, own)
            return completed
        except Abort:
            raise
        except Exception as error:
            run.executor.handle_field_error(error, return_type, details, own or Path(path, key, parent_name))
            return None

    return step


def _related_step(
    key: str,
    site: Site,
    relation: Related[Any, Any],
    resolving: Step,
    complete: Completer,
    errors: completion.FieldSite,
) -> Step:
    """A `Related` field's step: when the request's loader holds the value (a page read it
    ahead: some 800 fields a page), `_step`'s work on `convert` of it, without calling the
    resolver; else `resolving`, the field's `_step`."""
    parent_name, return_type, details = site.parent_type.name, site.field_def.type, errors.details
    name, attribute, convert = relation.loader, relation.key, relation.convert
    # A list relation's items are completed from here, as its list completer would, and an
    # object's by what its null check calls for a value: one call less a field.
    present = completion.unwrapped(complete)
    short, short_length = completion.short_list(complete), completion.SHORT
    complete_short_list = completion.complete_short_list
    items, item_type, list_details = (
        short if short is not None else ((complete, complete), return_type, details)
    )

    def related_step(run: Run, source: Any, path: Path | None) -> Any:
        loader = getattr(run.loaders, name, None)
        values = loader.values if isinstance(loader, SharedDataLoader) else {}
        value = values.get(getattr(source, attribute, None), NOT_READY)
        if value is NOT_READY:
            return resolving(run, source, path)
        own = new_path(Path, (path, key, parent_name))
        try:
            converted = convert(value)
            if short is not None and converted.__class__ is list and len(converted) < short_length:
                completed = complete_short_list(run, items, item_type, list_details, own, converted)
            elif converted is None or converted is Undefined or isinstance(converted, Exception):
                completed = complete(run, converted, own)  # the null check's own answer
            else:
                completed = present(run, converted, own)
            if completed.__class__ not in NEVER_AWAITABLE and run.is_awaitable(completed):
                return completion.guarded(run, completed, return_type, details, own)
            return completed
        except Abort:
            raise
        except Exception as error:
            run.executor.handle_field_error(error, return_type, details, own)
            return None

    return related_step


def _attribute_leaf(
    key: str, site: Site, name: str, complete: Completer, errors: completion.FieldSite
) -> Step:
    """A scalar or enum read from an attribute: the commonest field, with nothing to await
    (Carnet's types hold no awaitable in a plain attribute)."""
    parent_name, return_type, details = site.parent_type.name, site.field_def.type, errors.details
    nullable = not isinstance(return_type, GraphQLNonNull)
    unchanged = _unchanged_class(
        return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    )

    def attribute_leaf(run: Run, source: Any, path: Path | None) -> Any:
        try:
            value = getattr(source, name)
            if value.__class__ is unchanged or (value is None and nullable):
                return value  # what completing it would answer, without the calls
            return complete(run, value, None)
        except Exception as error:
            run.executor.handle_field_error(error, return_type, details, Path(path, key, parent_name))
            return None

    return attribute_leaf


def _inline_attribute(name: str, type_: GraphQLOutputType) -> generated.Inline:
    nullable = not isinstance(type_, GraphQLNonNull)
    named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    names = _enum_names(named)
    if names is not None:
        enum_class, by_value = names
        return generated.Inline(attribute=name, unchanged=enum_class, nullable=nullable, names=by_value)
    return generated.Inline(attribute=name, unchanged=_unchanged_class(named), nullable=nullable)


def _enum_names(type_: GraphQLOutputType) -> tuple[type, dict[Any, str]] | None:
    """A Strawberry enum's Python class and the GraphQL name of each member by its value, the
    name Strawberry's coerce_output_value answers (the first whose value equals the member's),
    so that a plan reads it in one look instead of a loop over the names per value."""
    enum_class = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or not isinstance(enum_class, EnumMeta):
        return None
    by_value: dict[Any, str] = {}
    try:
        member: Enum
        for member in enum_class:
            found = next((name for name, value in type_.values.items() if member.value == value.value), None)
            if found is not None:
                by_value.setdefault(member.value, found)
    except TypeError:  # a value that cannot key a dict: no names, the field's step answers
        return None
    return enum_class, by_value


def _unchanged_class(type_: GraphQLOutputType) -> type | None:
    """The Python class whose values a built-in scalar coerces to themselves (a `str` for
    String and ID, a `bool` for Boolean), or None: those are answered as they are."""
    for scalar, python in ((GraphQLString, str), (GraphQLID, str), (GraphQLBoolean, bool)):
        if type_ is scalar:
            return python
    return None
