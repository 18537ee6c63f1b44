"""Browser tier: Playwright's Python package driving Debian's Chromium against the console on a loopback port.

Playwright's own browser download is never used (`playwright install` is not needed): the tests launch
/usr/bin/chromium (scripts/system-deps.sh --test installs it) and are skipped when it is missing.
The console runs with the in-memory double of our TelephonyPort (tests/unit/console/doubles.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import build_app
from console.ports import LiveEvents
from crm_core.db import Database
from tests.unit.console.conftest import Staff, staff  # noqa: F401  (the staff fixture, shared)
from tests.unit.console.doubles import FakeTelephony, ServedApp

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")  # Playwright's sync API holds an event loop in this thread while it runs
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/system-deps.sh --test installs it)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
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
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()
