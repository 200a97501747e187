"""How every mutation runs: one runner, one transaction, one way to a payload.

A mutation adapter is one call to `run`::

    @strawberry.mutation(permission_classes=[StaffOnly], description="...")
    async def unlink_contact(self, info: Info, input: UnlinkContactInput) -> ContactPayload:
        return await run(
            info,
            ContactPayload,
            lambda session, actor: links.unlink_contact(
                session, actor, contact_id=input.contact_pk(), organization=...
            ),
        )

`run(info, answer, work)`:

1. makes the `Actor` of the request: the viewer's subject, the request's clock (`now`,
   `today`) and the operation, which is the mutation's GraphQL name (`info.field_name`);
2. opens one write transaction (`read_only=True`: a read transaction, for a dry run);
3. awaits `work(session, actor)`. Decode the input's ids *inside* `work` (`schema.ids`): a bad
   id raises `NotFound`, which is a refusal like any other, so it rolls back and becomes
   `userErrors` instead of escaping as a GraphQL error;
4. answers `answer.of(result)` when the work returns (the transaction is committed), and
   `await answer.refused(ctx, error)` when it raises a `DomainError` (rolled back). A
   uniqueness race the use case could not see (two writers creating one code at once) is
   answered as DUPLICATE; a write that could not get the database in time (SQLite's write
   gate) is a GraphQL error SERVICE_BUSY, and changed nothing.

`run_planned(info, answer, plan, write)` is the same for a batch whose work is long
(normalizeContacts): `plan(session)` works everything out in a read transaction, holding no
write lock, then `write(session, planned, actor)` runs in the one write transaction and must
check there that what the plan read still holds.

The answer is either a payload class that knows its own result (`ContactPayload`,
`BatchPayload`, `NormalizationPayload`: classmethods `of` and `refused`), or `One(XPayload,
X.from_row)` for the payloads of one object and its `userErrors`, the object null when
refused. A new mutation therefore needs: its input, its use case (in `resolvers/`, taking
`session, actor`), and either an existing payload or a new one made with `One` or with the
two classmethods. A new field on a payload is filled in that payload's `of`.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast

from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.constraints import broken_unique
from db.write_gate import WriteBusy
from resolvers.access import Actor
from resolvers.errors import DomainError, ErrorCode, Problem
from schema.context import Context, Info
from schema.errors import user_errors
from schema.ids import pk_of
from schema.input_guard import unstorable_argument
from schema.inputs import given

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Result = TypeVar("Result")
Result_contra = TypeVar("Result_contra", contravariant=True)
Payload = TypeVar("Payload")
Payload_co = TypeVar("Payload_co", covariant=True)
Shown = TypeVar("Shown")
Planned = TypeVar("Planned")

Work = Callable[[AsyncSession, Actor], Awaitable[Result]]


class Identified(Protocol):
    """An update's input: the global id of the row it changes, and the fields it may change."""

    @property
    def id(self) -> str: ...


def updating(
    use_case: Callable[..., Awaitable[Result]], id_name: str, type_name: str, input: Identified, *fields: str
) -> Work[Result]:
    """The work of an update by id: the id decoded inside it (a bad one is then a userError) and
    passed as `id_name`, the given `fields` (those left out absent) as `changes`."""
    return lambda session, _: use_case(
        session, **{id_name: pk_of(input.id, type_name, ("input", "id"))}, changes=given(input, *fields)
    )


class Answer(Protocol[Result_contra, Payload_co]):
    """How one mutation's outcome reads: its payload after the work, or after its refusal."""

    def of(self, result: Result_contra, /) -> Payload_co: ...

    async def refused(self, ctx: Context, error: DomainError, /) -> Payload_co: ...


@dataclass(frozen=True)
class One(Generic[Result, Shown, Payload]):
    """The payload of one object and its `userErrors` (`SitePayload(site=…, user_errors=…)`):
    the object the use case returned, shown as its GraphQL type; or null and the refusal."""

    payload: Callable[..., Payload]
    show: Callable[[Result], Shown]

    def of(self, result: Result) -> Payload:
        return self.payload(**{the_object(self.payload): self.show(result), "user_errors": []})

    async def refused(self, ctx: Context, error: DomainError) -> Payload:
        return self.payload(**{the_object(self.payload): None, "user_errors": user_errors(error)})


