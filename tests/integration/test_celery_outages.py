"""Nothing is lost when things break: a worker machine dies mid-job, the broker is down while
jobs are submitted, the database restarts under a running job.

Real ``pybase worker`` subprocesses; a test that stops a service stops its own private
instance (a redis-server or a PostgreSQL cluster it started), never the machine's.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pybase.config import Settings
from pybase.db.engine import Database
from pybase.jobs import service
from pybase.jobs.models import ExtractionJob
from pybase.jobs.repository import JobRepository
from pybase.worker.dispatch import CeleryDispatcher
from tests.support.fakes import fake_file
from tests.support.recording import runs
from tests.support.services import (
    PostgresCluster,
    RedisServer,
    WorkerProcess,
    running_worker,
    wait_for,
    worker_env,
)

pytest_plugins = ["tests.support.service_fixtures"]
pytestmark = pytest.mark.postgres


class Harness:
    """A store, a dispatcher on a broker and queue, and helpers to make and watch jobs."""

    def __init__(self, database_url: str, broker_url: str, queue: str, root: Path) -> None:
        self.database = Database(database_url)
        self.root = root
        self.files = root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.env = worker_env(
            database_url=database_url, broker_url=broker_url, queue=queue, storage_dir=root / "s"
        )
        self.dispatcher = CeleryDispatcher(Settings(broker_url=broker_url, celery_queue=queue))

    def close(self) -> None:
        self.dispatcher.close()
        self.database.dispose()

    def worker(self, name: str, *args: str) -> WorkerProcess:
        return WorkerProcess(
            self.env, self.root / f"{name}.log", ("--hostname", f"{name}@%h", *args)
        )

    def job(self, behaviour: str) -> tuple[uuid.UUID, Path]:
        path = fake_file(self.files / f"{uuid.uuid4().hex[:8]}.pdf", behaviour)
        with self.database.session() as session:
            job = service.create_job(
                session, path, options={"format": "rec"}, extraction_format="rec"
            )
        return job.id, path

    def get(self, job_id: uuid.UUID) -> ExtractionJob:
        with self.database.session() as session:
            return JobRepository(session).get(job_id)

    def wait_status(self, job_id: uuid.UUID, *statuses: str, timeout: float) -> ExtractionJob:
        def reached() -> ExtractionJob | None:
            try:
                job = self.get(job_id)
            except Exception:  # the database may be restarting
                return None
            return job if job.status in statuses else None

        return wait_for(reached, timeout=timeout, what=f"job {job_id} to be {statuses}")


MakeHarness = Callable[[str, str, str], Harness]


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[MakeHarness]:
    made: list[Harness] = []

    def make(database_url: str, broker_url: str, queue: str) -> Harness:
        made.append(Harness(database_url, broker_url, queue, tmp_path))
        return made[-1]

    yield make
    for harness in made:
        harness.close()


def test_a_worker_killed_mid_job_completes_it_exactly_once_after_another_starts(
    scratch_pg_url: str, machine_redis_url: str, queue_name: str, make_harness: MakeHarness
) -> None:
    h = make_harness(scratch_pg_url, machine_redis_url, queue_name)
    job_id, path = h.job("sleep:2")
    first = h.worker("first", "--concurrency", "1")  # no beat: nothing else rescues
    try:
        first.start()
        h.dispatcher.dispatch(job_id, "pdf")
        wait_for(lambda: runs(path), timeout=20, what="the first attempt to start")
        first.kill()  # the machine dies: worker, pool process and heartbeat thread at once
    finally:
        first.stop()
    assert h.get(job_id).status == "processing"  # nobody knows yet

    with running_worker(h.env, h.root / "second.log", "--hostname", "second@%h", "--beat"):
        job = h.wait_status(job_id, "completed", "failed", timeout=40)
    assert job.status == "completed", (job.error_code, job.error_message)
    assert job.attempt == 2 and job.retry_count == 1  # rescued once (worker_lost), re-run once
    assert runs(path) == ["start", "start", "end"]  # exactly one run finished


def test_jobs_submitted_while_redis_is_down_all_complete_once_it_is_back(
    scratch_pg_url: str,
    private_redis: RedisServer,
    tmp_path: Path,
    queue_name: str,
    make_harness: MakeHarness,
) -> None:
    h = make_harness(scratch_pg_url, private_redis.url, queue_name)
    with running_worker(h.env, tmp_path / "worker.log", "--concurrency", "2", "--beat"):
        private_redis.stop()
        jobs = []
        for _ in range(3):
            job_id, path = h.job("ok")
            started = time.monotonic()
            assert h.dispatcher.dispatch(job_id, "pdf") is None  # not sent, not raised
            assert time.monotonic() - started < 5  # and the caller was not kept waiting
            jobs.append((job_id, path))
        time.sleep(1.5)
        assert {h.get(job_id).status for job_id, _ in jobs} == {"pending"}  # kept, not lost
        private_redis.start()  # same port, empty: the messages were never sent
        for job_id, path in jobs:
            job = h.wait_status(job_id, "completed", "failed", timeout=60)
            assert job.status == "completed" and job.attempt == 1
            assert runs(path) == ["start", "end"]


def test_a_postgres_restart_under_a_running_job_loses_nothing(
    private_postgres: PostgresCluster,
    machine_redis_url: str,
    queue_name: str,
    make_harness: MakeHarness,
) -> None:
    h = make_harness(private_postgres.url, machine_redis_url, queue_name)
    with running_worker(h.env, h.root / "worker.log", "--concurrency", "1", "--beat") as worker:
        job_id, path = h.job("sleep:4")
        h.dispatcher.dispatch(job_id, "pdf")
        wait_for(lambda: runs(path), timeout=20, what="the job to start")
        private_postgres.restart()  # every connection of the worker is cut
        job = h.wait_status(job_id, "completed", "retrying", "failed", timeout=40)
        assert job.status in ("completed", "retrying"), (job.error_code, job.error_message)
        job = h.wait_status(job_id, "completed", timeout=40)  # a retry runs it again if needed
        assert worker.alive()
        # the same worker keeps taking jobs
        next_id, _ = h.job("ok")
        h.dispatcher.dispatch(next_id, "pdf")
        assert h.wait_status(next_id, "completed", "failed", timeout=30).status == "completed"
        assert worker.alive()
