"""Werk24 jobs: run_job's outcomes and retry policy on a real store (SQLite and PostgreSQL),
usage accounting (``pages_read``, the monthly sum), ``pybase extract --engine werk24`` as a
subprocess, and the HTTP API with a token's monthly page quota.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pybase.config import get_settings
from pybase.db.engine import Database
from pybase.db.types import utcnow
from pybase.jobs import service
from pybase.jobs.models import ExtractionJob
from pybase.jobs.repository import JobRepository
from pybase.worker.dispatch import route_for, task_name_for
from tests.werk24.answers import PART_NUMBER, bracket_answers, bracket_png
from tests.werk24.fake_server import FakeWerk24

JOBS = "/api/v1/extraction/jobs"


def _job(database: Database, path: Path, **options: Any) -> uuid.UUID:
    with database.session() as session:
        return service.create_job(session, path, options={"engine": "werk24", **options}).id


def _get(database: Database, job_id: uuid.UUID) -> ExtractionJob:
    with database.session() as session:
        return JobRepository(session).get(job_id, with_result=True)


def test_werk24_jobs_are_sent_as_extract_werk24() -> None:
    assert task_name_for(route_for("pdf", {"engine": "werk24"})) == "extract_werk24"
    assert task_name_for(route_for(None, {"engine": "werk24"})) == "extract_werk24"
    assert task_name_for(route_for("pdf", {"engine": "native"})) == "extract_pdf"
    assert task_name_for(route_for("dxf", {})) == "extract_dxf"


def test_a_completed_job_records_the_pages_read(
    store: Database, werk24: FakeWerk24, bracket: Path
) -> None:
    job_id = _job(store, bracket)
    outcome = service.run_job(store, job_id)
    job = _get(store, job_id)
    assert (outcome.status, job.status) == ("completed", "completed")
    assert job.pages_read == 1 and job.extraction_format == "pdf"
    assert job.result is not None
    assert job.result["title_block"]["part_number"] == PART_NUMBER
    assert job.result["extras"]["werk24"]["request_id"] == werk24.requests[0].request_id
    assert job.progress == 100


def test_a_dropped_connection_is_retried_with_backoff(
    store: Database, werk24: FakeWerk24, bracket: Path
) -> None:
    werk24.reset("drop", bracket_answers())
    job_id = _job(store, bracket)
    before = utcnow()
    assert service.run_job(store, job_id).status == "retrying"
    job = _get(store, job_id)
    assert (job.error_code, job.retry_count, job.pages_read) == ("werk24_unavailable", 1, None)
    assert job.next_retry_at is not None and job.next_retry_at > before
    # due after the backoff (0.05 s base in tests); the service is back: the retry completes
    werk24.reset("ok", bracket_answers())
    deadline = time.monotonic() + 10
    while (outcome := service.run_job(store, job_id)).status is None:
        assert time.monotonic() < deadline, "the retry never became due"
        time.sleep(0.05)
    job = _get(store, job_id)
    assert (outcome.status, job.attempt, job.pages_read) == ("completed", 2, 1)
    assert len(werk24.requests) == 1  # reset() forgot the dropped one; one more read


@pytest.mark.parametrize(
    ("scenario", "code"),
    [("quota", "werk24_insufficient_credits"), ("upload_413", "werk24_rejected")],
)
def test_a_permanent_refusal_fails_at_once(
    store: Database, werk24: FakeWerk24, bracket: Path, scenario: str, code: str
) -> None:
    werk24.reset(scenario, bracket_answers())
    job_id = _job(store, bracket)
    assert service.run_job(store, job_id).status == "failed"
    with store.session() as session:
        job = JobRepository(session).get(job_id)
        assert (job.error_code, job.retry_count, job.attempt) == (code, 0, 1)
        assert job.error_stack_trace is None  # an extraction error, not a bug


def _done(
    database: Database, owner: str | None, pages: int | None, when: datetime, status: str
) -> None:
    with database.session() as session:
        session.add(
            ExtractionJob(
                id=uuid.uuid4(),
                status=status,
                filename="x.pdf",
                file_path="/nowhere/x.pdf",
                owner=owner,
                options={"engine": "werk24"},
                pages_read=pages,
                created_at=when,
                completed_at=when,
            )
        )


def test_pages_read_this_month_counts_completed_jobs_of_the_owner(store: Database) -> None:
    now = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    start, following = service.month_start_utc(now)
    assert (start, following) == (
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 4, 1, tzinfo=UTC),
    )
    _done(store, "alice", 3, start, "completed")  # the first instant of the month counts
    _done(store, "alice", 4, now, "completed")
    _done(store, "alice", 50, start - timedelta(microseconds=1), "completed")  # February
    _done(store, "alice", 7, now, "failed")  # failed jobs are not counted
    _done(store, "alice", None, now, "completed")  # a native job
    _done(store, "bob", 11, now, "completed")
    with store.session() as session:
        assert service.pages_read_this_month(session, "alice", now) == 7
        assert service.pages_read_this_month(session, "bob", now) == 11
        assert service.pages_read_this_month(session, "carol", now) == 0
    assert service.month_start_utc(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))[1] == datetime(
        2027, 1, 1, tzinfo=UTC
    )


# -- pybase extract --engine werk24 ----------------------------------------------------------
def test_pybase_extract_engine_werk24(werk24: FakeWerk24, bracket: Path, tmp_path: Path) -> None:
    folder = tmp_path / "drawings"
    folder.mkdir()
    pdf = folder / bracket.name
    pdf.write_bytes(bracket.read_bytes())
    bracket_png(bracket, folder / "scan.png")
    (folder / "notes.txt").write_text("not a drawing\n")
    out = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pybase",
            "extract",
            str(folder),
            "--engine",
            "werk24",
            "--workers",
            "2",
            "--out",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr
    rows = {Path(r["file"]).name: r for r in json.loads(proc.stdout)}
    assert set(rows) == {"bracket.pdf", "scan.png"}  # notes.txt skipped
    assert {(r["format"], r["status"]) for r in rows.values()} == {
        ("pdf", "completed"),
        ("png", "completed"),
    }
    result = json.loads(Path(rows["scan.png"]["output"]).read_text())
    assert result["source"]["format"] == "png"
    assert result["title_block"]["part_number"] == PART_NUMBER
    assert result["stats"]["werk24_pages_read"] == 1
    assert "Werk24: 1 page read" in rows["bracket.pdf"]["summary"]
    uploads = sorted(r.upload or b"" for r in werk24.requests)
    assert uploads == sorted([pdf.read_bytes(), (folder / "scan.png").read_bytes()])


def test_pybase_extract_engine_werk24_failure_is_reported(
    werk24: FakeWerk24, bracket: Path
) -> None:
    werk24.reset("quota", bracket_answers())
    proc = subprocess.run(
        [sys.executable, "-m", "pybase", "extract", str(bracket), "--engine", "werk24", "--json"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 1, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert (row["status"], row["error_code"]) == ("failed", "werk24_insufficient_credits")
    assert "Traceback" not in proc.stderr


def test_pybase_extract_rejects_a_bad_engine(bracket: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pybase", "extract", str(bracket), "--engine", "magic"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "native, werk24" in proc.stderr


# -- the HTTP API: engine option, routing, monthly page quota ---------------------------------
class InlineDispatcher:
    """Runs each dispatched job at once with ``run_job`` (in the API's worker thread) and
    records the routing key it was sent with."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.routes: list[tuple[uuid.UUID, str | None]] = []

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        self.routes.append((job_id, extraction_format))
        service.run_job(self.database, job_id)
        return None

    def cancel(self, job_id: uuid.UUID) -> None:
        """Nothing runs in the background here."""

    def close(self) -> None:
        """Nothing to release."""


@pytest.fixture
def api(store: Database, werk24: FakeWerk24) -> Iterator[tuple[Any, InlineDispatcher, dict]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from pybase.api.app import create_app
    from pybase.auth.service import create_token

    dispatcher = InlineDispatcher(store)
    with store.session() as session:
        tokens = {
            "alice": create_token(session, "alice", monthly_pages=2)[1],
            "bob": create_token(session, "bob")[1],
        }
    get_settings.cache_clear()
    app = create_app(get_settings(), database=store, dispatcher=dispatcher)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, dispatcher, tokens


def _upload(client: Any, token: str, data: bytes, **fields: str) -> Any:
    return client.post(
        JOBS,
        files={"file": ("bracket.pdf", data, "application/pdf")},
        data={"dedupe": "false", **fields},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_api_engine_option_and_monthly_quota(
    api: tuple[Any, InlineDispatcher, dict], werk24: FakeWerk24, bracket: Path
) -> None:
    client, dispatcher, tokens = api
    data = bracket.read_bytes()
    alice = {"Authorization": f"Bearer {tokens['alice']}"}

    werk24.reset("reject_format", bracket_answers())
    refused = _upload(client, tokens["alice"], data, engine="werk24")
    assert refused.status_code == 202, refused.text
    refused_id = refused.json()["id"]
    job = client.get(f"{JOBS}/{refused_id}", headers=alice).json()
    assert (job["status"], job["error_code"], job["pages_read"]) == (
        "failed",
        "werk24_rejected",
        None,
    )

    werk24.reset("ok", bracket_answers())
    for _ in range(2):  # quota 2 pages; each read is 1 page
        created = _upload(client, tokens["alice"], data, options='{"engine": "werk24"}')
        assert created.status_code == 202, created.text
        assert created.json()["options"] == {"engine": "werk24"}
        job = client.get(f"{JOBS}/{created.json()['id']}", headers=alice).json()
        assert (job["status"], job["pages_read"]) == ("completed", 1)
    assert [route for _, route in dispatcher.routes] == ["werk24"] * 3

    over = _upload(client, tokens["alice"], data, engine="werk24")
    assert over.status_code == 429
    assert over.json()["error"] == "werk24_quota_exceeded"
    assert "2 page(s)" in over.json()["detail"]
    assert 0 < int(over.headers["Retry-After"]) <= 31 * 24 * 3600
    retried = client.post(f"{JOBS}/{refused_id}/retry", headers=alice)
    assert retried.status_code == 429 and retried.json()["error"] == "werk24_quota_exceeded"
    listed = client.get(JOBS, headers=alice).json()["items"]
    assert len(listed) == 3  # the refused submissions created nothing
    assert len(werk24.requests) == 2  # and sent nothing to Werk24

    # the quota is alice's Werk24 pages only: native jobs and other owners go on
    native = _upload(client, tokens["alice"], data)
    assert native.status_code == 202 and dispatcher.routes[-1][1] == "pdf"
    bob = _upload(client, tokens["bob"], data, engine="werk24")
    assert bob.status_code == 202 and dispatcher.routes[-1][1] == "werk24"


def test_api_refuses_engine_with_another_format(api: tuple[Any, InlineDispatcher, dict]) -> None:
    client, _, tokens = api
    response = _upload(
        client, tokens["bob"], b"0\nSECTION\n0\nEOF\n", engine="werk24", format="dxf"
    )
    assert response.status_code == 422 and response.json()["error"] == "validation"


def test_tokens_create_with_a_monthly_page_quota(tmp_path: Path) -> None:
    def pybase(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pybase", "tokens", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    created = pybase("create", "carol", "--monthly-pages", "250")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("pyb_")
    assert "250 Werk24 pages a month" in " ".join(created.stderr.split())  # rich wraps
    assert pybase("create", "dave").returncode == 0
    rows = {r["name"]: r for r in json.loads(pybase("list", "--json").stdout)}
    assert (rows["carol"]["monthly_pages"], rows["dave"]["monthly_pages"]) == (250, None)
    refused = pybase("create", "eve", "--monthly-pages", "-1")
    assert refused.returncode == 2
