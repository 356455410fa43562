"""The job API through the real app, on SQLite and PostgreSQL, with the embedded pool running
the jobs: upload -> job -> result, listing, events, cancel, retry, delete, de-duplication."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.api.helpers import JOBS, Api, dxf_bytes, fake_bytes, pdf_bytes


def test_dxf_upload_runs_to_a_result(api: Api, files_dir: Path) -> None:
    data = dxf_bytes("BRACKET-01")
    response = api.upload("bracket.dxf", data)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"{JOBS}/{job['id']}"
    assert job["status"] in ("pending", "processing", "completed")
    assert job["format"] == "dxf" and job["filename"] == "bracket.dxf"
    assert job["owner"] == "alice" and job["deduplicated"] is False
    assert job["created_at"] and job["links"]["result"] == f"{JOBS}/{job['id']}/result"
    assert len(job["sha256"]) == 64 and job["file_size"] > 0

    done = api.wait_for(job["id"], ["completed", "failed"])
    assert done["status"] == "completed", done
    assert done["progress"] == 100 and done["started_at"] and done["completed_at"]
    result = api.client.get(done["links"]["result"], headers=api.auth()).json()
    assert result["source"]["format"] == "dxf"
    assert result["source"]["name"] == "bracket.dxf"
    assert result["source"]["sha256"] == job["sha256"]
    assert any("BRACKET-01" in t.get("text", "") for t in result["text"])
    stored = files_dir / job["id"] / "bracket.dxf"
    assert stored.read_bytes() == data


def test_pdf_upload_with_wait_returns_the_finished_job(api: Api) -> None:
    response = api.upload("sheet.pdf", pdf_bytes("GENERAL NOTES"), params={"wait": 30})
    assert response.status_code == 200, response.text
    job = response.json()
    assert job["status"] == "completed" and job["format"] == "pdf"
    result = api.client.get(f"{JOBS}/{job['id']}/result", headers=api.auth()).json()
    assert result["source"]["format"] == "pdf" and len(result["pages"]) == 1
    assert "GENERAL NOTES" in result["pages"][0]["text"]


def test_wait_returns_202_when_the_job_is_not_done_in_time(api: Api) -> None:
    started = time.monotonic()
    response = api.upload("slow.pdf", fake_bytes("sleep:3"), params={"wait": 0.3}, format="fake")
    assert response.status_code == 202
    assert response.json()["status"] in ("pending", "processing")
    assert time.monotonic() - started < 2.5


def test_options_from_fields_and_json_are_validated_and_normalised(api: Api) -> None:
    ok = api.upload(
        "a.pdf",
        pdf_bytes("opts"),
        options=json.dumps({"tables": False, "max_pages": 2}),
        include_text="true",  # the default: left out of the stored options
        max_pages="1",  # a single field wins over the JSON
    )
    assert ok.status_code == 202, ok.text
    assert ok.json()["options"] == {"tables": False, "max_pages": 1}

    for fields, where in (
        ({"max_pages": "0"}, "max_pages"),
        ({"tables": "maybe"}, "tables"),
        ({"colour": "red"}, "colour"),
        ({"options": "{not json"}, None),
        ({"options": "[1, 2]"}, None),
        ({"format": "dwg"}, None),
        ({"dedupe": "perhaps"}, None),
    ):
        bad = api.upload("a.pdf", pdf_bytes("opts"), **fields)
        assert bad.status_code == 422, (fields, bad.text)
        body = bad.json()
        assert body["error"] == "validation"
        if where is not None:
            assert any(where in problem["loc"] for problem in body["detail"]), body


def test_format_override_is_used(api: Api) -> None:
    response = api.upload("x.bin", fake_bytes("ok"), format="fake")
    assert response.json()["format"] == "fake"  # as dispatched, before detection could run
    job = api.wait_for(response.json()["id"], ["completed"])
    assert job["options"] == {"format": "fake"}
    result = api.client.get(f"{JOBS}/{job['id']}/result", headers=api.auth()).json()
    assert result["stats"] == {"behaviour": "ok"}  # the forced extractor ran


def test_list_filters_and_keyset_pagination(api: Api) -> None:
    ids = {}
    for n in range(3):
        ids[f"d{n}"] = api.upload(f"d{n}.dxf", dxf_bytes(f"D{n}"), params={"wait": 30}).json()
    for n in range(2):
        ids[f"p{n}"] = api.upload(f"p{n}.pdf", pdf_bytes(f"P{n}"), params={"wait": 30}).json()
    cancelled = api.upload("c.pdf", fake_bytes("sleep:30"), format="fake").json()
    response = api.client.post(f"{JOBS}/{cancelled['id']}/cancel", headers=api.auth())
    assert response.status_code == 200, response.text  # pending, or claimed meanwhile
    api.wait_for(cancelled["id"], ["cancelled"])

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.client.get(JOBS, params=params, headers=api.auth()).json()
        assert all("result" not in item for item in page["items"])  # results never listed
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 6
    created = [api.get(i)["created_at"] for i in seen]
    assert created == sorted(created, reverse=True)  # newest first

    dxf = api.client.get(JOBS, params={"format": "dxf"}, headers=api.auth()).json()["items"]
    assert {j["id"] for j in dxf} == {ids[f"d{n}"]["id"] for n in range(3)}
    done = api.client.get(
        JOBS, params={"status": ["completed"], "format": "pdf"}, headers=api.auth()
    ).json()["items"]
    assert {j["id"] for j in done} == {ids["p0"]["id"], ids["p1"]["id"]}
    both = api.client.get(
        JOBS, params={"status": ["completed", "cancelled"]}, headers=api.auth()
    ).json()["items"]
    assert len(both) == 6

    bad = api.client.get(JOBS, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=api.auth())
    assert bad.status_code == 400 and bad.json()["error"] == "malformed_request"
    bad = api.client.get(JOBS, params={"status": "sleeping"}, headers=api.auth())
    assert bad.status_code == 422 and bad.json()["error"] == "validation"


def test_events_stream_progress_until_the_job_ends(api: Api) -> None:
    job = api.upload("slow.pdf", fake_bytes("sleep:1.5"), format="fake").json()
    events: list[tuple[str, dict[str, object]]] = []
    deadline = time.monotonic() + 30
    with api.client.stream("GET", f"{JOBS}/{job['id']}/events", headers=api.auth()) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in stream.iter_lines():
            assert time.monotonic() < deadline
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: ") and name:
                events.append((name, json.loads(line[len("data: ") :])))
    names = [name for name, _ in events]
    assert names[-1] == "end" and names.count("end") == 1
    assert events[-1][1]["status"] == "completed"
    progress = [int(data["progress"]) for _, data in events]  # type: ignore[call-overload]
    assert progress == sorted(progress) and progress[-1] == 100
    assert any(0 < p < 100 for p in progress), progress  # saw it while it ran
    assert "processing" in {data["status"] for _, data in events}


def test_events_of_a_finished_job_end_at_once(api: Api) -> None:
    job = api.upload("ok.pdf", fake_bytes("ok"), format="fake", params={"wait": 30}).json()
    response = api.client.get(f"{JOBS}/{job['id']}/events", headers=api.auth())
    assert response.status_code == 200
    assert "event: end" in response.text and "event: job" not in response.text
    missing = api.client.get(
        f"{JOBS}/00000000-0000-0000-0000-000000000000/events", headers=api.auth()
    )
    assert missing.status_code == 404 and missing.json()["error"] == "job_not_found"


def test_cancel_a_running_job_and_a_pending_one(api: Api) -> None:
    running = api.upload("run.pdf", fake_bytes("sleep:30"), format="fake").json()
    api.wait_for(running["id"], ["processing"])
    queued = api.upload("queued.pdf", fake_bytes("ok"), format="fake").json()  # one worker

    pending = api.client.post(f"{JOBS}/{queued['id']}/cancel", headers=api.auth())
    assert pending.status_code == 200 and pending.json()["status"] == "cancelled"

    started = time.monotonic()
    response = api.client.post(f"{JOBS}/{running['id']}/cancel", headers=api.auth())
    assert response.status_code == 200, response.text
    assert response.json()["cancel_requested"] is True
    done = api.wait_for(running["id"], ["cancelled", "failed", "completed"], timeout=20)
    assert done["status"] == "cancelled" and done["error_code"] == "cancelled"
    assert time.monotonic() - started < 10

    again = api.client.post(f"{JOBS}/{running['id']}/cancel", headers=api.auth())
    assert again.status_code == 409 and again.json()["error"] == "illegal_transition"
    result = api.client.get(f"{JOBS}/{running['id']}/result", headers=api.auth())
    assert result.status_code == 409 and result.json()["error"] == "job_not_completed"


def test_retry_a_failed_job(api: Api) -> None:
    job = api.upload("boom.pdf", fake_bytes("raise"), format="fake", params={"wait": 30}).json()
    assert job["status"] == "failed" and job["error_code"] == "internal_error"
    assert "error_stack_trace" not in job

    retried = api.client.post(f"{JOBS}/{job['id']}/retry", headers=api.auth())
    assert retried.status_code == 202, retried.text
    assert retried.headers["location"].endswith(job["id"])
    assert retried.json()["status"] == "pending" and retried.json()["error_code"] is None
    again = api.wait_for(job["id"], ["failed", "completed"])
    assert again["status"] == "failed" and again["attempt"] == 2

    ok = api.upload("fine.pdf", fake_bytes("ok"), format="fake", params={"wait": 30}).json()
    refused = api.client.post(f"{JOBS}/{ok['id']}/retry", headers=api.auth())
    assert refused.status_code == 409 and refused.json()["error"] == "illegal_transition"


def test_delete_removes_the_job_and_its_file(api: Api, files_dir: Path) -> None:
    job = api.upload("gone.dxf", dxf_bytes("GONE"), params={"wait": 30}).json()
    stored = files_dir / job["id"] / "gone.dxf"
    assert stored.is_file()
    response = api.client.delete(f"{JOBS}/{job['id']}", headers=api.auth())
    assert response.status_code == 204 and response.content == b""
    assert not stored.exists() and not stored.parent.exists()
    missing = api.client.get(f"{JOBS}/{job['id']}", headers=api.auth())
    assert missing.status_code == 404 and missing.json()["error"] == "job_not_found"
    twice = api.client.delete(f"{JOBS}/{job['id']}", headers=api.auth())
    assert twice.status_code == 404

    running = api.upload("busy.pdf", fake_bytes("sleep:30"), format="fake").json()
    api.wait_for(running["id"], ["processing"])
    refused = api.client.delete(f"{JOBS}/{running['id']}", headers=api.auth())
    assert refused.status_code == 409 and refused.json()["error"] == "illegal_transition"
    api.client.post(f"{JOBS}/{running['id']}/cancel", headers=api.auth())
    api.wait_for(running["id"], ["cancelled"])
    assert api.client.delete(f"{JOBS}/{running['id']}", headers=api.auth()).status_code == 204


def test_same_bytes_and_options_return_the_earlier_job(api: Api) -> None:
    data = dxf_bytes("DEDUP")
    first = api.upload("one.dxf", data, params={"wait": 30}).json()
    assert first["status"] == "completed"

    again = api.upload("renamed.dxf", data)
    assert again.status_code == 200
    assert again.headers["x-pybase-deduplicated"] == "true"
    assert again.json()["id"] == first["id"] and again.json()["deduplicated"] is True
    assert again.headers["location"].endswith(first["id"])

    other_options = api.upload("one.dxf", data, include_text="false")
    assert other_options.status_code == 202 and other_options.json()["id"] != first["id"]
    by_query = api.upload("one.dxf", data, params={"dedupe": "false"})
    assert by_query.status_code == 202 and by_query.json()["id"] != first["id"]
    by_field = api.upload("one.dxf", data, dedupe="false")
    assert by_field.status_code == 202 and by_field.json()["deduplicated"] is False
    other_owner = api.upload("one.dxf", data, who="bob")
    assert other_owner.status_code == 202 and other_owner.json()["owner"] == "bob"
    listed = api.client.get(JOBS, headers=api.auth()).json()["items"]
    assert len(listed) == 4  # alice: first + 3 new ones; the dedup hit created nothing


def test_a_not_yet_completed_job_is_not_a_dedup_hit(api: Api) -> None:
    data = fake_bytes("sleep:30")
    first = api.upload("a.pdf", data, format="fake").json()
    second = api.upload("a.pdf", data, format="fake")
    assert second.status_code == 202 and second.json()["id"] != first["id"]
    for job in (first, second.json()):
        api.client.post(f"{JOBS}/{job['id']}/cancel", headers=api.auth())
