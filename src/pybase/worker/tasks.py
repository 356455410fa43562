"""Celery tasks. Each extraction task is a thin wrapper around
:func:`pybase.jobs.service.run_job`, the one code path that runs a job; none holds lifecycle
logic of its own.

* ``extract_pdf``, ``extract_dxf``, ``extract_ifc``, ``extract_step``: run the job; the
  format is detected from the file, the task name only routes it.
* ``extract_werk24``: a job whose options select the Werk24 engine (PDF or image drawings read
  by the Werk24 service, :mod:`pybase.extraction.werk24`); the same ``run_job``, which picks
  the engine from the job's options. Without the ``werk24`` extra the job fails
  ``dependency_missing``; Werk24's refusals and outages have codes of their own
  (``werk24_*``), the transient ones retried with backoff like any other.
* ``pybase.maintenance``: :func:`pybase.worker.maintenance.run_maintenance` (beat schedule).
* ``pybase.enforce_cancel``: terminates a running job that ignored its cancel.

Celery converts the worker-side failures it sees into job outcomes through
:class:`JobRequest`, which runs in the worker's main process: a pool process that died ends its
attempt at once (``worker_lost``, or ``cancelled`` when a cancel was requested) instead of
waiting for the heartbeat to go stale, and a hard time limit ends it ``extraction_timeout``.
The soft time limit is converted inside the task (:func:`extract_within_time_limit`).
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from pathlib import Path
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, Terminated, WorkerLostError
from celery.worker.request import Request

from pybase.errors import ExtractionTimeoutError, PybaseError
from pybase.jobs.service import end_attempt_of_worker, ignored_cancel, run_job
from pybase.worker.celery_app import ENFORCE_CANCEL_TASK, MAINTENANCE_TASK, app, get_database

__all__ = [
    "JobRequest",
    "JobTask",
    "enforce_cancel",
    "extract_dxf",
    "extract_ifc",
    "extract_pdf",
    "extract_step",
    "extract_werk24",
    "extract_within_time_limit",
    "maintenance",
]

log = logging.getLogger(__name__)


def extract_within_time_limit(
    path: Path, options: Any, progress: Any, *, max_bytes: int | None = None
) -> Any:
    """:func:`pybase.extraction.extract`, with Celery's soft time limit converted into
    :class:`~pybase.errors.ExtractionTimeoutError` (the job fails ``extraction_timeout``)."""
    from pybase.extraction.api import extract

    try:
        return extract(path, options, progress, max_bytes=max_bytes)
    except SoftTimeLimitExceeded as exc:
        raise ExtractionTimeoutError("extraction ran past the soft time limit") from exc


class JobRequest(Request):
    """Celery's request, plus job outcomes for failures only the worker's main process sees.

    Runs in the main process, which owns no job: the database write happens in a short-lived
    thread with a bounded wait, so an unreachable database never stalls the worker.
    """

    def on_timeout(self, soft: bool, timeout: float) -> None:
        """Hard limit: the pool killed the process; the attempt fails ``extraction_timeout``."""
        if not soft:
            self._end_attempt(
                ExtractionTimeoutError(
                    f"extraction ran longer than {timeout:.0f} s and was stopped"
                )
            )
        super().on_timeout(soft, timeout)

    def on_failure(
        self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False
    ) -> None:
        """The pool process died (crash, OOM, SIGKILL) or was terminated (revoke): end its
        attempt before Celery re-queues or acknowledges the message."""
        exc = getattr(exc_info.exception, "exc", exc_info.exception)
        if isinstance(exc, WorkerLostError | Terminated | SystemExit):
            self._end_attempt(None)
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)

    def _end_attempt(self, error: PybaseError | None) -> None:
        if not self.args or self.worker_pid is None:
            return
        try:
            job_id = uuid.UUID(str(self.args[0]))
        except ValueError:
            return
        worker_id = f"{socket.gethostname()}:{self.worker_pid}"

        def write() -> None:
            try:
                status = end_attempt_of_worker(get_database(), job_id, worker_id, error)
            except Exception as exc:  # the stale-heartbeat rescue will end it instead
                log.warning("job %s: attempt of %s not ended: %s", job_id, worker_id, exc)
                return
            if status is not None:
                log.info("job %s: attempt of %s ended, now %s", job_id, worker_id, status)

        thread = threading.Thread(target=write, name=f"end-attempt-{job_id}", daemon=True)
        thread.start()
        thread.join(10)


class JobTask(Task):
    """Base of the extraction tasks: :class:`JobRequest`, no stored result."""

    Request = JobRequest
    ignore_result = True


def _run(task: Task, job_id: str, extract_fn: Any = extract_within_time_limit) -> str | None:
    return run_job(
        get_database(), uuid.UUID(job_id), celery_task_id=task.request.id, extract_fn=extract_fn
    ).status


@app.task(name="extract_pdf", bind=True, base=JobTask)
def extract_pdf(self: Task, job_id: str) -> str | None:
    """Run job ``job_id`` (a PDF, or a file whose format could not be detected)."""
    return _run(self, job_id)


@app.task(name="extract_dxf", bind=True, base=JobTask)
def extract_dxf(self: Task, job_id: str) -> str | None:
    """Run job ``job_id`` (a DXF drawing)."""
    return _run(self, job_id)


@app.task(name="extract_ifc", bind=True, base=JobTask)
def extract_ifc(self: Task, job_id: str) -> str | None:
    """Run job ``job_id`` (an IFC model)."""
    return _run(self, job_id)


@app.task(name="extract_step", bind=True, base=JobTask)
def extract_step(self: Task, job_id: str) -> str | None:
    """Run job ``job_id`` (a STEP part or assembly)."""
    return _run(self, job_id)


@app.task(name="extract_werk24", bind=True, base=JobTask)
def extract_werk24(self: Task, job_id: str) -> str | None:
    """Run job ``job_id``, a drawing for the Werk24 engine (its options say ``engine=werk24``)."""
    return _run(self, job_id)


@app.task(name=MAINTENANCE_TASK, soft_time_limit=540, time_limit=600, ignore_result=True)
def maintenance() -> None:
    """One run of :func:`pybase.worker.maintenance.run_maintenance` (it logs its counts)."""
    from pybase.worker.dispatch import CeleryDispatcher
    from pybase.worker.maintenance import run_maintenance

    run_maintenance(get_database(), CeleryDispatcher(app=app))


@app.task(name=ENFORCE_CANCEL_TASK, time_limit=60, ignore_result=True)
def enforce_cancel(job_id: str) -> bool:
    """Terminate the task of job ``job_id`` if the job still runs although its cancel was
    requested; returns whether a revoke was sent."""
    from pybase.worker.dispatch import CeleryDispatcher

    with get_database().session() as session:
        target = ignored_cancel(session, uuid.UUID(job_id))
    if target is None or not target.celery_task_id:
        return False
    log.info("job %s ignored its cancel: terminating task %s", job_id, target.celery_task_id)
    CeleryDispatcher(app=app).revoke(target.celery_task_id)
    return True
