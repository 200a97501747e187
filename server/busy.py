"""SERVICE_BUSY over HTTP: a request that failed as a whole only because the database was busy
answers 503 with Retry-After, so that clients and proxies retry it (DOMAIN, "Errors")."""

from typing import Any

from starlette.responses import Response

RETRY_AFTER_SECONDS = 1


def failed_busy(response_data: Any) -> bool:
    """No data at all, and every error says SERVICE_BUSY."""
    if not isinstance(response_data, dict) or response_data.get("data") is not None:
        return False
    errors = response_data.get("errors") or []
    return bool(errors) and all(_code(error) == "SERVICE_BUSY" for error in errors)


def mark_busy(response: Response) -> Response:
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _code(error: Any) -> Any:
    return (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
