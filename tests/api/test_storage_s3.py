"""The S3 file store against a real S3-compatible server on loopback (moto in server mode):
the API stores the upload in the bucket, and the worker-side code path (``run_job`` ->
``materialize`` -> ``download_temporary``) reads it back, as a worker on another machine would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from pybase.db.engine import Database
from pybase.errors import SourceNotFoundError
from pybase.jobs.service import run_job
from pybase.storage import materialize
from pybase.storage.s3 import S3Store, StorageUnavailableError, download_temporary
from tests.api.helpers import BUCKET, JOBS, Api, dxf_bytes, free_port


class QueueDispatcher:
    """A dispatcher that only queues job ids; the test plays the remote worker by calling
    ``run_job`` itself (what the Celery task does on another machine)."""

    def __init__(self) -> None:
        self.sent: list[uuid.UUID] = []

    def dispatch(self, job_id: uuid.UUID, extraction_format: str | None) -> str | None:
        self.sent.append(job_id)
        return None

    def close(self) -> None:
        pass


def test_upload_goes_to_the_bucket_and_a_worker_reads_it_back(
    make_api: Callable[..., Api], s3: Any, s3_endpoint: str, store: Database
) -> None:
    queue = QueueDispatcher()
    api = make_api(
        dispatcher=queue, storage_url=f"s3://{BUCKET}/uploads", s3_endpoint_url=s3_endpoint
    )
    data = dxf_bytes("S3-PART")
    response = api.upload("../part 7.dxf", data)
    assert response.status_code == 202, response.text
    job = response.json()
    key = f"uploads/{job['id']}/part_7.dxf"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
    assert queue.sent == [uuid.UUID(job["id"])]
    staging = S3Store(f"s3://{BUCKET}/uploads").staging_dir()
    assert not any(p.name.endswith(".part") for p in staging.iterdir())

    from pybase.jobs.repository import JobRepository

    with store.session() as session:
        file_ref = JobRepository(session).get(uuid.UUID(job["id"])).file_path
    assert file_ref == f"s3://{BUCKET}/{key}"
    with materialize(file_ref) as local:
        assert local.read_bytes() == data and local.name == "part_7.dxf"
    assert not local.exists()  # the temporary copy is gone

    outcome = run_job(store, uuid.UUID(job["id"]), worker_id="remote-host:1")
    assert outcome.status == "completed", outcome
    result = api.client.get(f"{JOBS}/{job['id']}/result", headers=api.auth()).json()
    assert result["source"]["name"] == "part_7.dxf" and result["source"]["sha256"] == job["sha256"]

    assert api.client.delete(f"{JOBS}/{job['id']}", headers=api.auth()).status_code == 204
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    health = api.client.get("/health").json()
    assert health["storage"]["ok"] is True and BUCKET in health["storage"]["detail"]


def test_missing_objects_and_dead_endpoints_map_to_error_codes(s3: Any) -> None:
    with (
        pytest.raises(SourceNotFoundError) as missing,
        download_temporary(f"s3://{BUCKET}/nope/none.dxf"),
    ):
        pass
    assert missing.value.code == "file_not_found" and not missing.value.transient
    dead = f"http://127.0.0.1:{free_port()}"
    with (
        pytest.raises(StorageUnavailableError) as down,
        download_temporary(f"s3://{BUCKET}/a.dxf", endpoint_url=dead),
    ):
        pass
    assert down.value.transient  # the job is retried when the store comes back


def test_store_never_deletes_outside_its_prefix(s3: Any, tmp_path: Any) -> None:
    from pybase.storage.local import LocalStore

    s3.put_object(Bucket=BUCKET, Key="elsewhere/keep.dxf", Body=b"x")
    store = S3Store(f"s3://{BUCKET}/uploads")
    assert store.delete(f"s3://{BUCKET}/elsewhere/keep.dxf") is False
    assert store.delete("s3://other-bucket/uploads/a.dxf") is False
    assert s3.get_object(Bucket=BUCKET, Key="elsewhere/keep.dxf")["Body"].read() == b"x"

    user_file = tmp_path / "mine.dxf"
    user_file.write_bytes(b"keep me")
    local = LocalStore(tmp_path / "files")
    assert local.delete(str(user_file)) is False and user_file.exists()
    with pytest.raises(ValueError):
        local.put("../escape.dxf", user_file)
