"""The Celery app ``pybase``: transport only; job state lives in our database.

Broker from ``PYBASE_BROKER_URL`` (``redis://…`` or ``amqp://…``). There is no result backend:
tasks return nothing anyone reads, outcomes are written to ``extraction_jobs`` by
:func:`pybase.jobs.service.run_job`.

Delivery is at-least-once, outcomes are exactly-once (Celery docs, "Tasks: acks_late" and
"Optimizing: prefetch limits"):

* ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after its
  task ran, and put back when the worker process died, so a crash loses no job;
* ``worker_prefetch_multiplier = 1``: a worker holds one unstarted job per process, so a long
  STEP file does not sit behind another;
* hard time limit = ``PYBASE_JOB_TIMEOUT_SECONDS`` (per format: ``PYBASE_FORMAT_TIME_LIMITS``),
  soft limit ``PYBASE_SOFT_TIME_LIMIT_SECONDS`` scaled to it; the Redis visibility timeout is
  longer than the longest hard limit, so Redis never re-delivers a task that is still running
  within its limit;
* duplicates (re-delivery, maintenance re-sends) are harmless: the claim in ``run_job`` is
  one atomic conditional UPDATE and every later write is fenced by the attempt number.

Each worker process opens its own :class:`~pybase.db.engine.Database` after the fork
(``worker_process_init``); an engine is never shared across ``fork``. Importing this module
imports Celery but never FastAPI.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from pybase.config import Settings, get_settings
from pybase.db.engine import Database
from pybase.worker.dispatch import TASK_NAMES

__all__ = [
    "ENFORCE_CANCEL_TASK",
    "MAINTENANCE_TASK",
    "app",
    "celery_config",
    "create_app",
    "get_database",
    "time_limits",
]

#: Name of the periodic maintenance task (beat schedule, see :mod:`pybase.worker.maintenance`).
MAINTENANCE_TASK = "pybase.maintenance"
#: Name of the task that terminates a running job that ignored its cancel.
ENFORCE_CANCEL_TASK = "pybase.enforce_cancel"


def _soft_ratio(settings: Settings) -> float:
    ratio = settings.soft_time_limit_seconds / settings.job_timeout_seconds
    return ratio if ratio < 1 else 0.95


def time_limits(settings: Settings) -> dict[str, tuple[float, float]]:
    """(soft, hard) time limit in seconds per extraction task name.

    The hard limit is ``format_time_limits[format]`` or ``job_timeout_seconds``; the soft limit
    keeps the ratio ``soft_time_limit_seconds / job_timeout_seconds`` (0.95 when that is not
    below 1), so a longer per-format limit gets a proportionally later soft limit.
    """
    ratio = _soft_ratio(settings)
    limits = {}
    for fmt, name in TASK_NAMES.items():
        hard = float(settings.format_time_limits.get(fmt, settings.job_timeout_seconds))
        limits[name] = (hard * ratio, hard)
    return limits


def celery_config(settings: Settings) -> dict[str, Any]:
    """The Celery configuration derived from ``settings`` (see the module docstring)."""
    limits = time_limits(settings)
    longest = max(hard for _, hard in limits.values())
    annotations = {
        name: {"soft_time_limit": soft, "time_limit": hard} for name, (soft, hard) in limits.items()
    }
    interval = settings.maintenance_interval_seconds
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a worker outlives any broker outage
        "broker_transport_options": {
            # Redis: an unacknowledged message is re-delivered after this many seconds; it
            # must outlive the longest hard limit or a running job would be delivered twice.
            "visibility_timeout": int(longest * 1.25 + 60),
            "socket_connect_timeout": 5,
        },
        # A publish while the broker is down fails fast (the job stays pending and
        # maintenance re-sends it) instead of blocking the API request.
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": settings.job_timeout_seconds,
        "task_soft_time_limit": settings.job_timeout_seconds * _soft_ratio(settings),
        "task_annotations": annotations,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "task_default_queue": settings.celery_queue,
        "worker_send_task_events": False,
        "enable_utc": True,
        "timezone": "UTC",
        "beat_scheduler": "celery.beat:Scheduler",  # interval only: nothing worth persisting
        "beat_schedule": {
            "pybase-maintenance": {
                "task": MAINTENANCE_TASK,
                "schedule": interval,
                # a tick that waited longer than one interval is superseded by the next
                "options": {"queue": settings.celery_queue, "expires": interval},
            }
        },
    }


def create_app(settings: Settings | None = None) -> Celery:
    """A Celery app named ``pybase`` configured from ``settings`` (default: the process
    settings). The worker imports the tasks from :mod:`pybase.worker.tasks`; API processes
    only send tasks by name and may build their own app with this function."""
    settings = settings or get_settings()
    celery = Celery("pybase", include=["pybase.worker.tasks"], set_as_current=False)
    celery.conf.update(celery_config(settings))
    return celery


#: The app the ``pybase worker`` process runs (configured from the environment at import).
app = create_app()

_database: Database | None = None
_database_pid = 0


def get_database() -> Database:
    """This process's job store, created on first use in each process (a forked child never
    uses its parent's engine)."""
    global _database, _database_pid
    if _database is None or _database_pid != os.getpid():
        _database, _database_pid = Database.from_settings(), os.getpid()
    return _database


@worker_process_init.connect
def _open_database_after_fork(**_: Any) -> None:
    """In a freshly forked pool process: drop the pool inherited from the parent without
    closing the parent's connections (SQLAlchemy docs, "Using Connection Pools with
    Multiprocessing or os.fork()"), then open this process's own."""
    global _database
    if _database is not None and _database_pid != os.getpid():
        _database.engine.dispose(close=False)
        _database = None
    get_database()


@worker_process_shutdown.connect
def _close_database(**_: Any) -> None:
    global _database
    if _database is not None and _database_pid == os.getpid():
        _database.dispose()
    _database = None
