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
from pybase.jobs.states import CLAIMABLE, JobStatus

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
