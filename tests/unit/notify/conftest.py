"""Fixtures of the notification tests: real peers on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
