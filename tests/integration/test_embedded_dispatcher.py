"""The embedded process pool: crashes, timeouts, retries, and throughput on real processes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pybase.db.engine import Database
from pybase.jobs import service
from pybase.jobs.repository import JobRepository
from pybase.worker.embedded import EmbeddedDispatcher
from tests.support.fakes import fake_file
from tests.support.stores import sqlite_store

pytestmark = pytest.mark.usefixtures("fake_extractors")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return sqlite_store(tmp_path)


def _jobs(
    db: Database, tmp_path: Path, behaviours: list[str], max_retries: int = 3
) -> list[uuid.UUID]:
    ids = []
    with db.session() as session:
        for n, behaviour in enumerate(behaviours):
            path = fake_file(tmp_path / f"f{n}.pdf", behaviour)
            ids.append(
                service.create_job(
                    session, path, options={"format": "fake"}, max_retries=max_retries
                ).id
            )
    return ids


def test_a_crashing_file_ends_failed_and_the_others_complete(db: Database, tmp_path: Path) -> None:
    ids = _jobs(db, tmp_path, ["ok", "crash", "ok", "ok", "ok"], max_retries=1)
    snaps = EmbeddedDispatcher(db, workers=2, job_timeout=30).run(ids)
    statuses = [snaps[i].status for i in ids]
    assert statuses == ["completed", "failed", "completed", "completed", "completed"]
    assert snaps[ids[1]].error_code == "worker_lost"
    with db.session() as session:
        crashed = JobRepository(session).get(ids[1])
        assert crashed.attempt == 2 and crashed.retry_count == 1  # retried once, then failed


def test_a_hanging_file_is_stopped_at_the_timeout(db: Database, tmp_path: Path) -> None:
    ids = _jobs(db, tmp_path, ["sleep:60", "ok"])
    snaps = EmbeddedDispatcher(db, workers=2, job_timeout=1.5).run(ids)
    assert snaps[ids[0]].status == "failed"
    assert snaps[ids[0]].error_code == "extraction_timeout"
    assert snaps[ids[1]].status == "completed"


def test_transient_failures_are_retried_by_the_pool(db: Database, tmp_path: Path) -> None:
    ids = _jobs(db, tmp_path, ["flaky:2"])
    snaps = EmbeddedDispatcher(db, workers=1, job_timeout=30).run(ids)
    assert snaps[ids[0]].status == "completed"
    with db.session() as session:
        assert JobRepository(session).get(ids[0]).attempt == 3


def test_many_jobs_all_complete_once(db: Database, tmp_path: Path) -> None:
    ids = _jobs(db, tmp_path, ["ok"] * 60)
    updates: list[int] = []
    snaps = EmbeddedDispatcher(db, workers=2, job_timeout=30).run(
        ids, lambda s: updates.append(sum(x.finished for x in s.values()))
    )
    assert all(snaps[i].status == "completed" for i in ids)
    with db.session() as session:
        assert {JobRepository(session).get(i).attempt for i in ids} == {1}
    assert updates[-1] == 60 and updates == sorted(updates)


def test_jobs_start_in_the_order_given(db: Database, tmp_path: Path) -> None:
    """Files are taken in the order the user listed them (job ids are random UUIDs, so any
    database order would shuffle them)."""
    ids = _jobs(db, tmp_path, ["ok"] * 12)
    EmbeddedDispatcher(db, workers=1, job_timeout=30).run(ids)
    with db.session() as session:
        started = [JobRepository(session).get(i).started_at for i in ids]
    assert started == sorted(started)
