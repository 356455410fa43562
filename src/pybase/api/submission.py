"""Turning a received upload into a job (the body of ``POST /jobs``), and waiting for jobs.

Order of operations, so that nothing is lost or orphaned:

1. the file is staged and hashed while it arrives (:mod:`pybase.api.upload`);
2. options are validated (:class:`~pybase.extraction.base.ExtractionOptions`) and the format
   is detected from the staged bytes;
3. de-duplication (unless ``dedupe=false``): a completed job of the same owner over the same
   SHA-256 with the same options is returned as it is, and the upload is dropped;
4. the file is moved into the file store under ``<job id>/<safe name>``;
5. the job row is committed (its ``file_path`` is the store reference); if that fails the
   stored file is deleted again;
6. only then is the job dispatched (a Werk24 job as ``extract_werk24``). A dispatch that
   fails leaves the job ``pending``; the periodic maintenance re-sends it.

A Werk24 job (option ``engine=werk24``) of a token with a monthly page quota is refused with
429 ``werk24_quota_exceeded`` before step 4 when the owner's completed Werk24 jobs of this
calendar month (UTC) have read that many pages (:func:`check_werk24_quota`). Jobs still
pending or running are not counted yet, so a burst of submissions can overshoot the quota
by what is in flight.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from pybase.api.errors import RequestValidationFailed
from pybase.errors import PybaseError
from pybase.jobs.states import TERMINAL, JobStatus

if TYPE_CHECKING:
    from pybase.api.context import ApiContext
    from pybase.api.upload import Upload
    from pybase.auth.service import Principal
    from pybase.jobs.models import ExtractionJob

__all__ = [
    "Submitted",
    "check_werk24_quota",
    "load_job",
    "parse_form",
    "submit_upload",
    "wait_for_job",
]

log = logging.getLogger("pybase.api")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Submitted:
    """Outcome of a submission: the job, and whether it is an earlier job (dedup hit)."""

    job: ExtractionJob
    deduplicated: bool


def _flag(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RequestValidationFailed(f"{name} must be true or false, not {value!r}")


def parse_form(fields: dict[str, str]) -> tuple[dict[str, Any], bool | None]:
    """Options and the ``dedupe`` flag from the form's text fields.

    Options come from a JSON object in the field ``options`` and/or from one field per
    option (``format``, ``include_text``, ``max_pages``, ``tables``, ``mass_properties``,
    ``properties``); single fields win over the JSON. Returns the options normalised (values
    equal to the defaults left out, so equal requests compare equal) and ``dedupe`` (None when
    not given).

    Raises:
        RequestValidationFailed: unknown field, bad JSON, or an invalid option value (422).
    """
    from pydantic import ValidationError

    from pybase.extraction.base import ExtractionOptions
    from pybase.extraction.registry import EXTRACTORS

    fields = dict(fields)
    dedupe = _flag("dedupe", fields.pop("dedupe")) if "dedupe" in fields else None
    merged: dict[str, Any] = {}
    if "options" in fields:
        try:
            loaded = json.loads(fields.pop("options"))
        except json.JSONDecodeError as exc:
            raise RequestValidationFailed(f"options is not valid JSON: {exc}") from exc
        if not isinstance(loaded, dict):
            raise RequestValidationFailed("options must be a JSON object")
        merged.update(loaded)
    merged.update({k: (v if v != "" else None) for k, v in fields.items()})
    try:
        options = ExtractionOptions.model_validate(merged)
    except ValidationError as exc:
        problems = [
            {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise RequestValidationFailed("invalid extraction options", problems) from exc
    if options.format is not None and options.format not in EXTRACTORS:
        known = ", ".join(sorted(EXTRACTORS))
        raise RequestValidationFailed(f"format {options.format!r} is not one of {known}")
    return options.model_dump(exclude_defaults=True), dedupe


def _detect(path: Path, forced: str | None, images: bool = False) -> str | None:
    if forced:
        return forced
    from pybase.extraction.detect import detect_format

    try:
        return detect_format(path, images=images).format
    except PybaseError:
        return None  # the job still runs and fails with the detection's error code


def submit_upload(
    ctx: ApiContext,
    upload: Upload,
    principal: Principal,
    options: dict[str, Any],
    *,
    dedupe: bool,
) -> Submitted:
    """Steps 2-6 of the module docstring (blocking: run it in a worker thread).

    Raises:
        StorageUnavailableError: the file store could not take the file (503).
    """
    from pybase.jobs import service
    from pybase.storage.base import object_key

    owner = principal.owner
    if dedupe:
        with ctx.database.session() as session:
            earlier = service.find_duplicate(session, upload.sha256, options, owner)
        if earlier is not None:
            upload.discard()
            return Submitted(earlier, True)
    werk24 = options.get("engine") == "werk24"
    if werk24:
        check_werk24_quota(ctx, principal)
    staged = upload.staged_file(ctx.store.staging_dir())
    fmt = _detect(staged, options.get("format"), images=werk24)
    job_id = uuid.uuid4()
    file_ref = ctx.store.put(object_key(job_id, upload.filename), staged)
    upload.path = None  # moved into the store
    try:
        with ctx.database.session() as session:
            job = service.create_stored_job(
                session,
                job_id=job_id,
                file_ref=file_ref,
                filename=upload.filename,
                file_size=upload.size,
                sha256=upload.sha256,
                options=options,
                owner=owner,
                extraction_format=fmt,
            )
    except BaseException:
        try:
            ctx.store.delete(file_ref)
        except Exception:
            log.exception("could not delete %s after a failed submit", file_ref)
        raise
    from pybase.worker.dispatch import route_for

    ctx.dispatch(job.id, route_for(fmt, options))
    return Submitted(job, False)


def check_werk24_quota(ctx: ApiContext, principal: Principal) -> None:
    """Refuse a Werk24 job when the caller's token has a monthly page quota that the owner's
    completed Werk24 jobs of this calendar month (UTC) have used up. Blocking (one SUM query
    over the index on owner, completed_at).

    Raises:
        Werk24QuotaExceededError: 429 with ``Retry-After`` until the first of next month.
    """
    quota = principal.monthly_pages
    if quota is None:
        return
    from pybase.api.errors import Werk24QuotaExceededError
    from pybase.db.types import utcnow
    from pybase.jobs.service import month_start_utc, pages_read_this_month

    now = utcnow()
    with ctx.database.session() as session:
        used = pages_read_this_month(session, principal.owner, now)
    if used < quota:
        return
    _, resets = month_start_utc(now)
    raise Werk24QuotaExceededError(
        f"monthly Werk24 quota of {quota} page(s) used up ({used} read this month); "
        f"it resets at {resets.isoformat()}",
        headers={"Retry-After": str(max(1, int((resets - now).total_seconds())))},
    )


def load_job(ctx: ApiContext, job_id: uuid.UUID, owner: str | None) -> ExtractionJob:
    """The job (without result) if ``owner`` may see it.

    Raises:
        JobNotFoundError: no such job, or another owner's.
    """
    from pybase.jobs.service import get_job

    with ctx.database.session() as session:
        return get_job(session, job_id, owner=owner)


async def wait_for_job(
    ctx: ApiContext, job_id: uuid.UUID, owner: str | None, seconds: float
) -> ExtractionJob:
    """Re-read the job every ``PYBASE_API_POLL_SECONDS`` until it is completed, failed or
    cancelled, or ``seconds`` have passed; returns the last row read. Sleeps on the event
    loop, so a waiting request holds no thread."""
    deadline = time.monotonic() + seconds
    job = await anyio.to_thread.run_sync(load_job, ctx, job_id, owner)
    while JobStatus(job.status) not in TERMINAL:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        await anyio.sleep(min(ctx.settings.api_poll_seconds, left))
        job = await anyio.to_thread.run_sync(load_job, ctx, job_id, owner)
    return job
