"""The job lifecycle: create, claim and run, cancel, retry, rescue.

:func:`run_job` is the one code path that runs a job. The embedded process pool and the
Celery task both call it; neither has lifecycle logic of its own. It uses short transactions
of its own (claim, progress, outcome) because it *is* the task boundary; every other function
here works inside the caller's session and never commits.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from pybase.config import Settings, get_settings
from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.errors import (
    ExtractionError,
    JobCancelledError,
    PybaseError,
    WorkerLostError,
)
from pybase.jobs.models import ExtractionJob
from pybase.jobs.repository import Claim, JobRepository
from pybase.jobs.states import CLAIMABLE, JobStatus, check_transition
from pybase.storage import materialize

__all__ = [
    "DB_UNAVAILABLE",
    "IgnoredCancel",
    "JobOutcome",
    "backoff_seconds",
    "cancel_job",
    "create_job",
    "default_worker_id",
    "end_attempt_of_worker",
    "ignored_cancel",
    "mark_attempt_lost",
    "month_start_utc",
    "pages_read_this_month",
    "prune_finished_jobs",
    "rescue_stale_jobs",
    "retry_job",
    "run_job",
]

ExtractFn = Callable[..., Any]

log = logging.getLogger(__name__)

#: Errors that mean "the database cannot be reached right now" (server restarting, network
#: gone, SQLite lock held past the busy timeout). A running attempt rides them out.
DB_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def default_worker_id() -> str:
    """``host:pid`` of this process; the host part lets a supervisor on the same machine
    tell whether the process is still alive."""
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff_seconds(
    retry_count: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Delay before retry number ``retry_count + 1``, in seconds: exponential
    ``base * 2**retry_count`` capped at ``cap``, with "full jitter" (a uniform draw between
    half and all of it) so that many jobs failing together do not retry together."""
    rng = rng or random.Random()
    ceiling = min(cap, base * (2 ** max(0, retry_count)))
    return rng.uniform(ceiling / 2, ceiling)


def create_job(
    session: Session,
    path: Path,
    *,
    options: dict[str, Any] | None = None,
    owner: str | None = None,
    max_retries: int | None = None,
    extraction_format: str | None = None,
    sha256: str | None = None,
) -> ExtractionJob:
    """Stage a pending job for the file at ``path`` (not committed: the caller commits, and only
    then enqueues). The format is detected from the content when not given; a file that cannot
    be detected still gets a job, which will fail with the detection's error code."""
    from pybase.extraction.detect import detect_format

    if extraction_format is None:
        try:
            extraction_format = detect_format(path).format
        except PybaseError:
            extraction_format = None
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    job = ExtractionJob(
        id=uuid.uuid4(),
        status=JobStatus.PENDING.value,
        extraction_format=extraction_format,
        filename=path.name,
        file_path=str(path),
        file_size=size,
        sha256=sha256,
        options=options or {},
        owner=owner,
        max_retries=get_settings().max_retries if max_retries is None else max_retries,
        created_at=utcnow(),
    )
    return JobRepository(session).add(job)


def cancel_job(session: Session, job_id: uuid.UUID) -> ExtractionJob:
    """Cancel a job: a pending or retrying job becomes ``cancelled`` at once; a processing job
    gets ``cancel_requested`` and its worker stops at the next progress report.

    Raises:
        JobNotFoundError, IllegalTransitionError (the job already ended).
    """
    repo = JobRepository(session)
    job = repo.get(job_id)
    check_transition(job.status, JobStatus.CANCELLED)
    now = utcnow()
    if job.status == JobStatus.PROCESSING:
        applied = repo.conditional_update(job_id, [JobStatus.PROCESSING], cancel_requested=True)
    else:
        applied = repo.conditional_update(
            job_id,
            [s.value for s in CLAIMABLE],
            status=JobStatus.CANCELLED.value,
            completed_at=now,
            error_code="cancelled",
            error_message="cancelled before it ran",
            next_retry_at=None,
        )
        if not applied:  # a worker claimed it since we read it (READ COMMITTED): stop that
            applied = repo.conditional_update(job_id, [JobStatus.PROCESSING], cancel_requested=True)
    session.expire(job)
    job = repo.get(job_id)
    if not applied:  # it ended meanwhile
        check_transition(job.status, JobStatus.CANCELLED)
    return job


