"""What a job costs beyond its extraction: the embedded pool and Celery + Redis, side by side.

The extractor is the test suite's no-op fake (``ok``: reads a 20-byte file and returns an empty
result), so every millisecond measured is job overhead: creating the row, dispatch, the atomic
claim, heartbeat thread, progress and outcome writes, and (Celery) the broker round trip.

* **direct**: ``pybase.extraction.extract(path, format="fake")`` called N times in a loop, no
  database: the work itself.
* **embedded**: N committed jobs through :class:`~pybase.worker.embedded.EmbeddedDispatcher`
  with one worker process, until all are completed (pool start included, as ``pybase
  extract`` pays it).
* **celery**: N committed jobs sent with :class:`~pybase.worker.dispatch.CeleryDispatcher` to
  Redis, run by one ``pybase worker --concurrency 1`` subprocess (started and ready before the
  clock starts), until the database shows all completed.

Both job paths use the same store: a scratch database on the local PostgreSQL when it is
reachable (dropped afterwards), else a SQLite file. Times are wall clock; ms/job = total / N.

Usage: ``python bench/bench_dispatch.py [--jobs 200] [--redis redis://127.0.0.1:6379/0]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the fake extractor lives in tests/support

from tests.support.services import (  # noqa: E402
    EXTRA_EXTRACTORS,
    REDIS_URL,
    WorkerProcess,
    drop_queue,
    redis_ping,
    scratch_postgres_database,
    wait_for,
    worker_env,
)
from tests.support.stores import POSTGRES_URL  # noqa: E402

os.environ.setdefault("PYBASE_EXTRA_EXTRACTORS", EXTRA_EXTRACTORS)
os.environ["PYTHONPATH"] = str(REPO_ROOT)

from tests.support.fakes import fake_file  # noqa: E402

from pybase.config import Settings  # noqa: E402
from pybase.db import migrate  # noqa: E402
from pybase.db.engine import Database  # noqa: E402
from pybase.extraction import ExtractionOptions, extract  # noqa: E402
from pybase.jobs import service  # noqa: E402
from pybase.jobs.repository import JobRepository  # noqa: E402
from pybase.worker.dispatch import CeleryDispatcher  # noqa: E402
from pybase.worker.embedded import EmbeddedDispatcher  # noqa: E402


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def job_store(tmp: Path) -> Iterator[str]:
    """A scratch PostgreSQL database when the server answers, else a SQLite file."""
    if postgres_reachable():
        with scratch_postgres_database() as url:
            yield url
        return
    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(Database(url))
    yield url


def make_jobs(database: Database, files: list[Path]) -> list[uuid.UUID]:
    """One committed pending job per file (format forced to the fake extractor)."""
    with database.session() as session:
        return [
            service.create_job(session, f, options={"format": "fake"}, extraction_format="fake").id
            for f in files
        ]


def completed(database: Database, job_ids: list[uuid.UUID]) -> int:
    with database.session() as session:
        rows = JobRepository(session).snapshot(job_ids)
    return sum(row.status == "completed" for row in rows)


def bench_direct(files: list[Path]) -> float:
    options = ExtractionOptions(format="fake")
    start = time.perf_counter()
    for path in files:
        extract(path, options)
    return time.perf_counter() - start


def bench_embedded(url: str, files: list[Path]) -> float:
    database = Database(url)
    job_ids = make_jobs(database, files)
    start = time.perf_counter()
    snaps = EmbeddedDispatcher(database, workers=1, job_timeout=60).run(job_ids)
    elapsed = time.perf_counter() - start
    assert all(s.status == "completed" for s in snaps.values()), "a job did not complete"
    database.dispose()
    return elapsed


def bench_celery(url: str, redis_url: str, files: list[Path], tmp: Path) -> float:
    queue = f"pybase-bench-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        database_url=url,
        broker_url=redis_url,
        queue=queue,
        storage_dir=tmp / "s",
        heartbeat_seconds="5",  # production-like timings, not the tests' fast ones
        heartbeat_timeout_seconds="60",
        maintenance_interval_seconds="30",
        pending_resend_seconds="60",
    )
    worker = WorkerProcess(env, tmp / "worker.log", ("--concurrency", "1"))
    database = Database(url)
    dispatcher = CeleryDispatcher(Settings(broker_url=redis_url, celery_queue=queue))
    try:
        worker.start()
        job_ids = make_jobs(database, files)
        start = time.perf_counter()
        for job_id in job_ids:
            dispatcher.dispatch(job_id, "fake")
        wait_for(
            lambda: completed(database, job_ids) == len(job_ids),
            timeout=300,
            interval=0.02,
            what="all jobs",
        )
        return time.perf_counter() - start
    finally:
        worker.stop()
        dispatcher.close()
        database.dispose()
        drop_queue(redis_url, queue)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--redis", default=REDIS_URL)
    args = parser.parse_args()
    n = args.jobs
    with tempfile.TemporaryDirectory(prefix="pybase-bench-") as name:
        tmp = Path(name)
        files = [fake_file(tmp / f"f{i}.pdf", "ok") for i in range(n)]
        rows = [("direct (no job)", bench_direct(files))]
        with job_store(tmp) as url:
            store = url.split(":", 1)[0]
            rows.append((f"embedded, 1 process, {store}", bench_embedded(url, files)))
            if redis_ping(args.redis):
                rows.append(
                    (f"celery+redis, 1 worker, {store}", bench_celery(url, args.redis, files, tmp))
                )
            else:
                print(f"(Redis not reachable at {args.redis}: Celery row skipped)")
    direct_ms = rows[0][1] * 1000 / n
    print(f"{n} no-op jobs each")
    print(f"{'path':44} {'total s':>8} {'ms/job':>8} {'overhead ms/job':>16}")
    for label, seconds in rows:
        per_job = seconds * 1000 / n
        print(f"{label:44} {seconds:8.2f} {per_job:8.2f} {per_job - direct_ms:16.2f}")


if __name__ == "__main__":
    main()
