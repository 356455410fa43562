"""Response bodies of the HTTP API (pydantic), and the opaque list cursor."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from pybase.api.errors import MalformedRequestError

if TYPE_CHECKING:
    from pybase.jobs.models import ExtractionJob

__all__ = [
    "API_PREFIX",
    "ComponentHealth",
    "HealthOut",
    "JobLinks",
    "JobOut",
    "JobPage",
    "decode_cursor",
    "encode_cursor",
    "job_out",
]

API_PREFIX = "/api/v1/extraction"


class JobLinks(BaseModel):
    """Where to go next for this job (paths relative to the server)."""

    self: str
    result: str
    events: str


class JobOut(BaseModel):
    """A job as the API shows it. Never contains the result (see ``links.result``) or the
    stack trace. Times are ISO 8601 UTC; ``file_size`` in bytes; ``progress`` 0-100;
    ``duration_ms`` the last attempt's wall time in milliseconds."""

    id: uuid.UUID
    status: Literal["pending", "processing", "retrying", "completed", "failed", "cancelled"]
    format: str | None = Field(
        description="pdf, dxf, ifc, step (detected, or the override); png, jpeg, tiff for "
        "Werk24 jobs"
    )
    filename: str = Field(description="the name the client sent (control characters removed)")
    file_size: int
    sha256: str | None
    options: dict[str, Any] = Field(description="extraction options that differ from defaults")
    owner: str | None = Field(description="name of the token that created the job")
    progress: int
    total_items: int
    processed_items: int
    failed_items: int
    attempt: int = Field(description="how many times a worker claimed the job")
    retry_count: int
    max_retries: int
    next_retry_at: datetime | None
    cancel_requested: bool
    error_code: str | None = Field(description="stable code when failed/retrying/cancelled")
    error_message: str | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    duration_ms: int | None
    worker_id: str | None
    celery_task_id: str | None
    pages_read: int | None = Field(
        None,
        description="pages the Werk24 engine read (completed Werk24 jobs; counts "
        "against the token's monthly quota)",
    )
    deduplicated: bool = Field(
        False, description="true when this is an earlier completed job over the same bytes"
    )
    links: JobLinks


class JobPage(BaseModel):
    """One page of jobs, newest first. Pass ``next_cursor`` as ``cursor`` for the next page;
    it is null on the last page."""

    items: list[JobOut]
    next_cursor: str | None


class ComponentHealth(BaseModel):
    """Reachability of one backing service; ``ok`` is null when it is not used."""

    ok: bool | None
    detail: str
    latency_ms: float | None = None


class HealthOut(BaseModel):
    """``status`` is ``ok`` when every used component is reachable, else ``degraded`` (503)."""

    status: Literal["ok", "degraded"]
    version: str
    database: ComponentHealth
    broker: ComponentHealth
    storage: ComponentHealth


def job_out(job: ExtractionJob, *, deduplicated: bool = False) -> JobOut:
    """The API view of a job row (its ``result`` is never touched, so it is not loaded)."""
    base = f"{API_PREFIX}/jobs/{job.id}"
    return JobOut(
        id=job.id,
        status=job.status,
        format=job.extraction_format,
        filename=job.filename,
        file_size=job.file_size,
        sha256=job.sha256,
        options=job.options or {},
        owner=job.owner,
        progress=job.progress,
        total_items=job.total_items,
        processed_items=job.processed_items,
        failed_items=job.failed_items,
        attempt=job.attempt,
        retry_count=job.retry_count,
        max_retries=job.max_retries,
        next_retry_at=job.next_retry_at,
        cancel_requested=job.cancel_requested,
        error_code=job.error_code,
        error_message=job.error_message,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        duration_ms=job.duration_ms,
        worker_id=job.worker_id,
        celery_task_id=job.celery_task_id,
        pages_read=job.pages_read,
        deduplicated=deduplicated,
        links=JobLinks(self=base, result=f"{base}/result", events=f"{base}/events"),
    )


def encode_cursor(created_at: datetime, job_id: uuid.UUID) -> str:
    """The opaque cursor after the row (``created_at``, ``id``): URL-safe base64 of JSON."""
    raw = json.dumps([created_at.isoformat(), job_id.hex], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """Inverse of :func:`encode_cursor`.

    Raises:
        MalformedRequestError: not a cursor this API issued (400).
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, hex_id = json.loads(raw)
        when = datetime.fromisoformat(created)
        if when.tzinfo is None:
            raise ValueError("naive time")
        return when, uuid.UUID(hex=hex_id)
    except (binascii.Error, ValueError, TypeError, json.JSONDecodeError) as exc:
        raise MalformedRequestError("invalid cursor: pass next_cursor as it was returned") from exc
