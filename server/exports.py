"""Files out: GET /export/contacts.csv and /export/contacts.vcf (DOMAIN "Files out").

The same bearer token and role rules as GraphQL; the `ContactFilter` fields as query
parameters; every contact the viewer may see (rule 7), in reading order, streamed a page at
a time so that memory stays flat whatever the count; each export recorded (rule 23).
"""

from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import anyio
import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from db.models import ContactStatus
from resolvers.access import Viewer
from resolvers.contact_lists import ContactFilter
from resolvers.errors import DomainError
from resolvers.exports import ExportedContact, ExportRecord, exported_pages, record_export
from schema.contact_lists import ContactFilter as FilterInput
from server.auth import BadToken, viewer_from_header
from server.contact_files import csv_header, csv_row, vcard
from server.settings import Settings

Render = Callable[[ExportedContact], str]
FORMATS: dict[str, tuple[str, Render, str | None]] = {
    "csv": ("text/csv; charset=utf-8", csv_row, csv_header()),
    "vcf": ("text/vcard; charset=utf-8", vcard, None),
}
_IDS = ("organizationId", "siteId", "affairId", "targetId", "eventId")
_BOOLEANS = ("visibleInCrm", "receivesInvoices", "receivesReminders")
_TEXTS = ("search", "interlocutorTypeCode")
PARAMETERS = (*_TEXTS, *_IDS, *_BOOLEANS, "status", "notFollowedUpSince")


class BadParameter(ValueError):
    """A query parameter that is not a ContactFilter field, or not of its type."""


def export_endpoint(settings: Settings, extension: str) -> Callable[[Request], Any]:
    media_type, render, header = FORMATS[extension]

    async def endpoint(request: Request) -> Response:
        try:
            viewer = viewer_from_header(request.headers.get("authorization"), settings.secret)
        except BadToken as error:
            return _refused(401, str(error), "UNAUTHENTICATED", {"WWW-Authenticate": "Bearer"})
        request.scope["carnet.viewer"] = viewer
        request.scope["carnet.operation"] = f"export.{extension}"
        try:
            criteria = contact_filter(dict(request.query_params))
        except BadParameter as error:
            return _refused(400, str(error), "BAD_USER_INPUT")
        except DomainError as error:
            return _refused(400, error.problems[0].message, error.problems[0].code.value)
        stream = _stream(request, viewer, criteria, render, header, extension, settings)
        disposition = f'attachment; filename="contacts.{extension}"'
        return StreamingResponse(stream, media_type=media_type, headers={"Content-Disposition": disposition})

    return endpoint


async def _stream(
    request: Request,
    viewer: Viewer,
    criteria: ContactFilter,
    render: Render,
    header: str | None,
    extension: str,
    settings: Settings,
) -> AsyncIterator[bytes]:
    db = request.app.state.db
    count = 0
    if header is not None:
        yield header.encode()
    try:
        async for page in exported_pages(db, viewer, [criteria]):
            count += len(page)
            yield "".join(render(exported) for exported in page).encode()
    finally:  # recorded even when the client stops reading half-way: what left is what counts
        record = ExportRecord(
            viewer.subject, settings.clock(), f"contacts.{extension}", described(request), count
        )
        # A client that hangs up cancels this stream; anyio cancels every later await in the
        # scope too, so the audit entry is written shielded or it would be lost.
        with anyio.CancelScope(shield=True):
            await record_export(db, record)


def described(request: Request) -> str:
    """The filter as recorded: parameter names, and ids (never the search words: personal data)."""
    given = request.query_params
    return "&".join(
        name if name == "search" else f"{name}={given[name]}" for name in PARAMETERS if name in given
    )


def contact_filter(params: dict[str, str]) -> ContactFilter:
    """The resolvers' filter from query parameters named as the GraphQL `ContactFilter`'s fields."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise BadParameter(
            f"Unknown filter parameter {unknown[0]!r}; expected one of {', '.join(PARAMETERS)}."
        )
    return FilterInput(
        search=params.get("search"),
        interlocutor_type_code=params.get("interlocutorTypeCode"),
        organization_id=_id(params, "organizationId"),
        site_id=_id(params, "siteId"),
        affair_id=_id(params, "affairId"),
        target_id=_id(params, "targetId"),
        event_id=_id(params, "eventId"),
        status=_status(params.get("status")),
        visible_in_crm=_boolean(params, "visibleInCrm"),
        receives_invoices=_boolean(params, "receivesInvoices"),
        receives_reminders=_boolean(params, "receivesReminders"),
        not_followed_up_since=_day(params.get("notFollowedUpSince")),
    ).criteria(path=("query",))


def _id(params: dict[str, str], name: str) -> strawberry.ID | None:
    return strawberry.ID(params[name]) if params.get(name) else None


def _boolean(params: dict[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise BadParameter(f"{name} must be true or false.")
    return raw == "true"


def _status(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return ContactStatus[raw]
    except KeyError as error:
        names = ", ".join(ContactStatus.__members__)
        raise BadParameter(f"status must be one of {names}.") from error


def _day(raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise BadParameter("notFollowedUpSince must be a day like 2026-01-31.") from error


def _refused(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)
