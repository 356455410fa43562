"""A bare Celery app with one no-op task, the baseline for ``bench/bench_distributed.py``.

Configured like the ``pybase`` app where it matters for throughput: JSON, no result backend,
``acks_late`` + ``reject_on_worker_lost``, prefetch 1. The task does nothing but ``INCR`` a
Redis counter (``COUNTER_KEY``) so the bench can see when all tasks ran.

Broker and counter: ``BENCH_BROKER_URL`` (default ``redis://127.0.0.1:6379/9``); queue
``BENCH_NOOP_QUEUE`` (default ``bench-noop``). Run with
``celery -A bench.celery_noop worker --concurrency 2`` (``PYTHONPATH`` = repository root).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
QUEUE = os.environ.get("BENCH_NOOP_QUEUE", "bench-noop")
#: Redis key incremented once per task run.
COUNTER_KEY = "bench:noop:count"

app = Celery("bench_noop", set_as_current=False)
app.conf.update(
    broker_url=BROKER_URL,
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue=QUEUE,
    worker_send_task_events=False,
    enable_utc=True,
)

_client: Any = None
_client_pid = 0


def _redis() -> Any:
    """This process's Redis client (made after the fork, never shared with the parent)."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        import redis

        _client, _client_pid = redis.Redis.from_url(BROKER_URL), os.getpid()
    return _client


@app.task(name="bench.noop", ignore_result=True, acks_late=True)
def noop() -> None:
    """Count one run in Redis and return nothing."""
    _redis().incr(COUNTER_KEY)
