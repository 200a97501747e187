"""Global ids in inputs: the primary key behind an id of the expected type, or NOT_FOUND."""

from db.models import OrganizationKind
from resolvers.errors import NotFound, Path
from resolvers.global_ids import from_global_id, to_global_id
from resolvers.organizations import OrganizationRef

__all__ = ["from_global_id", "optional_pk_of", "organization_ref", "pk_of", "to_global_id"]

ORGANIZATION_KINDS = {
    "Client": OrganizationKind.CLIENT,
    "Supplier": OrganizationKind.SUPPLIER,
    "ThirdParty": OrganizationKind.THIRD_PARTY,
}


def pk_of(value: str, type_names: str | tuple[str, ...], path: Path) -> int:
    """The primary key behind a global id of one of `type_names`, else NotFound at `path`."""
    accepted = (type_names,) if isinstance(type_names, str) else type_names
    parsed = from_global_id(value)
    if parsed is None or parsed[0] not in accepted:
        raise NotFound(path, f"No {' or '.join(accepted)} has the id {value!r}.")
    return parsed[1]


def optional_pk_of(value: str | None, type_names: str | tuple[str, ...], path: Path) -> int | None:
    return None if value is None else pk_of(value, type_names, path)


def organization_ref(value: str, path: Path) -> OrganizationRef:
    """An organisation's key with the kind its id claims: the lookup refuses a mismatch."""
    parsed = from_global_id(value)
    if parsed is None or parsed[0] not in ORGANIZATION_KINDS:
        raise NotFound(path, f"No Client, Supplier or ThirdParty has the id {value!r}.")
    return OrganizationRef(parsed[1], ORGANIZATION_KINDS[parsed[0]])
