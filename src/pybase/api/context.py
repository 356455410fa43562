"""What every request handler needs: settings, job store, file store and dispatcher, built
once per app by :func:`pybase.api.app.create_app` and kept on ``app.state.pybase``."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from pybase.auth.service import Principal
    from pybase.config import Settings
    from pybase.db.engine import Database
    from pybase.storage.base import FileStore
    from pybase.worker.dispatch import Dispatcher

__all__ = ["ApiContext", "get_context"]

log = logging.getLogger("pybase.api")


@dataclass
class ApiContext:
    """Shared state of one API app.

    ``dispatcher`` is created on first use (or at startup) through ``dispatcher_factory`` and
    closed at shutdown; tests may pass a ready one.
    """

    settings: Settings
    database: Database
    store: FileStore
    dispatcher_factory: Any
    auth_enabled: bool = True
    _dispatcher: Dispatcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tokens: dict[str, tuple[Principal, float]] = field(default_factory=dict)

    #: Most verified tokens remembered at once (the cache is emptied when full).
    TOKEN_CACHE_SIZE = 10_000

    def cached_principal(self, token_hash: str) -> Principal | None:
        """The principal of a token verified less than ``PYBASE_AUTH_CACHE_SECONDS`` ago."""
        entry = self._tokens.get(token_hash)
        if entry is None:
            return None
        if time.monotonic() - entry[1] > self.settings.auth_cache_seconds:
            self._tokens.pop(token_hash, None)
            return None
        return entry[0]

    def remember_principal(self, token_hash: str, principal: Principal) -> None:
        """Cache a verified token (by its hash, never the token) for the cache period."""
        if self.settings.auth_cache_seconds <= 0:
            return
        if len(self._tokens) >= self.TOKEN_CACHE_SIZE:
            self._tokens.clear()
        self._tokens[token_hash] = (principal, time.monotonic())

    @property
    def dispatcher(self) -> Dispatcher:
        """The dispatcher, created on first use."""
        with self._lock:
            if self._dispatcher is None:
                self._dispatcher = self.dispatcher_factory()
            return self._dispatcher

    @property
    def max_upload_bytes(self) -> int:
        """``PYBASE_MAX_UPLOAD_MB`` in bytes (10^6 per MB, like ``max_file_mb``)."""
        return int(self.settings.max_upload_mb * 1_000_000)

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        """Send a committed job to a worker. Never raises: a job whose dispatch failed stays
        ``pending`` in the database, and the periodic maintenance re-sends it."""
        try:
            return self.dispatcher.dispatch(job_id, extraction_format)
        except Exception:
            log.exception("dispatch of job %s failed; maintenance will re-send it", job_id)
            return None

    def cancel_running(self, job_id: uuid.UUID) -> None:
        """After a cancel of a *processing* job was committed: let the dispatcher terminate the
        attempt if it does not stop by itself within ``PYBASE_CANCEL_GRACE_SECONDS``. Never
        raises (the stale-heartbeat rescue is the last resort)."""
        try:
            cancel = getattr(self.dispatcher, "cancel", None)
            if callable(cancel):
                cancel(job_id)
        except Exception:
            log.exception("cancel fallback for job %s could not be scheduled", job_id)

    def close(self) -> None:
        """Stop the dispatcher (if it has a ``close``/``shutdown``/``stop``) and the engine."""
        with self._lock:
            dispatcher, self._dispatcher = self._dispatcher, None
        for name in ("close", "shutdown", "stop"):
            method = getattr(dispatcher, name, None)
            if callable(method):
                try:
                    method()
                except Exception:
                    log.exception("stopping the dispatcher failed")
                break
        self.database.dispose()


async def get_context(request: Request) -> ApiContext:
    """FastAPI dependency: the app's :class:`ApiContext` (async: no worker-thread hop)."""
    ctx: ApiContext = request.app.state.pybase
    return ctx
