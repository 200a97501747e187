"""The limit: a hand-written Starlette endpoint answering the reference query, without GraphQL.

It runs the batched SQL Carnet's loaders run (the page, then one `… IN (…)` per relation; the
events joined to their participations, as a person writing it by hand would) on the same
engine and driver, builds the same JSON as plain dicts and serialises it with orjson. No ORM
objects, no resolvers, no validation: what this machine can do for this request, at best.

Run by the bench: `python -m bench.limit --database-url URL --port PORT`.
"""

import argparse
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
import uvicorn
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.engine import open_database
from resolvers.contact_lists import DEFAULT_ORDER
from resolvers.cursors import encode_cursor, list_key
from resolvers.global_ids import to_global_id

TYPE_NAMES = {"CLIENT": "Client", "SUPPLIER": "Supplier", "THIRD_PARTY": "ThirdParty"}
CIVILITIES = {"MR": "M.", "MRS": "Mme", "DR": "Dr", "PR": "Pr", "ME": "Me"}


def _in(sql: str) -> Any:
    return text(sql).bindparams(bindparam("keys", expanding=True))


PAGE = text(
    "SELECT id, civility, last_name, first_name, email, phone, status, last_name_key, first_name_key "
    "FROM contact ORDER BY last_name_key, first_name_key, id LIMIT :limit"
)
LINKS = _in(
    "SELECT contact_id, id, organization_id, is_primary, function, email FROM contact_link "
    "WHERE contact_id IN :keys ORDER BY is_primary DESC, id"
)
ORGANIZATIONS = _in("SELECT id, kind, code, name FROM organization WHERE id IN :keys")
SITES = _in(
    "SELECT l.link_id, s.id, s.code, s.name FROM contact_link_site l JOIN site s ON s.id = l.site_id "
    "WHERE l.link_id IN :keys ORDER BY s.name_key, s.id"
)
TYPES = _in(
    "SELECT l.link_id, t.code, t.label FROM contact_link_interlocutor_type l "
    "JOIN interlocutor_type t ON t.code = l.type_code WHERE l.link_id IN :keys ORDER BY t.label, t.code"
)
TARGETS = _in(
    "SELECT m.contact_id, t.id, t.name FROM target_member m JOIN target t ON t.id = m.target_id "
    "WHERE m.contact_id IN :keys ORDER BY t.name_key, t.id"
)
EVENTS = _in(
    "SELECT p.contact_id, p.status, e.id, e.name, e.starts_on FROM event_participation p "
    "JOIN event e ON e.id = p.event_id WHERE p.contact_id IN :keys ORDER BY e.starts_on DESC, e.id"
)


async def _grouped(connection: AsyncConnection, statement: Any, keys: Sequence[Any]) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row in await connection.execute(statement, {"keys": list(keys)}):
        groups[row[0]].append(row)
    return groups


async def reference_page(connection: AsyncConnection, first: int) -> dict[str, Any]:
    """The reference query's `data`, built by hand."""
    people = (await connection.execute(PAGE, {"limit": first + 1})).all()
    more, people = len(people) > first, people[:first]
    ids = [person.id for person in people]
    links = await _grouped(connection, LINKS, ids)
    link_ids = [link.id for group in links.values() for link in group]
    organization_ids = {link.organization_id for group in links.values() for link in group}
    organizations = {
        row.id: row for row in await connection.execute(ORGANIZATIONS, {"keys": list(organization_ids)})
    }
    sites, types = await _grouped(connection, SITES, link_ids), await _grouped(connection, TYPES, link_ids)
    targets, events = await _grouped(connection, TARGETS, ids), await _grouped(connection, EVENTS, ids)

    def link_json(link: Any) -> dict[str, Any]:
        org = organizations[link.organization_id]
        return {
            "function": link.function,
            "email": link.email,
            "isPrimary": bool(link.is_primary),
            "organization": {
                "id": to_global_id(TYPE_NAMES[org.kind], org.id),
                "code": org.code,
                "name": org.name,
            },
            "sites": [
                {"id": to_global_id("Site", s.id), "code": s.code, "name": s.name} for s in sites[link.id]
            ],
            "interlocutorTypes": [{"code": t.code, "label": t.label} for t in types[link.id]],
        }

    def node(person: Any) -> dict[str, Any]:
        return {
            "id": to_global_id("Contact", person.id),
            "lastName": person.last_name,
            "firstName": person.first_name,
            "displayName": _display_name(person.civility, person.first_name, person.last_name),
            "email": person.email,
            "phone": person.phone,
            "status": person.status,
            "links": [link_json(link) for link in links[person.id]],
            "targets": [{"id": to_global_id("Target", t.id), "name": t.name} for t in targets[person.id]],
            "events": [
                {
                    "status": e.status,
                    "event": {
                        "id": to_global_id("Event", e.id),
                        "name": e.name,
                        "startsOn": _iso(e.starts_on),
                    },
                }
                for e in events[person.id]
            ],
        }

    listed = list_key("contacts", (), DEFAULT_ORDER)  # the root list, unfiltered, in the default order
    cursors = [encode_cursor(listed, [p.last_name_key, p.first_name_key, p.id]) for p in people]
    edges = [{"cursor": cursor, "node": node(person)} for cursor, person in zip(cursors, people, strict=True)]
    page_info = {"hasNextPage": more, "endCursor": cursors[-1] if cursors else None}
    return {"contacts": {"pageInfo": page_info, "edges": edges}}


def _display_name(civility: str | None, first_name: str | None, last_name: str) -> str:
    """`resolvers.contacts.display_name`, over the stored civility name."""
    parts = [CIVILITIES[civility] if civility else None, first_name, last_name.upper()]
    return " ".join(part for part in parts if part)


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def create_limit_app(database_url: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.db = open_database(database_url)
        yield
        await app.state.db.dispose()

    async def endpoint(request: Request) -> Response:
        body = orjson.loads(await request.body())
        first = int((body.get("variables") or {}).get("first", 100))
        async with request.app.state.db.engine.connect() as connection:
            data = await reference_page(connection, first)
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    uvicorn.run(
        create_limit_app(arguments.database_url), host="127.0.0.1", port=arguments.port, log_level="info"
    )


if __name__ == "__main__":
    main()
