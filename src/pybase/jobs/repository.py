"""All SQL on ``extraction_jobs``. Shared by the CLI, the API and the workers.

Every method runs inside the caller's session/transaction and never commits. Writes made on
behalf of a running attempt are *fenced*: they carry ``WHERE attempt = :attempt AND status =
'processing'`` and report whether they applied, so a stale worker cannot overwrite a newer
attempt's outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy.orm import Session, undefer

from pybase.errors import JobNotFoundError
from pybase.jobs.models import ExtractionJob
from pybase.jobs.states import CLAIMABLE, TERMINAL, JobStatus

__all__ = ["Claim", "JobRepository"]

_T: Table = ExtractionJob.__table__  # type: ignore[assignment]
_PROCESSING = JobStatus.PROCESSING.value


@dataclass(frozen=True)
class Claim:
    """What a successful claim hands to the worker: the attempt number that fences later
    writes, and the job's inputs."""

    job_id: uuid.UUID
    attempt: int
    file_path: str
    options: dict[str, Any]
    extraction_format: str | None
    retry_count: int
    max_retries: int


class JobRepository:
    """Data access for :class:`ExtractionJob` within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reads ---------------------------------------------------------------------------
    def get(self, job_id: uuid.UUID, *, with_result: bool = False) -> ExtractionJob:
        """The job with ``job_id``; ``result`` is loaded only when ``with_result``.

        Raises:
            JobNotFoundError: no such job.
        """
        stmt = select(ExtractionJob).where(ExtractionJob.id == job_id)
        if with_result:
            stmt = stmt.options(undefer(ExtractionJob.result))
        job = self.session.scalars(stmt).one_or_none()
        if job is None:
            raise JobNotFoundError(f"no job with id {job_id}")
        return job

    def find_by_prefix(self, prefix: str) -> list[ExtractionJob]:
        """Jobs whose id (hex, dashes ignored) starts with ``prefix`` (at most 2 returned)."""
        clean = prefix.replace("-", "").lower()
        try:
            return [self.get(uuid.UUID(clean))] if len(clean) == 32 else self._scan(clean)
        except JobNotFoundError:
            return []

    def _scan(self, clean: str) -> list[ExtractionJob]:
        rows = self.session.scalars(select(ExtractionJob).order_by(ExtractionJob.created_at))
        return [job for job in rows if job.id.hex.startswith(clean)][:2]

    def list_jobs(
        self,
        *,
        statuses: Iterable[str] | None = None,
        extraction_format: str | None = None,
        owner: str | None = None,
        before: tuple[datetime, uuid.UUID] | None = None,
        limit: int = 50,
    ) -> list[ExtractionJob]:
        """Newest first, without results. ``before`` = (created_at, id) of the last row of the
        previous page (keyset pagination)."""
        stmt = select(ExtractionJob)
        if statuses:
            stmt = stmt.where(ExtractionJob.status.in_(list(statuses)))
        if extraction_format:
            stmt = stmt.where(ExtractionJob.extraction_format == extraction_format)
        if owner is not None:
            stmt = stmt.where(ExtractionJob.owner == owner)
        if before is not None:
            created, last_id = before
            stmt = stmt.where(
                or_(
                    ExtractionJob.created_at < created,
                    and_(ExtractionJob.created_at == created, ExtractionJob.id < last_id),
                )
            )
        stmt = stmt.order_by(ExtractionJob.created_at.desc(), ExtractionJob.id.desc()).limit(limit)
        return list(self.session.scalars(stmt))

    def snapshot(self, job_ids: Sequence[uuid.UUID]) -> list[Any]:
        """Light rows (id, status, progress, error_code, error_message, next_retry_at,
        duration_ms, extraction_format) for polling many jobs; chunked to stay under driver
        parameter limits."""
        cols = (
            _T.c.id,
            _T.c.status,
            _T.c.progress,
            _T.c.error_code,
            _T.c.error_message,
            _T.c.next_retry_at,
            _T.c.duration_ms,
            _T.c.extraction_format,
            _T.c.attempt,
            _T.c.worker_id,
        )
        rows: list[Any] = []
        for start in range(0, len(job_ids), 500):
            chunk = list(job_ids[start : start + 500])
            rows.extend(self.session.execute(select(*cols).where(_T.c.id.in_(chunk))))
        return rows

    def stale(self, *, heartbeat_before: datetime) -> list[Any]:
        """Processing jobs whose heartbeat is older than ``heartbeat_before`` (or missing)."""
        stmt = select(_T.c.id, _T.c.attempt, _T.c.worker_id).where(
            _T.c.status == _PROCESSING,
            or_(_T.c.heartbeat_at.is_(None), _T.c.heartbeat_at < heartbeat_before),
        )
        return list(self.session.execute(stmt).all())

    def processing_by_workers(self, worker_ids: Iterable[str]) -> list[Any]:
        """(id, attempt, worker_id) of processing jobs held by any of ``worker_ids``."""
        stmt = select(_T.c.id, _T.c.attempt, _T.c.worker_id).where(
            _T.c.status == _PROCESSING, _T.c.worker_id.in_(list(worker_ids))
        )
        return list(self.session.execute(stmt).all())

    def processing_on_host(self, host: str) -> list[Any]:
        """(id, attempt, worker_id) of processing jobs whose worker id starts with ``host:``."""
        stmt = select(_T.c.id, _T.c.attempt, _T.c.worker_id).where(
            _T.c.status == _PROCESSING, _T.c.worker_id.like(f"{host}:%")
        )
        return list(self.session.execute(stmt).all())

    def pages_read_since(self, owner: str | None, since: datetime) -> int:
        """Sum of ``pages_read`` over ``owner``'s completed jobs with ``completed_at`` at or
        after ``since`` (uses the index on owner, completed_at)."""
        from sqlalchemy import func

        stmt = select(func.coalesce(func.sum(_T.c.pages_read), 0)).where(
            _T.c.owner == owner if owner is not None else _T.c.owner.is_(None),
            _T.c.status == JobStatus.COMPLETED.value,
            _T.c.completed_at >= since,
            _T.c.pages_read.is_not(None),
        )
        return int(self.session.execute(stmt).scalar_one())

    def count_by_status(self) -> dict[str, int]:
        """Number of jobs per status."""
        from sqlalchemy import func

        rows = self.session.execute(select(_T.c.status, func.count()).group_by(_T.c.status))
        return {status: n for status, n in rows}

    # -- writes --------------------------------------------------------------------------
    def add(self, job: ExtractionJob) -> ExtractionJob:
        """Stage a new job (flushed so that defaults such as ``id`` are set)."""
        self.session.add(job)
        self.session.flush()
        return job

    def claim(self, job_id: uuid.UUID, *, worker_id: str, now: datetime) -> Claim | None:
        """Atomically move a pending/retrying job to processing: one conditional UPDATE, so of
        two concurrent claims (duplicate delivery) exactly one wins. A retrying job is claimable
        only once its ``next_retry_at`` is due. Returns None when the claim did not apply."""
        stmt = (
            update(_T)
            .where(
                _T.c.id == job_id,
                _T.c.status.in_([s.value for s in CLAIMABLE]),
                _T.c.cancel_requested.is_(False),
                or_(_T.c.next_retry_at.is_(None), _T.c.next_retry_at <= now),
            )
            .values(
                status=_PROCESSING,
                attempt=_T.c.attempt + 1,
                worker_id=worker_id,
                heartbeat_at=now,
                started_at=now,
                next_retry_at=None,
                progress=0,
                processed_items=0,
                total_items=0,
            )
            .returning(
                _T.c.attempt,
                _T.c.file_path,
                _T.c.options,
                _T.c.extraction_format,
                _T.c.retry_count,
                _T.c.max_retries,
            )
        )
        row = self.session.execute(stmt).one_or_none()
        if row is None:
            return None
        return Claim(
            job_id,
            row.attempt,
            row.file_path,
            row.options or {},
            row.extraction_format,
            row.retry_count,
            row.max_retries,
        )

    def fenced_update(self, job_id: uuid.UUID, attempt: int, **values: Any) -> bool:
        """Update a processing job only while it still holds ``attempt``. Returns whether the
        row was updated."""
        stmt = (
            update(_T)
            .where(_T.c.id == job_id, _T.c.attempt == attempt, _T.c.status == _PROCESSING)
            .values(**values)
            .returning(_T.c.id)
        )
        return self.session.execute(stmt).first() is not None

    def report_progress(
        self, job_id: uuid.UUID, attempt: int, *, done: int, total: int, now: datetime
    ) -> tuple[bool, bool]:
        """Write progress (0-100) and heartbeat. Returns (applied, cancel_requested)."""
        percent = min(100, max(0, int(done * 100 / total))) if total > 0 else 0
        stmt = (
            update(_T)
            .where(_T.c.id == job_id, _T.c.attempt == attempt, _T.c.status == _PROCESSING)
            .values(progress=percent, processed_items=done, total_items=total, heartbeat_at=now)
            .returning(_T.c.cancel_requested)
        )
        row = self.session.execute(stmt).first()
        return (row is not None, bool(row[0]) if row is not None else False)

    def conditional_update(
        self, job_id: uuid.UUID, from_statuses: Iterable[str], **values: Any
    ) -> bool:
        """Update the job only if its status is one of ``from_statuses``; returns whether it
        applied."""
        stmt = (
            update(_T)
            .where(_T.c.id == job_id, _T.c.status.in_(list(from_statuses)))
            .values(**values)
            .returning(_T.c.id)
        )
        return self.session.execute(stmt).first() is not None

    def due_retries(self, *, now: datetime, limit: int = 500) -> list[uuid.UUID]:
        """Ids of retrying jobs whose ``next_retry_at`` has come."""
        stmt = (
            select(_T.c.id)
            .where(_T.c.status == JobStatus.RETRYING.value, _T.c.next_retry_at <= now)
            .order_by(_T.c.next_retry_at)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def delete(self, job_id: uuid.UUID) -> bool:
        """Delete the job row; returns whether it existed."""
        stmt = delete(_T).where(_T.c.id == job_id).returning(_T.c.id)
        return self.session.execute(stmt).first() is not None

    # -- maintenance ---------------------------------------------------------------------
    def beat(self, job_id: uuid.UUID, attempt: int, *, now: datetime) -> bool:
        """Write the heartbeat of a running attempt. Does not apply (returns False) when the
        attempt was superseded or ended, or when a cancel was requested: a job that ignores a
        cancel then goes stale and is ended by the rescue (as ``cancelled``)."""
        stmt = (
            update(_T)
            .where(
                _T.c.id == job_id,
                _T.c.attempt == attempt,
                _T.c.status == _PROCESSING,
                _T.c.cancel_requested.is_(False),
            )
            .values(heartbeat_at=now)
            .returning(_T.c.id)
        )
        return self.session.execute(stmt).first() is not None

    def pending_unclaimed(self, *, created_before: datetime, limit: int = 10_000) -> list[Any]:
        """(id, created_at, extraction_format) of pending jobs created at or before
        ``created_before``, oldest first: jobs no worker has claimed (yet)."""
        stmt = (
            select(_T.c.id, _T.c.created_at, _T.c.extraction_format)
            .where(_T.c.status == JobStatus.PENDING.value, _T.c.created_at <= created_before)
            .order_by(_T.c.created_at)
            .limit(limit)
        )
        return list(self.session.execute(stmt).all())

    def due_retry_rows(self, *, now: datetime, limit: int = 10_000) -> list[Any]:
        """(id, next_retry_at, extraction_format) of retrying jobs whose ``next_retry_at`` has
        come, longest due first."""
        stmt = (
            select(_T.c.id, _T.c.next_retry_at, _T.c.extraction_format)
            .where(_T.c.status == JobStatus.RETRYING.value, _T.c.next_retry_at <= now)
            .order_by(_T.c.next_retry_at)
            .limit(limit)
        )
        return list(self.session.execute(stmt).all())

    def finished_before(self, *, cutoff: datetime, limit: int = 1000) -> list[Any]:
        """(id, file_path) of completed, failed or cancelled jobs that finished (or, lacking
        ``completed_at``, were created) before ``cutoff``, oldest first."""
        from sqlalchemy import func

        finished = func.coalesce(_T.c.completed_at, _T.c.created_at)
        stmt = (
            select(_T.c.id, _T.c.file_path)
            .where(_T.c.status.in_([s.value for s in TERMINAL]), finished < cutoff)
            .order_by(finished)
            .limit(limit)
        )
        return list(self.session.execute(stmt).all())

    def delete_many(self, job_ids: Sequence[uuid.UUID]) -> int:
        """Delete the given job rows; returns how many existed."""
        deleted = 0
        for start in range(0, len(job_ids), 500):
            chunk = list(job_ids[start : start + 500])
            stmt = delete(_T).where(_T.c.id.in_(chunk)).returning(_T.c.id)
            deleted += len(self.session.execute(stmt).all())
        return deleted

    def file_paths_in_use(self, paths: Iterable[str]) -> set[str]:
        """Those of ``paths`` that some job row still refers to."""
        wanted = sorted(set(paths))
        used: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            used.update(
                self.session.scalars(select(_T.c.file_path).where(_T.c.file_path.in_(chunk)))
            )
        return used


# -- API additions: ownership, de-duplication, deletion, metrics ---------------------------
def _owned(job: ExtractionJob, owner: str | None) -> bool:
    return owner is None or job.owner == owner


class OwnedJobRepository(JobRepository):
    """:class:`JobRepository` plus the queries the HTTP API needs: reads restricted to one
    owner (``owner=None`` means an admin: no restriction), the de-duplication lookup, a
    conditional delete and the aggregates behind ``/metrics``."""

    def get_visible(
        self, job_id: uuid.UUID, owner: str | None, *, with_result: bool = False
    ) -> ExtractionJob:
        """The job, if ``owner`` may see it (its own, or any for ``owner=None``).

        Raises:
            JobNotFoundError: no such job, or it belongs to someone else (the two are not told
                apart, so ids of other owners' jobs cannot be probed).
        """
        job = self.get(job_id, with_result=with_result)
        if not _owned(job, owner):
            raise JobNotFoundError(f"no job with id {job_id}")
        return job

    def find_completed_duplicates(
        self, sha256: str, owner: str | None, *, limit: int = 20
    ) -> list[ExtractionJob]:
        """Completed jobs of ``owner`` (``owner IS NULL`` for None) over the same bytes,
        newest first (uses the ``sha256`` index). The caller compares options."""
        stmt = select(ExtractionJob).where(
            ExtractionJob.sha256 == sha256,
            ExtractionJob.status == JobStatus.COMPLETED.value,
            ExtractionJob.owner.is_(None) if owner is None else ExtractionJob.owner == owner,
        )
        stmt = stmt.order_by(ExtractionJob.completed_at.desc()).limit(limit)
        return list(self.session.scalars(stmt))

    def delete_unless(self, job_id: uuid.UUID, statuses: Iterable[str]) -> str | None:
        """Delete the job unless its status is in ``statuses`` (one conditional DELETE, so a
        job claimed a moment ago is not deleted under its worker). Returns the deleted job's
        ``file_path``, or None when nothing was deleted."""
        stmt = (
            delete(_T)
            .where(_T.c.id == job_id, _T.c.status.not_in(list(statuses)))
            .returning(_T.c.file_path)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else str(row[0])

    def retry_totals(self) -> tuple[int, int]:
        """(sum of ``retry_count``, sum of ``attempt``) over all jobs in the store."""
        from sqlalchemy import func

        stmt = select(
            func.coalesce(func.sum(_T.c.retry_count), 0), func.coalesce(func.sum(_T.c.attempt), 0)
        )
        retries, attempts = self.session.execute(stmt).one()
        return int(retries), int(attempts)

    def duration_histogram(self, bounds_ms: Sequence[int]) -> tuple[list[int], int, int]:
        """Durations of completed jobs as a cumulative histogram in one scan: (counts of
        ``duration_ms <= bound`` per bound, total count, sum of ``duration_ms``)."""
        from sqlalchemy import case, func

        completed = _T.c.status == JobStatus.COMPLETED.value
        columns = [
            func.coalesce(func.sum(case((_T.c.duration_ms <= bound, 1), else_=0)), 0)
            for bound in bounds_ms
        ]
        total = func.coalesce(func.sum(_T.c.duration_ms), 0)
        stmt = select(*columns, func.count(), total).where(completed, _T.c.duration_ms.is_not(None))
        row = self.session.execute(stmt).one()
        return [int(v) for v in row[:-2]], int(row[-2]), int(row[-1])
