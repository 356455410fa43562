"""The job lifecycle: create, claim and run, cancel, retry, rescue.

:func:`run_job` is the one code path that runs a job. The embedded process pool and the
Celery task both call it; neither has lifecycle logic of its own. It uses short transactions
of its own (claim, progress, outcome) because it *is* the task boundary; every other function
here works inside the caller's session and never commits.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

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
    "JobOutcome",
    "backoff_seconds",
    "cancel_job",
    "create_job",
    "default_worker_id",
    "mark_attempt_lost",
    "rescue_stale_jobs",
    "retry_job",
    "run_job",
]

ExtractFn = Callable[..., Any]


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
        repo.conditional_update(job_id, [JobStatus.PROCESSING], cancel_requested=True)
    else:
        repo.conditional_update(
            job_id,
            [s.value for s in CLAIMABLE],
            status=JobStatus.CANCELLED.value,
            completed_at=now,
            error_code="cancelled",
            error_message="cancelled before it ran",
            next_retry_at=None,
        )
    session.expire(job)
    return repo.get(job_id)


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
    out). With the default ``WorkerLostError`` the job is retried while its budget lasts.
    Returns the new status, or None when the attempt had already ended (fenced)."""
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
        values = _failure_values(job.retry_count, job.max_retries, error, settings, None, elapsed)
        if repo.fenced_update(job_id, attempt, **values):
            return str(values["status"])
    return None


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
                    if not JobRepository(session).fenced_update(
                        job_id, attempt, heartbeat_at=utcnow()
                    ):
                        return
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
    requested or the attempt was superseded."""

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
        with self.database.session() as session:
            applied, cancel = JobRepository(session).report_progress(
                self.job_id, self.attempt, done=done, total=total, now=utcnow()
            )
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
        }
    except JobCancelledError as exc:
        values = {
            "status": JobStatus.CANCELLED.value,
            "completed_at": utcnow(),
            "duration_ms": int((time.monotonic() - started) * 1000),
            "error_code": exc.code,
            "error_message": "cancelled while running",
        }
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
    with database.session() as session:
        applied = JobRepository(session).fenced_update(claim.job_id, claim.attempt, **values)
    if not applied:
        return JobOutcome(claim.job_id, None, claim.attempt)
    return JobOutcome(claim.job_id, str(values["status"]), claim.attempt, values.get("error_code"))
