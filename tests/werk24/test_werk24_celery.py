"""A Werk24 job through the distributed path: sent as the Celery task ``extract_werk24`` via the
machine's Redis to a real ``pybase worker`` subprocess on a scratch PostgreSQL database, which
reads it with the real client from the fake service.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pybase.config import Settings
from pybase.db.engine import Database
from pybase.jobs import service
from pybase.jobs.models import ExtractionJob
from pybase.jobs.repository import JobRepository
from pybase.worker.dispatch import CeleryDispatcher, route_for
from tests.support.services import running_worker, scratch_postgres_database, wait_for, worker_env
from tests.werk24.answers import PART_NUMBER, bracket_answers
from tests.werk24.fake_server import FakeWerk24

pytest_plugins = ["tests.support.service_fixtures"]
pytestmark = pytest.mark.postgres


def test_a_werk24_job_runs_on_a_celery_worker(
    werk24: FakeWerk24,
    bracket: Path,
    machine_redis_url: str,
    queue_name: str,
    tmp_path: Path,
) -> None:
    with scratch_postgres_database() as url:
        env = worker_env(  # inherits PYBASE_WERK24_* from the werk24 fixture
            database_url=url,
            broker_url=machine_redis_url,
            queue=queue_name,
            storage_dir=tmp_path / "store",
        )
        database = Database(url)
        dispatcher = CeleryDispatcher(
            Settings(broker_url=machine_redis_url, celery_queue=queue_name)
        )

        def submit() -> uuid.UUID:
            with database.session() as session:
                job = service.create_job(session, bracket, options={"engine": "werk24"})
                job_id, fmt, options = job.id, job.extraction_format, job.options
            assert dispatcher.dispatch(job_id, route_for(fmt, options)) is not None
            return job_id

        def ended(job_id: uuid.UUID) -> ExtractionJob | None:
            with database.session() as session:
                job = JobRepository(session).get(job_id, with_result=True)
            return job if job.status in ("completed", "failed") else None

        try:
            with running_worker(env, tmp_path / "worker.log", "--concurrency", "1") as worker:
                job_id = submit()
                done = wait_for(lambda: ended(job_id), timeout=40, what="the werk24 job")
                assert done.status == "completed", done.error_message
                assert done.pages_read == 1 and done.celery_task_id
                assert done.result is not None
                assert done.result["title_block"]["part_number"] == PART_NUMBER
                assert werk24.requests[0].upload == bracket.read_bytes()
                assert f"extract_werk24[{done.celery_task_id}]" in worker.log()

                werk24.reset("quota", bracket_answers())
                refused_id = submit()
                failed = wait_for(lambda: ended(refused_id), timeout=40, what="the refusal")
                assert (failed.status, failed.error_code, failed.retry_count) == (
                    "failed",
                    "werk24_insufficient_credits",
                    0,
                )
        finally:
            dispatcher.close()
            database.dispose()
