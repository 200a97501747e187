"""Keyset pages of contact lists: forward pages that stay right while contacts are added between
two of them, backward pages from the end and from a cursor, and cursors through nulls and
descending orders."""

from datetime import date

from db.engine import Database
from resolvers.contact_lists import (
    ContactOrder,
    OrderField,
)
from resolvers.paging import PageRequest
from tests import factories
from tests.resolvers.contact_list_reading import names, page_of


# ---------------------------------------------------------------- keyset pages
async def test_pages_forward_stay_right_while_contacts_are_added(db: Database) -> None:
    acme = await factories.client(db)
    for last in ["Bodin", "Carre", "Dumas", "Faure", "Hugo"]:
        await factories.contact(db, last, at=acme)

    first = await page_of(db, page=PageRequest(first=2))
    await factories.contact(db, "Abel", at=acme)  # before the page read: not met again
    await factories.contact(db, "Durand", at=acme)  # after it: met in its place
    second = await page_of(db, page=PageRequest(first=2, after=first.cursors[-1]))
    third = await page_of(db, page=PageRequest(first=2, after=second.cursors[-1]))
    fourth = await page_of(db, page=PageRequest(first=2, after=third.cursors[-1]))

    assert [names(p) for p in (first, second, third, fourth)] == [
        ["Bodin", "Carre"],
        ["Dumas", "Durand"],
        ["Faure", "Hugo"],
        [],
    ]
    assert [(p.has_previous, p.has_next) for p in (first, second, third)] == [
        (False, True),
        (True, True),
        (True, False),
    ]


async def test_pages_backward_from_the_end_and_from_a_cursor(db: Database) -> None:
    acme = await factories.client(db)
    for last in ["Bodin", "Carre", "Dumas", "Faure", "Hugo"]:
        await factories.contact(db, last, at=acme)

    last = await page_of(db, page=PageRequest(last=2))
    await factories.contact(db, "Durand", at=acme)
    before = await page_of(db, page=PageRequest(last=2, before=last.cursors[0]))
    start = await page_of(db, page=PageRequest(last=2, before=before.cursors[0]))

    assert [names(p) for p in (last, before, start)] == [
        ["Faure", "Hugo"],
        ["Dumas", "Durand"],
        ["Bodin", "Carre"],
    ]
    assert [(p.has_previous, p.has_next) for p in (last, before, start)] == [
        (True, False),
        (True, True),
        (False, True),
    ]


async def test_a_cursor_goes_both_ways_through_nulls_and_descending_orders(db: Database) -> None:
    acme = await factories.client(db)
    for last, followed in [
        ("Abel", None),
        ("Bodin", date(2026, 2, 1)),
        ("Carre", None),
        ("Dumas", date(2026, 1, 1)),
        ("Faure", date(2026, 2, 1)),
    ]:
        await factories.contact(db, last, at=acme, last_follow_up_on=followed)
    order = [ContactOrder(OrderField.LAST_FOLLOW_UP_ON, descending=True)]

    everything = names(await page_of(db, order=order))
    pages, after = [], None
    while True:
        page = await page_of(db, order=order, page=PageRequest(first=2, after=after))
        pages.append(names(page))
        if not page.has_next:
            break
        after = page.cursors[-1]
    back = await page_of(db, order=order, page=PageRequest(last=3, before=page.cursors[0]))

    assert everything == ["Faure", "Bodin", "Dumas", "Carre", "Abel"]
    assert pages == [["Faure", "Bodin"], ["Dumas", "Carre"], ["Abel"]]
    assert names(back) == ["Bodin", "Dumas", "Carre"]
