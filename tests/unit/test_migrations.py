"""The migrations build the same schema the models describe, on both backends."""

from sqlalchemy import inspect

from crm_core.db import Database
from crm_core.models import Base


def test_migrated_schema_has_every_model_table(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
