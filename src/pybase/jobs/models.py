"""The ``ExtractionJob`` table (``pybase.extraction_jobs`` on PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from pybase.db.base import SCHEMA, Base
from pybase.db.types import JSONDocument, UTCDateTime, utcnow
from pybase.jobs.states import JobStatus

__all__ = ["ExtractionJob"]

_STATUSES = ", ".join(f"'{s.value}'" for s in JobStatus)


class ExtractionJob(Base):
    """One file to extract, and everything that happened to it.

    ``attempt`` counts claims and fences every write after a claim: an update from attempt n
    only applies while the row still holds attempt n, so a stale worker cannot overwrite a newer
    attempt's outcome. ``result`` is loaded only on request (deferred), so listing jobs never
    reads results. Times are aware UTC datetimes; ``file_size`` in bytes; ``duration_ms`` is
    the last attempt's wall time in milliseconds. ``pages_read`` is the number of pages a paid
    engine read for a completed job (Werk24: ``result.stats["werk24_pages_read"]``), None for
    our own extraction; the monthly page quota of API tokens sums it.
    """

    __tablename__ = "extraction_jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        Index(None, "status", "next_retry_at"),
        Index(None, "created_at"),
        Index(None, "sha256"),
        Index(None, "owner", "created_at"),
        Index(None, "owner", "completed_at"),
        {"schema": SCHEMA},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING.value)
    extraction_format: Mapped[str | None] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(1024))
    file_path: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    result: Mapped[dict[str, Any] | None] = deferred(mapped_column(JSONDocument))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total_items: Mapped[int] = mapped_column(Integer, default=0)
    processed_items: Mapped[int] = mapped_column(Integer, default=0)
    failed_items: Mapped[int] = mapped_column(Integer, default=0)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    retry_count: Mapped[int] = mapped_column(Integer, default=0)
    max_retries: Mapped[int] = mapped_column(Integer, default=3)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    celery_task_id: Mapped[str | None] = mapped_column(String(255))
    worker_id: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_stack_trace: Mapped[str | None] = deferred(mapped_column(Text))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(255))
    pages_read: Mapped[int | None] = mapped_column(Integer)

    @property
    def job_status(self) -> JobStatus:
        """``status`` as a :class:`JobStatus`."""
        return JobStatus(self.status)

    def __repr__(self) -> str:
        return f"<ExtractionJob {self.id} {self.status} {self.filename!r}>"
