"""The IDE works offline: GraphiQL and all it loads come from Carnet, the token typed in the
page is used for queries and introspection alike, and nothing stays in the browser.

Driven in Debian's Chromium (/usr/bin/chromium, installed by .ci/run) through Playwright's
Python package, which talks to the system browser; no browser is downloaded. Every request the
page makes is checked: any that would leave loopback is aborted and fails the test.
"""

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Route, sync_playwright

from resolvers.access import Role
from server.ide import ASSETS
from tests.conftest import SECRET, token
from tests.server.test_serve import serving

pytestmark = pytest.mark.subprocess  # starts `carnet` and a browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STATIC = ASSETS / "static"


def _editor(which: str) -> str:
    return f"document.querySelector('{which} .CodeMirror').CodeMirror"


def test_the_vendored_assets_are_the_registrys_unmodified_files() -> None:
    sums = (STATIC / "SHA256SUMS").read_text().split("\n")
    for line in filter(None, sums):
        digest, name = line.split("  ")
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    assert (STATIC / "VERSIONS").read_text().split() == ["graphiql@3.8.3", "react@18.3.1", "react-dom@18.3.1"]


def test_the_page_and_its_assets_need_nothing_from_outside(tmp_path: Path) -> None:
    with serving(
        tmp_path, "--database-url", f"sqlite+aiosqlite:///{tmp_path}/ide.db", secret=SECRET
    ) as server:
        page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
        script = httpx.get(f"{server.url}/ide/graphiql.min.js")

    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "https://" not in page.text
    assert script.content == (STATIC / "graphiql.min.js").read_bytes()


def test_graphiql_runs_a_query_with_the_token_and_lists_the_schema(tmp_path: Path) -> None:
    left_loopback: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left_loopback.append(route.request.url)
            route.abort()

    with (
        serving(
            tmp_path, "--database-url", f"sqlite+aiosqlite:///{tmp_path}/ide.db", secret=SECRET
        ) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.route("**/*", only_loopback)
            page.goto(f"{server.url}/graphql")
            page.wait_for_selector(".graphiql-query-editor .CodeMirror")
            page.fill("#carnet-token", token(Role.STAFF))
            page.press("#carnet-token", "Tab")  # `change`: GraphiQL remounts with the token
            page.wait_for_selector(".graphiql-query-editor .CodeMirror")
            page.evaluate(f"{_editor('.graphiql-query-editor')}.setValue('{{ viewer {{ role }} }}')")
            page.click(".graphiql-execute-button")
            page.wait_for_selector(".graphiql-response >> text=STAFF", timeout=15_000)
            answer = page.evaluate(f"{_editor('.graphiql-response')}.getValue()")
            page.click("button[aria-label='Show Documentation Explorer']")
            page.click(".graphiql-doc-explorer >> text=Query")
            page.wait_for_selector(".graphiql-doc-explorer >> text=Contact", timeout=15_000)
            kept = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
        finally:
            browser.close()

    assert answer.replace(" ", "").replace("\n", "") == '{"data":{"viewer":{"role":"STAFF"}}}'
    assert kept == [0, 0, ""]
    assert left_loopback == []
