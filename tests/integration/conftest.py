"""Integration tier: one real Asterisk for the run; per test a fresh database and a fresh service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_core.db import Database
from hotline.asterisk.instance import AsteriskInstance
from hotline.settings import load_settings
from hotline.wiring import asterisk_instance
from tests.support.browser import launch
from tests.support.hotline import ServiceProcess, channels_left, isolated_env, service_env, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def asterisk_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Settings shared by the Asterisk instance and every service of this test run; the instance folder
    in the Asterisk root is deleted at the end of the run."""
    state = tmp_path_factory.mktemp("hotline-state")
    rtp_start = 20000 + (os.getpid() % 100) * 100
    env = {
        **isolated_env(state, f"pytest-{os.getpid()}", rtp_start, rtp_span=100),
        "HOTLINE_IVR_INPUT_TIMEOUT_SECONDS": "2",
        "HOTLINE_IVR_MAX_ATTEMPTS": "3",
        "HOTLINE_ACD_RING_TIMEOUT_SECONDS": "3",
        "HOTLINE_ACD_OVERFLOW_AFTER_SECONDS": "4",
        "HOTLINE_ACD_ANY_AGENT_AFTER_SECONDS": "120",
        "HOTLINE_ACD_ANNOUNCE_EVERY_SECONDS": "20",
        "HOTLINE_ACD_AGENT_REFRESH_SECONDS": "0.3",
        "HOTLINE_ACD_OUTBOUND_DIAL": "Local/{number}@hotline-customer-sim/n",  # simulated customers
        "HOTLINE_ACD_DIAL_TIMEOUT_SECONDS": "4",
        "HOTLINE_SERVICE_LOG_LEVEL": "INFO",
    }
    yield env
    instance_of(env).discard()


def instance_of(env: dict[str, str]) -> AsteriskInstance:
    return asterisk_instance(load_settings(environ={**os.environ, **env}))


@pytest.fixture
def asterisk(asterisk_env: dict[str, str]) -> Iterator[AsteriskInstance]:
    """A freshly started Asterisk per test (it starts in under a second): every test begins with no
    channels and no bridges, and nothing one test does to Asterisk can reach the next."""
    instance = instance_of(asterisk_env)
    instance.outage_records.unlink(missing_ok=True)  # calls an earlier test placed while its service was down
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture
def hotline(asterisk: AsteriskInstance, asterisk_env: dict[str, str], database_url: str,
            tmp_path: Path) -> Iterator[Hotline]:
    """A service on a fresh database; afterwards no channel may be left in Asterisk."""
    harness = Hotline(asterisk, ServiceProcess(service_env(asterisk_env, database_url), asterisk,
                                               tmp_path / "service.log"), Database(database_url))
    yield harness
    # While the service still runs, every call must end and leave nothing behind in Asterisk. channels_left
    # raises (AriNotAnswering) if ARI does not answer: a dead ARI must not pass for an empty Asterisk.
    try:
        left = wait_for(lambda: not channels_left(asterisk), timeout=15, interval=0.5) or channels_left(asterisk)
    finally:
        harness.service.stop()
        harness.db.dispose()
    assert left is True, f"channels stuck in Asterisk: {left}\n{(tmp_path / 'service.log').read_text()[-3000:]}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one per test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class Hotline:
    def __init__(self, asterisk: AsteriskInstance, service: ServiceProcess, db: Database) -> None:
        self.asterisk = asterisk
        self.service = service
        self.db = db
