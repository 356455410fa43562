"""Reachability checks behind ``GET /health``: the job store, the broker, the file store.

Each check is bounded (a few seconds at most) and reports instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pybase.api.schemas import ComponentHealth

if TYPE_CHECKING:
    from pybase.api.context import ApiContext

__all__ = ["check_broker", "check_database", "check_storage", "redact_url"]

_TIMEOUT_S = 3.0


def redact_url(url: str) -> str:
    """``url`` without its password (for /health and logs)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def _timed(check: Callable[[], str]) -> ComponentHealth:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:
        elapsed = (time.perf_counter() - started) * 1000
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        return ComponentHealth(
            ok=False, detail=f"{type(exc).__name__}: {message}", latency_ms=round(elapsed, 1)
        )
    return ComponentHealth(
        ok=True, detail=detail, latency_ms=round((time.perf_counter() - started) * 1000, 1)
    )


def check_database(ctx: ApiContext) -> ComponentHealth:
    """``SELECT 1`` on the job store."""
    from sqlalchemy import text

    database = ctx.database

    def run() -> str:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return database.url.get_backend_name()

    return _timed(run)


def check_broker(ctx: ApiContext) -> ComponentHealth:
    """Open (and close) a connection to ``PYBASE_BROKER_URL`` with kombu; ``ok`` is null in
    embedded mode (no broker)."""
    url = ctx.settings.broker_url
    if not url:
        return ComponentHealth(ok=None, detail="no broker: jobs run on the embedded pool")

    def run() -> str:
        from kombu import Connection

        with Connection(url, connect_timeout=_TIMEOUT_S) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=_TIMEOUT_S)
        return redact_url(url)

    return _timed(run)


def check_storage(ctx: ApiContext) -> ComponentHealth:
    """The upload store: the directory can be created, or the bucket answers HEAD."""
    store = ctx.store

    def run() -> str:
        ping = getattr(store, "ping", None)
        if callable(ping):
            ping()
        else:
            store.staging_dir()
        return store.describe()

    return _timed(run)
