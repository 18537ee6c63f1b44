"""Freshly migrated databases without running every migration for every test: the migrations run once per test
process into a template (a SQLite file here; a template database in the throwaway PostgreSQL cluster, see
tests/support/postgres.py), and each test gets a copy of it, which is what `upgrade` would have left. On
PostgreSQL a test gets a database an earlier test gave back, emptied, when there is one (cheaper than a copy)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from crm_core.migrate import upgrade


@cache
def _sqlite_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="hotline-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "hotline.db"
    upgrade(f"sqlite:///{template}")  # the engine is disposed: the WAL is checkpointed into the file
    return template


def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite database at `path` with the newest schema and no rows (a copy of the template)."""
    if path.exists():
        raise FileExistsError(f"{path} exists: a migrated copy would overwrite it")
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `database_url` fixture's database on the backend `request.param` names ("sqlite" or "postgresql")."""
    if request.param == "sqlite":
        return migrated_sqlite(tmp_path / "hotline.db")
    cluster = request.getfixturevalue("postgres_cluster")  # one cluster for the run (tests/conftest.py)
    url = cluster.empty_database()
    request.addfinalizer(lambda: cluster.give_back(url))  # after the fixtures that use it are torn down
    return url
