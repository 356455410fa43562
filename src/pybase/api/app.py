"""The FastAPI application: :func:`create_app`.

Routes: ``/api/v1/extraction/jobs…`` (:mod:`pybase.api.routes.jobs`), ``/health`` and
``/metrics`` (:mod:`pybase.api.routes.system`); OpenAPI at ``/openapi.json``, Swagger UI at
``/docs``. Every error is JSON ``{"error": code, "detail": ...}`` (:mod:`pybase.api.errors`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from pybase import __version__
from pybase.api.context import ApiContext
from pybase.api.errors import install_error_handlers
from pybase.config import Settings, get_settings

if TYPE_CHECKING:
    from pybase.db.engine import Database
    from pybase.storage.base import FileStore
    from pybase.worker.dispatch import Dispatcher

__all__ = ["create_app", "prepare_database"]

log = logging.getLogger("pybase.api")

_DESCRIPTION = """\
Upload engineering files (PDF, DXF, IFC, STEP) and get structured data back through durable
extraction jobs. Authenticate with `Authorization: Bearer <token>` (`pybase tokens create`).
Errors are JSON `{"error": code, "detail": ...}`.
"""


def prepare_database(database: Database) -> None:
    """Make sure the job store is usable: the embedded SQLite store migrates itself; a
    PostgreSQL store must already be at the current revision.

    Raises:
        PybaseError: PostgreSQL store not migrated (run ``pybase db upgrade``).
    """
    from pybase.db import migrate

    migrate.require_current(database)


def _dispatcher_factory(settings: Settings, database: Database) -> Callable[[], Dispatcher]:
    def make() -> Dispatcher:
        from pybase.worker.dispatch import get_dispatcher

        return get_dispatcher(settings, database)

    return make


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    store: FileStore | None = None,
    dispatcher: Dispatcher | None = None,
) -> FastAPI:
    """Build the API app.

    Args:
        settings: defaults to the process settings (``PYBASE_*`` environment).
        database: the job store; default ``PYBASE_DATABASE_URL`` (SQLite when unset).
        store: where uploads go; default :func:`pybase.storage.get_store`.
        dispatcher: how committed jobs reach workers; default
            :func:`pybase.worker.dispatch.get_dispatcher` (Celery when ``PYBASE_BROKER_URL``
            is set, else the embedded pool), created at startup and closed at shutdown.

    Authentication is on unless ``settings.auth`` is ``disabled`` (``pybase serve`` allows
    that on loopback only).
    """
    from pybase.api.routes import jobs, system
    from pybase.db.engine import Database
    from pybase.storage import get_store

    settings = settings or get_settings()
    if database is None:
        database = Database(
            settings.resolved_database_url, busy_timeout_s=settings.sqlite_busy_timeout_seconds
        )
    ctx = ApiContext(
        settings=settings,
        database=database,
        store=store or get_store(settings),
        dispatcher_factory=_dispatcher_factory(settings, database),
        auth_enabled=settings.auth.strip().lower() != "disabled",
        _dispatcher=dispatcher,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        prepare_database(ctx.database)
        ctx.dispatcher  # noqa: B018  (start the embedded pool / connect Celery now)
        log.info("pybase API ready: store %s, files %s", ctx.database, ctx.store.describe())
        try:
            yield
        finally:
            ctx.close()

    app = FastAPI(
        title="PyBase Extract",
        version=__version__,
        description=_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.pybase = ctx
    install_error_handlers(app)
    app.include_router(jobs.router)
    app.include_router(system.router)
    return app
