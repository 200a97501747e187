"""Settings, read once from the environment into a frozen value passed to `create_app`."""

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from db.engine import POOL_SIZE, Database, open_database

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/carnet.db"
DEFAULT_MAX_SELECTION = 100_000
# RFC 7518 3.2: an HS256 key must be at least as long as the hash (256 bits).
MIN_SECRET_BYTES = 32


def system_clock() -> datetime:
    return datetime.now(UTC)


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    secret: str
    database_url: str = DEFAULT_DATABASE_URL
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    graphiql: bool = True
    cors_origins: tuple[str, ...] = ()
    cors_headers: tuple[str, ...] = ()
    query_stats: bool = False
    # CARNET_COMPILED=0: every query on graphql-core's stock executor, no compiled plans.
    compiled: bool = True
    metrics: bool = False
    # CARNET_TRACING=1: OpenTelemetry spans per operation and resolver (needs its packages). Off by
    # default: a span per field costs more than the field, and turns the compiled plans off.
    tracing: bool = False
    max_selection: int = DEFAULT_MAX_SELECTION
    # CARNET_DATABASE_POOLER=pgbouncer: PostgreSQL is reached through a pooler in transaction
    # mode, so nothing may be prepared for longer than a transaction (db/engine.py).
    transaction_pooler: bool = False
    # CARNET_DATABASE_POOL_SIZE: PostgreSQL connections each process keeps, and never more.
    database_pool_size: int = POOL_SIZE
    # CARNET_PORTAL_DOCUMENTS: the only documents a PORTAL caller may run, keyed by SHA-256.
    portal_documents: Path | None = None
    # What time it is: tests set a fixed clock here (configuration, not a mock).
    clock: Callable[[], datetime] = system_clock

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
    ) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "secret": _secret(env.get("CARNET_SECRET", "")),
            "database_url": checked_database_url(
                env.get("CARNET_DATABASE_URL") or DEFAULT_DATABASE_URL, "CARNET_DATABASE_URL"
            ),
            "timezone": _zone(env.get("CARNET_TIMEZONE") or "Europe/Paris"),
            "graphiql": _flag(env, "CARNET_GRAPHIQL", default=True),
            "cors_origins": _origins(env.get("CARNET_CORS_ORIGINS", "")),
            "cors_headers": _header_names(env.get("CARNET_CORS_HEADERS", "")),
            "query_stats": _flag(env, "CARNET_QUERY_STATS", default=False),
            "compiled": _flag(env, "CARNET_COMPILED", default=True),
            "metrics": _flag(env, "CARNET_METRICS", default=False),
            "tracing": _flag(env, "CARNET_TRACING", default=False),
            "max_selection": _positive(env, "CARNET_MAX_SELECTION", DEFAULT_MAX_SELECTION),
            "transaction_pooler": _pooler(env.get("CARNET_DATABASE_POOLER", "")),
            "database_pool_size": _positive(env, "CARNET_DATABASE_POOL_SIZE", POOL_SIZE),
            "portal_documents": Path(env["CARNET_PORTAL_DOCUMENTS"])
            if env.get("CARNET_PORTAL_DOCUMENTS")
            else None,
        }
        values.update(overrides or {})
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.transaction_pooler and make_url(settings.database_url).get_backend_name() != "postgresql":
            raise SettingsError("CARNET_DATABASE_POOLER: pgbouncer needs a PostgreSQL database URL.")
        return settings

    def open_database(self) -> Database:
        """The engine and session factories for these settings' database."""
        return open_database(
            self.database_url, transaction_pooler=self.transaction_pooler, pool_size=self.database_pool_size
        )


def _secret(raw: str) -> str:
    """Empty is allowed (`carnet serve` then keeps its own); a short one could be brute-forced."""
    if raw and len(raw.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"CARNET_SECRET: expected at least {MIN_SECRET_BYTES} bytes, got {len(raw.encode())}."
        )
    return raw


def checked_database_url(raw: str, name: str) -> str:
    """`raw` if it is an SQLAlchemy URL with an asyncio driver, else SettingsError naming `name`.

    Refused here rather than as a traceback at the first connection; the URL is never echoed
    because it may hold a password."""
    try:
        url = make_url(raw)
        dialect = url.get_dialect()
    except (ArgumentError, NoSuchModuleError) as error:
        raise SettingsError(f"{name}: not a database URL SQLAlchemy knows.") from error
    if not dialect.is_async:
        raise SettingsError(
            f"{name}: {url.drivername!r} is not an asyncio driver "
            "(use sqlite+aiosqlite:// or postgresql+asyncpg://)."
        )
    return raw


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(origin.strip() for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not _is_origin(origin):
            raise SettingsError(
                f"CARNET_CORS_ORIGINS: {origin!r} is not an origin like https://spa.example.com."
            )
    return origins


def _header_names(raw: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    for name in names:
        if not _TOKEN.fullmatch(name):
            raise SettingsError(f"CARNET_CORS_HEADERS: {name!r} is not an HTTP header name.")
    return names


# RFC 9110's token: what a header name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _is_origin(value: str) -> bool:
    """Browsers send `scheme://host[:port]` exactly: anything else would silently match nothing."""
    parts = urlsplit(value)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and value == f"{parts.scheme}://{parts.netloc}"
    )


def _pooler(raw: str) -> bool:
    """Whether a pooler in transaction mode stands between Carnet and PostgreSQL."""
    name = raw.strip().lower()
    if name in ("", "none"):
        return False
    if name == "pgbouncer":
        return True
    raise SettingsError(f"CARNET_DATABASE_POOLER: expected pgbouncer or none, got {raw!r}.")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError(f"CARNET_TIMEZONE: unknown time zone {name!r}.") from error


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: expected 1 or 0, got {raw!r}.")


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name}: expected a positive whole number, got {raw!r}.")
    return int(raw)
