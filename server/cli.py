"""`carnet`: serve, migrate, token, demo-data, export-schema."""

import argparse
import asyncio
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from db.migrate import migrate_to, upgrade
from resolvers.access import Role
from server.auth import issue_token
from server.collector import calm_the_collector
from server.failures import OneLineParser, failure_message
from server.settings import Settings, SettingsError, checked_database_url, system_clock

SECRET_FILE = Path("var/secret")
MAX_TTL_HOURS = 24 * 366


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; any failure is one line on stderr and a non-zero exit, never a traceback."""
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_usage(sys.stderr)  # `carnet` alone: what it can do, not an error message
        return 2
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(arguments.run(arguments) or 0)
    except SettingsError as error:
        return _fail(str(error), status=2)
    except Exception as error:  # one line for the operator; the details would be a traceback
        return _fail(failure_message(error), status=1)


def _fail(message: str, *, status: int) -> int:
    print(f"carnet: {message}", file=sys.stderr)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="carnet", description="Carnet, the contact module, as a GraphQL API.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations, then serve /graphql")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--database-url", help="any SQLAlchemy async URL (default: CARNET_DATABASE_URL)")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    serve.add_argument(
        "--workers", type=int, default=1, help="processes, each with its own socket (PostgreSQL only above 1)"
    )
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply the database migrations (up or down)")
    migrate.add_argument("--database-url")
    migrate.add_argument(
        "--revision", default="head", help="head (default), base, or a revision id: up or down to it"
    )
    migrate.set_defaults(run=_migrate)

    token = commands.add_parser("token", help="print a bearer token")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--subject", required=True)
    token.add_argument("--ttl-hours", type=float, default=12.0, help=f"at most {MAX_TTL_HOURS}")
    token.set_defaults(run=_token)

    demo = commands.add_parser("demo-data", help="load a believable French data set")
    demo.add_argument("--contacts", type=int, default=200)
    demo.add_argument("--database-url")
    demo.set_defaults(run=_demo_data)

    retention = commands.add_parser(
        "retention", help="list (or, with --apply, anonymise) prospects' contacts with no activity"
    )
    retention.add_argument("--older-than", required=True, help="a period: 3y, 18m, 90d")
    retention.add_argument("--apply", action="store_true", help="anonymise them (default: a dry run)")
    retention.add_argument("--dry-run", dest="apply", action="store_false", help="only list them (default)")
    retention.add_argument("--database-url")
    retention.set_defaults(run=_retention)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(run=_export_schema)
    return parser


def _settings(arguments: argparse.Namespace, *, need_secret: bool = False) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(arguments, "database_url", None):
        overrides["database_url"] = checked_database_url(arguments.database_url, "--database-url")
    settings = Settings.from_env(overrides=overrides)
    if need_secret and not settings.secret:
        raise SettingsError("CARNET_SECRET is not set.")
    return settings


def _serve(arguments: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app
    from server.logs import configure_logging

    configure_logging()  # JSON lines from here on, the migrations' own included
    settings = _settings(arguments)
    _check_workers(arguments.workers, settings.database_url)
    if not settings.secret:
        settings = _with_local_secret(settings, f"http://{arguments.host}:{arguments.port}/graphql")
    if not arguments.no_migrate:  # once, before any worker starts
        asyncio.run(_apply_migrations(settings))
    if arguments.workers > 1:
        from server.workers import supervise

        # The workers read their settings from the environment, as the parent resolved them.
        os.environ.update(CARNET_DATABASE_URL=settings.database_url, CARNET_SECRET=settings.secret)
        return supervise(arguments.workers, arguments.host, arguments.port)
    app = create_app(settings)
    calm_the_collector()
    # Carnet's request log (server/logs.py) replaces uvicorn's access log, which would print
    # query strings (GET variables: personal data); uvicorn's own records become JSON lines too.
    uvicorn.run(app, host=arguments.host, port=arguments.port, access_log=False, log_config=None)
    return 0


def _check_workers(workers: int, url: str) -> None:
    if workers < 1:
        raise SettingsError("--workers must be 1 or more.")
    if workers > 1 and url.startswith("sqlite"):
        raise SettingsError(
            "--workers above 1 needs PostgreSQL: SQLite's writes queue in one process "
            "(README, Beyond one machine)."
        )


def _with_local_secret(settings: Settings, ide_url: str) -> Settings:
    """No CARNET_SECRET: keep one in ./var/secret (mode 600) and print an ADMIN token to use."""
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    secret = SECRET_FILE.read_text().strip()
    token = issue_token(secret, subject="admin", role=Role.ADMIN, now=system_clock(), ttl=timedelta(hours=12))
    print(f"No CARNET_SECRET set: using the one kept in {SECRET_FILE}.")
    print(f"GraphiQL: {ide_url} (paste this ADMIN token in its Bearer token field):")
    print(token, flush=True)
    return Settings(**{**settings.__dict__, "secret": secret})


async def _apply_migrations(settings: Settings) -> None:
    database = settings.open_database()
    try:
        await upgrade(database.engine)
    finally:
        await database.dispose()


def _migrate(arguments: argparse.Namespace) -> int:
    settings = _settings(arguments)
    if arguments.revision == "head":
        asyncio.run(_apply_migrations(settings))
        print(f"Migrated {_safe_url(settings.database_url)}.")
        return 0
    done = asyncio.run(_migrate_to(settings, arguments.revision))
    print(f"Migrated {_safe_url(settings.database_url)}: {done} to {arguments.revision}.")
    return 0


async def _migrate_to(settings: Settings, revision: str) -> str:
    database = settings.open_database()
    try:
        return await migrate_to(database.engine, revision)
    finally:
        await database.dispose()


def _token(arguments: argparse.Namespace) -> int:
    settings = _settings(arguments)
    secret = settings.secret or (SECRET_FILE.read_text().strip() if SECRET_FILE.exists() else "")
    if not secret:
        raise SettingsError("CARNET_SECRET is not set and there is no ./var/secret yet (run `carnet serve`).")
    if not arguments.subject.strip():
        raise SettingsError("--subject must name who the token is for.")
    if not 0 < arguments.ttl_hours <= MAX_TTL_HOURS:  # NaN and infinity fail this too
        raise SettingsError(f"--ttl-hours must be positive and at most {MAX_TTL_HOURS} (one year).")
    ttl = timedelta(hours=arguments.ttl_hours)
    print(
        f"A {arguments.role} token for {arguments.subject!r}, valid {arguments.ttl_hours:g} h:",
        file=sys.stderr,
    )
    print(
        issue_token(secret, subject=arguments.subject, role=Role(arguments.role), now=system_clock(), ttl=ttl)
    )
    return 0


def _demo_data(arguments: argparse.Namespace) -> int:
    from server.demo import load_demo_data

    if arguments.contacts < 0:  # refused before anything is created or migrated
        raise SettingsError("--contacts must be 0 or more.")
    settings = _settings(arguments)
    asyncio.run(_apply_migrations(settings))
    asyncio.run(load_demo_data(settings, contacts=arguments.contacts))
    return 0


def _retention(arguments: argparse.Namespace) -> int:
    from server.retention import run_retention

    settings = _settings(arguments)
    return asyncio.run(run_retention(settings, older_than=arguments.older_than, apply=arguments.apply))


def _export_schema(_arguments: argparse.Namespace) -> int:
    from schema.schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
