"""Browser tier: Playwright's Python package driving Debian's Chromium against the console on a loopback port.

Playwright's own browser download is never used (`playwright install` is not needed): the tests launch
/usr/bin/chromium (scripts/system-deps.sh --test installs it) and are skipped when it is missing.
The console runs with the in-memory double of our TelephonyPort (tests/unit/console/doubles.py).

One Chromium serves the whole browser tier, each test in a fresh context (its own cookies and storage). The
tests run on SQLite only, except in the modules that say otherwise: what a page shows and sends does not depend
on the backend, and the console's and the portal's HTTP APIs these pages call are tested on both backends in
tests/unit/console and tests/unit/portal. The modules whose tests double-click a form to check that it is stored
once keep PostgreSQL too (their `pytestmark`): two requests in flight at once race differently there, where
writes do not wait on one database-wide lock as they do on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import build_app
from console.ports import LiveEvents
from crm_core.db import Database
from tests.support.browser import CHROMIUM, WAIT_MS, launch
from tests.support.databases import fresh_database_url
from tests.unit.console.conftest import Staff, staff  # noqa: F401  (the staff fixture, shared)
from tests.unit.console.doubles import FakeTelephony, ServedApp

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The tier's database: SQLite, or the backends a module's `pytestmark` names (see above)."""
    return fresh_database_url(request, tmp_path)


# One Chromium for the tier (launching it is the dearest step of a test). Package scope, not session: Playwright's
# sync API holds an event loop in this thread while it runs, which the asyncio tests of other folders must not meet.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/system-deps.sh --test installs it)")
    with sync_api.sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def telephony() -> FakeTelephony:
    return FakeTelephony()


@pytest.fixture
def console(database: Database, staff: Staff, telephony: FakeTelephony) -> Iterator[ServedApp]:  # noqa: F811
    events = LiveEvents()
    served = ServedApp(lambda: build_app(database, telephony, events, wrap_up_seconds=2), events).start()
    yield served
    served.stop()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Close the page before any fixture's teardown, so before the server it talks to stops: a page left open
    keeps connecting (its live socket, its requests), and a connection accepted as the server stops is left
    half made by asyncio (tests/unit/console/doubles.py `ServedApp.stop`), besides the shutdown waiting for it."""
    opened = getattr(item, "funcargs", {}).get("page")
    if opened is not None:
        opened.context.close()
