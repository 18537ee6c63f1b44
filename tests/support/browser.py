"""Debian's Chromium driven by Playwright (Playwright's own browser download does not work here), for the browser
tier and the integration tests alike."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# How long an action (a click, a fill) and an assertion (`expect`) wait for the page. Playwright's defaults are
# 30 s and 5 s; under `make test` two cores serve nine groups of tests, and a clean run lost three browser tests
# whose page was answered after 5 s (a board that loads four tables, a form's "Saved."): slow, not wrong. A page
# that never shows what is expected still fails, after this long.
WAIT_MS = 15_000


def launch(playwright):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
