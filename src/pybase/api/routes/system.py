"""Operational routes: ``GET /health`` (no auth) and ``GET /metrics`` (admin token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from pybase import __version__
from pybase.api.auth import require_admin
from pybase.api.context import ApiContext, get_context
from pybase.api.errors import error_responses
from pybase.api.health import check_broker, check_database, check_storage
from pybase.api.metrics import render_metrics
from pybase.api.schemas import ComponentHealth, HealthOut
from pybase.auth.service import Principal

__all__ = ["router"]

router = APIRouter(tags=["system"])

Ctx = Annotated[ApiContext, Depends(get_context)]


@router.get(
    "/health",
    response_model=HealthOut,
    summary="Reachability of the database, the broker and the file store (no auth)",
    responses={503: {"model": HealthOut, "description": "something is unreachable"}},
)
async def health(ctx: Ctx) -> JSONResponse:
    """**200** ``ok`` when every component in use answers; **503** ``degraded`` otherwise.
    The broker is null (not used) in embedded mode. The checks run concurrently, each bounded
    to a few seconds."""
    results: dict[str, ComponentHealth] = {}

    async def run(name: str, check: Callable[[ApiContext], ComponentHealth]) -> None:
        results[name] = await anyio.to_thread.run_sync(check, ctx)

    async with anyio.create_task_group() as group:
        group.start_soon(run, "database", check_database)
        group.start_soon(run, "broker", check_broker)
        group.start_soon(run, "storage", check_storage)
    body = HealthOut(
        status="ok",
        version=__version__,
        database=results["database"],
        broker=results["broker"],
        storage=results["storage"],
    )
    bad = any(c.ok is False for c in (body.database, body.broker, body.storage))
    if bad:
        body.status = "degraded"
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if bad else 200)


@router.get(
    "/metrics",
    summary="Prometheus metrics (admin token)",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {"text/plain": {}}},
        **error_responses(403),
    },
)
def metrics(ctx: Ctx, _admin: Annotated[Principal, Depends(require_admin)]) -> Response:
    """Jobs by status, queue depth (pending + retrying), retries and attempts, and a histogram
    of job durations, read from the job store at scrape time."""
    body, content_type = render_metrics(ctx.database)
    return Response(body, media_type=content_type)