def retry_job(session: Session, job_id: uuid.UUID) -> ExtractionJob:
    """Put a failed or cancelled job back to ``pending`` with a fresh retry budget.

    Raises:
        JobNotFoundError, IllegalTransitionError (the job is not failed/cancelled).
    """
    repo = JobRepository(session)
    job = repo.get(job_id)
    check_transition(job.status, JobStatus.PENDING)
    repo.conditional_update(
        job_id,
        [JobStatus.FAILED, JobStatus.CANCELLED],
        status=JobStatus.PENDING.value,
        retry_count=0,
        next_retry_at=None,
        error_code=None,
        error_message=None,
        error_stack_trace=None,
        cancel_requested=False,
        progress=0,
        completed_at=None,
        duration_ms=None,
        result=None,
        pages_read=None,
    )
    session.expire(job)
    return repo.get(job_id)


def _failure_values(
    claim_retry_count: int,
    max_retries: int,
    error: PybaseError,
    settings: Settings,
    trace: str | None,
    duration_ms: int,
) -> dict[str, Any]:
    """Column values that end an attempt with ``error``: retrying (transient, budget left) or
    failed."""
    now = utcnow()
    values: dict[str, Any] = {
        "error_code": error.code,
        "error_message": error.message,
        "error_stack_trace": trace,
        "duration_ms": duration_ms,
        "heartbeat_at": now,
    }
    if error.transient and claim_retry_count < max_retries:
        delay = backoff_seconds(
            claim_retry_count, base=settings.retry_base_seconds, cap=settings.retry_max_seconds
        )
        values.update(
            status=JobStatus.RETRYING.value,
            retry_count=claim_retry_count + 1,
            next_retry_at=now + timedelta(seconds=delay),
        )
    else:
        values.update(status=JobStatus.FAILED.value, completed_at=now)
    return values


def mark_attempt_lost(
    database: Database, job_id: uuid.UUID, attempt: int, error: PybaseError | None = None
) -> str | None:
    """End attempt ``attempt`` of a processing job whose worker is gone (died, killed, timed
    out). With the default ``WorkerLostError`` the job is retried while its budget lasts. A job
    whose cancel was requested ends ``cancelled`` instead, whatever stopped it (a worker
    terminated by the cancel fallback is not a lost worker). Returns the new status, or None
    when the attempt had already ended (fenced)."""
    error = error or WorkerLostError("the worker process died while running the job")
    settings = get_settings()
    with database.session() as session:
        repo = JobRepository(session)
        try:
            job = repo.get(job_id)
        except PybaseError:
            return None
        if job.status != JobStatus.PROCESSING or job.attempt != attempt:
            return None
        elapsed = int((utcnow() - job.started_at).total_seconds() * 1000) if job.started_at else 0
        if job.cancel_requested:
            values = _cancelled_values(elapsed, "cancelled; the worker running it was stopped")
        else:
            values = _failure_values(
                job.retry_count, job.max_retries, error, settings, None, elapsed
            )
        if repo.fenced_update(job_id, attempt, **values):
            return str(values["status"])
    return None


def _cancelled_values(duration_ms: int, message: str) -> dict[str, Any]:
    """Column values that end an attempt ``cancelled``."""
    return {
        "status": JobStatus.CANCELLED.value,
        "completed_at": utcnow(),
        "duration_ms": duration_ms,
        "error_code": JobCancelledError.code,
        "error_message": message,
    }


def end_attempt_of_worker(
    database: Database, job_id: uuid.UUID, worker_id: str, error: PybaseError | None = None
) -> str | None:
    """End the attempt of job ``job_id`` that worker ``worker_id`` (``host:pid``) holds, after
    that process died, was terminated or ran past its hard time limit; see
    :func:`mark_attempt_lost` for the outcome. Returns the new status, or None when that
    worker holds no attempt of the job (it ended already, or another worker claimed it)."""
    with database.session() as session:
        rows = JobRepository(session).processing_by_workers([worker_id])
    for row in rows:
        if row.id == job_id:
            return mark_attempt_lost(database, job_id, row.attempt, error)
    return None


@dataclass(frozen=True)
class IgnoredCancel:
    """A running attempt whose cancel was requested but which has not stopped: what a
    dispatcher needs to terminate it (the Celery task id, or the ``host:pid`` worker id)."""

    job_id: uuid.UUID
    attempt: int
    celery_task_id: str | None
    worker_id: str | None


