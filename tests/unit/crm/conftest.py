"""A seeded CRM with a small synthetic population, fully recomputed, on each backend.

Built once per test process and backend (synthesis and the full recompute took 5 to 20 s, and some thirty tests
on two backends each built it anew: minutes of the run's CPU), then copied for each test like the migrated
template (tests/support/databases.py): a SQLite file copied, a PostgreSQL database created from it. The synthetic
population is deterministic for its seed, so each copy is what building it again would have left."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from crm_core.db import Database
from crm_core.rematch import full_recompute
from crm_core.seed import seed_reference_data
from crm_core.synth import SynthOptions, synthesize
from tests.support.databases import migrated_sqlite
from tests.support.postgres import ThrowawayPostgres

AS_OF = date(2026, 11, 20)
POSTGRES_TEMPLATE = "hotline_crm"
_copies = itertools.count()
_postgres_ready: set[int] = set()  # the clusters (by id) that hold the CRM template


@pytest.fixture
def seeded(database: Database) -> Database:
    with database.session() as session:
        seed_reference_data(session)
    return database


def _build(url: str) -> None:
    db = Database(url)
    try:
        with db.session() as session:
            seed_reference_data(session)
        synthesize(db, SynthOptions(investors=120, valuation_days=8, trades_per_investor=3, as_of=AS_OF))
        full_recompute(db, as_of=AS_OF, chunk_size=50)
    finally:
        db.dispose()  # nobody connected while it is copied (and SQLite's WAL checkpointed into the file)


@cache
def _sqlite_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="hotline-crm-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "crm.db"
    _build(migrated_sqlite(template))
    return template


def _postgres_copy(cluster: ThrowawayPostgres) -> str:
    if id(cluster) not in _postgres_ready:
        _build(cluster.migrated_database(POSTGRES_TEMPLATE))
        _postgres_ready.add(id(cluster))
    return cluster.create_database(f"crm_{next(_copies)}", template=POSTGRES_TEMPLATE)


@pytest.fixture(params=["sqlite", "postgresql"])
def crm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "crm.db"
        shutil.copyfile(_sqlite_template(), path)
        url = f"sqlite:///{path}"
    else:
        url = _postgres_copy(request.getfixturevalue("postgres_cluster"))
    db = Database(url)
    yield db
    db.dispose()
