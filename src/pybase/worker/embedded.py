"""The embedded dispatcher: a local pool of worker processes that run jobs with no broker.

Each worker process loops over job ids from a queue and calls the same
:func:`pybase.jobs.service.run_job` that the Celery task calls. The parent supervises:

* a worker that dies (native crash, out of memory, SIGKILL) has its job's attempt ended with
  ``worker_lost`` (retried while the budget lasts) and is replaced;
* a job that runs past ``PYBASE_JOB_TIMEOUT_SECONDS`` has its worker killed and fails with
  ``extraction_timeout``;
* retrying jobs are sent again when their ``next_retry_at`` comes;
* on Ctrl-C the workers are stopped and every unfinished job of the run is marked
  ``cancelled``, so nothing is left ``processing``.

The database is the source of truth: the parent learns outcomes by polling job rows.
Workers are started from a ``forkserver`` (fast, and no threads or connections are inherited
from the parent).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.errors import ExtractionTimeoutError
from pybase.jobs.repository import JobRepository
from pybase.jobs.service import mark_attempt_lost, rescue_stale_jobs
from pybase.jobs.states import TERMINAL, JobStatus

__all__ = ["EmbeddedDispatcher", "JobSnapshot", "pid_alive"]

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


def _worker_main(database_url: str, busy_timeout: float, tasks: Any, events: Any) -> None:
    """Body of a pool process: run job ids from ``tasks`` until it receives None."""
    from pybase.jobs.service import run_job

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
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
    _slots: list[_Slot] = field(default_factory=list, init=False)

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
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["pybase.jobs.service", "pybase.extraction.api"])
        tasks = ctx.Queue()
        events = ctx.Queue()
        snapshots: dict[uuid.UUID, JobSnapshot] = {}
        queued: set[uuid.UUID] = set()
        try:
            snapshots = self._poll(job_ids)
            for job_id, snap in snapshots.items():
                if snap.status in (JobStatus.PENDING, JobStatus.RETRYING):
                    tasks.put(job_id)
                    queued.add(job_id)
            self._slots = [
                self._start(ctx, tasks, events)
                for _ in range(max(1, min(self.workers, len(job_ids))))
            ]
            while True:
                self._drain(events, queued)
                self._supervise(ctx, tasks, events)
                snapshots.update(self._poll([j for j, s in snapshots.items() if not s.finished]))
                if on_update is not None:
                    on_update(snapshots)
                if all(s.finished for s in snapshots.values()):
                    break
                now = utcnow()
                for job_id, snap in snapshots.items():
                    due = snap.next_retry_at is None or snap.next_retry_at <= now
                    if snap.status == JobStatus.RETRYING and due and job_id not in queued:
                        tasks.put(job_id)
                        queued.add(job_id)
                time.sleep(_POLL_SECONDS)
        except KeyboardInterrupt:
            self._stop(tasks, force=True)
            self._cancel_unfinished([j for j, s in snapshots.items() if not s.finished])
            raise
        self._stop(tasks, force=False)
        return snapshots

    # -- internals -----------------------------------------------------------------------
    def _start(self, ctx: Any, tasks: Any, events: Any) -> _Slot:
        process = ctx.Process(
            target=_worker_main,
            args=(
                self.database.url.render_as_string(hide_password=False),
                self.busy_timeout,
                tasks,
                events,
            ),
            daemon=True,
        )
        process.start()
        return _Slot(process)

    def _drain(self, events: Any, queued: set[uuid.UUID]) -> None:
        while True:
            try:
                kind, job_id, pid = events.get_nowait()
            except queue.Empty:
                return
            slot = next((s for s in self._slots if s.process.pid == pid), None)
            if kind == "start":
                queued.discard(job_id)
                if slot is not None:
                    slot.job_id, slot.started = job_id, time.monotonic()
            elif slot is not None and slot.job_id == job_id:
                slot.job_id = None

    def _supervise(self, ctx: Any, tasks: Any, events: Any) -> None:
        for index, slot in enumerate(self._slots):
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
                self._slots[index] = self._start(ctx, tasks, events)
            elif not slot.process.is_alive():
                slot.process.join(1)
                self._end_attempt(slot, None)
                self._slots[index] = self._start(ctx, tasks, events)

    def _end_attempt(self, slot: _Slot, error: ExtractionTimeoutError | None) -> None:
        """End whatever attempt the dead/killed worker held (found in the database by its
        worker id, so a job claimed just before the crash is found too)."""
        worker_id = f"{socket.gethostname()}:{slot.process.pid}"
        with self.database.session() as session:
            rows = JobRepository(session).processing_by_workers([worker_id])
        for row in rows:
            mark_attempt_lost(self.database, row.id, row.attempt, error)
        slot.job_id = None

    def _poll(self, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, JobSnapshot]:
        if not job_ids:
            return {}
        with self.database.session() as session:
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

    def _stop(self, tasks: Any, *, force: bool) -> None:
        if not force:
            for _ in self._slots:
                tasks.put(None)
        for slot in self._slots:
            if force:
                slot.process.terminate()
            slot.process.join(10 if not force else 5)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(5)
        with contextlib.suppress(Exception):
            tasks.close()

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