def ignored_cancel(session: Session, job_id: uuid.UUID) -> IgnoredCancel | None:
    """The attempt to terminate for a job whose cancel was requested while it ran and that is
    still ``processing`` (the extractor did not reach a progress report: a long native call).
    None when the job stopped by itself, was never cancelled, or does not exist. Terminating
    the worker then ends the attempt ``cancelled`` (see :func:`mark_attempt_lost`)."""
    try:
        job = JobRepository(session).get(job_id)
    except PybaseError:
        return None
    if job.status != JobStatus.PROCESSING or not job.cancel_requested:
        return None
    return IgnoredCancel(job.id, job.attempt, job.celery_task_id, job.worker_id)


def prune_finished_jobs(
    session: Session, *, finished_before: datetime, limit: int = 1000
) -> tuple[int, list[str]]:
    """Delete up to ``limit`` completed, failed or cancelled jobs that finished before
    ``finished_before``. Returns (jobs deleted, file refs that no remaining job refers to):
    the caller deletes those files after committing, and only the ones it owns (the store's)."""
    repo = JobRepository(session)
    rows = repo.finished_before(cutoff=finished_before, limit=limit)
    if not rows:
        return 0, []
    deleted = repo.delete_many([row.id for row in rows])
    refs = {row.file_path for row in rows}
    orphaned = sorted(refs - repo.file_paths_in_use(refs))
    return deleted, orphaned


def rescue_stale_jobs(
    database: Database, *, now_host_alive: Callable[[str], bool] | None = None
) -> list[tuple[uuid.UUID, str]]:
    """Find processing jobs whose worker is gone and end their attempt with ``worker_lost``
    (retrying, or failed when retries are used up).

    A worker is gone when its heartbeat is older than ``PYBASE_HEARTBEAT_TIMEOUT_SECONDS``, or,
    when ``now_host_alive`` is given, when that function says the ``host:pid`` worker id is not
    alive (a supervisor on the same host can check pids). Returns (job id, new status) pairs.
    """
    settings = get_settings()
    cutoff = utcnow() - timedelta(seconds=settings.heartbeat_timeout_seconds)
    with database.session() as session:
        repo = JobRepository(session)
        lost = {row.id: row.attempt for row in repo.stale(heartbeat_before=cutoff)}
        if now_host_alive is not None:
            for row in repo.processing_on_host(socket.gethostname()):
                if not now_host_alive(row.worker_id):
                    lost[row.id] = row.attempt
    rescued = []
    for job_id, attempt in lost.items():
        status = mark_attempt_lost(database, job_id, attempt)
        if status is not None:
            rescued.append((job_id, status))
    return rescued


@dataclass(frozen=True)
class JobOutcome:
    """What :func:`run_job` did: ``status`` is the job's status after the attempt, or None when
    the job could not be claimed (already running, finished, cancelled, or not yet due)."""

    job_id: uuid.UUID
    status: str | None
    attempt: int | None = None
    error_code: str | None = None


