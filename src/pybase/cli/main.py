"""The ``pybase`` command line (typer).

Exit codes: 0 all requested work succeeded; 1 some job failed or was cancelled, or a job
command was refused; 2 usage error (bad arguments, missing paths); 130 interrupted (Ctrl-C).
Errors are printed as one line (``error[code]: message``); ``--debug`` adds the traceback.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pybase import __version__
from pybase.errors import ERROR_CODES, PybaseError

if TYPE_CHECKING:
    from pybase.db.engine import Database

app = typer.Typer(
    name="pybase",
    help="PyBase Extract: turn PDF and DXF drawings, IFC models and STEP parts into data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
jobs_app = typer.Typer(help="Inspect and act on jobs in the job store.", no_args_is_help=True)
db_app = typer.Typer(help="Job-store schema migrations.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(db_app, name="db")

_state: dict[str, bool] = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pybase {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks on errors")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print version")
    ] = False,
) -> None:
    _state["debug"] = debug


def _open_store() -> Database:
    """The configured job store, migrated when it is the embedded SQLite one."""
    from pybase.db import migrate
    from pybase.db.engine import Database

    database = Database.from_settings()
    migrate.require_current(database)
    return database


# -- extract -----------------------------------------------------------------------------
@app.command()
def extract(
    paths: Annotated[
        list[Path], typer.Argument(help="files or directories (searched recursively)")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="directory for one JSON result per input")
    ] = Path("pybase-results"),
    as_json: Annotated[bool, typer.Option("--json", help="print machine-readable JSON")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", min=1, help="processes (default: CPUs)")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="force pdf|dxf|ifc|step instead of detecting")
    ] = None,
    no_text: Annotated[bool, typer.Option("--no-text", help="skip TEXT/MTEXT/page text")] = False,
    no_tables: Annotated[bool, typer.Option("--no-tables", help="PDF: skip tables")] = False,
    max_pages: Annotated[int | None, typer.Option(min=1, help="PDF: read at most N pages")] = None,
    no_ocr: Annotated[bool, typer.Option("--no-ocr", help="PDF: do not OCR scanned pages")] = False,
    ocr_language: Annotated[
        str, typer.Option(help="tesseract language(s) for OCR, e.g. eng, deu, eng+chi_sim")
    ] = "eng",
    export: Annotated[
        str | None,
        typer.Option("--export", help="also write BOM and dimension tables to --out: csv|xlsx"),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="native (our extractors) or werk24 (the Werk24 AI service reads PDF and "
            "PNG/JPEG/TIFF drawings; needs the werk24 extra and PYBASE_WERK24_TOKEN)",
        ),
    ] = "native",
) -> None:
    """Extract FILE|DIR... as durable jobs in the local job store (no services needed)."""
    from pybase.cli.extract_cmd import run_extract
    from pybase.extraction.base import ExtractionOptions
    from pybase.extraction.registry import EXTRACTORS

    if fmt is not None and fmt not in EXTRACTORS:
        known = ", ".join(sorted(EXTRACTORS))
        raise typer.BadParameter(f"{fmt!r} is not one of {known}", param_hint="--format")
    if engine not in ("native", "werk24"):
        raise typer.BadParameter(f"{engine!r} is not one of native, werk24", param_hint="--engine")
    if engine == "werk24" and fmt not in (None, "pdf"):
        raise typer.BadParameter(
            "the werk24 engine reads PDF and image drawings only", param_hint="--format"
        )
    options = ExtractionOptions(
        format=fmt,
        include_text=not no_text,
        tables=not no_tables,
        max_pages=max_pages,
        ocr=not no_ocr,
        ocr_language=ocr_language,
        engine=engine,
    )
    if export is not None and export not in ("csv", "xlsx"):
        raise typer.BadParameter(f"{export!r} is not one of csv, xlsx", param_hint="--export")
    code = run_extract(
        paths,
        out=out,
        as_json=as_json,
        workers=workers,
        options=options,
        open_store=_open_store,
        export=export,
    )
    raise typer.Exit(code)


# -- jobs --------------------------------------------------------------------------------
def _resolve(database: Database, job_ref: str) -> uuid.UUID:
    from pybase.errors import JobNotFoundError
    from pybase.jobs.repository import JobRepository

    with database.session() as session:
        matches = JobRepository(session).find_by_prefix(job_ref)
    if not matches:
        raise JobNotFoundError(f"no job matches {job_ref!r}")
    if len(matches) > 1:
        raise typer.BadParameter(f"{job_ref!r} matches several jobs: give more characters")
    return matches[0].id


@jobs_app.command("list")
def jobs_list(
    status: Annotated[list[str] | None, typer.Option("--status", "-s", help="filter")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="filter by format")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List jobs, newest first (results are not loaded)."""
    from pybase.cli.render import job_dict, jobs_table
    from pybase.jobs.repository import JobRepository

    database = _open_store()
    with database.session() as session:
        rows = JobRepository(session).list_jobs(statuses=status, extraction_format=fmt, limit=limit)
        data = [job_dict(job) for job in rows]
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        jobs_table(data)


