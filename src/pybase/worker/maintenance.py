"""Periodic maintenance: the safety net that makes "a job is never lost" true.

:func:`run_maintenance` runs every ``PYBASE_MAINTENANCE_INTERVAL_SECONDS`` (Celery beat task
``pybase.maintenance``, or the supervisor thread of the embedded service) and, in this order:

1. **rescues** processing jobs whose heartbeat went stale (worker killed, machine gone):
   their attempt ends ``worker_lost`` (retrying while the budget lasts, else failed), or
   ``cancelled`` when a cancel was requested (:func:`pybase.jobs.service.rescue_stale_jobs`);
2. **dispatches due retries** (status ``retrying``, ``next_retry_at`` come), including the
   ones step 1 just produced when their delay is already over;
3. **re-sends pending jobs** that no worker claimed within ``PYBASE_PENDING_RESEND_SECONDS``
   (the broker was down when they were submitted, or a message was lost);
4. **prunes** finished jobs older than ``PYBASE_RETENTION_DAYS`` and deletes their files from
   the file store (only files inside the store: a file that ``pybase extract`` read where the
   user keeps it is never deleted, nor one that another job still refers to).

Duplicates are harmless (the claim is atomic), but a long backlog must not be multiplied:
a job still waiting is sent again only when its waiting time crosses ``T``, ``2T``, ``4T``, …
(``T`` = ``PYBASE_PENDING_RESEND_SECONDS``), so it is re-sent O(log(wait)) times in all,
with no bookkeeping column. A retry is sent when it becomes due and then on the same
schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pybase.config import Settings, get_settings
from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.jobs.repository import JobRepository
from pybase.jobs.service import prune_finished_jobs, rescue_stale_jobs

if TYPE_CHECKING:
    from pybase.worker.dispatch import Dispatcher

__all__ = ["MaintenanceReport", "resend_due", "run_maintenance"]

log = logging.getLogger(__name__)

#: Prune at most this many batches of 500 jobs per run, so one run stays short.
_PRUNE_BATCHES = 20
_PRUNE_BATCH = 500


@dataclass
class MaintenanceReport:
    """What one maintenance run did (counts of jobs, and of files deleted)."""

    rescued: int = 0
    retries_dispatched: int = 0
    pending_resent: int = 0
    pruned: int = 0
    files_deleted: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in asdict(self).items())


def resend_due(waited: float, *, first: float, span: float) -> bool:
    """Whether a job that has waited ``waited`` seconds should be sent (again) by a maintenance
    run that recurs every ``span`` seconds or less: when ``waited`` has passed ``first``,
    ``2·first``, ``4·first``, … less than ``span`` seconds ago.

    >>> [t for t in range(0, 200, 10) if resend_due(t, first=30, span=10)]
    [30, 60, 120]
    """
    if first <= 0 or waited < first:
        return False
    mark = first
    while mark * 2 <= waited:
        mark *= 2
    return waited - mark < span


def run_maintenance(
    database: Database,
    dispatcher: Dispatcher,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    resend_all: bool = False,
    host_alive: Callable[[str], bool] | None = None,
) -> MaintenanceReport:
    """One maintenance run (see the module docstring); returns and logs what it did.

    Args:
        database: the job store.
        dispatcher: sends jobs (Celery, or the embedded service).
        settings: intervals and retention (default: the process settings).
        now: the current time (aware UTC); tests pass their own.
        resend_all: send every pending and every due retrying job, whatever its age (a
            dispatcher that just started and holds nothing yet).
        host_alive: ``host_alive("host:pid")`` for workers on this host, to rescue jobs of a
            dead local process before its heartbeat goes stale (embedded pool).

    A failing step is logged and does not stop the following ones.
    """
    settings = settings or get_settings()
    span = settings.maintenance_interval_seconds * 1.5
    first = settings.pending_resend_seconds
    report = MaintenanceReport()

    try:
        report.rescued = len(rescue_stale_jobs(database, now_host_alive=host_alive))
    except Exception:
        log.exception("maintenance: rescuing stale jobs failed")
    now = now or utcnow()  # after the rescue, so a rescued job with no delay is due now

    try:
        with database.session() as session:
            due = JobRepository(session).due_retry_rows(now=now)
        for row in due:
            waited = (now - row.next_retry_at).total_seconds()
            if resend_all or waited < span or resend_due(waited, first=first, span=span):
                dispatcher.dispatch(row.id, row.extraction_format)
                report.retries_dispatched += 1
    except Exception:
        log.exception("maintenance: dispatching due retries failed")

    try:
        cutoff = now if resend_all else now - timedelta(seconds=first)
        with database.session() as session:
            pending = JobRepository(session).pending_unclaimed(created_before=cutoff)
        for row in pending:
            waited = (now - row.created_at).total_seconds()
            if resend_all or resend_due(waited, first=first, span=span):
                dispatcher.dispatch(row.id, row.extraction_format)
                report.pending_resent += 1
    except Exception:
        log.exception("maintenance: re-sending pending jobs failed")

    try:
        report.pruned, report.files_deleted = prune_expired(
            database, settings, cutoff=now - timedelta(days=settings.retention_days)
        )
    except Exception:
        log.exception("maintenance: pruning old jobs failed")

    if any(asdict(report).values()):
        log.info("maintenance: %s", report)
    else:
        log.debug("maintenance: nothing to do")
    return report


def prune_expired(database: Database, settings: Settings, *, cutoff: datetime) -> tuple[int, int]:
    """Delete finished jobs that finished before ``cutoff``, then the stored files no other job
    uses; returns (jobs, files). Used by maintenance (cutoff = now - retention) and by
    ``pybase jobs prune``. Rows go first (committed), files after: a file whose deletion fails
    is an orphan on disk, never a job pointing at a missing file. Only files inside the store
    are deleted (a file ``pybase extract`` read where the user keeps it never is)."""
    from pybase.storage import get_store

    jobs = files = 0
    store = None
    for _ in range(_PRUNE_BATCHES):
        with database.session() as session:
            deleted, refs = prune_finished_jobs(session, finished_before=cutoff, limit=_PRUNE_BATCH)
        jobs += deleted
        if refs:
            store = store or get_store(settings)
            for ref in refs:
                try:
                    files += bool(store.delete(ref))
                except Exception as exc:
                    log.warning("maintenance: could not delete %s: %s", ref, exc)
        if deleted < _PRUNE_BATCH:
            break
    return jobs, files