class _Heartbeat:
    """Writes ``heartbeat_at`` every ``interval`` seconds from a daemon thread while a job runs,
    so a long native call (OCP transfer, a huge PDF page) does not look like a dead worker."""

    def __init__(self, database: Database, job_id: uuid.UUID, attempt: int, interval: float):
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(database, job_id, attempt, interval),
            daemon=True,
            name=f"heartbeat-{job_id}",
        )

    def _run(self, database: Database, job_id: uuid.UUID, attempt: int, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                with database.session() as session:
                    if not JobRepository(session).beat(job_id, attempt, now=utcnow()):
                        return  # superseded, ended, or cancel requested: stop beating
            except Exception:  # the next beat tries again; the job itself reports errors
                continue

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class _ProgressWriter:
    """The progress callback handed to extractors: writes at most every ``min_interval``
    seconds (and always the final step), raises JobCancelledError when a cancel was
    requested or the attempt was superseded. A report that cannot be written because the
    database is unreachable is skipped: the extraction goes on, and the outcome write waits for
    the database (see :func:`_write_outcome`)."""

    def __init__(
        self, database: Database, job_id: uuid.UUID, attempt: int, min_interval: float = 0.5
    ) -> None:
        self.database, self.job_id, self.attempt = database, job_id, attempt
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.min_interval and done < total:
            return
        self._last = now
        try:
            with self.database.session() as session:
                applied, cancel = JobRepository(session).report_progress(
                    self.job_id, self.attempt, done=done, total=total, now=utcnow()
                )
        except DB_UNAVAILABLE as exc:
            log.warning("job %s: progress not written (database unavailable: %s)", self.job_id, exc)
            return
        if cancel:
            raise JobCancelledError("cancel requested")
        if not applied:
            raise JobCancelledError("this attempt was superseded or the job was cancelled")


def run_job(
    database: Database,
    job_id: uuid.UUID,
    *,
    worker_id: str | None = None,
    celery_task_id: str | None = None,
    extract_fn: ExtractFn | None = None,
) -> JobOutcome:
    """Claim job ``job_id`` and run its extraction to an outcome.

    1. Claim (one atomic conditional UPDATE); if it does not apply, return without doing
       anything (duplicate delivery, already finished, cancelled, retry not yet due).
    2. Extract with progress and heartbeat; every write is fenced by the attempt number.
    3. Write the outcome: ``completed`` with the result JSON; ``retrying`` (transient error
       with retries left, ``next_retry_at`` from :func:`backoff_seconds`); ``failed`` with a
       stable ``error_code`` (permanent error, retries used up, or an unexpected exception
       recorded as ``internal_error`` with its stack trace); ``cancelled``.

    ``extract_fn(path, options, progress, max_bytes=...)`` defaults to
    :func:`pybase.extraction.extract`; tests and benchmarks pass their own.
    """
    settings = get_settings()
    worker_id = worker_id or default_worker_id()
    with database.session() as session:
        claim = JobRepository(session).claim(job_id, worker_id=worker_id, now=utcnow())
        if claim is not None and celery_task_id:
            JobRepository(session).fenced_update(
                job_id, claim.attempt, celery_task_id=celery_task_id
            )
    if claim is None:
        return JobOutcome(job_id, None)
    return _execute(database, claim, settings, extract_fn)


def _execute(
    database: Database, claim: Claim, settings: Settings, extract_fn: ExtractFn | None
) -> JobOutcome:
    from pybase.extraction.api import extract
    from pybase.extraction.base import ExtractionOptions

    run_extract: ExtractFn = extract_fn or extract
    started = time.monotonic()
    progress = _ProgressWriter(database, claim.job_id, claim.attempt)
    values: dict[str, Any]
    try:
        options = dict(claim.options)
        with (
            _Heartbeat(database, claim.job_id, claim.attempt, settings.heartbeat_seconds),
            materialize(claim.file_path) as local_path,
        ):
            result = run_extract(
                local_path,
                ExtractionOptions.model_validate(options),
                progress,
                max_bytes=settings.max_file_bytes,
            )
        duration_ms = int((time.monotonic() - started) * 1000)
        payload = result.model_dump(mode="json")
        values = {
            "status": JobStatus.COMPLETED.value,
            "result": payload,
            "progress": 100,
            "completed_at": utcnow(),
            "duration_ms": duration_ms,
            "error_code": None,
            "error_message": None,
            "heartbeat_at": utcnow(),
            "extraction_format": payload["source"]["format"],
            "sha256": payload["source"]["sha256"],
            "pages_read": (payload.get("stats") or {}).get("werk24_pages_read"),
        }
    except JobCancelledError:
        values = _cancelled_values(
            int((time.monotonic() - started) * 1000), "cancelled while running"
        )
    except PybaseError as exc:
        trace = None if isinstance(exc, ExtractionError) else traceback.format_exc()
        values = _failure_values(
            claim.retry_count,
            claim.max_retries,
            exc,
            settings,
            trace,
            int((time.monotonic() - started) * 1000),
        )
    except Exception as exc:
        error = PybaseError(f"{type(exc).__name__}: {exc}")
        values = _failure_values(
            claim.retry_count,
            claim.max_retries,
            error,
            settings,
            traceback.format_exc(),
            int((time.monotonic() - started) * 1000),
        )
    applied = _write_outcome(database, claim, values, settings)
    if not applied:
        return JobOutcome(claim.job_id, None, claim.attempt)
    return JobOutcome(claim.job_id, str(values["status"]), claim.attempt, values.get("error_code"))


def _write_outcome(
    database: Database, claim: Claim, values: dict[str, Any], settings: Settings
) -> bool:
    """Write an attempt's outcome (fenced). While the database is unreachable (a PostgreSQL
    restart) the write is tried again for up to ``heartbeat_timeout_seconds``; after that the
    error propagates and the attempt stays ``processing`` until the stale-heartbeat rescue ends
    it, so the job is never lost. Returns whether the write applied."""
    deadline = time.monotonic() + settings.heartbeat_timeout_seconds
    delay = 0.2
    while True:
        try:
            with database.session() as session:
                return JobRepository(session).fenced_update(claim.job_id, claim.attempt, **values)
        except DB_UNAVAILABLE as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning(
                "job %s: outcome not written yet (database unavailable: %s)", claim.job_id, exc
            )
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


# -- API additions: uploaded files, visibility, de-duplication, deletion -------------------
def create_stored_job(
    session: Session,
    *,
    job_id: uuid.UUID,
    file_ref: str,
    filename: str,
    file_size: int,
    sha256: str | None,
    options: dict[str, Any] | None = None,
    owner: str | None = None,
    extraction_format: str | None = None,
    max_retries: int | None = None,
) -> ExtractionJob:
    """Stage a pending job for a file already in the file store (``file_ref``: a local path or
    ``s3://`` URL; ``file_size`` in bytes). Unlike :func:`create_job` it never reads the file:
    the API detected the format and hashed the bytes while receiving them. Not committed: the
    caller commits, and only then dispatches."""
    job = ExtractionJob(
        id=job_id,
        status=JobStatus.PENDING.value,
        extraction_format=extraction_format,
        filename=filename,
        file_path=file_ref,
        file_size=file_size,
        sha256=sha256,
        options=options or {},
        owner=owner,
        max_retries=get_settings().max_retries if max_retries is None else max_retries,
        created_at=utcnow(),
    )
    return JobRepository(session).add(job)


def get_job(
    session: Session, job_id: uuid.UUID, *, owner: str | None = None, with_result: bool = False
) -> ExtractionJob:
    """The job if ``owner`` may see it (``owner=None``: anyone's, for admins and the CLI).

    Raises:
        JobNotFoundError: no such job, or it belongs to another owner.
    """
    from pybase.jobs.repository import OwnedJobRepository

    return OwnedJobRepository(session).get_visible(job_id, owner, with_result=with_result)


def find_duplicate(
    session: Session, sha256: str, options: dict[str, Any], owner: str | None
) -> ExtractionJob | None:
    """The newest completed job of ``owner`` over the same bytes (``sha256``) with the same
    options, or None. Options are compared as stored (the API stores them normalised:
    defaults left out), so ``{}`` and ``{"tables": true}`` are the same request."""
    from pybase.jobs.repository import OwnedJobRepository

    for job in OwnedJobRepository(session).find_completed_duplicates(sha256, owner):
        if (job.options or {}) == options:
            return job
    return None


def delete_job(session: Session, job_id: uuid.UUID, *, owner: str | None = None) -> str:
    """Delete a job that is not running; returns its ``file_path`` so the caller can delete the
    stored file after committing.

    Raises:
        JobNotFoundError: no such job (or not ``owner``'s).
        IllegalTransitionError: the job is processing (cancel it first).
    """
    from pybase.errors import IllegalTransitionError
    from pybase.jobs.repository import OwnedJobRepository

    repo = OwnedJobRepository(session)
    repo.get_visible(job_id, owner)
    file_ref = repo.delete_unless(job_id, [JobStatus.PROCESSING.value])
    if file_ref is None:
        raise IllegalTransitionError("a processing job cannot be deleted: cancel it first")
    return file_ref


# -- usage accounting (paid engines) ------------------------------------------------------
def month_start_utc(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(start of the current calendar month, start of the next one), midnight UTC."""
    now = now or utcnow()
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def pages_read_this_month(session: Session, owner: str | None, now: datetime | None = None) -> int:
    """Pages that paid engines (Werk24) read for ``owner``'s jobs completed in the current
    calendar month (UTC): the sum of their ``pages_read``. Failed and cancelled jobs do not
    count, nor do jobs still running."""
    start, _ = month_start_utc(now)
    return JobRepository(session).pages_read_since(owner, start)