def the_object(payload: object) -> str:
    """The name of a payload's field besides `user_errors`: the one object it answers with."""
    names = [field.name for field in fields(cast("type[DataclassInstance]", payload))]
    (name,) = (name for name in names if name != "user_errors")
    return name


def actor_of(info: Info) -> Actor:
    """Who writes (the viewer), when (the request's clock), through which mutation (its name)."""
    ctx = info.context
    return Actor(subject=ctx.viewer.subject, operation=info.field_name, now=ctx.now, today=ctx.today)


async def run(
    info: Info,
    answer: Answer[Result, Payload],
    work: Work[Result],
    *,
    read_only: bool = False,
) -> Payload:
    """Run `work` in one transaction and answer with its payload, or with its refusal."""
    return await _answer(
        info, answer, lambda actor: _transaction(info.context, actor, work, read_only=read_only)
    )


async def run_planned(
    info: Info,
    answer: Answer[Result, Payload],
    plan: Callable[[AsyncSession], Awaitable[Planned]],
    write: Callable[[AsyncSession, Planned, Actor], Awaitable[Result]],
) -> Payload:
    """Work out in a read transaction (`plan`), then write in one short transaction (`write`).

    A batch whose work is long then holds no write lock while it works: `plan` reads without
    locking, and `write` must check inside its transaction that what the plan read still holds.
    """

    async def planned_then_written(actor: Actor) -> Result:
        async with info.context.db.read() as session:
            planned = await plan(session)
        return await _transaction(
            info.context, actor, lambda session, actor: write(session, planned, actor), read_only=False
        )

    return await _answer(info, answer, planned_then_written)


async def _answer(
    info: Info, answer: Answer[Result, Payload], outcome: Callable[[Actor], Awaitable[Result]]
) -> Payload:
    """The payload of `outcome`, or its refusal; an argument no engine could store is refused
    before anything runs, the same on both engines."""
    ctx = info.context
    unstorable = unstorable_argument(info._raw_info)
    if unstorable is not None:
        path, message = unstorable
        return await answer.refused(ctx, DomainError([Problem(ErrorCode.INVALID, path, message)]))
    try:
        result = await outcome(actor_of(info))
    except DomainError as error:
        return await answer.refused(ctx, error)
    return answer.of(result)


async def _transaction(ctx: Context, actor: Actor, work: Work[Result], *, read_only: bool) -> Result:
    """Committed when `work` returns, rolled back when it raises.

    A read-only run reads in a read transaction: no write lock, nothing that could be written.
    """
    if read_only:
        async with ctx.db.read() as session:
            return await work(session, actor)
    try:
        async with ctx.db.begin() as session:
            return await work(session, actor)
    except IntegrityError as error:
        refusal = duplicate_of(error)
        if refusal is None:
            raise
        raise refusal from None
    except WriteBusy:
        raise service_busy() from None


# The unique constraints of codes (rule 20), by name: two writers racing for one code.
CODE_CONSTRAINTS = frozenset(
    {
        "uq_organization_kind_code",
        "uq_organization_kind_code_key",
        "uq_site_code",
        "uq_site_code_key",
        "uq_affair_code",
        "uq_affair_code_key",
        "pk_interlocutor_type",
        "uq_interlocutor_type_code_key",
    }
)


def duplicate_of(error: IntegrityError) -> DomainError | None:
    """A uniqueness race the use case could not see, as the refusal it would have made; None
    for a failure that is not a broken unique constraint. Told by the constraint's name."""
    broken = broken_unique(error)
    if broken is None:
        return None
    if broken in CODE_CONSTRAINTS:
        return DomainError(
            [Problem(ErrorCode.DUPLICATE, ("input", "code"), "Another writer has just taken that code.")]
        )
    return DomainError([Problem(ErrorCode.DUPLICATE, ("input",), "That already exists.")])


def service_busy() -> GraphQLError:
    """A write that could not get the database in time has changed nothing: the caller retries."""
    return GraphQLError(
        "The database is busy with other writes: nothing was changed, retry in a moment.",
        extensions={"code": "SERVICE_BUSY"},
    )
