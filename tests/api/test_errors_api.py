"""Bad input and failures through the real app: every error is JSON {"error", "detail"} with
a 4xx/5xx and never a stack trace — upload limit, malformed multipart, hostile file names,
unexpected exceptions; plus /health, /metrics and the OpenAPI document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.api.helpers import JOBS, Api, dxf_bytes, fake_bytes, free_port, raw_multipart


def _job_count(api: Api) -> int:
    table = "extraction_jobs" if api.database.is_sqlite else "pybase.extraction_jobs"
    with api.database.session() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _staged(api: Api) -> list[Path]:
    incoming = api.settings.resolved_storage_dir / ".incoming"
    return list(incoming.iterdir()) if incoming.exists() else []


def test_upload_over_the_limit_is_413_and_leaves_nothing(make_api: Callable[..., Api]) -> None:
    api = make_api(max_upload_mb=0.01)  # 10 kB
    assert api.upload("small.pdf", fake_bytes("ok"), format="fake").status_code == 202

    streamed = api.upload("big.pdf", b"%PDF-1.4\n" + b"x" * 20_000, format="fake")
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["error"] == "upload_too_large"
    assert "PYBASE_MAX_UPLOAD_MB" in streamed.json()["detail"]

    announced = api.upload("huge.pdf", b"%PDF-1.4\n" + b"x" * 3_000_000, format="fake")
    assert announced.status_code == 413 and "announces" in announced.json()["detail"]
    assert _job_count(api) == 1 and _staged(api) == []


def test_large_uploads_spill_to_disk_and_are_stored_intact(make_api: Callable[..., Api]) -> None:
    api = make_api(max_upload_mb=2)
    data = b"%PDF-1.4\nok\n" + b"0123456789abcdef" * 95_000  # 1.5 MB: past the spool
    response = api.upload("large.pdf", data, format="fake", params={"wait": 30})
    assert response.status_code == 200, response.text
    job = response.json()
    assert job["status"] == "completed" and job["file_size"] == len(data)
    assert job["sha256"] == hashlib.sha256(data).hexdigest()
    stored = api.settings.resolved_storage_dir / job["id"] / "large.pdf"
    assert stored.read_bytes() == data

    too_big = api.upload("big.pdf", b"%PDF-1.4\n" + b"x" * 2_500_000, format="fake")
    assert too_big.status_code == 413 and "announces" not in too_big.json()["detail"]
    assert _job_count(api) == 1 and _staged(api) == []  # the spilled part was deleted


def test_malformed_multipart_requests_get_json_4xx(api: Api) -> None:
    auth = api.auth()
    cases = {
        "no boundary": (b"--x\r\n", "multipart/form-data", 400),
        "wrong boundary": (b"--other\r\n\r\n", "multipart/form-data; boundary=abc", 400),
        "garbage": (b"\x00\x01garbage", "multipart/form-data; boundary=abc", 400),
        "not multipart": (b'{"file": "x"}', "application/json", 415),
        "no content type": (b"raw bytes", "", 415),
    }
    for name, (body, ctype, status) in cases.items():
        headers = {**auth, "content-type": ctype} if ctype else auth
        response = api.client.post(JOBS, content=body, headers=headers)
        assert response.status_code == status, (name, response.text)
        assert set(response.json()) == {"error", "detail"}, name

    truncated = (
        b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        b"%PDF-1.4 and then the connection ends"
    )
    response = api.client.post(
        JOBS,
        content=truncated,
        headers={**auth, "content-type": "multipart/form-data; boundary=abc"},
    )
    assert response.status_code == 400 and response.json()["error"] == "malformed_request"

    no_file = api.client.post(JOBS, data={"format": "pdf"}, files={}, headers=auth)
    assert no_file.status_code in (415, 422), no_file.text
    only_fields = api.client.post(
        JOBS,
        files={"tables": (None, "false")},
        headers=auth,
    )
    assert only_fields.status_code == 422 and only_fields.json()["error"] == "validation"
    wrong_field = api.client.post(JOBS, files={"upload": ("a.pdf", b"%PDF-1.4")}, headers=auth)
    assert wrong_field.status_code == 422
    two_files = api.client.post(
        JOBS,
        files=[("file", ("a.pdf", b"%PDF-1.4 a")), ("file", ("b.pdf", b"%PDF-1.4 b"))],
        headers=auth,
    )
    assert two_files.status_code == 400 and two_files.json()["error"] == "malformed_request"
    assert _job_count(api) == 0 and _staged(api) == []


@pytest.mark.parametrize(
    ("sent", "shown", "stored"),
    [
        (b"../../../etc/passwd.dxf", "../../../etc/passwd.dxf", "passwd.dxf"),
        (b"/abs/path/plan.dxf", "/abs/path/plan.dxf", "plan.dxf"),
        (b"evil\x01na\x1bme\x7f.dxf", "evilname.dxf", "evilname.dxf"),
        (b"..", "..", "upload"),
        (b".hidden.dxf", ".hidden.dxf", "hidden.dxf"),
        (
            "Zeichnung Ø12 (Rev. B).dxf".encode(),
            "Zeichnung Ø12 (Rev. B).dxf",
            "Zeichnung_Ø12_(Rev._B).dxf",
        ),
    ],
    ids=["traversal", "absolute", "control-chars", "dot-dot", "hidden", "unicode"],
)
def test_file_names_are_sanitised_for_storage(
    api: Api, sent: bytes, shown: str, stored: str
) -> None:
    boundary = "pybase-test-boundary"
    response = api.client.post(
        JOBS,
        content=raw_multipart(sent, dxf_bytes(shown)),
        params={"wait": 30},
        headers={**api.auth(), "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code in (200, 202), response.text
    job = response.json()
    assert job["filename"] == shown
    root = api.settings.resolved_storage_dir.resolve()
    assert (root / job["id"] / stored).is_file(), list((root / job["id"]).iterdir())
    assert sorted(p.name for p in root.iterdir() if p.name != ".incoming") == [job["id"]]
    assert job["status"] == "completed"


def test_unexpected_errors_are_500_json_without_a_trace(api: Api) -> None:
    table = "extraction_jobs" if api.database.is_sqlite else "pybase.extraction_jobs"
    with api.database.session() as session:
        session.execute(text(f"DROP TABLE {table}"))
    response = api.client.get(JOBS, headers=api.auth())
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "internal server error"}
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()


def test_unknown_routes_and_methods_are_json(api: Api) -> None:
    missing = api.client.get("/api/v1/extraction/nothing", headers=api.auth())
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    method = api.client.put(JOBS, headers=api.auth())
    assert method.status_code == 405 and method.json()["error"] == "method_not_allowed"
    bad_id = api.client.get(f"{JOBS}/not-a-uuid", headers=api.auth())
    assert bad_id.status_code == 422 and bad_id.json()["error"] == "validation"
    assert bad_id.json()["detail"][0]["loc"] == ["path", "job_id"]


def test_health_reports_database_broker_and_storage(make_api: Callable[..., Api]) -> None:
    api = make_api()
    body = api.client.get("/health").json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["broker"]["ok"] is None and body["storage"]["ok"] is True

    redis = make_api(broker_url="redis://127.0.0.1:6379/15")
    body = redis.client.get("/health").json()
    if body["broker"]["ok"] is not True:
        pytest.skip(f"Redis on 127.0.0.1:6379 not reachable: {body['broker']}")
    dead = make_api(broker_url=f"redis://127.0.0.1:{free_port()}/0")
    response = dead.client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded" and response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_metrics_count_jobs_by_status_and_durations(api: Api) -> None:
    for n in range(2):
        api.upload(f"ok{n}.pdf", fake_bytes(f"ok {n}"), format="fake", params={"wait": 30})
    failed = api.upload("boom.pdf", fake_bytes("raise"), format="fake", params={"wait": 30})
    assert failed.json()["status"] == "failed"
    api.client.post(f"{JOBS}/{failed.json()['id']}/retry", headers=api.auth())
    api.wait_for(failed.json()["id"], ["failed"])

    response = api.client.get("/metrics", headers=api.auth("root"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert 'pybase_jobs{status="completed"} 2.0' in lines
    assert 'pybase_jobs{status="failed"} 1.0' in lines
    assert 'pybase_jobs{status="pending"} 0.0' in lines
    assert "pybase_queue_depth 0.0" in lines
    assert "pybase_job_attempts 4.0" in lines and "pybase_job_retries 0.0" in lines
    assert 'pybase_job_duration_seconds_bucket{le="+Inf"} 2.0' in lines
    assert "pybase_job_duration_seconds_count 2.0" in lines


def test_openapi_documents_routes_errors_and_auth(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) >= {
        f"{JOBS}",
        f"{JOBS}/{{job_id}}",
        f"{JOBS}/{{job_id}}/result",
        f"{JOBS}/{{job_id}}/events",
        f"{JOBS}/{{job_id}}/cancel",
        f"{JOBS}/{{job_id}}/retry",
        "/health",
        "/metrics",
    }
    post = paths[JOBS]["post"]
    assert {"202", "200", "401", "413", "415", "422", "500"} <= set(post["responses"])
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and "max_pages" in form["properties"]
    error_ref = post["responses"]["413"]["content"]["application/json"]["schema"]["$ref"]
    assert error_ref.endswith("/ErrorOut")
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
