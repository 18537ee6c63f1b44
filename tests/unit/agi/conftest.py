"""The project's own FastAGI server on a free loopback port, on the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agi.server import FastAgiServer
from crm_core.db import Database
from tests.support.ports import free_port


@pytest.fixture
def agi_server(database: Database) -> Iterator[FastAgiServer]:
    server = FastAgiServer(free_port(), database)
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()
