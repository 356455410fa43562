"""Schema migrations (Alembic) run programmatically: ``pybase db upgrade`` and the embedded
store's self-migration on first use.

PostgreSQL: the schema ``pybase`` is created first and holds both our tables and Alembic's
version table. SQLite: no schema; concurrent first uses are serialised by a lock file next to
the database, so two processes never migrate at once.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from pybase.db.base import SCHEMA
from pybase.db.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "alembic_config",
    "check",
    "current_revision",
    "ensure_current",
    "head_revision",
    "require_current",
    "upgrade",
]

_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    """An Alembic ``Config`` pointing at our migration scripts, without an ini file."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of PyBase Extract.

    Revision ids are zero-padded sequence numbers that also start the file names
    (``0001_extraction_jobs.py``), so the head is found without importing Alembic (a test
    checks it against Alembic's own answer)."""
    return max(p.name.split("_", 1)[0] for p in (_MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(database: Database) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    table = "alembic_version" if database.is_sqlite else f'"{SCHEMA}".alembic_version'
    with database.engine.connect() as conn:
        try:
            return conn.execute(text(f"SELECT version_num FROM {table}")).scalar()
        except Exception:  # no version table yet
            return None


def _run(database: Database, revision: str, *, check_only: bool = False) -> None:
    from alembic import command

    cfg = alembic_config(database)
    with database.engine.begin() as conn:
        if not database.is_sqlite:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
            conn.execute(text("SELECT pg_advisory_xact_lock(7212001)"))
        cfg.attributes["connection"] = conn
        if check_only:
            command.check(cfg)
        else:
            command.upgrade(cfg, revision)


def upgrade(database: Database, revision: str = "head") -> None:
    """Migrate ``database`` to ``revision`` (default: head). Idempotent."""
    if database.is_sqlite and database.url.database not in (None, "", ":memory:"):
        lock_path = Path(f"{database.url.database}.migrate.lock")
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            _run(database, revision)
    else:
        _run(database, revision)


def check(database: Database) -> None:
    """Raise when the models and the migrations disagree (``alembic check``)."""
    _run(database, "head", check_only=True)


def require_current(database: Database) -> None:
    """Make sure ``database`` is at the head revision before use: the embedded SQLite store
    migrates itself; a PostgreSQL store must be migrated by an operator.

    Raises:
        StoreNotMigratedError: a PostgreSQL store is behind (run ``pybase db upgrade``).
    """
    from pybase.errors import StoreNotMigratedError

    if database.is_sqlite:
        ensure_current(database)
    elif current_revision(database) != head_revision():
        raise StoreNotMigratedError(
            f"the job store at {database.url.render_as_string()} is not migrated: "
            "run `pybase db upgrade`"
        )


def ensure_current(database: Database) -> None:
    """Migrate the embedded store when it is behind; a cheap no-op when already at head."""
    if current_revision(database) != head_revision():
        upgrade(database)
