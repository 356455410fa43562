"""Extraction jobs over HTTP: ``/api/v1/extraction/jobs``.

Handlers parse input, call :mod:`pybase.jobs.service` (through :mod:`pybase.api.submission`
for uploads) inside one transaction each, and render :class:`~pybase.api.schemas.JobOut`.
Blocking database work runs in worker threads; ``POST /jobs`` and ``/events`` are async so a
slow upload or a long event stream holds no thread.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from pybase.api.auth import require_principal
from pybase.api.context import ApiContext, get_context
from pybase.api.errors import JobNotCompletedError, error_responses
from pybase.api.schemas import (
    API_PREFIX,
    JobOut,
    JobPage,
    decode_cursor,
    encode_cursor,
    job_out,
)
from pybase.api.submission import load_job, parse_form, submit_upload, wait_for_job
from pybase.api.upload import receive_upload
from pybase.auth.service import Principal
from pybase.errors import JobNotFoundError
from pybase.jobs.states import TERMINAL, JobStatus

__all__ = ["router"]

router = APIRouter(prefix=API_PREFIX, tags=["extraction"])

Ctx = Annotated[ApiContext, Depends(get_context)]
Caller = Annotated[Principal, Depends(require_principal)]

#: Longest ``?wait=`` accepted, in seconds.
MAX_WAIT_SECONDS = 300.0
#: Comment line sent on an idle event stream, so proxies keep it open (seconds).
_KEEPALIVE_SECONDS = 15.0


def _upload_body_schema() -> dict[str, Any]:
    from pybase.extraction.base import ExtractionOptions
    from pybase.extraction.registry import EXTRACTORS

    props: dict[str, Any] = {
        "file": {"type": "string", "format": "binary", "description": "the file to extract"},
        "options": {
            "type": "string",
            "description": 'ExtractionOptions as a JSON object, e.g. {"tables": false}',
        },
        "dedupe": {
            "type": "boolean",
            "default": True,
            "description": "return an earlier completed job over the same bytes and options",
        },
    }
    for name, spec in ExtractionOptions.model_json_schema()["properties"].items():
        entry = {
            k: v
            for k, v in spec.items()
            if k in ("type", "anyOf", "enum", "default", "description")
        }
        props[name] = entry
    props["format"] = {
        "type": "string",
        "enum": sorted(EXTRACTORS),
        "description": "force a format instead of detecting it from the content",
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": props}
                }
            },
        }
    }


def _location(job_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/jobs/{job_id}"


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobOut,
    summary="Upload a file and create an extraction job",
    responses={
        200: {
            "model": JobOut,
            "description": "A finished job: a de-duplication hit, or "
            "the new job finished within ?wait=",
        },
        **error_responses(400, 413, 415, 429, 503),
    },
    openapi_extra=_upload_body_schema(),
)
async def create_job(
    request: Request,
    response: Response,
    ctx: Ctx,
    caller: Caller,
    wait: Annotated[
        float,
        Query(ge=0, le=MAX_WAIT_SECONDS, description="wait up to this many seconds for the end"),
    ] = 0,
    dedupe: Annotated[
        bool | None, Query(description="false: always extract again (also a form field)")
    ] = None,
) -> JobOut:
    """Multipart upload in the field ``file``; options as form fields or a JSON ``options``
    field. Answers **202** with the new job and a ``Location`` header; **200** with
    ``deduplicated: true`` (header ``X-Pybase-Deduplicated: true``) when the same owner already
    has a completed job over the same bytes and options; **200** with the finished job when it
    ends within ``?wait=SECONDS``."""
    upload = await receive_upload(request, ctx.store.staging_dir, ctx.max_upload_bytes)
    try:
        options, form_dedupe = parse_form(upload.fields)
        use_dedupe = dedupe if dedupe is not None else (form_dedupe is not False)
        submitted = await anyio.to_thread.run_sync(
            lambda: submit_upload(ctx, upload, caller, options, dedupe=use_dedupe)
        )
    finally:
        if upload.path is not None:  # still staged: not stored (error) or a dedup hit
            await anyio.to_thread.run_sync(upload.discard)
    job = submitted.job
    response.headers["Location"] = _location(job.id)
    if submitted.deduplicated:
        response.status_code = 200
        response.headers["X-Pybase-Deduplicated"] = "true"
        return job_out(job, deduplicated=True)
    if wait > 0:
        job = await wait_for_job(ctx, job.id, caller.owner_filter, wait)
        if JobStatus(job.status) in TERMINAL:
            response.status_code = 200
    return job_out(job)


@router.get(
    "/jobs",
    response_model=JobPage,
    summary="List jobs, newest first",
    responses=error_responses(400),
)
def list_jobs(
    ctx: Ctx,
    caller: Caller,
    status: Annotated[list[JobStatus] | None, Query(description="repeat for several")] = None,
    format: Annotated[str | None, Query(description="pdf, dxf, ifc, step")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> JobPage:
    """Keyset pagination over (created_at, id): stable while jobs are added. Results are never
    loaded. A token sees its own jobs; an admin token sees all."""
    from pybase.jobs.repository import OwnedJobRepository

    before = decode_cursor(cursor) if cursor else None
    with ctx.database.session() as session:
        rows = OwnedJobRepository(session).list_jobs(
            statuses=[s.value for s in status] if status else None,
            extraction_format=format,
            owner=caller.owner_filter,
            before=before,
            limit=limit + 1,
        )
        items = [job_out(job) for job in rows[:limit]]
    more = len(rows) > limit
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if more else None
    return JobPage(items=items, next_cursor=next_cursor)


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="One job",
    responses=error_responses(404),
)
def get_job(job_id: uuid.UUID, ctx: Ctx, caller: Caller) -> JobOut:
    """The job's status, progress, timestamps and error fields (no result)."""
    return job_out(load_job(ctx, job_id, caller.owner_filter))


