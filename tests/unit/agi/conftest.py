"""The project's own FastAGI server on a free loopback port, on the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agi.server import FastAgiServer
from crm_core.db import Database
from tests.support.ports import free_port


@pytest.fixture
def agi_server(database: Database) -> Iterator[FastAgiServer]:
    # The deadline of a lookup is the product's 5 s for a caller in silence; these tests are about the answers, and
    # a unit group starved by the call tests (a clean run here: the first batch of a 30-call burst on PostgreSQL
    # took longer than 5 s of wall time) must not turn them into failures. The deadline has tests of its own
    # (test_burst.py: a database that hangs, 0.5 s).
    server = FastAgiServer(free_port(), database, open_timeout=60)
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()
