"""Creating and changing targets, events and interlocutor types (DOMAIN.md rules 6 and 20)."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Event,
    InterlocutorType,
    Target,
)
from resolvers.errors import Invalid
from resolvers.reference_data import (
    EVENT,
    INTERLOCUTOR_TYPE,
    TARGET,
    Changes,
    added,
    changed,
    checked,
    existing,
    refuse_taken,
    same_code,
)
from resolvers.text import fold

# ---------------------------------------------------------------- targets and events


async def create_target(session: AsyncSession, *, name: str, description: str | None = None) -> Target:
    """A marketing target list."""
    values = checked({"name": name, "description": description}, TARGET)
    return await added(session, Target(name_key=fold(values["name"]), **values))


async def update_target(session: AsyncSession, *, target_id: int, changes: Changes) -> Target:
    """Change a target's name or description."""
    values = checked(changes, TARGET)
    row = await existing(session, Target, target_id, "No target has that id.")
    return await changed(session, row, values)


async def create_event(
    session: AsyncSession,
    *,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    location: str | None = None,
) -> Event:
    """An event; it cannot end before it starts."""
    given = {"name": name, "starts_on": starts_on, "ends_on": ends_on, "location": location}
    values = checked(given, EVENT)
    _refuse_backwards(values["starts_on"], values["ends_on"], "endsOn")
    return await added(session, Event(name_key=fold(values["name"]), **values))


async def update_event(session: AsyncSession, *, event_id: int, changes: Changes) -> Event:
    """Change an event; the days it ends up with must still be in order."""
    values = checked(changes, EVENT)
    row = await existing(session, Event, event_id, "No event has that id.")
    field = "endsOn" if "ends_on" in values else "startsOn"
    _refuse_backwards(values.get("starts_on", row.starts_on), values.get("ends_on", row.ends_on), field)
    return await changed(session, row, values)


def _refuse_backwards(starts_on: date, ends_on: date | None, field: str) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(("input", field), f"An event cannot end ({ends_on}) before it starts ({starts_on}).")


# ---------------------------------------------------------------- interlocutor types


async def create_interlocutor_type(session: AsyncSession, *, code: str, label: str) -> InterlocutorType:
    """A new kind of interlocutor in the reference list."""
    values = checked({"code": code, "label": label}, INTERLOCUTOR_TYPE)
    taken = same_code(InterlocutorType.code_key, values["code"])
    await refuse_taken(session, "interlocutor type", values["code"], taken)
    return await added(session, InterlocutorType(archived=False, **values))


async def update_interlocutor_type(session: AsyncSession, *, code: str, changes: Changes) -> InterlocutorType:
    """Relabel, archive or bring back the type of that code (an archived type is never deleted)."""
    values = checked({"code": code, **changes}, INTERLOCUTOR_TYPE)
    message = f"No interlocutor type has the code {code!r}."
    row = await existing(session, InterlocutorType, values.pop("code"), message, ("input", "code"))
    return await changed(session, row, values)
