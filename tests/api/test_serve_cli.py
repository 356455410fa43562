"""``pybase tokens`` and ``pybase serve`` as a user runs them: real subprocesses, a real
uvicorn server on loopback, real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import JOBS, dxf_bytes, free_port
from tests.conftest import REPO_ROOT

PYBASE = [sys.executable, "-m", "pybase"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYBASE_")}
    env.update(
        PYBASE_DATA_DIR=str(tmp_path / "data"),
        PYBASE_WORKERS="1",
        PYBASE_API_POLL_SECONDS="0.05",
        PYTHONPATH=str(REPO_ROOT),
        **extra,
    )
    return env


def pybase(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYBASE, *args], env=_env(tmp_path, **env), capture_output=True, text=True, timeout=60
    )


def test_tokens_create_list_revoke(tmp_path: Path) -> None:
    created = pybase(tmp_path, "tokens", "create", "ci-bot")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("pyb_") and len(token) > 40 and "\n" not in token
    assert "shown only now" in created.stderr
    admin = pybase(tmp_path, "tokens", "create", "ops", "--admin")
    assert admin.returncode == 0

    listed = pybase(tmp_path, "tokens", "list", "--json")
    assert listed.returncode == 0 and token not in listed.stdout
    assert '"name": "ci-bot"' in listed.stdout and '"admin": true' in listed.stdout

    revoked = pybase(tmp_path, "tokens", "revoke", "ci-bot")
    assert revoked.returncode == 0 and "revoked token" in revoked.stdout
    again = pybase(tmp_path, "tokens", "revoke", "ci-bot")
    assert again.returncode == 1 and "no active token" in again.stderr
    assert "ci-bot" not in pybase(tmp_path, "tokens", "list").stdout
    assert "ci-bot" in pybase(tmp_path, "tokens", "list", "--all").stdout
    empty = pybase(tmp_path, "tokens", "create", "  ")
    assert empty.returncode == 2 and "Traceback" not in empty.stderr  # a usage error


def test_serve_refuses_a_public_address_without_auth(tmp_path: Path) -> None:
    refused = pybase(tmp_path, "serve", "--host", "0.0.0.0", PYBASE_AUTH="disabled")
    assert refused.returncode == 2
    assert "error[auth_required]" in refused.stderr and "loopback" in refused.stderr


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``pybase serve`` on 127.0.0.1:<free port> with a 1 MB upload limit; yields (base URL,
    token)."""
    token = pybase(tmp_path, "tokens", "create", "alice").stdout.strip()
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [*PYBASE, "serve", "--port", str(port), "--log-level", "warning"],
        env=_env(tmp_path, PYBASE_MAX_UPLOAD_MB="1"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.1)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


def test_real_server_runs_a_job_and_stops_a_large_upload_early(
    server: tuple[str, str], tmp_path: Path
) -> None:
    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
        response = client.post(
            JOBS, files={"file": ("plate.dxf", dxf_bytes("PLATE"))}, params={"wait": 30}
        )
        assert response.status_code == 200, response.text
        job = response.json()
        assert job["status"] == "completed" and job["owner"] == "alice"
        assert client.get(f"{JOBS}/{job['id']}/result").json()["source"]["format"] == "dxf"
        assert client.get(JOBS, headers={"Authorization": "Bearer nope"}).status_code == 401

        sent = 0
        total = 64 * 1024 * 1024

        def body() -> Iterator[bytes]:
            nonlocal sent
            head = (
                b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"'
                b"\r\n\r\n%PDF-1.4\n"
            )
            yield head
            chunk = b"x" * 65536
            while sent < total:
                sent += len(chunk)
                yield chunk
            yield b"\r\n--b--\r\n"

        big = client.post(
            JOBS, content=body(), headers={"content-type": "multipart/form-data; boundary=b"}
        )
        assert big.status_code == 413, big.text
        assert big.json()["error"] == "upload_too_large"
        assert sent < total / 2, f"the server read {sent} bytes before refusing"
    staged = tmp_path / "data" / "files" / ".incoming"
    assert not staged.exists() or list(staged.iterdir()) == []
