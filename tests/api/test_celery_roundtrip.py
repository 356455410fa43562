"""The whole distributed path once: the API (real app) stores the upload in an S3-compatible
bucket (moto on loopback) and sends the task through the machine's Redis; a real
``pybase worker`` subprocess — which knows the upload only by its ``s3://`` reference, like a
worker on another machine — runs it; the API serves the result. On both job stores."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pybase.db.engine import Database
from tests.api.helpers import BUCKET, JOBS, Api, dxf_bytes
from tests.support.services import REDIS_URL, redis_ping, running_worker, worker_env


def test_upload_through_redis_to_a_worker_that_reads_the_bucket(
    make_api: Callable[..., Api], store: Database, s3: Any, s3_endpoint: str, tmp_path: Path
) -> None:
    if not redis_ping(REDIS_URL):
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    queue = f"pybase-api-{uuid.uuid4().hex[:10]}"
    storage_url = f"s3://{BUCKET}/site"
    env = worker_env(
        database_url=store.url.render_as_string(hide_password=False),
        broker_url=REDIS_URL,
        queue=queue,
        storage_dir=tmp_path / "worker-files",  # unused: the files are in the bucket
        storage_url=storage_url,
        s3_endpoint_url=s3_endpoint,
    )
    api = make_api(
        broker_url=REDIS_URL,
        celery_queue=queue,
        storage_url=storage_url,
        s3_endpoint_url=s3_endpoint,
    )
    with running_worker(env, tmp_path / "worker" / "worker.log", "--concurrency", "1"):
        data = dxf_bytes("VIA-REDIS")
        response = api.upload("flange.dxf", data, params={"wait": 60})
        assert response.status_code == 200, response.text
        job = response.json()
        assert job["status"] == "completed", job
        assert job["celery_task_id"] and job["worker_id"] and job["started_at"]
        key = f"site/{job['id']}/flange.dxf"
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
        result = api.client.get(f"{JOBS}/{job['id']}/result", headers=api.auth()).json()
        assert result["source"]["name"] == "flange.dxf"
        assert any("VIA-REDIS" in t.get("text", "") for t in result["text"])
        health = api.client.get("/health").json()
        assert health["status"] == "ok" and health["broker"]["ok"] is True
