"""The keys `load_many` asks (a page's read-ahead) join a batch without a future each; a key a
bulk loaded, or is loading, is never read a second time, whichever way it is asked again."""

import asyncio
from contextlib import AbstractContextManager
from typing import Any

import pytest

from db.engine import Database
from db.models import Organization
from resolvers.breath import Breath
from resolvers.loaders import Loaders, SharedDataLoader, ready
from tests import factories
from tests.conftest import viewer
from tests.statements import recorded


def selects(db: Database) -> AbstractContextManager[list[str]]:
    return recorded(db, ("SELECT",))  # not SQLite's BEGIN


async def dispatched(loader: Any) -> None:
    """Turns of the loop until the loader's batch is dispatched: its statement is under way."""
    for _ in range(50):
        await asyncio.sleep(0)
        if loader.batch is not None and loader.batch.dispatched:
            return
    raise AssertionError("the batch was never dispatched")


@pytest.fixture
async def acme_and_globex(db: Database) -> tuple[Organization, Organization]:
    return (
        await factories.client(db, code="ACME", name="Acme"),
        await factories.client(db, code="GLOBEX", name="Globex"),
    )


async def test_a_key_a_bulk_loaded_is_answered_without_a_statement(
    db: Database, acme_and_globex: tuple[Organization, Organization]
) -> None:
    acme, globex = acme_and_globex
    loader = Loaders(db, viewer()).organizations_by_id
    with selects(db) as seen:
        rows = await loader.load_many([acme.id, globex.id, acme.id])
        assert [row.name for row in rows] == ["Acme", "Globex", "Acme"]
        assert len(seen) == 1
        again = await loader.load(globex.id)
        assert ready(loader, acme.id).name == "Acme"  # type: ignore[union-attr]
    assert again.name == "Globex"
    assert len(seen) == 1


async def test_a_key_asked_while_a_bulk_loads_it_waits_for_that_bulk(
    db: Database, acme_and_globex: tuple[Organization, Organization]
) -> None:
    acme, globex = acme_and_globex
    loader = Loaders(db, viewer()).organizations_by_id
    with selects(db) as seen:
        bulk = asyncio.ensure_future(loader.load_many([acme.id, globex.id]))
        await dispatched(loader)
        assert not bulk.done()
        single, both = await asyncio.gather(loader.load(acme.id), loader.load_many([globex.id, acme.id]))
        bulk_rows = await bulk
    assert (single.name, [row.name for row in both]) == ("Acme", ["Globex", "Acme"])
    assert [row.name for row in bulk_rows] == ["Acme", "Globex"]
    assert len(seen) == 1


async def test_single_keys_and_a_bulk_asked_in_one_turn_share_one_statement(
    db: Database, acme_and_globex: tuple[Organization, Organization]
) -> None:
    acme, globex = acme_and_globex
    loader = Loaders(db, viewer()).organizations_by_id
    with selects(db) as seen:
        single, rows, missing = await asyncio.gather(
            loader.load(acme.id), loader.load_many([acme.id, globex.id]), loader.load(globex.id + 1000)
        )
    assert (single.name, [row.name for row in rows], missing) == ("Acme", ["Acme", "Globex"], None)
    assert len(seen) == 1


async def test_a_failed_bulk_fails_every_awaiter_of_its_keys() -> None:
    calls: list[list[int]] = []

    async def failing(keys: list[int]) -> list[str]:
        calls.append(keys)
        await asyncio.sleep(0)
        raise RuntimeError("the database went away")

    loader = SharedDataLoader(failing, Breath())
    bulk = asyncio.ensure_future(loader.load_many([1, 2]))
    await dispatched(loader)
    single = asyncio.ensure_future(loader.load(2))
    outcomes = await asyncio.gather(bulk, single, return_exceptions=True)
    assert [repr(outcome) for outcome in outcomes] == [repr(RuntimeError("the database went away"))] * 2
    assert calls == [[1, 2]]


async def test_the_organisations_a_links_statement_read_are_held_by_their_loader(
    db: Database, acme_and_globex: tuple[Organization, Organization]
) -> None:
    """A link's statement joins its organisation: the organisations' loader answers those without
    a statement, the same rows its own statement reads; another organisation it still reads."""
    acme, globex = acme_and_globex
    person = await factories.contact(db, "Durand", at=acme)
    read_alone = await Loaders(db, viewer()).organizations_by_id.load_many([acme.id, globex.id])
    loaders = Loaders(db, viewer())
    with selects(db) as seen:
        links = await loaders.links_by_contact_id.load(person.id)
        held = await loaders.organizations_by_id.load(acme.id)
        assert [link.organization_id for link in links] == [acme.id]
        assert len(seen) == 1
        other = await loaders.organizations_by_id.load(globex.id)
    assert (held, other) == (read_alone[0], read_alone[1])
    assert len(seen) == 2


async def test_an_organisation_loaded_already_keeps_its_row_when_a_link_brings_it_again() -> None:
    loader = SharedDataLoader(_never_called, Breath())
    loader.values[1] = "read first"
    loader.hold({1: "read again", 2: "read with a link"})
    assert (await loader.load(1), await loader.load(2)) == ("read first", "read with a link")


async def _never_called(keys: list[int]) -> list[str]:
    raise AssertionError(f"no statement expected, asked {keys}")
