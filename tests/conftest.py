"""Fixtures shared by every tier: databases on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_core import passwords
from crm_core.db import Database
from tests.support.databases import fresh_database_url
from tests.support.passwords import HashOncePerPassword
from tests.support.postgres import ThrowawayPostgres
from tests.support.smsc import TestSmsc
from tests.support.smtp import SmtpServer


@pytest.fixture(scope="session", autouse=True)
def hash_each_password_once() -> Iterator[None]:
    """The production argon2 parameters, each password hashed once per run (tests/support/passwords.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", HashOncePerPassword.like(passwords._hasher))
        yield


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayPostgres]:
    cluster = ThrowawayPostgres()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A freshly migrated, empty database on each backend (a copy of one the migrations ran on once)."""
    return fresh_database_url(request, tmp_path)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smsc() -> Iterator[TestSmsc]:
    """The test SMSC (an SMPP 3.4 server) on loopback."""
    server = TestSmsc()
    server.start()
    yield server
    server.close()
