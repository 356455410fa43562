"""Alembic environment: runs on the connection handed over by :mod:`pybase.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from pybase.auth import models as auth_models  # noqa: F401  (api_tokens)
from pybase.db.base import SCHEMA, Base
from pybase.jobs import models  # noqa: F401  (registers the tables on Base.metadata)

config = context.config
connection = config.attributes["connection"]
is_sqlite = connection.dialect.name == "sqlite"

target_metadata = Base.metadata
if is_sqlite:
    # SQLite has no schemas: compare against the same tables without one.
    target_metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(target_metadata, schema=None)  # type: ignore[arg-type]

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    version_table_schema=None if is_sqlite else SCHEMA,
    include_schemas=not is_sqlite,
    render_as_batch=is_sqlite,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
