"""Jobs through a real ``pybase worker`` subprocess, the machine's Redis and PostgreSQL.

One worker (2 pool processes, beat embedded) serves the whole module on a queue of its own and
a scratch database; each test creates its own jobs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
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
    WorkerProcess,
    drop_queue,
    running_worker,
    scratch_postgres_database,
    wait_for,
    worker_env,
)

pytest_plugins = ["tests.support.service_fixtures"]
pytestmark = pytest.mark.postgres


class Site:
    """What the module's tests share: the store, the worker, a dispatcher, a file area."""

    def __init__(self, database: Database, env: dict[str, str], files: Path) -> None:
        self.database, self.env, self.files = database, env, files
        self.settings = Settings(
            broker_url=env["PYBASE_BROKER_URL"],
            celery_queue=env["PYBASE_CELERY_QUEUE"],
            cancel_grace_seconds=1.0,
        )
        self.dispatcher = CeleryDispatcher(self.settings)
        self.worker: WorkerProcess | None = None

    def job(self, behaviour: str, fmt: str = "rec") -> tuple[uuid.UUID, Path]:
        path = fake_file(self.files / f"{uuid.uuid4().hex[:8]}.pdf", behaviour)
        with self.database.session() as session:
            job = service.create_job(session, path, options={"format": fmt}, extraction_format=fmt)
        return job.id, path

    def get(self, job_id: uuid.UUID) -> ExtractionJob:
        with self.database.session() as session:
            return JobRepository(session).get(job_id, with_result=True)

    def wait_status(self, job_id: uuid.UUID, *statuses: str, timeout: float = 20) -> ExtractionJob:
        def reached() -> ExtractionJob | None:
            job = self.get(job_id)
            return job if job.status in statuses else None

        return wait_for(reached, timeout=timeout, what=f"job {job_id} to be {statuses}")

    def wait_running(self, job_id: uuid.UUID, path: Path) -> ExtractionJob:
        """Until the extractor itself runs (claimed, and the recording extractor started)."""
        wait_for(lambda: runs(path), timeout=20, what=f"job {job_id} to start")
        return self.wait_status(job_id, "processing", timeout=5)


