"""``pybase extract``: create one job per file, run them on the embedded pool, report."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pybase.errors import ERROR_CODES

if TYPE_CHECKING:
    from pybase.db.engine import Database
    from pybase.extraction.base import ExtractionOptions
    from pybase.worker.embedded import JobSnapshot

__all__ = ["collect_files", "run_extract"]


class UsageError(Exception):
    """Bad command-line input (exit code 2)."""


#: File name suffixes of the formats we read (lower case). Inside a directory, a file with
#: another suffix is taken only when its content is detected as a supported format.
KNOWN_SUFFIXES = frozenset({".pdf", ".dxf", ".ifc", ".ifczip", ".step", ".stp", ".p21"})
#: Raster drawings, taken from directories only for an engine that reads them (werk24).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def _wanted_in_directory(path: Path, images: bool = False) -> bool:
    from pybase.errors import PybaseError
    from pybase.extraction.detect import detect_format

    if path.suffix.lower() in KNOWN_SUFFIXES or (images and path.suffix.lower() in IMAGE_SUFFIXES):
        return True
    try:
        detect_format(path, images=images)
    except PybaseError:
        return False
    return True


def collect_files(paths: Iterable[Path], *, images: bool = False) -> tuple[list[Path], int]:
    """Expand ``paths`` into (files, skipped): files given by name are always taken;
    directories are searched recursively, skipping hidden files and folders and files that
    neither carry a known suffix (:data:`KNOWN_SUFFIXES`; with ``images``, also
    :data:`IMAGE_SUFFIXES`) nor have supported content (a README is skipped, a misnamed DXF is
    not). Sorted, each file once.

    Raises:
        UsageError: a path does not exist.
    """
    seen: set[Path] = set()
    files: list[Path] = []
    skipped = 0
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / n for n in names if not n.startswith("."))
            candidates = [
                p for p in sorted(found) if p.is_file() and _wanted_in_directory(p, images)
            ]
            skipped += len(found) - len(candidates)
        else:
            candidates = [path]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen and resolved.is_file():
                seen.add(resolved)
                files.append(resolved)
    return files, skipped


def _create_jobs(
    database: Database, files: list[Path], options: ExtractionOptions
) -> list[uuid.UUID]:
    from pybase.jobs.service import create_job

    opts = options.model_dump(exclude_defaults=True)
    ids: list[uuid.UUID] = []
    for start in range(0, len(files), 500):
        with database.session() as session:
            for path in files[start : start + 500]:
                ids.append(
                    create_job(session, path, options=opts, extraction_format=options.format).id
                )
    return ids


def _output_name(filename: str, job_id: uuid.UUID, used: set[str]) -> str:
    name = f"{filename}.json"
    if name in used:
        name = f"{filename}.{job_id.hex[:8]}.json"
    used.add(name)
    return name


def run_extract(
    paths: list[Path],
    *,
    out: Path,
    as_json: bool,
    workers: int | None,
    options: ExtractionOptions,
    open_store: Callable[[], Database],
    export: str | None = None,
) -> int:
    """The body of ``pybase extract``; returns the exit code (0 all completed, 1 some failed,
    2 usage error, 130 interrupted). ``export`` (``csv``/``xlsx``) also writes the BOM and
    dimension tables of all completed files into ``out`` (:mod:`pybase.cli.export`)."""
    from pybase.cli.render import console, err_console
    from pybase.config import get_settings
    from pybase.jobs.service import rescue_stale_jobs
    from pybase.worker.embedded import EmbeddedDispatcher, pid_alive

    try:
        files, skipped = collect_files(paths, images=options.engine == "werk24")
    except UsageError as exc:
        err_console().print(f"error\\[usage]: {exc}")
        return 2
    if not files:
        err_console().print("error\\[usage]: no files found in the given paths")
        return 2
    if export is not None:
        from pybase.cli.export import check_export

        check_export(export)  # before any job runs: a missing openpyxl fails fast

    if skipped:
        err_console().print(f"skipped {skipped} file(s) that are not PDF, DXF, IFC or STEP")
    settings = get_settings()
    database = open_store()
    rescued = rescue_stale_jobs(database, now_host_alive=pid_alive)
    if rescued:
        err_console().print(
            f"note: {len(rescued)} job(s) left processing by an earlier run were rescued "
            "(see `pybase jobs list --status retrying --status failed`)"
        )
    job_ids = _create_jobs(database, files, options)
    by_id = dict(zip(job_ids, files, strict=True))
    dispatcher = EmbeddedDispatcher(
        database,
        workers=workers or settings.workers,
        job_timeout=settings.job_timeout_seconds,
        busy_timeout=settings.sqlite_busy_timeout_seconds,
    )
    try:
        snapshots = _run_with_progress(dispatcher, job_ids, show=len(files) > 1 or not as_json)
    except KeyboardInterrupt:
        interrupted = True
        snapshots = dispatcher.snapshot(job_ids)  # what finished before Ctrl-C is kept
    else:
        interrupted = False
    rows = _write_results(database, job_ids, by_id, snapshots, out)
    if export is not None:
        _export(rows, out, export)
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        _print_summary(rows, out)
    if interrupted:
        err_console().print(
            "interrupted: finished results were written, unfinished jobs were marked "
            "cancelled (`pybase jobs retry ID` runs one again)"
        )
        return 130
    failed = [r for r in rows if r["status"] != "completed"]
    if failed and not as_json:
        console().print(f"[red]{len(failed)} of {len(rows)} file(s) did not complete[/red]")
    return 1 if failed else 0


def _run_with_progress(
    dispatcher: Any, job_ids: list[uuid.UUID], *, show: bool
) -> dict[uuid.UUID, JobSnapshot]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pybase.cli.render import err_console

    if not show:
        result: dict[uuid.UUID, JobSnapshot] = dispatcher.run(job_ids)
        return result
    with Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]}"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("extract", total=len(job_ids), failed="")

        def on_update(snaps: dict[uuid.UUID, JobSnapshot]) -> None:
            done = sum(1 for s in snaps.values() if s.finished)
            running = sum(s.progress / 100 for s in snaps.values() if s.status == "processing")
            n_failed = sum(1 for s in snaps.values() if s.status == "failed")
            bar.update(
                task,
                completed=done + running,
                failed=f"[red]{n_failed} failed[/red]" if n_failed else "",
            )

        result = dispatcher.run(job_ids, on_update)
        return result


def _write_results(
    database: Database,
    job_ids: list[uuid.UUID],
    files: dict[uuid.UUID, Path],
    snapshots: dict[uuid.UUID, JobSnapshot],
    out: Path,
) -> list[dict[str, Any]]:
    """Write each completed job's result to ``out`` and return one summary row per file."""
    from pybase.extraction.result import ExtractionResult
    from pybase.jobs.repository import JobRepository

    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for job_id in job_ids:
        snap = snapshots[job_id]
        row: dict[str, Any] = {
            "job_id": str(job_id),
            "file": str(files[job_id]),
            "format": snap.extraction_format,
            "status": snap.status,
            "error_code": snap.error_code,
            "error_message": snap.error_message,
            "duration_ms": snap.duration_ms,
            "output": None,
            "summary": None,
        }
        if snap.status == "completed":
            with database.session() as session:
                payload = JobRepository(session).get(job_id, with_result=True).result
            if payload is not None:
                out.mkdir(parents=True, exist_ok=True)
                target = out / _output_name(files[job_id].name, job_id, used)
                target.write_text(
                    json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8"
                )
                row["output"] = str(target)
                row["summary"] = ExtractionResult.model_validate(payload).summary()
        rows.append(row)
    return rows


