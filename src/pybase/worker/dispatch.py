"""The dispatcher seam: how a committed job reaches a worker.

``Dispatcher.dispatch(job_id, extraction_format)`` is called only after the job row is
committed. Two implementations, chosen by :func:`get_dispatcher`:

* :class:`CeleryDispatcher` (``PYBASE_BROKER_URL`` set): sends the task named for the format
  (``extract_pdf``, ``extract_dxf``, ``extract_ifc``, ``extract_step``), or ``extract_werk24``
  for a job whose options select the Werk24 engine (the caller passes :func:`route_for`'s
  key), to the broker; any ``pybase worker`` runs it. The task name only routes: every task
  runs ``run_job``, which reads the engine and format from the job itself, so a re-send by
  format (maintenance) still runs a Werk24 job with Werk24.
* :class:`~pybase.worker.embedded.EmbeddedService` (no broker): a long-running local pool of
  worker processes inside the calling process (``pybase serve``), with its own maintenance.

A dispatch that fails (broker down) loses nothing: the job stays ``pending`` in the database
and the periodic maintenance re-sends it. Importing this module imports neither Celery nor
FastAPI; :class:`CeleryDispatcher` imports Celery when it is built.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pybase.config import Settings
    from pybase.db.engine import Database

__all__ = [
    "TASK_NAMES",
    "CeleryDispatcher",
    "Dispatcher",
    "get_dispatcher",
    "route_for",
    "task_name_for",
]

log = logging.getLogger(__name__)

#: Celery task name per extraction format (DESIGN.md, "Execution").
TASK_NAMES: dict[str, str] = {
    "pdf": "extract_pdf",
    "dxf": "extract_dxf",
    "ifc": "extract_ifc",
    "step": "extract_step",
    "werk24": "extract_werk24",
}


def task_name_for(extraction_format: str | None) -> str:
    """The Celery task name for a format. A job whose format could not be detected still needs
    a task so that it fails with its detection error code; it is sent as ``extract_pdf``."""
    return TASK_NAMES.get(extraction_format or "", "extract_pdf")


def route_for(extraction_format: str | None, options: dict[str, Any] | None) -> str | None:
    """The routing key passed to :meth:`Dispatcher.dispatch` for a job: ``"werk24"`` when its
    options select the Werk24 engine (task ``extract_werk24``), else its format."""
    if (options or {}).get("engine") == "werk24":
        return "werk24"
    return extraction_format


class Dispatcher(Protocol):
    """Sends committed jobs to workers."""

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        """Send the job; returns the Celery task id when there is one. Must not raise for a
        transient transport problem (log it; maintenance re-sends pending jobs)."""
        ...

    def cancel(self, job_id: uuid.UUID) -> None:
        """Back up a cancel of a *running* job (after ``jobs.service.cancel_job`` set
        ``cancel_requested`` and the caller committed): if the attempt has not stopped by itself
        after ``PYBASE_CANCEL_GRACE_SECONDS``, terminate the process running it; the attempt then
        ends ``cancelled``. Must not raise for a transient transport problem."""
        ...

    def close(self) -> None:
        """Release connections and (embedded) stop the worker processes."""
        ...


class CeleryDispatcher:
    """Sends jobs as Celery tasks to the broker at ``settings.broker_url``.

    Args:
        settings: where the broker is, the queue name and the cancel grace period (default:
            the process settings).
        app: an existing Celery app to send through (the worker's own, inside tasks); by
            default a new app is built from ``settings`` and closed by :meth:`close`.
    """

    def __init__(self, settings: Settings | None = None, *, app: Any = None) -> None:
        from pybase.config import get_settings
        from pybase.worker.celery_app import create_app

        self.settings = settings or get_settings()
        self._owns_app = app is None
        self.app = app if app is not None else create_app(self.settings)

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        """Send ``extract_<format>(job_id)``; returns its task id, or None when the broker could
        not be reached (logged; the job stays pending and maintenance re-sends it)."""
        task_id = str(uuid.uuid4())
        try:
            self.app.send_task(
                task_name_for(extraction_format),
                args=[str(job_id)],
                task_id=task_id,
                queue=self.settings.celery_queue,
            )
        except Exception as exc:  # broker down or unreachable: nothing is lost
            log.warning("job %s not sent (broker unavailable: %s); it stays pending", job_id, exc)
            return None
        return task_id

    def cancel(self, job_id: uuid.UUID) -> None:
        """Schedule ``pybase.enforce_cancel(job_id)`` to run after the grace period on any
        worker; it terminates the job's task if the job is still running by then."""
        from pybase.worker.celery_app import ENFORCE_CANCEL_TASK

        try:
            self.app.send_task(
                ENFORCE_CANCEL_TASK,
                args=[str(job_id)],
                countdown=self.settings.cancel_grace_seconds,
                queue=self.settings.celery_queue,
            )
        except Exception as exc:  # the stale-heartbeat rescue still ends it as cancelled
            log.warning("cancel fallback for job %s not scheduled: %s", job_id, exc)

    def revoke(self, task_id: str) -> None:
        """Terminate the running task ``task_id`` wherever it runs (broadcast to all workers;
        SIGTERM to the pool process)."""
        self.app.control.revoke(task_id, terminate=True, signal="SIGTERM")

    def close(self) -> None:
        """Close the broker connections of an app this dispatcher built."""
        if self._owns_app:
            self.app.close()


def get_dispatcher(settings: Settings, database: Database | None = None) -> Dispatcher:
    """The dispatcher for this configuration: Celery when ``settings.broker_url`` is set,
    otherwise a started :class:`~pybase.worker.embedded.EmbeddedService` running jobs of
    ``database`` (default: the configured store) on ``settings.workers`` local processes.
    The caller calls ``close()`` when it shuts down."""
    if settings.broker_url:
        return CeleryDispatcher(settings)
    from pybase.db.engine import Database
    from pybase.worker.embedded import EmbeddedService

    return EmbeddedService.from_settings(
        database or Database.from_settings(), settings=settings
    ).start()
