"""The job lifecycle on real stores (SQLite file and PostgreSQL): claim, fencing, outcomes."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.errors import IllegalTransitionError, JobNotFoundError
from pybase.jobs import service
from pybase.jobs.repository import JobRepository
from tests.support.fakes import fake_file

pytestmark = pytest.mark.usefixtures("fake_extractors")


def _job(store: Database, path: Path, **kwargs: object) -> uuid.UUID:
    with store.session() as session:
        job = service.create_job(
            session, path, options={"format": "fake"}, extraction_format="fake", **kwargs
        )  # type: ignore[arg-type]
        return job.id


def _get(store: Database, job_id: uuid.UUID, *, with_result: bool = False):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return JobRepository(session).get(job_id, with_result=with_result)


def test_run_job_completes_and_stores_result(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    outcome = service.run_job(store, job_id, worker_id="test:1")
    assert outcome.status == "completed" and outcome.attempt == 1
    job = _get(store, job_id, with_result=True)
    assert job.status == "completed" and job.progress == 100
    assert job.result["stats"] == {"behaviour": "ok"}
    assert job.result["source"]["name"] == "ok.pdf"
    assert len(job.sha256) == 64 and job.started_at <= job.completed_at
    assert job.duration_ms is not None and job.worker_id == "test:1"


def test_second_claim_of_the_same_job_does_nothing(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    with store.session() as session:
        first = JobRepository(session).claim(job_id, worker_id="a:1", now=utcnow())
    with store.session() as session:
        second = JobRepository(session).claim(job_id, worker_id="b:2", now=utcnow())
    assert first is not None and first.attempt == 1
    assert second is None
    assert service.run_job(store, job_id).status is None  # duplicate delivery: no-op
    assert _get(store, job_id).worker_id == "a:1"


def test_concurrent_claims_have_exactly_one_winner(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    wins: list[object] = []
    barrier = threading.Barrier(4)

    def claim(n: int) -> None:
        barrier.wait()
        with store.session() as session:
            wins.append(JobRepository(session).claim(job_id, worker_id=f"w:{n}", now=utcnow()))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(w is not None for w in wins) == 1


def test_stale_attempt_cannot_overwrite_newer_attempt(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    with store.session() as session:
        old = JobRepository(session).claim(job_id, worker_id="old:1", now=utcnow())
    assert old is not None
    # the old worker is declared lost; the job is retried and claimed by a new worker
    assert service.mark_attempt_lost(store, job_id, old.attempt) == "retrying"
    with store.session() as session:
        new = JobRepository(session).claim(
            job_id, worker_id="new:2", now=utcnow() + timedelta(seconds=5)
        )
    assert new is not None and new.attempt == old.attempt + 1
    with store.session() as session:
        repo = JobRepository(session)
        assert repo.fenced_update(job_id, old.attempt, status="completed") is False
        assert repo.report_progress(job_id, old.attempt, done=5, total=10, now=utcnow()) == (
            False,
            False,
        )
        assert repo.fenced_update(job_id, new.attempt, status="completed") is True
    assert _get(store, job_id).status == "completed"


def test_transient_errors_retry_with_backoff_then_complete(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "flaky.pdf", "flaky:2"))
    first = service.run_job(store, job_id)
    assert (first.status, first.error_code) == ("retrying", "transient_error")
    job = _get(store, job_id)
    assert job.retry_count == 1 and job.next_retry_at > job.started_at
    # not due yet: a claim now does nothing
    with store.session() as session:
        assert (
            JobRepository(session).claim(
                job_id, worker_id="x:1", now=job.next_retry_at - timedelta(seconds=1)
            )
            is None
        )
    import time

    statuses = []
    for _ in range(40):
        time.sleep(0.05)
        outcome = service.run_job(store, job_id)
        if outcome.status:
            statuses.append(outcome.status)
        if outcome.status == "completed":
            break
    assert statuses == ["retrying", "completed"]
    job = _get(store, job_id)
    assert job.attempt == 3 and job.retry_count == 2 and job.error_code is None


def test_retries_exhausted_ends_failed(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "flaky.pdf", "flaky:99"), max_retries=1)
    assert service.run_job(store, job_id).status == "retrying"
    import time

    time.sleep(0.25)
    outcome = service.run_job(store, job_id)
    assert (outcome.status, outcome.error_code) == ("failed", "transient_error")
    job = _get(store, job_id)
    assert job.retry_count == 1 and job.completed_at is not None


def test_permanent_error_fails_at_once_without_trace(store: Database, tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"not a drawing at all")
    with store.session() as session:
        job_id = service.create_job(session, path).id
    outcome = service.run_job(store, job_id)
    assert (outcome.status, outcome.error_code) == ("failed", "unsupported_format")
    with store.session() as session:
        job = JobRepository(session).get(job_id)
        assert job.retry_count == 0 and job.error_stack_trace is None
        assert "junk.pdf" in job.error_message


def test_unexpected_exception_is_internal_error_with_trace(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "boom.pdf", "raise"))
    outcome = service.run_job(store, job_id)
    assert (outcome.status, outcome.error_code) == ("failed", "internal_error")
    with store.session() as session:
        job = JobRepository(session).get(job_id)
        assert job.error_message == "RuntimeError: boom"
        assert "RuntimeError: boom" in job.error_stack_trace


def test_cancel_pending_job(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    with store.session() as session:
        assert service.cancel_job(session, job_id).status == "cancelled"
    assert service.run_job(store, job_id).status is None
    with store.session() as session, pytest.raises(IllegalTransitionError):
        service.cancel_job(session, job_id)


def test_cancel_running_job_stops_it(store: Database, tmp_path: Path) -> None:
    job_id = _job(store, fake_file(tmp_path / "slow.pdf", "sleep:20"))
    outcomes = []
    runner = threading.Thread(target=lambda: outcomes.append(service.run_job(store, job_id)))
    runner.start()
    import time

    for _ in range(100):
        if _get(store, job_id).status == "processing":
            break
        time.sleep(0.05)
    with store.session() as session:
        job = service.cancel_job(session, job_id)
        assert job.status == "processing" and job.cancel_requested
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert outcomes[0].status == "cancelled"
    assert _get(store, job_id).status == "cancelled"


def test_manual_retry_of_failed_job_and_not_of_completed(store: Database, tmp_path: Path) -> None:
    path = tmp_path / "later.pdf"
    path.write_bytes(b"")
    with store.session() as session:
        job_id = service.create_job(session, path).id
    assert service.run_job(store, job_id).error_code == "empty_file"
    fake_file(path, "ok")  # the user fixed the file
    with store.session() as session:
        job = service.retry_job(session, job_id)
        assert job.status == "pending" and job.error_code is None
    with store.session() as session:
        JobRepository(session).conditional_update(job_id, ["pending"], options={"format": "fake"})
    assert service.run_job(store, job_id).status == "completed"
    with store.session() as session, pytest.raises(IllegalTransitionError):
        service.retry_job(session, job_id)


def test_stale_heartbeat_is_rescued(
    store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = _job(store, fake_file(tmp_path / "ok.pdf", "ok"))
    with store.session() as session:
        claim = JobRepository(session).claim(
            job_id, worker_id="gone-host:1", now=utcnow() - timedelta(minutes=10)
        )
    assert claim is not None
    rescued = service.rescue_stale_jobs(store)
    assert rescued == [(job_id, "retrying")]
    job = _get(store, job_id)
    assert job.error_code == "worker_lost" and job.retry_count == 1


def test_unknown_job(store: Database) -> None:
    with store.session() as session, pytest.raises(JobNotFoundError):
        JobRepository(session).get(uuid.uuid4())
