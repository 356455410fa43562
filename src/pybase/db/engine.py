"""Engines and sessions for the job store (SQLite embedded, PostgreSQL distributed).

SQLite is written by several processes at once (CLI, pool workers, API), so every SQLite
connection runs in WAL mode with a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE``: it takes the write lock up front and waits for it (busy timeout) instead
of failing when a read transaction later tries to write (SQLite docs, "Write-Ahead Logging"
and "BEGIN TRANSACTION").

Tables are declared in the schema ``pybase``; on SQLite the schema is translated away with
``schema_translate_map``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pybase.db.base import SCHEMA

__all__ = ["Database"]


def _sqlite_setup(engine: Engine, busy_timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One job store: an engine plus a session factory.

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:////home/me/.local/share/pybase/pybase.db`` or
            ``postgresql+psycopg://user@host/db``.
        busy_timeout_s: SQLite only: how long a writer waits for the lock, in seconds.

    Engines are not shared across ``fork``: each process builds its own ``Database``.
    """

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": busy_timeout_s, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _sqlite_setup(engine, busy_timeout_s)
            engine = engine.execution_options(schema_translate_map={SCHEMA: None})
        self.engine: Engine = engine
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._pid = os.getpid()

    @classmethod
    def from_settings(cls) -> Database:
        """The store configured by ``PYBASE_DATABASE_URL`` (SQLite default when unset)."""
        from pybase.config import get_settings

        settings = get_settings()
        return cls(
            settings.resolved_database_url, busy_timeout_s=settings.sqlite_busy_timeout_seconds
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back when it
        raises. This is the boundary that commits; services and repositories never do."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"