@jobs_app.command("show")
def jobs_show(
    job: Annotated[str, typer.Argument(help="job id or a unique prefix of it")],
    result: Annotated[bool, typer.Option("--result", help="print the result JSON")] = False,
    trace: Annotated[bool, typer.Option("--trace", help="print the error stack trace")] = False,
) -> None:
    """Show one job (and optionally its result)."""
    from pybase.cli.render import job_dict, show_job
    from pybase.jobs.repository import JobRepository

    database = _open_store()
    job_id = _resolve(database, job)
    with database.session() as session:
        row = JobRepository(session).get(job_id, with_result=result)
        data = job_dict(row)
        payload = row.result if result else None
        stack = row.error_stack_trace if trace else None
    if result:
        if payload is None:
            reason = (
                f" ({data['error_code']}: {data['error_message']})" if data["error_code"] else ""
            )
            typer.echo(f"job {job_id} is {data['status']}: it has no result{reason}", err=True)
            raise typer.Exit(1)
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    show_job(data, stack)


@jobs_app.command("retry")
def jobs_retry(
    job: Annotated[str, typer.Argument(help="job id or a unique prefix of it")],
    run: Annotated[
        bool, typer.Option("--run/--no-run", help="run it now (embedded) or send it to workers")
    ] = True,
) -> None:
    """Put a failed or cancelled job back to pending and run it: on the workers when
    PYBASE_BROKER_URL is set, else now, on a local worker process."""
    from pybase.cli.render import console
    from pybase.config import get_settings
    from pybase.jobs.service import retry_job

    settings = get_settings()
    database = _open_store()
    job_id = _resolve(database, job)
    with database.session() as session:
        fmt = retry_job(session, job_id).extraction_format
    if not run:
        console().print(f"job {job_id} is pending")
        return
    if settings.broker_url:
        from pybase.worker.dispatch import CeleryDispatcher

        CeleryDispatcher(settings).dispatch(job_id, fmt)
        console().print(f"job {job_id} is pending and was sent to the workers")
        return
    from pybase.worker.embedded import EmbeddedDispatcher

    snapshot = EmbeddedDispatcher(
        database, workers=1, job_timeout=settings.job_timeout_seconds
    ).run([job_id])[job_id]
    console().print(
        f"job {job_id}: {snapshot.status}"
        + (f" ({snapshot.error_code})" if snapshot.error_code else "")
    )
    raise typer.Exit(0 if snapshot.status == "completed" else 1)


@jobs_app.command("cancel")
def jobs_cancel(
    job: Annotated[str, typer.Argument(help="job id or a unique prefix of it")],
) -> None:
    """Cancel a pending/retrying job, or ask a running one to stop."""
    from pybase.cli.render import console
    from pybase.jobs.service import cancel_job

    database = _open_store()
    job_id = _resolve(database, job)
    with database.session() as session:
        row = cancel_job(session, job_id)
        status, requested = row.status, row.cancel_requested
    note = " (cancel requested; the worker stops at its next progress report)" if requested else ""
    if requested:
        from pybase.cli.worker_cmd import schedule_cancel_fallback

        note += schedule_cancel_fallback(job_id)
    console().print(f"job {job_id}: {status}{note}")


@jobs_app.command("prune")
def jobs_prune(
    older_than_days: Annotated[float, typer.Option(min=0, help="age in days")] = 30.0,
) -> None:
    """Delete finished jobs older than N days, and their uploaded files."""
    from datetime import timedelta

    from pybase.cli.render import console
    from pybase.config import get_settings
    from pybase.db.types import utcnow
    from pybase.worker.maintenance import prune_expired

    database = _open_store()
    cutoff = utcnow() - timedelta(days=older_than_days)
    jobs, files = prune_expired(database, get_settings(), cutoff=cutoff)
    console().print(
        f"deleted {jobs} finished jobs older than {older_than_days:g} days and {files} stored files"
    )


# -- db ----------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Create or migrate the job-store tables (schema `pybase` on PostgreSQL)."""
    from pybase.db import migrate
    from pybase.db.engine import Database

    database = Database.from_settings()
    migrate.upgrade(database, revision)
    typer.echo(f"{database!r} at revision {migrate.current_revision(database)}")


@db_app.command("current")
def db_current() -> None:
    """Print the job store's URL and migration revision."""
    from pybase.db import migrate
    from pybase.db.engine import Database

    database = Database.from_settings()
    typer.echo(
        f"{database!r} at revision {migrate.current_revision(database)} "
        f"(head {migrate.head_revision()})"
    )


@app.command("error-codes")
def error_codes() -> None:
    """List the error codes a failed job can carry."""
    for code, meaning in ERROR_CODES.items():
        typer.echo(f"{code:22} {meaning}")