@pytest.fixture(scope="module")
def site(machine_redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("celery-site")
    queue = f"pybase-test-{uuid.uuid4().hex[:10]}"
    with scratch_postgres_database() as url:
        env = worker_env(
            database_url=url,
            broker_url=machine_redis_url,
            queue=queue,
            storage_dir=root / "store",
            # a short hard limit for STEP only (the time-limit test sends its jobs as STEP)
            format_time_limits='{"step": 3}',
            # no stale-heartbeat rescue within a test: what ends an attempt here is the
            # worker's own handling of a dead, terminated or timed-out pool process
            heartbeat_timeout_seconds="30",
        )
        site = Site(Database(url), env, root / "files")
        site.files.mkdir()
        with running_worker(env, root / "worker.log", "--concurrency", "2", "--beat") as worker:
            site.worker = worker
            yield site
        site.dispatcher.close()
        site.database.dispose()
    drop_queue(machine_redis_url, queue)


def _tiny_dxf(path: Path) -> Path:
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.modelspace().add_line((0, 0), (120, 0))
    doc.modelspace().add_text("HELLO", dxfattribs={"height": 3.5})
    doc.saveas(path)
    return path


def test_a_dxf_job_goes_through_redis_to_a_worker_and_completes(site: Site) -> None:
    path = _tiny_dxf(site.files / "part.dxf")
    with site.database.session() as session:
        job_id = service.create_job(session, path).id  # committed before it is sent
    task_id = site.dispatcher.dispatch(job_id, "dxf")
    job = site.wait_status(job_id, "completed", "failed")
    assert job.status == "completed", (job.error_code, job.error_message)
    assert job.result is not None and job.result["source"]["format"] == "dxf"
    assert job.celery_task_id == task_id
    assert job.worker_id and not job.worker_id.endswith(f":{os.getpid()}")
    assert job.started_at is not None and job.completed_at is not None
    assert job.attempt == 1 and job.progress == 100


def test_a_duplicate_delivery_does_not_run_the_job_twice(site: Site) -> None:
    job_id, path = site.job("sleep:0.6")
    first = site.dispatcher.dispatch(job_id, "pdf")
    second = site.dispatcher.dispatch(job_id, "pdf")  # a second message for the same job
    site.dispatcher.app.send_task(  # and the very same message again (re-delivery)
        "extract_pdf", args=[str(job_id)], task_id=first, queue=site.settings.celery_queue
    )
    job = site.wait_status(job_id, "completed")
    assert site.worker is not None

    def outcomes() -> list[str]:
        return [
            line.rsplit(": ", 1)[1]
            for line in site.worker.log().splitlines()  # type: ignore[union-attr]
            if f"extract_pdf[{first}] succeeded" in line
            or f"extract_pdf[{second}] succeeded" in line
        ]

    wait_for(lambda: len(outcomes()) == 3, timeout=10, what="all three deliveries")
    assert sorted(outcomes()) == ["'completed'", "None", "None"]  # two deliveries were no-ops
    assert job.attempt == 1
    assert runs(path) == ["start", "end"]


def test_cancelling_a_running_job_ends_it_cancelled(site: Site) -> None:
    job_id, path = site.job("sleep:30")
    site.dispatcher.dispatch(job_id, "pdf")
    site.wait_running(job_id, path)
    with site.database.session() as session:
        service.cancel_job(session, job_id)
    site.dispatcher.cancel(job_id)
    job = site.wait_status(job_id, "cancelled", timeout=10)
    assert job.error_code == "cancelled" and job.error_message == "cancelled while running"
    assert job.attempt == 1 and job.completed_at is not None
    assert runs(path) == ["start"]


def test_a_job_that_ignores_its_cancel_is_terminated_and_ends_cancelled(site: Site) -> None:
    job_id, path = site.job("block:60")  # never reaches a progress report
    site.dispatcher.dispatch(job_id, "pdf")
    site.wait_running(job_id, path)
    done = _pybase(site.env, "jobs", "cancel", str(job_id))  # as an operator would
    assert done.returncode == 0, done.stderr
    assert "terminated after 1 s if it has not stopped" in " ".join(done.stdout.split())
    job = site.wait_status(job_id, "cancelled", timeout=15)  # revoke(terminate=True) did it
    assert f"attempt of {job.worker_id} ended, now cancelled" in site.worker.log()  # type: ignore[union-attr]
    assert job.error_code == "cancelled"  # not worker_lost
    assert "stopped" in (job.error_message or "")
    assert job.attempt == 1 and runs(path) == ["start"]
    assert site.worker is not None and site.worker.alive()


def test_a_killed_pool_process_is_put_back_at_once_and_the_job_completes(site: Site) -> None:
    job_id, path = site.job("sleep:1.5")
    site.dispatcher.dispatch(job_id, "pdf")
    job = site.wait_running(job_id, path)
    assert job.worker_id is not None
    os.kill(int(job.worker_id.rpartition(":")[2]), signal.SIGKILL)
    job = site.wait_status(job_id, "completed", timeout=25)
    assert job.attempt == 2 and job.retry_count == 1
    assert runs(path) == ["start", "start", "end"]  # one run was cut short, one finished


def test_the_werk24_task_runs_the_job_through_run_job(site: Site) -> None:
    # the task name only routes: run_job takes engine and format from the job itself (a job
    # with the Werk24 engine end to end: tests/werk24/test_werk24_celery.py)
    job_id, path = site.job("ok")
    site.dispatcher.dispatch(job_id, "werk24")
    job = site.wait_status(job_id, "completed", "failed")
    assert (job.status, job.attempt) == ("completed", 1), job.error_message
    assert runs(path) == ["start", "end"]


def test_time_limits_end_jobs_with_extraction_timeout(site: Site) -> None:
    soft_id, _ = site.job("sleep:20")  # stops at the soft limit (2.8 s)
    hard_id, hard_path = site.job("stubborn:20")  # ignores it: killed at the hard limit (3 s)
    site.dispatcher.dispatch(soft_id, "step")
    site.dispatcher.dispatch(hard_id, "step")
    messages = []
    for job_id in (soft_id, hard_id):
        job = site.wait_status(job_id, "failed", "completed", "retrying", timeout=20)
        assert (job.status, job.error_code) == ("failed", "extraction_timeout"), job_id
        assert job.attempt == 1
        messages.append(job.error_message or "")
    assert "soft time limit" in messages[0]
    assert "longer than 3 s and was stopped" in messages[1]
    assert runs(hard_path) == ["start"]
    assert site.worker is not None and site.worker.alive()


def _pybase(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pybase", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _job_count(database: Database) -> int:
    with database.session() as session:
        return sum(JobRepository(session).count_by_status().values())


def test_verify_passes_against_the_running_worker(site: Site) -> None:
    before = _job_count(site.database)
    done = _pybase(site.env, "verify", "--timeout", "30")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("✓") for line in lines), done.stdout
    for name in ("picked up", "completed", "celery_task_id", "started_at", "completed_at"):
        assert any(line.startswith(f"✓ {name}:") for line in lines), name
    assert "pending -> processing -> completed" in done.stdout
    assert _job_count(site.database) == before  # the test job was deleted


def test_verify_fails_when_no_worker_runs(site: Site) -> None:
    # a store and a queue that no worker serves (the module's worker would pick up any
    # pending job of its own store through maintenance, whatever queue it was sent to)
    with scratch_postgres_database() as url:
        env = {
            **site.env,
            "PYBASE_DATABASE_URL": url,
            "PYBASE_CELERY_QUEUE": f"nobody-{uuid.uuid4().hex[:8]}",
        }
        done = _pybase(env, "verify", "--timeout", "2")
        drop_queue(site.env["PYBASE_BROKER_URL"], env["PYBASE_CELERY_QUEUE"])
        database = Database(url)
        left = _job_count(database)
        database.dispose()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "✗ picked up: still pending after 2 s" in done.stdout
    assert "✓ cleanup:" in done.stdout and left == 0


def test_worker_refuses_to_start_without_a_broker(site: Site) -> None:
    env = {k: v for k, v in site.env.items() if k != "PYBASE_BROKER_URL"}
    done = _pybase(env, "worker", timeout=30)
    assert done.returncode == 1
    assert "error[not_configured]: PYBASE_BROKER_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr
