"""The GraphQL-over-HTTP spec's own audit (npm graphql-http, `auditServer`) against `carnet serve`.

Driven from pytest rather than from .ci/run: it then runs on both engines like every other
test of a served process, `make test` runs it on a developer's machine exactly as CI does,
and a failing audit reads as a failing test with each audit's reason in the report.
`make test` installs the audit's pinned packages first (`npm ci` from the committed lock file).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SECRET, token
from tests.server.test_serve import serving

pytestmark = pytest.mark.subprocess  # starts `carnet` as a process: `make unit` leaves it out

AUDIT = Path(__file__).parents[1] / "http_audit"


def test_the_spec_audit_finds_no_error_and_no_warning(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, "--database-url", database_url, secret=SECRET) as server:
        env = {**os.environ, "CARNET_URL": f"{server.url}/graphql", "CARNET_TOKEN": token()}
        audit = subprocess.run(
            ["node", "audit.mjs"], cwd=AUDIT, env=env, capture_output=True, text=True, timeout=120
        )

    lines = audit.stdout.splitlines()
    assert json.loads(lines[-1]) == {"total": 61, "ok": 61, "notice": 0, "warn": 0, "error": 0}, (
        audit.stdout + audit.stderr
    )
    assert audit.returncode == 0
