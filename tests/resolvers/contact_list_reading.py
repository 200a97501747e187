"""What the contact-list tests share: a page of contacts read as a role, its names in order, and
the names listed under some filters."""

from db.engine import Database
from resolvers.access import Role
from resolvers.contact_lists import ContactFilter, ContactOrder, list_contacts
from resolvers.paging import Page, PageRequest
from tests.conftest import viewer


async def page_of(
    db: Database,
    *filters: ContactFilter,
    order: list[ContactOrder] | None = None,
    page: PageRequest | None = None,
    role: Role = Role.STAFF,
) -> Page:
    async with db.read() as session:
        return await list_contacts(
            session, viewer(role), criteria=filters, order=order, page=page or PageRequest()
        )


def names(page: Page) -> list[str]:
    return [" ".join(filter(None, (row[0].first_name, row[0].last_name))) for row in page.rows]


async def listed(db: Database, *filters: ContactFilter, role: Role = Role.STAFF) -> list[str]:
    return names(await page_of(db, *filters, role=role))
