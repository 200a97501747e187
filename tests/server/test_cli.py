"""`carnet` as a user runs it: a real process, its exit status, what it prints."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from db.migrate import alembic_config
from db.models import Base
from schema.schema import schema
from tests.conftest import SECRET

pytestmark = pytest.mark.subprocess  # starts `carnet` as a process: `make unit` leaves it out

CARNET = Path(sys.executable).parent / "carnet"
SNAPSHOT = Path(__file__).parents[2] / "schema" / "schema.graphql"
TWELVE_HOURS = 12 * 3600
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def carnet(*arguments: str, cwd: Path, secret: str | None = SECRET) -> subprocess.CompletedProcess[str]:
    """Run `carnet` in `cwd` with only the CARNET_ variables a test gives it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CARNET_")}
    if secret is not None:
        env["CARNET_SECRET"] = secret
    return subprocess.run(
        [str(CARNET), *arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _claims(token: str, secret: str = SECRET) -> dict[str, object]:
    return jwt.decode(token, secret, algorithms=["HS256"])  # type: ignore[no-any-return]


def test_token_prints_a_token_alone_on_the_last_line(tmp_path: Path) -> None:
    run = carnet("token", "--role", "STAFF", "--subject", "alice", cwd=tmp_path)

    token = run.stdout.splitlines()[-1]
    assert (run.returncode, run.stdout) == (0, f"{token}\n")  # alone, for `$(carnet token …)`
    claims = _claims(token)
    assert (claims["sub"], claims["role"]) == ("alice", "STAFF")
    assert claims["exp"] - claims["iat"] == TWELVE_HOURS  # type: ignore[operator]
    assert run.stderr == "A STAFF token for 'alice', valid 12 h:\n"


def test_token_lasts_the_hours_asked(tmp_path: Path) -> None:
    run = carnet("token", "--role", "PORTAL", "--subject", "crm", "--ttl-hours", "0.5", cwd=tmp_path)

    claims = _claims(run.stdout.splitlines()[-1])
    assert (claims["role"], claims["exp"] - claims["iat"]) == ("PORTAL", 1800)  # type: ignore[operator]


def test_token_without_a_secret_uses_the_one_serve_kept(tmp_path: Path) -> None:
    kept = "kept-by-serve-" + "k" * 40
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret").write_text(kept + "\n")

    run = carnet("token", "--role", "ADMIN", "--subject", "root", cwd=tmp_path, secret=None)

    assert _claims(run.stdout.splitlines()[-1], kept)["sub"] == "root"


def test_an_unknown_role_exits_non_zero_and_prints_no_token(tmp_path: Path) -> None:
    run = carnet("token", "--role", "ROOT", "--subject", "eve", cwd=tmp_path)

    assert run.returncode == 2
    assert run.stdout == ""
    assert "argument --role: invalid choice: 'ROOT'" in run.stderr


def test_token_without_any_secret_says_how_to_get_one(tmp_path: Path) -> None:
    run = carnet("token", "--role", "STAFF", "--subject", "alice", cwd=tmp_path, secret=None)

    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        "carnet: CARNET_SECRET is not set and there is no ./var/secret yet (run `carnet serve`).\n"
    )


def test_export_schema_prints_the_committed_schema(tmp_path: Path) -> None:
    run = carnet("export-schema", cwd=tmp_path)

    assert run.returncode == 0
    assert run.stdout == schema.as_str() + "\n"
    assert run.stdout == SNAPSHOT.read_text()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def _revision(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchall()


def test_migrate_creates_every_table(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"

    run = carnet("migrate", "--database-url", url, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (0, f"Migrated {url}.\n")
    # Every model's table; migrations may add more (SQLite's full-text index and its shadow tables).
    assert {*Base.metadata.tables, "alembic_version"} <= _tables(tmp_path / "x.db")
    assert _revision(tmp_path / "x.db") == [(HEAD,)]


def test_migrate_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    carnet("migrate", "--database-url", url, cwd=tmp_path)
    with sqlite3.connect(tmp_path / "x.db") as connection:
        connection.execute("INSERT INTO interlocutor_type (code, label, archived) VALUES ('DAF', 'DAF', 0)")

    again = carnet("migrate", "--database-url", url, cwd=tmp_path)

    assert again.returncode == 0
    with sqlite3.connect(tmp_path / "x.db") as connection:
        assert connection.execute("SELECT code FROM interlocutor_type").fetchall() == [("DAF",)]


def test_migrate_reads_the_database_url_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/from-env.db"
    env = {name: value for name, value in os.environ.items() if not name.startswith("CARNET_")}

    run = subprocess.run(
        [str(CARNET), "migrate"],
        cwd=tmp_path,
        env={**env, "CARNET_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (run.returncode, run.stdout) == (0, f"Migrated {url}.\n")
    assert "contact" in _tables(tmp_path / "from-env.db")


def test_migrate_on_a_migrated_database_of_the_suite_is_a_no_op(tmp_path: Path, database_url: str) -> None:
    run = carnet("migrate", "--database-url", database_url, cwd=tmp_path)

    shown = make_url(database_url).render_as_string(hide_password=True)
    assert (run.returncode, run.stdout) == (0, f"Migrated {shown}.\n")


@pytest.mark.parametrize(
    "url", ["sqlite:///x.db", "not a url", "postgresql://carnet:hunter2@db.internal/carnet"]
)
def test_migrate_refuses_an_unusable_database_url_without_a_traceback(tmp_path: Path, url: str) -> None:
    run = carnet("migrate", "--database-url", url, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("carnet: --database-url: ")
    assert "Traceback" not in run.stderr
    assert "hunter2" not in run.stderr


def test_carnet_without_a_command_shows_the_usage(tmp_path: Path) -> None:
    run = carnet(cwd=tmp_path)

    assert run.returncode == 2
    assert run.stderr.startswith("usage: carnet [-h] COMMAND ...")
