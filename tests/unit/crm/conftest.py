"""A seeded CRM with a small synthetic population, fully recomputed, on each backend."""

from __future__ import annotations

from datetime import date

import pytest

from crm_core.db import Database
from crm_core.rematch import full_recompute
from crm_core.seed import seed_reference_data
from crm_core.synth import SynthOptions, synthesize

AS_OF = date(2026, 11, 20)


@pytest.fixture
def seeded(database: Database) -> Database:
    with database.session() as session:
        seed_reference_data(session)
    return database


@pytest.fixture
def crm(seeded: Database) -> Database:
    synthesize(seeded, SynthOptions(investors=120, valuation_days=8, trades_per_investor=3, as_of=AS_OF))
    full_recompute(seeded, as_of=AS_OF, chunk_size=50)
    return seeded
