"""Job stores for tests: a fresh SQLite file, or the real PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from pybase.db import migrate
from pybase.db.engine import Database

POSTGRES_URL = os.environ.get(
    "PYBASE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def sqlite_store(tmp_path: Path) -> Database:
    """A migrated SQLite store in ``tmp_path``."""
    database = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    migrate.upgrade(database)
    return database


def postgres_store() -> Database:
    """The PostgreSQL test database with a freshly migrated ``pybase`` schema; skips when the
    server is unreachable and CI is not set (CI must have it: there it fails instead)."""
    database = Database(POSTGRES_URL)
    try:
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS pybase CASCADE"))
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    migrate.upgrade(database)
    return database
