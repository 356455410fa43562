"""``pybase worker`` (a Celery worker of our app) and ``pybase verify`` (end-to-end check
that a running worker picks a job up and completes it).

Celery is imported only when one of these commands runs.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pybase.errors import PybaseError

if TYPE_CHECKING:
    from pybase.config import Settings
    from pybase.db.engine import Database

__all__ = [
    "NotConfiguredError",
    "run_verify",
    "run_worker",
    "schedule_cancel_fallback",
    "worker_argv",
]


class NotConfiguredError(PybaseError):
    """A distributed command was started without the setting it needs."""

    code = "not_configured"


def _require_broker(settings: Settings) -> str:
    if not settings.broker_url:
        raise NotConfiguredError(
            "PYBASE_BROKER_URL is not set: a worker needs a broker, e.g. "
            "PYBASE_BROKER_URL=redis://localhost:6379/0 (or amqp://guest@localhost//)"
        )
    return settings.broker_url


def _safe_url(url: str) -> str:
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(url))


def worker_argv(
    settings: Settings,
    *,
    concurrency: int | None = None,
    queues: str | None = None,
    beat: bool = False,
    loglevel: str = "info",
    hostname: str | None = None,
) -> list[str]:
    """The ``celery worker`` arguments for these options: prefork pool of ``concurrency``
    processes (default ``PYBASE_WORKERS``), consuming ``queues`` (comma-separated, default
    ``PYBASE_CELERY_QUEUE``), node name ``hostname`` (default ``pybase-<pid>@<host>``, unique
    per process so several workers can share a machine), beat embedded with ``beat``. Gossip
    and mingle are off (workers need not know each other; state lives in the database);
    remote control stays on, for revoke."""
    argv = [
        "worker",
        f"--loglevel={loglevel.upper()}",
        f"--concurrency={concurrency or settings.workers}",
        f"--queues={queues or settings.celery_queue}",
        f"--hostname={hostname or f'pybase-{os.getpid()}@%h'}",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        argv.append("--beat")
    return argv


def run_worker(
    *,
    concurrency: int | None,
    queues: str | None,
    beat: bool,
    loglevel: str,
    hostname: str | None,
    open_store: Callable[[], Database],
) -> None:
    """Start a Celery worker of the ``pybase`` app in this process (returns when it stops).

    Raises:
        NotConfiguredError: ``PYBASE_BROKER_URL`` is not set.
        PybaseError: the job store is not migrated (``open_store`` decides).
    """
    from pybase.config import get_settings

    settings = get_settings()
    _require_broker(settings)
    database = open_store()  # fails early, with a clear message, on an unmigrated store
    database.dispose()  # the pool processes open their own after the fork
    from pybase.worker.celery_app import app

    argv = worker_argv(
        settings,
        concurrency=concurrency,
        queues=queues,
        beat=beat,
        loglevel=loglevel,
        hostname=hostname,
    )
    app.worker_main(argv)


def schedule_cancel_fallback(job_id: uuid.UUID) -> str:
    """After ``pybase jobs cancel`` requested the cancel of a running job: with a broker, have
    a worker terminate the job's task if it has not stopped after the grace period (see
    :meth:`pybase.worker.dispatch.CeleryDispatcher.cancel`). Returns a note for the user ("" when
    there is no broker: the local pool's job stops at its next progress report, or is ended
    by the stale-heartbeat rescue)."""
    from pybase.config import get_settings

    settings = get_settings()
    if not settings.broker_url:
        return ""
    from pybase.worker.dispatch import CeleryDispatcher

    dispatcher = CeleryDispatcher(settings)
    try:
        dispatcher.cancel(job_id)
    finally:
        dispatcher.close()
    return f"; terminated after {settings.cancel_grace_seconds:g} s if it has not stopped"


# -- verify ------------------------------------------------------------------------------
@dataclass
class _Report:
    """Check lines printed as they are made; ``ok`` is False once any check failed."""

    echo: Callable[[str], None]
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def check(self, passed: bool, name: str, detail: str) -> bool:
        line = f"{'✓' if passed else '✗'} {name}: {detail}"
        self.lines.append(line)
        self.echo(line)
        self.ok = self.ok and passed
        return passed


def _tiny_dxf(path: Path) -> None:
    """A small but real DXF drawing (a rectangle, a circle and a text) written with ezdxf."""
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (100, 0), (100, 50), (0, 50)], close=True)
    msp.add_circle((50, 25), radius=10)
    msp.add_text("PYBASE VERIFY", dxfattribs={"height": 5}).set_placement((5, 55))
    doc.saveas(path)


def _seconds(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "?"
    return f"{(end - start).total_seconds():.2f} s"


def run_verify(
    *,
    timeout: float,
    open_store: Callable[[], Database],
    echo: Callable[[str], None] | None = None,
) -> int:
    """Check a running deployment end to end and print one line per check (``✓``/``✗ name:
    detail``): broker reachable, job store migrated, a worker answers, then a real job (a tiny
    DXF put into the file store) goes pending -> processing -> completed within ``timeout``
    seconds with ``celery_task_id``, ``started_at`` and ``completed_at`` set. The test job and
    its file are deleted afterwards. Returns the exit code: 0 when every check passed, else 1.
    """
    from pybase.config import get_settings

    report = _Report(echo or (lambda line: print(line, flush=True)))
    settings = get_settings()
    if not report.check(
        bool(settings.broker_url),
        "broker configured",
        _safe_url(settings.broker_url) if settings.broker_url else "PYBASE_BROKER_URL is not set",
    ):
        return 1
    from pybase.worker.dispatch import CeleryDispatcher

    dispatcher = CeleryDispatcher(settings)
    try:
        if not _check_broker(report, dispatcher):
            return 1
        try:
            database = open_store()
        except Exception as exc:
            report.check(False, "job store", f"{getattr(exc, 'message', None) or exc}")
            return 1
        report.check(True, "job store", database.url.render_as_string(hide_password=True))
        _check_workers(report, dispatcher)
        _check_job(report, database, dispatcher, settings, timeout)
        database.dispose()
    finally:
        dispatcher.close()
    return 0 if report.ok else 1


def _check_broker(report: _Report, dispatcher: Any) -> bool:
    try:
        with dispatcher.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:
        return report.check(False, "broker reachable", f"{type(exc).__name__}: {exc}")
    return report.check(True, "broker reachable", "connected")


def _check_workers(report: _Report, dispatcher: Any) -> None:
    try:
        replies = dispatcher.app.control.ping(timeout=1.0) or []
    except Exception as exc:
        replies, error = [], f"{type(exc).__name__}: {exc}"
    else:
        error = "no worker answered a ping within 1 s"
    names = sorted(name for reply in replies for name in reply)
    report.check(
        bool(names), "workers", f"{len(names)} answered ({', '.join(names)})" if names else error
    )


def _check_job(
    report: _Report, database: Database, dispatcher: Any, settings: Settings, timeout: float
) -> None:
    from pybase.jobs.service import create_job
    from pybase.storage import get_store
    from pybase.storage.base import object_key

    store = get_store(settings)
    staging = Path(tempfile.mkdtemp(prefix="pybase-verify-", dir=store.staging_dir()))
    job_id: uuid.UUID | None = None
    file_ref: str | None = None
    try:
        local = staging / "pybase-verify.dxf"
        _tiny_dxf(local)
        with database.session() as session:
            job = create_job(session, local, extraction_format="dxf", owner="pybase-verify")
            job_id = job.id
            file_ref = store.put(object_key(job.id, local.name), local)
            job.file_path = file_ref
        report.check(True, "test job", f"{job_id} ({local.name} in {store.describe()})")
        task_id = dispatcher.dispatch(job_id, "dxf")
        if not report.check(task_id is not None, "task sent", f"extract_dxf {task_id}"):
            return
        _watch(report, database, job_id, timeout, settings)
    except Exception as exc:
        report.check(False, "test job", f"{type(exc).__name__}: {exc}")
    finally:
        _cleanup(report, database, store, job_id, file_ref, staging)


def _watch(
    report: _Report, database: Database, job_id: uuid.UUID, timeout: float, settings: Settings
) -> None:
    """Poll the job row until it ends or ``timeout`` passes; check the path it took and the
    fields the worker must set."""
    from pybase.jobs.repository import JobRepository as repository
    from pybase.jobs.states import JobStatus as status

    seen = ["pending"]
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        with database.session() as session:
            job = repository(session).get(job_id)
        if job.status != seen[-1]:
            seen.append(job.status)
        if job.status in (status.COMPLETED, status.FAILED, status.CANCELLED):
            break
        time.sleep(0.05)
    assert job is not None
    if status.PROCESSING not in seen and job.started_at is not None:
        seen.insert(1, "processing")  # claimed and finished between two polls
    path = " -> ".join(seen)
    if job.status == status.PENDING:
        report.check(
            False,
            "picked up",
            f"still pending after {timeout:g} s: is a `pybase worker` consuming queue "
            f"{settings.celery_queue!r} on this broker?",
        )
        return
    report.check("processing" in seen, "picked up", f"{path} (worker {job.worker_id or '?'})")
    done = job.status == status.COMPLETED
    detail = (
        f"in {_seconds(job.started_at, job.completed_at)}"
        if done
        else f"status {job.status} ({job.error_code}: {job.error_message})"
    )
    report.check(done, "completed", detail)
    report.check(bool(job.celery_task_id), "celery_task_id", job.celery_task_id or "not set")
    report.check(
        job.started_at is not None,
        "started_at",
        job.started_at.isoformat() if job.started_at else "not set",
    )
    report.check(
        job.completed_at is not None,
        "completed_at",
        job.completed_at.isoformat() if job.completed_at else "not set",
    )


def _cleanup(
    report: _Report,
    database: Database,
    store: Any,
    job_id: uuid.UUID | None,
    file_ref: str | None,
    staging: Path,
) -> None:
    import shutil

    from pybase.jobs.repository import JobRepository

    shutil.rmtree(staging, ignore_errors=True)
    if job_id is None:
        return
    try:
        with database.session() as session:
            JobRepository(session).delete(job_id)
        if file_ref is not None:
            store.delete(file_ref)
    except Exception as exc:
        report.check(False, "cleanup", f"test job {job_id} not deleted: {exc}")
        return
    report.check(True, "cleanup", f"test job {job_id} and its file deleted")
