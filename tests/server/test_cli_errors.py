"""Every failure of `carnet` is one line on stderr and a non-zero exit, never a traceback;
refusals are checked before anything is created."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from db.migrate import alembic_config
from tests.server.test_cli import HEAD, _claims, _revision, _tables, carnet

pytestmark = pytest.mark.subprocess  # runs `carnet` as a process: `make unit` leaves it out

BELOW_HEAD = ScriptDirectory.from_config(alembic_config()).get_revision("head").down_revision

UNREACHABLE = "postgresql+asyncpg://carnet:hunter2@127.0.0.1:1/carnet"


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("command", ["migrate", "demo-data"])
def test_an_unreachable_postgresql_is_one_line(tmp_path: Path, command: str) -> None:
    run = carnet(command, "--database-url", UNREACHABLE, cwd=tmp_path)

    line = _one_line(run.stderr)
    assert run.returncode == 1
    assert line.startswith("carnet: the database ")
    assert "127.0.0.1" in line
    assert "hunter2" not in line


def test_serve_with_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    run = carnet("serve", "--database-url", UNREACHABLE, cwd=tmp_path)

    assert run.returncode == 1
    assert _one_line(run.stderr).startswith("carnet: the database ")


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path, database_url: str) -> None:
    """PostgreSQL: a database that does not exist; SQLite: a file whose folder is a file."""
    (tmp_path / "a-file").write_text("not a directory")
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path}/a-file/x.db"
        expected = (
            f"carnet: the database file could not be opened: [Errno 17] File exists: '{tmp_path}/a-file'."
        )
    else:
        url = (
            make_url(database_url)
            .set(database="carnet_no_such_database")
            .render_as_string(hide_password=False)
        )
        expected = (
            "carnet: the database refused or could not be reached: "
            'database "carnet_no_such_database" does not exist.'
        )

    run = carnet("migrate", "--database-url", url, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (1, "")
    assert _one_line(run.stderr) == expected


@pytest.mark.parametrize("hours", ["1e12", "nan", "inf", "-1", "0", "8785"])
def test_a_token_lifetime_out_of_range_is_refused_on_one_line(tmp_path: Path, hours: str) -> None:
    run = carnet("token", "--role", "STAFF", "--subject", "alice", "--ttl-hours", hours, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (2, "")
    assert _one_line(run.stderr) == "carnet: --ttl-hours must be positive and at most 8784 (one year)."


def test_a_token_of_a_year_is_given(tmp_path: Path) -> None:
    run = carnet("token", "--role", "STAFF", "--subject", "alice", "--ttl-hours", "8784", cwd=tmp_path)

    claims = _claims(run.stdout.splitlines()[-1])
    assert claims["exp"] - claims["iat"] == 8784 * 3600  # type: ignore[operator]


@pytest.mark.parametrize("subject", ["", "   "])
def test_a_token_for_nobody_is_refused(tmp_path: Path, subject: str) -> None:
    run = carnet("token", "--role", "ADMIN", "--subject", subject, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (2, "")
    assert _one_line(run.stderr) == "carnet: --subject must name who the token is for."


def test_demo_data_with_a_negative_count_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"

    run = carnet("demo-data", "--contacts", "-5", "--database-url", url, cwd=tmp_path)

    assert (run.returncode, run.stdout) == (2, "")
    assert _one_line(run.stderr) == "carnet: --contacts must be 0 or more."
    assert not (tmp_path / "demo.db").exists()


def test_a_usage_mistake_is_one_line(tmp_path: Path) -> None:
    run = carnet("token", "--role", "ROOT", "--subject", "eve", cwd=tmp_path)

    assert (run.returncode, run.stdout) == (2, "")
    assert _one_line(run.stderr) == (
        "carnet token: argument --role: invalid choice: 'ROOT' (choose from 'ADMIN', 'STAFF', 'PORTAL')"
        " (see carnet token --help)"
    )


def test_migrate_steps_down_and_up_to_a_revision(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    carnet("migrate", "--database-url", url, cwd=tmp_path)

    down = carnet("migrate", "--database-url", url, "--revision", "0001", cwd=tmp_path)
    at_0001 = _revision(tmp_path / "x.db"), "contact_search" in _tables(tmp_path / "x.db")
    up = carnet("migrate", "--database-url", url, "--revision", "0002", cwd=tmp_path)

    assert (down.returncode, down.stdout) == (0, f"Migrated {url}: downgraded to 0001.\n")
    assert at_0001 == ([("0001",)], False)
    assert (up.returncode, up.stdout) == (0, f"Migrated {url}: upgraded to 0002.\n")
    assert _revision(tmp_path / "x.db") == [("0002",)]
    assert "contact_search" in _tables(tmp_path / "x.db")


def test_migrate_to_an_unknown_revision_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    carnet("migrate", "--database-url", url, cwd=tmp_path)

    run = carnet("migrate", "--database-url", url, "--revision", "0999", cwd=tmp_path)

    assert run.returncode == 1
    assert _one_line(run.stderr) == "carnet: migration: Can't locate revision identified by '0999'."
    assert _revision(tmp_path / "x.db") == [(HEAD,)]


def test_alembics_own_commands_work_from_the_repository(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    alembic = Path(sys.executable).parent / "alembic"
    env = {**os.environ, "CARNET_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/a.db"}

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(alembic), *arguments], cwd=root, env=env, capture_output=True, text=True, timeout=60
        )

    up, current, down = run("upgrade", "head"), run("current"), run("downgrade", "-1")

    assert (up.returncode, current.returncode, down.returncode) == (0, 0, 0), up.stderr + down.stderr
    assert current.stdout.strip() == f"{HEAD} (head)"
    assert _revision(tmp_path / "a.db") == [(BELOW_HEAD,)]