#: Which extra brings a module that an optional command imports.
_EXTRAS = {
    "fastapi": "api",
    "uvicorn": "api",
    "multipart": "api",
    "prometheus_client": "api",
    "celery": "worker",
    "redis": "worker",
    "kombu": "worker",
    "psycopg": "postgres",
    "boto3": "s3",
    "botocore": "s3",
    "openpyxl": "export",
    "werk24": "werk24",
}


def _print_error(exc: BaseException) -> None:
    code = getattr(exc, "code", "internal_error")
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, ImportError) and not isinstance(exc, PybaseError):
        module = (exc.name or "").split(".")[0]
        extra = _EXTRAS.get(module)
        hint = f": pip install 'pybase-extract[{extra}]'" if extra else ""
        code, message = "dependency_missing", f"{exc}{hint}"
    typer.echo(f"error[{code}]: {message}", err=True)
    cause = exc.__cause__
    while cause is not None:
        typer.echo(f"  caused by {type(cause).__name__}: {cause}", err=True)
        cause = cause.__cause__


def run() -> None:
    """Console-script entry point. Usage errors exit 2 (typer/click), our errors print one
    line ``error[code]: message`` (plus causes; the traceback with ``--debug``) and exit 1."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _state["debug"]:
            import traceback

            traceback.print_exc()
        _print_error(exc)
        sys.exit(1)


# -- serve, tokens (bodies in pybase.cli.serve_cmd) ------------------------------------------
tokens_app = typer.Typer(help="API tokens for `pybase serve`.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind (non-loopback needs auth)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Run the HTTP API (OpenAPI at /docs). Jobs go to Celery when PYBASE_BROKER_URL is set,
    else to an embedded process pool."""
    from pybase.cli.serve_cmd import ServeRefusedError
    from pybase.cli.serve_cmd import serve as run_serve

    try:
        run_serve(host, port, log_level=log_level, open_store=_open_store)
    except ServeRefusedError as exc:
        typer.echo(f"error[{exc.code}]: {exc.message}", err=True)
        raise typer.Exit(2) from None


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="owner name of the jobs this token creates")],
    admin: Annotated[bool, typer.Option("--admin", help="may see and change all jobs")] = False,
    monthly_pages: Annotated[
        int | None,
        typer.Option(
            "--monthly-pages",
            min=0,
            help="pages the Werk24 engine may read per calendar month (UTC) for NAME's jobs",
        ),
    ] = None,
) -> None:
    """Create a token and print it once (only its SHA-256 is stored)."""
    from pybase.cli.serve_cmd import tokens_create as run

    run(name, admin=admin, monthly_pages=monthly_pages, open_store=_open_store)


@tokens_app.command("list")
def tokens_list(
    include_revoked: Annotated[bool, typer.Option("--all", help="include revoked")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List tokens (never their secrets)."""
    from pybase.cli.serve_cmd import tokens_list as run

    run(include_revoked=include_revoked, as_json=as_json, open_store=_open_store)


@tokens_app.command("revoke")
def tokens_revoke(
    ref: Annotated[str, typer.Argument(help="token name (all its tokens) or id prefix")],
) -> None:
    """Revoke tokens by name or id prefix."""
    from pybase.cli.serve_cmd import tokens_revoke as run

    raise typer.Exit(run(ref, open_store=_open_store))


# -- worker, verify (bodies in pybase.cli.worker_cmd) ---------------------------------------
@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", "-c", min=1, help="processes (default: CPUs)")
    ] = None,
    queues: Annotated[
        str | None,
        typer.Option("--queues", "-Q", help="comma-separated (default: PYBASE_CELERY_QUEUE)"),
    ] = None,
    beat: Annotated[
        bool, typer.Option("--beat", "-B", help="also run the maintenance schedule (one per site)")
    ] = False,
    loglevel: Annotated[str, typer.Option("--loglevel", "-l", help="debug|info|warning")] = "info",
    hostname: Annotated[
        str | None, typer.Option("--hostname", "-n", help="node name (default pybase-<pid>@host)")
    ] = None,
) -> None:
    """Run a Celery worker that executes jobs (needs PYBASE_BROKER_URL)."""
    from pybase.cli.worker_cmd import run_worker

    run_worker(
        concurrency=concurrency,
        queues=queues,
        beat=beat,
        loglevel=loglevel,
        hostname=hostname,
        open_store=_open_store,
    )


@app.command()
def verify(
    timeout: Annotated[
        float, typer.Option(min=0.5, help="seconds to wait for a worker to finish the test job")
    ] = 60.0,
) -> None:
    """End-to-end check of a running worker: sends a tiny DXF job and watches it complete."""
    from pybase.cli.worker_cmd import run_verify

    raise typer.Exit(run_verify(timeout=timeout, open_store=_open_store))
