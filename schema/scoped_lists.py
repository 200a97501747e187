"""The contacts of an organisation, site, affair or target: the root `contacts`, scoped.

One field definition for all of them, so that every contacts connection takes the same
arguments (DOMAIN "Reading lists"): filter, orderBy, first, after, last, before.
"""

from collections.abc import Callable
from typing import Any

import strawberry

from resolvers.contact_lists import ContactFilter as ContactScope
from schema.contact_lists import ContactFilter, ContactOrder, contact_connection
from schema.contact_values import LazyContact
from schema.context import Info
from schema.pagination import Connection, page_request


def scoped_contacts(scope: Callable[[Any], ContactScope], description: str) -> Any:
    """A `contacts` field of the objects whose scope `scope` gives (e.g. an organisation's links)."""

    async def contacts(
        root: Any,
        info: Info,
        filter: ContactFilter | None = None,
        order_by: list[ContactOrder] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LazyContact]:
        page = page_request(first, after, last, before)
        return await contact_connection(info, filter=filter, scope=scope(root), order=order_by, page=page)

    return strawberry.field(resolver=contacts, description=description)
