"""Settings, read once from the environment into a frozen value passed to `create_app`."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/carnet.db"
DEFAULT_MAX_SELECTION = 100_000


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
    query_stats: bool = False
    max_selection: int = DEFAULT_MAX_SELECTION
    # What time it is: tests set a fixed clock here (configuration, not a mock).
    clock: Callable[[], datetime] = system_clock

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
    ) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "secret": env.get("CARNET_SECRET", ""),
            "database_url": env.get("CARNET_DATABASE_URL") or DEFAULT_DATABASE_URL,
            "timezone": _zone(env.get("CARNET_TIMEZONE") or "Europe/Paris"),
            "graphiql": _flag(env, "CARNET_GRAPHIQL", default=True),
            "cors_origins": tuple(
                o.strip() for o in env.get("CARNET_CORS_ORIGINS", "").split(",") if o.strip()
            ),
            "query_stats": _flag(env, "CARNET_QUERY_STATS", default=False),
            "max_selection": _positive(env, "CARNET_MAX_SELECTION", DEFAULT_MAX_SELECTION),
        }
        values.update(overrides or {})
        return cls(**values)  # type: ignore[arg-type]


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