@router.get(
    "/jobs/{job_id}/result",
    summary="The extraction result of a completed job",
    responses={
        200: {"description": "the ExtractionResult JSON"},
        **error_responses(404, 409),
    },
)
def get_result(job_id: uuid.UUID, ctx: Ctx, caller: Caller) -> Response:
    """The ``ExtractionResult`` as stored; **409** ``job_not_completed`` until the job is
    completed."""
    from pybase.jobs.service import get_job as service_get_job

    with ctx.database.session() as session:
        job = service_get_job(session, job_id, owner=caller.owner_filter, with_result=True)
        status, result = job.status, job.result
    if status != JobStatus.COMPLETED.value or result is None:
        raise JobNotCompletedError(f"job {job_id} is {status}; the result exists once completed")
    return JSONResponse(result)


def _sse(event: str, data: str, event_id: int) -> bytes:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


@router.get(
    "/jobs/{job_id}/events",
    summary="Server-sent progress events until the job ends",
    responses={
        200: {
            "description": "text/event-stream: `job` events (the job JSON) on every change, "
            "then one `end` event with the final job",
            "content": {"text/event-stream": {}},
        },
        **error_responses(404),
    },
)
async def job_events(job_id: uuid.UUID, request: Request, ctx: Ctx, caller: Caller) -> Response:
    """Sends the job as an ``event: job`` message whenever its status or progress changes,
    and an ``event: end`` message when it is completed, failed or cancelled (then closes).
    An idle stream carries a comment line every 15 s. A job deleted meanwhile ends the stream
    with ``event: error``."""
    owner = caller.owner_filter
    first = await anyio.to_thread.run_sync(load_job, ctx, job_id, owner)  # 404 before streaming

    async def stream() -> AsyncIterator[bytes]:
        job = first
        seen: tuple[Any, ...] | None = None
        sequence = 0
        idle_since = anyio.current_time()
        yield b"retry: 2000\n\n"
        while True:
            body = job_out(job).model_dump_json()
            state = (job.status, job.progress, job.processed_items, job.attempt, job.error_code)
            if state != seen:
                seen = state
                sequence += 1
                idle_since = anyio.current_time()
                if JobStatus(job.status) in TERMINAL:
                    yield _sse("end", body, sequence)
                    return
                yield _sse("job", body, sequence)
            elif anyio.current_time() - idle_since > _KEEPALIVE_SECONDS:
                idle_since = anyio.current_time()
                yield b": keep-alive\n\n"
            await anyio.sleep(ctx.settings.api_poll_seconds)
            if await request.is_disconnected():
                return
            try:
                job = await anyio.to_thread.run_sync(load_job, ctx, job_id, owner)
            except JobNotFoundError:
                detail = json.dumps({"error": "job_not_found", "detail": "the job was deleted"})
                yield _sse("error", detail, sequence + 1)
                return

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a job",
    responses=error_responses(404, 409),
)
def cancel_job(job_id: uuid.UUID, ctx: Ctx, caller: Caller) -> JobOut:
    """A pending or retrying job is cancelled at once; a processing job gets
    ``cancel_requested`` and its worker stops at its next progress report (status
    ``cancelled`` then). **409** when the job already ended."""
    from pybase.jobs import service

    with ctx.database.session() as session:
        service.get_job(session, job_id, owner=caller.owner_filter)
        out = job_out(service.cancel_job(session, job_id))
    if out.status == JobStatus.PROCESSING.value:
        ctx.cancel_running(job_id)
    return out


@router.post(
    "/jobs/{job_id}/retry",
    status_code=202,
    response_model=JobOut,
    summary="Run a failed or cancelled job again",
    responses=error_responses(404, 409, 429),
)
def retry_job(job_id: uuid.UUID, response: Response, ctx: Ctx, caller: Caller) -> JobOut:
    """Puts a failed or cancelled job back to ``pending`` with a fresh retry budget and
    dispatches it. **409** for any other status; **429** ``werk24_quota_exceeded`` for a
    Werk24 job when the token's monthly page quota is used up."""
    from pybase.api.submission import check_werk24_quota
    from pybase.jobs import service
    from pybase.worker.dispatch import route_for

    with ctx.database.session() as session:
        current = service.get_job(session, job_id, owner=caller.owner_filter)
        werk24 = (current.options or {}).get("engine") == "werk24"
    if werk24:
        check_werk24_quota(ctx, caller)
    with ctx.database.session() as session:
        service.get_job(session, job_id, owner=caller.owner_filter)
        job = service.retry_job(session, job_id)
        out = job_out(job)
    ctx.dispatch(job_id, route_for(out.format, out.options))
    response.headers["Location"] = _location(job_id)
    return out


@router.delete(
    "/jobs/{job_id}",
    status_code=204,
    summary="Delete a job and its stored file",
    responses=error_responses(404, 409),
)
def delete_job(job_id: uuid.UUID, ctx: Ctx, caller: Caller) -> Response:
    """Deletes the job row, then the uploaded file in the file store (a file outside the store,
    e.g. one read in place by ``pybase extract``, is never touched). **409** while the job is
    processing: cancel it first."""
    import logging

    from pybase.jobs import service

    with ctx.database.session() as session:
        file_ref = service.delete_job(session, job_id, owner=caller.owner_filter)
    try:
        ctx.store.delete(file_ref)
    except Exception:  # the job is gone; an orphan file is pruned by maintenance
        logging.getLogger("pybase.api").exception("could not delete %s", file_ref)
    return Response(status_code=204)
