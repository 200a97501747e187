"""The function that builds one selection's response dict, generated as Python source per
selection: the commonest fields (plain attributes holding a value their scalar answers as it is,
and `__typename`) are read inline, without a call each; every other field is its step.

A page of the reference query builds some 800 such dicts over some 2,300 attribute leaves.
What an inlined read cannot answer at once (an attribute that needs coercing, is missing or
raises) goes to the field's own step, which reads it again and answers exactly as before.
"""

import keyword
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import Path
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

from schema.compiled import completion
from schema.compiled.run import NEVER_AWAITABLE, Abort, Run

Step = Callable[[Run, Any, Path | None], Any]


@dataclass(frozen=True)
class Inline:
    """How a field is read inline: `source.<attribute>`, answered as it is when its class is
    `unchanged` (or it is None and the field nullable); a constant for `__typename`."""

    attribute: str | None = None
    unchanged: type | None = None
    nullable: bool = False
    constant: str | None = None
    names: dict[Any, str] | None = None  # an enum's GraphQL names by its members' values


@dataclass(frozen=True)
class Field:
    key: str
    step: Step
    may_await: bool
    inline: Inline | None = None


def selection_function(
    fields: Sequence[Field], type_: GraphQLObjectType | None = None, details: list[FieldDetails] | None = None
) -> Step:
    """`(run, source, path) -> dict or awaitable of it` for these fields, in their order; with
    `type_`, first the object's `is_type_of` check as graphql-core makes it."""
    names: dict[str, Any] = {
        "await_fields": completion.await_fields,
        "Abort": Abort,
        "never_awaitable": NEVER_AWAITABLE,
        "invalid": invalid_return_type_error,
        "object_type": type_,
        "details": details,
        "is_type_of": type_.is_type_of if type_ is not None else None,
        "object_class": _origin(type_),
        "CAST": TYPE_CAST_ATTRIBUTE,
    }
    lines = ["def execute(run, source, path):"]
    if type_ is not None and type_.is_type_of is not None:
        lines += [
            # Strawberry's is_type_of answers True for an instance of the type's own class not
            # cast to another type (plans.Compiler.object takes no other is_type_of): asked only
            # of any other value.
            "    if source.__class__ is not object_class or getattr(source, CAST, None) is not None:",
            "        verdict = is_type_of(source, None)",
            "        if verdict is not True:",
            "            if verdict is False:",
            "                raise invalid(object_type, source, details)",
            "            raise Abort('an awaitable is_type_of')",
        ]
    lines += [
        "    results = {}",
        "    pending = []",
        "    try:",
        "        pass  # a selection may select nothing here",
    ]
    for index, field in enumerate(fields):
        names[f"step{index}"], names[f"class{index}"] = field.step, None
        lines += _field_lines(index, field, names)
    lines += [
        "    except BaseException:",
        "        run.discard([results[key] for key in pending])",
        "        raise",
        "    if not pending:",
        "        return results",
        "    return await_fields(results, pending)",
    ]
    exec(compile("\n".join(lines), f"<selection of {type_}>", "exec"), names)  # noqa: S102 - our own source
    function: Step = names["execute"]
    return function


def _origin(type_: GraphQLObjectType | None) -> type | None:
    """The Python class of a Strawberry object type (None for another: no value is taken for it)."""
    definition = (type_.extensions or {}).get("strawberry-definition") if type_ is not None else None
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else None


def _field_lines(index: int, field: Field, names: dict[str, Any]) -> list[str]:
    key, inline = repr(field.key), field.inline
    if inline is not None and inline.constant is not None:
        names[f"constant{index}"] = inline.constant
        return [f"        results[{key}] = constant{index}"]
    if inline is not None and inline.names is not None and _plain_name(inline.attribute):
        names[f"class{index}"], names[f"names{index}"] = inline.unchanged, inline.names
        return [
            "        try:",
            f"            value = source.{inline.attribute}",
            f"            is_member = value.__class__ is class{index}",
            f"            name = names{index}.get(value._value_) if is_member else None",
            "        except Exception:",
            f"            value = results[{key}] = step{index}(run, source, path)",
            "        else:",
            f"            results[{key}] = name or step{index}(run, source, path)",
        ]
    if inline is not None and _plain_name(inline.attribute):
        names[f"class{index}"] = inline.unchanged
        as_is = f"value.__class__ is class{index}" + (" or value is None" if inline.nullable else "")
        return [
            "        try:",
            f"            value = source.{inline.attribute}",
            "        except Exception:",
            f"            value = results[{key}] = step{index}(run, source, path)",
            "        else:",
            f"            results[{key}] = value if {as_is} else step{index}(run, source, path)",
        ]
    lines = [f"        value = results[{key}] = step{index}(run, source, path)"]
    if field.may_await:
        lines += [
            "        if value.__class__ not in never_awaitable and run.is_awaitable(value):",
            f"            pending.append({key})",
        ]
    return lines


def _plain_name(name: str | None) -> bool:
    return (
        name is not None and name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__")
    )
