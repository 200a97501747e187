"""Trusted documents for the portal (DOMAIN, "Who may do what").

When CARNET_PORTAL_DOCUMENTS names a JSON file of documents keyed by their SHA-256 (hex of the
UTF-8 text), a PORTAL caller may run only those: by `documentId` (the hex, or `sha256:<hex>`)
or by sending the identical text. Anything else is refused with FORBIDDEN before it runs.
Other roles are not concerned. The file is read once, at start, and checked: a key that is not
its document's hash is a SettingsError, not a silent hole.
"""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.access import Role
from server.bodies import decode_json, read_body, replayed
from server.settings import SettingsError

PREFIX = "sha256:"


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_documents(path: Path) -> dict[str, str]:
    """The documents of `path`, keyed by hash; SettingsError if unreadable or mis-keyed."""
    name = "CARNET_PORTAL_DOCUMENTS"
    try:
        documents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"{name}: cannot read a JSON object of documents from {path}.") from error
    if not isinstance(documents, dict) or not all(isinstance(v, str) for v in documents.values()):
        raise SettingsError(f"{name}: expected a JSON object of hash -> document text.")
    for key, text in documents.items():
        if _bare(key) != document_hash(text):
            raise SettingsError(f"{name}: the key {key[:20]} is not the SHA-256 of its document.")
    return {_bare(key): text for key, text in documents.items()}


def _bare(document_id: str) -> str:
    return document_id.removeprefix(PREFIX).lower()


class PortalDocuments:
    """In front of the GraphQL view: a PORTAL request runs a trusted document or nothing."""

    def __init__(self, app: ASGIApp, documents: Mapping[str, str] | None) -> None:
        self.app = app
        self.documents = documents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        viewer = scope.get("carnet.viewer")
        if self.documents is None or viewer is None or viewer.role is not Role.PORTAL:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            admitted = self._admit_query_string(scope)
        else:
            admitted, receive = await self._admit_body(scope, receive)
        if not admitted:
            await _forbidden()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _trusted_text(self, request: Mapping[str, Any]) -> str | None:
        """The text to run, or None when the request names no trusted document."""
        document_id, query = request.get("documentId"), request.get("query")
        if isinstance(document_id, str):
            text = self.documents.get(_bare(document_id)) if self.documents else None
            return text if query is None or query == text else None
        if isinstance(query, str) and self.documents and document_hash(query) in self.documents:
            return query
        return None

    def _admit_query_string(self, scope: Scope) -> bool:
        parameters = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        text = self._trusted_text(parameters)
        if text is None:
            return False
        parameters.pop("documentId", None)
        parameters["query"] = text
        scope["query_string"] = urlencode(parameters).encode("latin-1")
        return True

    async def _admit_body(self, scope: Scope, receive: Receive) -> tuple[bool, Receive]:
        body = await read_body(receive)
        try:
            request = decode_json(body)
        except ValueError:
            return False, receive
        text = self._trusted_text(request) if isinstance(request, dict) else None
        if text is None:
            return False, receive
        request.pop("documentId", None)
        request["query"] = text
        return True, replayed(json.dumps(request).encode("utf-8"), _disconnected)


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


def _forbidden() -> JSONResponse:
    message = "The portal may run only its trusted documents (by documentId or their exact text)."
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "FORBIDDEN"}}]}, status_code=403
    )
