"""A request leaves its rows to reference counting: none of them waits in a reference cycle
for the garbage collector (which paused requests for up to 384 ms under load)."""

import gc
from collections import Counter

from db.engine import Database
from db.models import Base
from resolvers.access import Role
from schema.schema import schema
from tests import factories
from tests.conftest import context

PAGE = """
{ contacts(first: 10) { edges { node { id lastName
  links { function organization { name } sites { name } interlocutorTypes { label } }
  targets { name } events { status event { name } } } } } }
"""


async def test_a_request_leaves_no_row_nor_loader_in_a_reference_cycle(db: Database) -> None:
    acme = await factories.client(db)
    for number in range(5):
        await factories.contact(db, f"Contact {number}", at=acme, function="DAF")
    await schema.execute(PAGE, context_value=context(db, Role.STAFF))  # caches warmed
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = await schema.execute(PAGE, context_value=context(db, Role.STAFF))
        gc.collect()
        kinds = Counter(type(value).__name__ for value in gc.garbage if _held_by_a_request(value))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()

    assert result.errors is None
    assert kinds == Counter()


def _held_by_a_request(value: object) -> bool:
    """Rows, their ORM states, loaders and their futures: what a request's answer is made of."""
    from asyncio import Future

    from sqlalchemy.orm.state import InstanceState
    from strawberry.dataloader import DataLoader

    return isinstance(value, Base | InstanceState | DataLoader | Future)
