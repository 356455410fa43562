"""Periodic maintenance, the cancel fallback's lifecycle part, and the embedded long-running
dispatcher, on real stores (SQLite file and PostgreSQL) and real processes.

Maintenance is tested through the dispatcher seam with a dispatcher that records what it was
asked to send; the Celery path itself is covered by test_celery_worker/test_celery_outages.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from pybase.config import Settings, get_settings
from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.jobs import service
from pybase.jobs.models import ExtractionJob
from pybase.jobs.repository import JobRepository
from pybase.worker.dispatch import CeleryDispatcher, get_dispatcher
from pybase.worker.embedded import EmbeddedService
from pybase.worker.maintenance import resend_due, run_maintenance
from tests.support.fakes import fake_file
from tests.support.recording import runs
from tests.support.services import EXTRA_EXTRACTORS, wait_for

pytestmark = pytest.mark.usefixtures("fake_extractors")


class RecordingDispatcher:
    """The dispatcher seam, recording (job id, format) of every dispatch."""

    def __init__(self) -> None:
        self.sent: list[tuple[uuid.UUID, str | None]] = []

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        self.sent.append((job_id, extraction_format))
        return None

    def cancel(self, job_id: uuid.UUID) -> None:
        pass

    def close(self) -> None:
        pass

    def ids(self) -> list[uuid.UUID]:
        return [job_id for job_id, _ in self.sent]


def _settings(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "maintenance_interval_seconds": 30,
        "pending_resend_seconds": 60,
        "retention_days": 30,
    }
    return Settings(**{**base, **values})


def _job(store: Database, path: Path, **columns: Any) -> uuid.UUID:
    with store.session() as session:
        job = service.create_job(
            session, path, options={"format": "fake"}, extraction_format="fake"
        )
    if columns:
        with store.session() as session:
            session.execute(
                update(ExtractionJob).where(ExtractionJob.id == job.id).values(**columns)
            )
    return job.id


def _get(store: Database, job_id: uuid.UUID) -> ExtractionJob:
    with store.session() as session:
        return JobRepository(session).get(job_id)


def _exists(store: Database, job_id: uuid.UUID) -> bool:
    with store.session() as session:
        return bool(JobRepository(session).snapshot([job_id]))


@pytest.mark.parametrize(
    ("waited", "expected"),
    [(0, False), (59, False), (60, True), (104, True), (106, False), (125, True), (250, True)],
)
def test_a_waiting_job_is_resent_when_its_wait_crosses_t_2t_4t(
    waited: float, expected: bool
) -> None:
    assert resend_due(waited, first=60, span=45) is expected


def test_pending_jobs_are_resent_on_the_doubling_schedule(store: Database, tmp_path: Path) -> None:
    created = utcnow() - timedelta(hours=1)
    job_id = _job(store, fake_file(tmp_path / "a.pdf", "ok"), created_at=created)
    fresh_id = _job(store, fake_file(tmp_path / "b.pdf", "ok"))
    sent_at = []
    for seconds in range(0, 600, 30):  # maintenance every 30 s for 10 minutes
        dispatcher = RecordingDispatcher()
        run_maintenance(
            store, dispatcher, settings=_settings(), now=created + timedelta(seconds=seconds)
        )
        if job_id in dispatcher.ids():
            sent_at.append(seconds)
        assert fresh_id not in dispatcher.ids()  # created "in the future" of these runs
    # once or twice per window [T·2^k, T·2^k + 1.5 runs): O(log wait) sends, not one per run
    assert sent_at == [60, 90, 120, 150, 240, 270, 480, 510]


def test_a_dispatcher_that_just_started_gets_every_waiting_job(
    store: Database, tmp_path: Path
) -> None:
    pending = _job(store, fake_file(tmp_path / "a.pdf", "ok"))
    due = _job(
        store,
        fake_file(tmp_path / "b.pdf", "ok"),
        status="retrying",
        next_retry_at=utcnow() - timedelta(minutes=7),
    )
    later = _job(
        store,
        fake_file(tmp_path / "c.pdf", "ok"),
        status="retrying",
        next_retry_at=utcnow() + timedelta(minutes=7),
    )
    dispatcher = RecordingDispatcher()
    report = run_maintenance(store, dispatcher, settings=_settings(), resend_all=True)
    assert sorted(dispatcher.ids()) == sorted([pending, due])
    assert later not in dispatcher.ids()
    assert (report.pending_resent, report.retries_dispatched) == (1, 1)


def test_due_retries_are_dispatched_when_they_come_due(store: Database, tmp_path: Path) -> None:
    due_at = utcnow()
    job_id = _job(
        store, fake_file(tmp_path / "a.pdf", "ok"), status="retrying", next_retry_at=due_at
    )
    settings = _settings()
    for seconds, expected in [(-5, False), (1, True), (50, False), (61, True)]:
        dispatcher = RecordingDispatcher()
        run_maintenance(
            store, dispatcher, settings=settings, now=due_at + timedelta(seconds=seconds)
        )
        assert (job_id in dispatcher.ids()) is expected, seconds
    assert dispatcher.sent == [(job_id, "fake")]


def test_stale_jobs_are_rescued_and_their_retry_dispatched(
    store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYBASE_RETRY_BASE_SECONDS", "0")
    get_settings.cache_clear()
    old = utcnow() - timedelta(minutes=10)
    job_id = _job(store, fake_file(tmp_path / "a.pdf", "ok"))
    cancelled_id = _job(store, fake_file(tmp_path / "b.pdf", "ok"))
    for jid in (job_id, cancelled_id):
        with store.session() as session:
            JobRepository(session).claim(jid, worker_id="gone:1", now=old)
    with store.session() as session:
        service.cancel_job(session, cancelled_id)  # requested, never honoured: worker is gone
    dispatcher = RecordingDispatcher()
    report = run_maintenance(store, dispatcher, settings=_settings())
    assert report.rescued == 2
    job = _get(store, job_id)
    assert (job.status, job.error_code, job.retry_count) == ("retrying", "worker_lost", 1)
    assert dispatcher.ids() == [job_id]  # due at once (no delay), so sent in the same run
    cancelled = _get(store, cancelled_id)
    assert (cancelled.status, cancelled.error_code) == ("cancelled", "cancelled")


def test_old_finished_jobs_are_pruned_with_the_files_of_the_store_only(
    store: Database, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    settings = _settings(storage_dir=store_dir, retention_days=30)
    old = utcnow() - timedelta(days=31)
    owned = fake_file(_mkdir(store_dir / "j1") / "owned.pdf", "ok")
    shared = fake_file(_mkdir(store_dir / "j2") / "shared.pdf", "ok")
    outside = fake_file(_mkdir(tmp_path / "user") / "drawing.pdf", "ok")
    done = {"status": "completed", "completed_at": old}
    pruned_owned = _job(store, owned, **done)
    pruned_outside = _job(store, outside, **done)
    pruned_shared = _job(store, shared, **done)
    recent = _job(store, fake_file(tmp_path / "recent.pdf", "ok"), status="failed",
                  completed_at=utcnow() - timedelta(days=2))  # fmt: skip
    active_old = _job(store, shared, created_at=old)  # still pending: keeps shared.pdf alive

    report = run_maintenance(store, RecordingDispatcher(), settings=settings)

    assert report.pruned == 3 and report.files_deleted == 1
    assert not any(_exists(store, j) for j in (pruned_owned, pruned_outside, pruned_shared))
    assert _exists(store, recent) and _exists(store, active_old)
    assert not owned.exists() and not owned.parent.exists()
    assert outside.exists()  # not ours: pybase extract read it where the user keeps it
    assert shared.exists()  # another job still refers to it


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_running_attempt_with_a_cancel_requested_ends_cancelled_not_lost(
    store: Database, tmp_path: Path
) -> None:
    job_id = _job(store, fake_file(tmp_path / "a.pdf", "ok"))
    with store.session() as session:
        claim = JobRepository(session).claim(job_id, worker_id="host:1", now=utcnow())
    assert claim is not None
    with store.session() as session:
        assert service.ignored_cancel(session, job_id) is None  # no cancel yet
        service.cancel_job(session, job_id)
    with store.session() as session:
        target = service.ignored_cancel(session, job_id)
        assert target is not None and target.worker_id == "host:1"
        assert not JobRepository(session).beat(job_id, claim.attempt, now=utcnow())
    assert service.end_attempt_of_worker(store, job_id, "other:2") is None  # not its attempt
    assert service.end_attempt_of_worker(store, job_id, "host:1") == "cancelled"
    job = _get(store, job_id)
    assert (job.status, job.error_code, job.retry_count) == ("cancelled", "cancelled", 0)


# -- the dispatcher seam ---------------------------------------------------------------------
def test_get_dispatcher_picks_celery_with_a_broker(tmp_path: Path) -> None:
    dispatcher = get_dispatcher(Settings(broker_url="redis://127.0.0.1:1/0"))
    try:
        assert isinstance(dispatcher, CeleryDispatcher)
        assert dispatcher.app.conf.task_acks_late and dispatcher.app.conf.task_ignore_result
        assert dispatcher.app.conf.worker_prefetch_multiplier == 1
    finally:
        dispatcher.close()


def test_the_embedded_service_runs_dispatched_jobs_and_enforces_cancels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYBASE_EXTRA_EXTRACTORS", EXTRA_EXTRACTORS)
    from pybase.extraction.registry import EXTRACTORS

    monkeypatch.setitem(EXTRACTORS, "rec", "tests.support.recording:RecordingExtractor")
    database = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    from pybase.db import migrate

    migrate.upgrade(database)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'jobs.db'}",
        workers=2,
        cancel_grace_seconds=0.5,
        maintenance_interval_seconds=0.5,
        pending_resend_seconds=1,
        storage_dir=tmp_path / "store",
    )
    waiting = _job(database, fake_file(tmp_path / "early.pdf", "ok"))  # before the service
    dispatcher = get_dispatcher(settings, database)
    assert isinstance(dispatcher, EmbeddedService)
    try:
        ids = [_job(database, fake_file(tmp_path / f"{n}.pdf", "ok")) for n in range(6)]
        crash = _job(database, fake_file(tmp_path / "crash.pdf", "crash"))
        blocked_path = fake_file(tmp_path / "blocked.pdf", "block:60")
        with database.session() as session:
            blocked = service.create_job(
                session, blocked_path, options={"format": "rec"}, extraction_format="rec"
            ).id
        for job_id in [*ids, crash, blocked]:
            dispatcher.dispatch(job_id, "fake")

        wait_for(lambda: runs(blocked_path), timeout=30, what="the blocking job to start")
        with database.session() as session:
            service.cancel_job(session, blocked)
        dispatcher.cancel(blocked)

        def statuses() -> dict[uuid.UUID, str]:
            return {j: _get(database, j).status for j in [waiting, *ids, crash, blocked]}

        final = wait_for(
            lambda: (s := statuses()) and all(v in ("completed", "failed", "cancelled")
                                              for v in s.values()) and s,
            timeout=60,
            what="every job to end",
        )  # fmt: skip
        assert {final[j] for j in [waiting, *ids]} == {"completed"}
        assert final[crash] == "failed" and _get(database, crash).error_code == "worker_lost"
        assert final[blocked] == "cancelled" and runs(blocked_path) == ["start"]
    finally:
        dispatcher.close()
    assert dispatcher._pool is None
    database.dispose()


def test_importing_the_worker_never_imports_fastapi() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, pybase.worker.tasks, pybase.worker.maintenance, pybase.worker.dispatch, "
        "pybase.worker.embedded, pybase.cli.worker_cmd\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', "
        "'uvicorn'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_celery_settings_give_at_least_once_delivery_and_bounded_runs() -> None:
    from pybase.worker.celery_app import celery_config, time_limits

    settings = Settings(
        broker_url="redis://x/0",
        job_timeout_seconds=900,
        soft_time_limit_seconds=840,
        format_time_limits={"step": 3600},
        worker_max_tasks_per_child=50,
        maintenance_interval_seconds=30,
    )
    conf = celery_config(settings)
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1 and conf["task_ignore_result"]
    assert conf["task_serializer"] == "json" and conf["accept_content"] == ["json"]
    assert conf["worker_max_tasks_per_child"] == 50
    limits = time_limits(settings)
    assert limits["extract_pdf"] == (840, 900)
    assert limits["extract_step"] == (3360, 3600)  # same soft/hard ratio
    assert conf["task_annotations"]["extract_step"]["time_limit"] == 3600
    # Redis re-delivers an unacknowledged task only after the longest hard limit
    assert conf["broker_transport_options"]["visibility_timeout"] > 3600
    assert conf["beat_schedule"]["pybase-maintenance"]["schedule"] == 30
