"""Global ids in inputs, decoded in one place: the primary key behind an id of the expected type.

`pk_of` refuses anything else as NOT_FOUND at the input's path; call it inside a mutation's
work (`schema.mutations.run`), where that refusal becomes a `userError`. A batch names every
culprit at once, in the use case, so it takes `key_or_none`: a bad id becomes None there and
the use case reports it at its place, with the others.
"""

from collections.abc import Collection

from db.models import OrganizationKind
from resolvers.errors import NotFound, Path
from resolvers.global_ids import from_global_id, to_global_id
from resolvers.organizations import OrganizationRef

__all__ = ["from_global_id", "key_or_none", "optional_pk_of", "organization_ref", "pk_of", "to_global_id"]

ORGANIZATION_KINDS = {
    "Client": OrganizationKind.CLIENT,
    "Supplier": OrganizationKind.SUPPLIER,
    "ThirdParty": OrganizationKind.THIRD_PARTY,
}


def _decoded(value: str, accepted: Collection[str]) -> tuple[str, int] | None:
    parsed = from_global_id(value)
    return parsed if parsed is not None and parsed[0] in accepted else None


def key_or_none(value: str, type_name: str) -> int | None:
    """The primary key behind a global id of `type_name`; None for anything else."""
    parsed = _decoded(value, (type_name,))
    return parsed[1] if parsed is not None else None


def pk_of(value: str, type_names: str | tuple[str, ...], path: Path) -> int:
    """The primary key behind a global id of one of `type_names`, else NotFound at `path`."""
    accepted = (type_names,) if isinstance(type_names, str) else type_names
    parsed = _decoded(value, accepted)
    if parsed is None:
        raise NotFound(path, f"No {' or '.join(accepted)} has the id {value!r}.")
    return parsed[1]


def optional_pk_of(value: str | None, type_names: str | tuple[str, ...], path: Path) -> int | None:
    return None if value is None else pk_of(value, type_names, path)


def organization_ref(value: str, path: Path) -> OrganizationRef:
    """An organisation's key with the kind its id claims: the lookup refuses a mismatch."""
    parsed = _decoded(value, ORGANIZATION_KINDS)
    if parsed is None:
        raise NotFound(path, f"No Client, Supplier or ThirdParty has the id {value!r}.")
    return OrganizationRef(parsed[1], ORGANIZATION_KINDS[parsed[0]])
