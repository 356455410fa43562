"""The embedded dispatcher: a local pool of worker processes that run jobs with no broker.

Each worker process loops over job ids from a queue and calls the same
:func:`pybase.jobs.service.run_job` that the Celery task calls. One pool implementation
(:class:`_Pool`) serves two modes:

* :class:`EmbeddedDispatcher` runs a fixed set of jobs and returns when all have ended
  (``pybase extract``);
* :class:`EmbeddedService` runs for as long as its owner (``pybase serve`` without a broker):
  jobs arrive through ``dispatch()``, and a supervisor thread runs the periodic maintenance
  (:func:`pybase.worker.maintenance.run_maintenance`) that a Celery deployment gets from beat.

In both, the parent supervises:

* a worker that dies (native crash, out of memory, SIGKILL) has its job's attempt ended with
  ``worker_lost`` (retried while the budget lasts) and is replaced;
* a job that runs past ``PYBASE_JOB_TIMEOUT_SECONDS`` has its worker killed and fails with
  ``extraction_timeout``;
* retrying jobs are sent again when their ``next_retry_at`` comes;
* a running job whose cancel was requested and that has not stopped after
  ``PYBASE_CANCEL_GRACE_SECONDS`` has its worker killed and ends ``cancelled`` (service mode);
* on Ctrl-C the workers are stopped and every unfinished job of the run is marked
  ``cancelled``, so nothing is left ``processing`` (fixed-set mode).

The database is the source of truth: the parent learns outcomes by polling job rows.
Workers are started from a ``forkserver`` (fast, and no threads or connections are inherited
from the parent).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import queue
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.errors import ExtractionTimeoutError, PybaseError
from pybase.jobs.repository import JobRepository
from pybase.jobs.service import ignored_cancel, mark_attempt_lost, rescue_stale_jobs
from pybase.jobs.states import TERMINAL, JobStatus

if TYPE_CHECKING:
    from pybase.config import Settings

__all__ = ["EmbeddedDispatcher", "EmbeddedService", "JobSnapshot", "pid_alive"]

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.2


@dataclass
class JobSnapshot:
    """A light view of a job row as the dispatcher last saw it."""

    id: uuid.UUID
    status: str
    progress: int = 0
    error_code: str | None = None
    error_message: str | None = None
    next_retry_at: datetime | None = None
    duration_ms: int | None = None
    extraction_format: str | None = None

    @property
    def finished(self) -> bool:
        """True once the status is completed, failed or cancelled."""
        return JobStatus(self.status) in TERMINAL


def pid_alive(worker_id: str) -> bool:
    """Whether the ``host:pid`` worker id names a live process on this host."""
    host, _, pid_text = worker_id.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # not ours to judge: the heartbeat decides
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_main(
    database_url: str, busy_timeout: float, tasks: Any, events: Any, extra_extractors: str = ""
) -> None:
    """Body of a pool process: run job ids from ``tasks`` until it receives None.

    ``extra_extractors`` is the parent's ``PYBASE_EXTRA_EXTRACTORS`` as it is now: the
    forkserver this process comes from kept the environment of the moment it started."""
    from pybase.extraction.registry import EXTRACTORS
    from pybase.jobs.service import run_job

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    for item in extra_extractors.split(","):
        fmt, sep, target = item.strip().partition("=")
        if sep and ":" in target:
            EXTRACTORS.setdefault(fmt.strip(), target.strip())
    database = Database(database_url, busy_timeout_s=busy_timeout)
    pid = os.getpid()
    while True:
        job_id = tasks.get()
        if job_id is None:
            break
        events.put(("start", job_id, pid))
        try:
            run_job(database, job_id)
        finally:
            events.put(("done", job_id, pid))
    database.dispose()


@dataclass
class _Slot:
    process: Any
    job_id: uuid.UUID | None = None
    started: float = 0.0


class _Pool:
    """Worker processes fed from one queue of job ids, and their supervision: a process that
    died is replaced (its attempt ended ``worker_lost``), one past ``job_timeout`` is killed
    (``extraction_timeout``). Not thread-safe except :meth:`submit`: one thread supervises."""

    def __init__(self, database: Database, *, job_timeout: float, busy_timeout: float) -> None:
        self.database = database
        self.job_timeout = job_timeout
        self.busy_timeout = busy_timeout
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self._ctx: Any = mp.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(["pybase.jobs.service", "pybase.extraction.api"])
        self.tasks: Any = self._ctx.Queue()
        self.events: Any = self._ctx.Queue()
        self.slots: list[_Slot] = []

    def start(self, size: int) -> None:
        """Start ``size`` worker processes."""
        self.slots = [self._spawn() for _ in range(max(1, size))]

    def submit(self, job_id: uuid.UUID) -> None:
        """Queue ``job_id`` for the next free worker (safe from any thread)."""
        self.tasks.put(job_id)

    def drain(self) -> list[uuid.UUID]:
        """Read worker events; returns the ids of the jobs that workers started since the last
        call (so a caller knows they left the queue)."""
        started: list[uuid.UUID] = []
        while True:
            try:
                kind, job_id, pid = self.events.get_nowait()
            except queue.Empty:
                return started
            slot = next((s for s in self.slots if s.process.pid == pid), None)
            if kind == "start":
                started.append(job_id)
                if slot is not None:
                    slot.job_id, slot.started = job_id, time.monotonic()
            elif slot is not None and slot.job_id == job_id:
                slot.job_id = None

    def supervise(self) -> None:
        """Kill workers past the time limit and replace dead ones, ending their attempts."""
        for index, slot in enumerate(self.slots):
            timed_out = (
                slot.job_id is not None
                and time.monotonic() - slot.started > self.job_timeout
                and slot.process.is_alive()
            )
            if timed_out:
                slot.process.kill()
                slot.process.join(5)
                self._end_attempt(
                    slot,
                    ExtractionTimeoutError(
                        f"extraction ran longer than {self.job_timeout:.0f} s and was stopped"
                    ),
                )
                self.slots[index] = self._spawn()
            elif not slot.process.is_alive():
                slot.process.join(1)
                self._end_attempt(slot, None)
                self.slots[index] = self._spawn()

    def kill_worker(self, worker_id: str) -> bool:
        """Kill the pool process named by ``worker_id`` (``host:pid``) and end the attempt it
        held (``cancelled`` when a cancel was requested, else ``worker_lost``); a new process
        takes its place. Returns False when no process of this pool has that id."""
        for index, slot in enumerate(self.slots):
            if worker_id == self._worker_id(slot):
                slot.process.kill()
                slot.process.join(5)
                self._end_attempt(slot, None)
                self.slots[index] = self._spawn()
                return True
        return False

    def stop(self, *, force: bool, grace: float = 10.0) -> None:
        """Stop every worker: ``force`` terminates at once; otherwise each finishes its current
        job, and one still busy after ``grace`` seconds is killed and its attempt ended."""
        if not force:
            for _ in self.slots:
                self.tasks.put(None)
        for slot in self.slots:
            if force:
                slot.process.terminate()
            slot.process.join(grace if not force else 5)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(5)
                if not force:
                    self._end_attempt(slot, None)
        with contextlib.suppress(Exception):
            self.tasks.close()

    def _spawn(self) -> _Slot:
        process = self._ctx.Process(
            target=_worker_main,
            args=(
                self.database.url.render_as_string(hide_password=False),
                self.busy_timeout,
                self.tasks,
                self.events,
                os.environ.get("PYBASE_EXTRA_EXTRACTORS", ""),
            ),
            daemon=True,
        )
        process.start()
        return _Slot(process)

    @staticmethod
    def _worker_id(slot: _Slot) -> str:
        return f"{socket.gethostname()}:{slot.process.pid}"

    def _end_attempt(self, slot: _Slot, error: PybaseError | None) -> None:
        """End whatever attempt the dead/killed worker held (found in the database by its
        worker id, so a job claimed just before the crash is found too)."""
        with self.database.session() as session:
            rows = JobRepository(session).processing_by_workers([self._worker_id(slot)])
        for row in rows:
            mark_attempt_lost(self.database, row.id, row.attempt, error)
        slot.job_id = None


def _poll(database: Database, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, JobSnapshot]:
    if not job_ids:
        return {}
    with database.session() as session:
        rows = JobRepository(session).snapshot(job_ids)
    return {
        row.id: JobSnapshot(
            row.id,
            row.status,
            row.progress,
            row.error_code,
            row.error_message,
            row.next_retry_at,
            row.duration_ms,
            row.extraction_format,
        )
        for row in rows
    }


@dataclass
class EmbeddedDispatcher:
    """Runs a set of jobs on ``workers`` local processes and returns when all have ended.

    Args:
        database: the job store (its URL is handed to the worker processes).
        workers: pool size (processes); default the CPU count.
        job_timeout: seconds one attempt may run before its worker is killed.
    """

    database: Database
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    job_timeout: float = 900.0
    busy_timeout: float = 30.0

    def snapshot(self, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, JobSnapshot]:
        """The current snapshots of ``job_ids`` as stored (e.g. after an interrupted run)."""
        return _poll(self.database, job_ids)

    def run(
        self,
        job_ids: Sequence[uuid.UUID],
        on_update: Callable[[dict[uuid.UUID, JobSnapshot]], None] | None = None,
    ) -> dict[uuid.UUID, JobSnapshot]:
        """Run ``job_ids`` to their final status; ``on_update`` gets the snapshots after every
        poll (for progress display). Returns the final snapshots.

        Raises:
            KeyboardInterrupt: after stopping the workers and cancelling unfinished jobs.
        """
        if not job_ids:
            return {}
        rescue_stale_jobs(self.database, now_host_alive=pid_alive)
        pool = _Pool(self.database, job_timeout=self.job_timeout, busy_timeout=self.busy_timeout)
        snapshots: dict[uuid.UUID, JobSnapshot] = {}
        queued: set[uuid.UUID] = set()
        try:
            polled = _poll(self.database, job_ids)
            snapshots = {job_id: polled[job_id] for job_id in job_ids if job_id in polled}
            for job_id, snap in snapshots.items():  # in the caller's order (files as listed)
                if snap.status in (JobStatus.PENDING, JobStatus.RETRYING):
                    pool.submit(job_id)
                    queued.add(job_id)
            pool.start(min(self.workers, len(job_ids)))
            while True:
                queued.difference_update(pool.drain())
                pool.supervise()
                unfinished = [j for j, s in snapshots.items() if not s.finished]
                snapshots.update(_poll(self.database, unfinished))
                if on_update is not None:
                    on_update(snapshots)
                if all(s.finished for s in snapshots.values()):
                    break
                now = utcnow()
                for job_id, snap in snapshots.items():
                    due = snap.next_retry_at is None or snap.next_retry_at <= now
                    if snap.status == JobStatus.RETRYING and due and job_id not in queued:
                        pool.submit(job_id)
                        queued.add(job_id)
                time.sleep(_POLL_SECONDS)
        except KeyboardInterrupt:
            pool.stop(force=True)
            self._cancel_unfinished([j for j, s in snapshots.items() if not s.finished])
            raise
        pool.stop(force=False)
        return snapshots

    def _cancel_unfinished(self, job_ids: Sequence[uuid.UUID]) -> None:
        now = utcnow()
        with self.database.session() as session:
            repo = JobRepository(session)
            for job_id in job_ids:
                repo.conditional_update(
                    job_id,
                    [JobStatus.PENDING, JobStatus.RETRYING, JobStatus.PROCESSING],
                    status=JobStatus.CANCELLED.value,
                    completed_at=now,
                    error_code="cancelled",
                    error_message="interrupted (Ctrl-C) before it finished",
                    next_retry_at=None,
                )


@dataclass
class EmbeddedService:
    """A long-running local pool that implements the :class:`~pybase.worker.dispatch.Dispatcher`
    seam without a broker (``pybase serve`` on one machine).

    ``dispatch()`` queues a job for the pool; a supervisor thread replaces crashed workers,
    enforces time limits and cancels, and every ``maintenance_interval`` seconds runs
    :func:`~pybase.worker.maintenance.run_maintenance` with this service as the dispatcher
    (due retries, pending jobs re-sent, stale attempts rescued, old jobs pruned). On
    :meth:`start` every pending or due job of the store is queued: a previous server that
    stopped may have left some.

    Args:
        database: the job store (its URL is handed to the worker processes).
        workers: pool size (processes).
        job_timeout: seconds one attempt may run before its worker is killed.
        cancel_grace: seconds a running job may take to honour a cancel before its worker is
            killed.
        maintenance_interval: seconds between maintenance runs.
    """

    database: Database
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    job_timeout: float = 900.0
    busy_timeout: float = 30.0
    cancel_grace: float = 10.0
    maintenance_interval: float = 30.0
    settings: Settings | None = None
    _pool: _Pool | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _cancels: dict[uuid.UUID, float] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_settings(cls, database: Database, settings: Settings) -> EmbeddedService:
        """A service sized and timed by ``settings`` (not started)."""
        return cls(
            database,
            workers=settings.workers,
            job_timeout=settings.job_timeout_seconds,
            busy_timeout=settings.sqlite_busy_timeout_seconds,
            cancel_grace=settings.cancel_grace_seconds,
            maintenance_interval=settings.maintenance_interval_seconds,
            settings=settings,
        )

    def start(self) -> EmbeddedService:
        """Start the worker processes and the supervisor thread; returns ``self``."""
        if self._thread is not None:
            return self
        rescue_stale_jobs(self.database, now_host_alive=pid_alive)
        self._pool = _Pool(
            self.database, job_timeout=self.job_timeout, busy_timeout=self.busy_timeout
        )
        self._pool.start(self.workers)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._supervise, name="pybase-pool", daemon=True)
        self._thread.start()
        return self

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        """Queue the committed job for the pool; returns None (there is no task id)."""
        if self._pool is None:
            raise RuntimeError("EmbeddedService.dispatch() before start()")
        self._pool.submit(job_id)
        return None

    def cancel(self, job_id: uuid.UUID) -> None:
        """Kill the worker running ``job_id`` if the job still runs ``cancel_grace`` seconds
        from now (its cancel was requested and committed by the caller)."""
        with self._lock:
            self._cancels[job_id] = time.monotonic() + self.cancel_grace

    def close(self) -> None:
        """Stop the supervisor and the workers (busy ones get a few seconds, then are killed
        and their attempts ended, to be retried by the next start)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
        if self._pool is not None:
            self._pool.stop(force=False, grace=5.0)
            self._pool = None

    # -- supervisor thread --------------------------------------------------------------
    def _supervise(self) -> None:
        assert self._pool is not None
        next_maintenance = 0.0  # at once: queue what a previous server left
        first = True
        while not self._stopping.is_set():
            try:
                self._pool.drain()
                self._pool.supervise()
                self._enforce_cancels()
                if time.monotonic() >= next_maintenance:
                    self._maintain(resend_all=first)
                    first = False
                    next_maintenance = time.monotonic() + self.maintenance_interval
            except Exception:  # keep supervising: the next round tries again
                log.exception("embedded pool supervisor")
            self._stopping.wait(_POLL_SECONDS)

    def _maintain(self, *, resend_all: bool) -> None:
        from pybase.worker.maintenance import run_maintenance

        run_maintenance(
            self.database,
            self,
            settings=self.settings,
            resend_all=resend_all,
            host_alive=pid_alive,
        )

    def _enforce_cancels(self) -> None:
        assert self._pool is not None
        now = time.monotonic()
        with self._lock:
            due = [job_id for job_id, deadline in self._cancels.items() if deadline <= now]
            for job_id in due:
                del self._cancels[job_id]
        for job_id in due:
            with self.database.session() as session:
                target = ignored_cancel(session, job_id)
            stopped = (
                target is not None and target.worker_id and self._pool.kill_worker(target.worker_id)
            )
            if stopped:
                log.info("job %s ignored its cancel: its worker was stopped", job_id)