def _export(rows: list[dict[str, Any]], out: Path, fmt: str) -> None:
    """Write the ``--export`` tables from the JSON results just written."""
    from pybase.cli.export import export_tables
    from pybase.cli.render import err_console

    results = [
        (Path(r["file"]).name, Path(r["output"]), json.loads(Path(r["output"]).read_text("utf-8")))
        for r in rows
        if r["output"]
    ]
    written = export_tables(results, out, fmt)
    err_console().print("exported " + ", ".join(str(p) for p in written))


def _print_summary(rows: list[dict[str, Any]], out: Path) -> None:
    from rich.table import Table

    from pybase.cli.render import console, status_text

    table = Table(title=None, show_lines=False)
    for col in ("file", "format", "status", "facts", "time"):
        table.add_column(col, overflow="fold")
    for r in rows:
        if r["status"] == "completed":
            facts = r["summary"] or ""
        else:
            meaning = ERROR_CODES.get(r["error_code"] or "", "")
            facts = f"[red]{r['error_code']}[/red]: {r['error_message'] or meaning}"
        seconds = f"{r['duration_ms'] / 1000:.2f}s" if r["duration_ms"] is not None else ""
        table.add_row(
            Path(r["file"]).name, r["format"] or "?", status_text(r["status"]), facts, seconds
        )
    console().print(table)
    if any(r["output"] for r in rows):
        console().print(f"results written to {out}/")
