"""Schema migrations (Alembic) run programmatically: ``pybase db upgrade`` and the embedded
store's self-migration on first use.

PostgreSQL: the schema ``pybase`` is created first and holds both our tables and Alembic's
version table. SQLite: no schema; concurrent first uses are serialised by a lock file next to
the database, so two processes never migrate at once.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pybase.db.base import SCHEMA
from pybase.db.engine import Database

__all__ = [
    "alembic_config",
    "check",
    "current_revision",
    "ensure_current",
    "head_revision",
    "upgrade",
]

_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    """An Alembic ``Config`` pointing at our migration scripts, without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of PyBase Extract."""
    head = ScriptDirectory(str(_MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with database.engine.connect() as conn:
        opts = {} if database.is_sqlite else {"version_table_schema": SCHEMA}
        ctx = MigrationContext.configure(conn, opts=opts)
        return ctx.get_current_revision()


def _run(database: Database, revision: str, *, check_only: bool = False) -> None:
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


def ensure_current(database: Database) -> None:
    """Migrate the embedded store when it is behind; a cheap no-op when already at head."""
    if current_revision(database) != head_revision():
        upgrade(database)
