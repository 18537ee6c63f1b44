"""Alembic environment: the URL comes from the caller (crm_core.migrate), never from a file."""

from alembic import context

from crm_core.models import Base

config = context.config


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Leave out what models cannot describe: the FTS5 tables (SQLite) and the tsvector index (PG)."""
    return not (name and (name.startswith("investor_search_fts") or name == "ix_investor_search_tsv"))


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through crm_core.migrate, which passes a connection")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=_include_object,
)
with context.begin_transaction():
    context.run_migrations()
