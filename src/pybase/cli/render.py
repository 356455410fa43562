"""Rendering jobs and results for the terminal (rich)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from pybase.jobs.models import ExtractionJob

__all__ = ["console", "err_console", "job_dict", "jobs_table", "show_job"]


@lru_cache(maxsize=1)
def console() -> Console:
    """Console on stdout."""
    from rich.console import Console

    return Console(highlight=False)


@lru_cache(maxsize=1)
def err_console() -> Console:
    """Console on stderr (progress bars, so that stdout stays clean for --json)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def job_dict(job: ExtractionJob) -> dict[str, Any]:
    """The job's fields as JSON-ready values (no result, no stack trace)."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(job.id),
        "status": job.status,
        "format": job.extraction_format,
        "filename": job.filename,
        "file_path": job.file_path,
        "file_size": job.file_size,
        "sha256": job.sha256,
        "progress": job.progress,
        "attempt": job.attempt,
        "retry_count": job.retry_count,
        "max_retries": job.max_retries,
        "next_retry_at": iso(job.next_retry_at),
        "worker_id": job.worker_id,
        "error_code": job.error_code,
        "error_message": job.error_message,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "completed_at": iso(job.completed_at),
        "duration_ms": job.duration_ms,
        "pages_read": job.pages_read,
        "options": job.options,
    }


_STATUS_STYLE = {
    "completed": "green",
    "failed": "red",
    "cancelled": "yellow",
    "retrying": "magenta",
    "processing": "cyan",
    "pending": "dim",
}


def status_text(status: str) -> str:
    """``status`` wrapped in rich markup with its colour."""
    style = _STATUS_STYLE.get(status, "")
    return f"[{style}]{status}[/{style}]" if style else status


def jobs_table(rows: list[dict[str, Any]]) -> None:
    """Print jobs as a table: id prefix, status, format, file, progress, error, created."""
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("id", "status", "format", "file", "progress", "error", "created"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["id"][:8],
            status_text(r["status"]),
            r["format"] or "?",
            r["filename"],
            f"{r['progress']}%",
            r["error_code"] or "",
            (r["created_at"] or "")[:19],
        )
    console().print(table)
    if not rows:
        console().print("no jobs")


def show_job(data: dict[str, Any], stack: str | None) -> None:
    """Print one job's fields, one per line, and its stack trace when given."""
    out = console()
    for key, value in data.items():
        shown = status_text(value) if key == "status" else value
        out.print(f"[bold]{key:>14}[/bold]  {shown if shown is not None else ''}")
    if stack:
        out.print(stack)
