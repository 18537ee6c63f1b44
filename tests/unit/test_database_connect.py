"""A PostgreSQL server that accepts the connection and never answers must not hold a caller in silence:
the connection attempt gives up after POSTGRES_CONNECT_SECONDS with a clear error."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from crm_core.db import POSTGRES_CONNECT_SECONDS, Database


def test_a_silent_postgresql_server_is_given_up_after_the_connect_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens and accepts (in the kernel), never speaks
        port = silent.getsockname()[1]
        db = Database(f"postgresql+psycopg2://hotline@127.0.0.1:{port}/hotline")
        started = time.monotonic()
        try:
            with pytest.raises(OperationalError, match="timeout"), db.session() as session:
                session.execute(text("SELECT 1"))
        finally:
            db.dispose()
        assert time.monotonic() - started < POSTGRES_CONNECT_SECONDS + 10  # not the minutes TCP would allow
