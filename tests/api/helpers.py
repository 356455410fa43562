"""Small real drawings generated in the test, and a client wrapper for the API tests."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from pybase.config import Settings
from pybase.db.engine import Database

JOBS = "/api/v1/extraction/jobs"
BUCKET = "pybase-test"


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dxf_bytes(label: str) -> bytes:
    """A small ASCII DXF (R2010) with a line, a circle and a TEXT entity holding ``label``
    (so different labels give different bytes)."""
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_line((0, 0), (100, 0))
    msp.add_circle((50, 50), radius=12.5)
    msp.add_text(label, dxfattribs={"height": 2.5}).set_placement((10, 10))
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode()


def pdf_bytes(text: str, pages: int = 1) -> bytes:
    """A small PDF (reportlab) with ``text`` on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        pdf.drawString(72, 720, f"{text} page {page + 1}")
        pdf.line(72, 700, 500, 700)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def fake_bytes(behaviour: str) -> bytes:
    """Content for the ``fake`` test extractor (tests/support/fakes.py): ok, sleep:<s>, ..."""
    return f"%PDF-1.4\n{behaviour}\n".encode()


@dataclass
class Api:
    """A client of one running app, with tokens for ``alice``, ``bob`` (users) and ``root``
    (admin) created in its job store."""

    client: Any  # fastapi.testclient.TestClient
    tokens: dict[str, str]
    database: Database
    settings: Settings

    def auth(self, who: str = "alice") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def upload(
        self,
        name: str,
        data: bytes,
        *,
        who: str = "alice",
        params: dict[str, Any] | None = None,
        **fields: str,
    ) -> httpx.Response:
        response: httpx.Response = self.client.post(
            JOBS,
            files={"file": (name, data, "application/octet-stream")},
            data=fields,
            params=params or {},
            headers=self.auth(who),
        )
        return response

    def get(self, job_id: str, who: str = "alice") -> dict[str, Any]:
        response = self.client.get(f"{JOBS}/{job_id}", headers=self.auth(who))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for(
        self, job_id: str, statuses: Iterable[str], *, who: str = "alice", timeout: float = 60
    ) -> dict[str, Any]:
        wanted = set(statuses)
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id, who)
            if job["status"] in wanted:
                return job
            assert time.monotonic() < deadline, f"job stuck in {job['status']}: {job}"
            time.sleep(0.05)


def raw_multipart(filename: bytes, data: bytes, boundary: str = "pybase-test-boundary") -> bytes:
    """A multipart body with one ``file`` part whose ``filename`` parameter is ``filename``
    byte for byte (httpx would percent-encode control characters)."""
    head = (
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    return head + data + f"\r\n--{boundary}--\r\n".encode()
