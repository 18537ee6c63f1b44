"""Migration 0002_crm builds exactly what the models describe, plus the full-text structures."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from crm_core.db import Database
from crm_core.models import Base


def _ignore_fts(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (name and (name.startswith("investor_search_fts") or name == "ix_investor_search_tsv"))


def test_no_drift_between_models_and_migrations(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _ignore_fts}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_full_text_structures_exist(database: Database) -> None:
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE name = 'investor_search_fts'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_investor_search_tsv'"
        found = connection.execute(text(query))
        assert found.scalar_one()
    assert "investor_search" in inspect(database.engine).get_table_names()
