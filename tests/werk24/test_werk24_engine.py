"""The Werk24 engine through the public API (``pybase.extraction.extract``) and the real
``werk24`` client, against the fake service on 127.0.0.1: the protocol, progress, images,
and every failure the service can produce, each with its error code and retry policy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from pybase.config import get_settings
from pybase.errors import (
    DependencyMissingError,
    JobCancelledError,
    UnsupportedFormatError,
    Werk24Error,
)
from pybase.extraction import ExtractionOptions, extract
from tests.werk24.answers import PART_NUMBER, bracket_answers, bracket_pdf, bracket_png
from tests.werk24.conftest import TOKEN
from tests.werk24.fake_server import FakeWerk24

WERK24 = ExtractionOptions(engine="werk24")


def test_reads_a_pdf_end_to_end(werk24: FakeWerk24, bracket: Path) -> None:
    steps: list[tuple[int, int]] = []
    result = extract(bracket, WERK24, lambda done, total: steps.append((done, total)))

    (request,) = werk24.requests
    assert request.token == TOKEN and werk24.handshakes == [TOKEN]
    assert request.asks == ["DOCUMENT_PROFILE", "META_DATA", "FEATURES"]
    assert request.max_pages == 5  # PYBASE_WERK24_MAX_PAGES default
    assert request.upload == bracket.read_bytes()  # the drawing itself went up
    assert request.read is not None  # READ was sent after the upload

    # progress: initialized, one step per answer, complete; never backwards
    assert steps[0] == (1, 5) and steps[-1] == (5, 5)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert {d for d, _ in steps} == {1, 2, 3, 4, 5}

    assert (result.source.format, result.source.name) == ("pdf", "bracket.pdf")
    assert result.metadata["engine"] == "werk24"
    assert result.title_block is not None and result.title_block.part_number == PART_NUMBER
    assert result.stats["werk24_pages_read"] == 1
    w24 = result.extras["werk24"]
    assert w24["request_id"] == request.request_id and w24["client_version"] == "2.8.0"
    assert w24["answers"][2]["payload"]["dimensions"][0]["tolerance_note"]  # kept verbatim
    assert "Werk24: 1 page read" in result.summary()
    assert result.model_dump(mode="json")["dimensions"]  # JSON-ready (no Decimal, no inf)


def test_max_pages_caps_what_is_sent_and_counted(werk24: FakeWerk24, tmp_path: Path) -> None:
    werk24.reset("ok", bracket_answers(pages=2))
    werk24.answers[0] = ("DOCUMENT_PROFILE", 0, {**werk24.answers[0][2], "page_count": 7})
    drawing = bracket_pdf(tmp_path / "seven.pdf", pages=2)
    result = extract(drawing, ExtractionOptions(engine="werk24", max_pages=2))
    assert werk24.requests[0].max_pages == 2
    assert result.stats == {"werk24_pages_read": 2, "page_count": 7}


def test_reads_a_png_scan(werk24: FakeWerk24, bracket: Path, tmp_path: Path) -> None:
    png = bracket_png(bracket, tmp_path / "scan.png")
    result = extract(png, WERK24)
    assert result.source.format == "png"
    assert werk24.requests[0].upload == png.read_bytes()
    # our own extractors do not read images: the native engine still refuses them
    with pytest.raises(UnsupportedFormatError):
        extract(png)


def test_a_dxf_is_not_sent(werk24: FakeWerk24, tmp_path: Path) -> None:
    dxf = tmp_path / "plan.dxf"
    dxf.write_text("0\nSECTION\n2\nHEADER\n0\nENDSEC\n0\nEOF\n")
    with pytest.raises(UnsupportedFormatError, match="werk24 engine reads PDF"):
        extract(dxf, WERK24)
    assert werk24.handshakes == []


@pytest.mark.parametrize(
    ("scenario", "code", "transient"),
    [
        ("quota", "werk24_insufficient_credits", False),
        ("quota_init", "werk24_insufficient_credits", False),
        ("rate_limit", "werk24_unavailable", True),
        ("server_error", "werk24_unavailable", True),
        ("internal_error", "werk24_unavailable", True),
        ("drop", "werk24_unavailable", True),
        ("clean_close", "werk24_unavailable", True),
        ("upload_413", "werk24_rejected", False),
        ("upload_415", "werk24_rejected", False),
        ("upload_503", "werk24_unavailable", True),
        ("reject_format", "werk24_rejected", False),
    ],
)
def test_service_failures_have_codes_and_retry_policy(
    werk24: FakeWerk24,
    bracket: Path,
    monkeypatch: pytest.MonkeyPatch,
    scenario: str,
    code: str,
    transient: bool,
) -> None:
    from werk24 import techread

    monkeypatch.setattr(techread.settings, "max_https_retries", 0)  # a 503 upload: sent once
    werk24.reset(scenario, bracket_answers())
    with pytest.raises(Werk24Error) as caught:
        extract(bracket, WERK24)
    assert (caught.value.code, caught.value.transient) == (code, transient)
    assert caught.value.__cause__ is not None or scenario in (
        "internal_error",
        "clean_close",
        "reject_format",
        "upload_413",
    )
    assert "\n" not in caught.value.message  # one line for error_message


def test_a_dropped_connection_after_answers_is_not_a_result(
    werk24: FakeWerk24, bracket: Path
) -> None:
    werk24.reset("drop", bracket_answers())
    with pytest.raises(Werk24Error, match="closed unexpectedly") as caught:
        extract(bracket, WERK24)
    assert caught.value.transient
    assert werk24.requests[0].upload == bracket.read_bytes()  # it failed mid-stream


def test_a_silent_service_times_out(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYBASE_WERK24_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    werk24.reset("stall", bracket_answers())
    started = time.monotonic()
    with pytest.raises(Werk24Error, match="did not finish in time") as caught:
        extract(bracket, WERK24)
    assert caught.value.code == "werk24_unavailable" and caught.value.transient
    assert time.monotonic() - started < 10


def test_one_failed_ask_leaves_a_result_with_an_issue(werk24: FakeWerk24, bracket: Path) -> None:
    werk24.reset("partial", bracket_answers())
    result = extract(bracket, WERK24)
    failed = [i for i in result.issues if i.code == "werk24_ask_failed"]
    assert len(failed) == 1 and "DRAWING_CONTENT_NOT_UNDERSTOOD" in failed[0].message
    assert result.title_block is not None and result.dimensions == []


def test_a_refused_token_is_permanent(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYBASE_WERK24_TOKEN", "w24-revoked-token-9876")
    get_settings.cache_clear()
    with pytest.raises(Werk24Error) as caught:
        extract(bracket, WERK24)
    assert (caught.value.code, caught.value.transient) == ("werk24_unauthorized", False)
    assert "9876" in caught.value.message and "w24-revoked" not in caught.value.message
    assert werk24.handshakes == ["w24-revoked-token-9876"] and werk24.requests == []


def test_no_token_anywhere_is_permanent(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYBASE_WERK24_TOKEN")
    get_settings.cache_clear()
    with pytest.raises(Werk24Error, match="PYBASE_WERK24_TOKEN") as caught:
        extract(bracket, WERK24)
    assert caught.value.code == "werk24_unauthorized"
    assert werk24.handshakes == []  # nothing was sent


def test_the_clients_own_token_variable_is_used(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYBASE_WERK24_TOKEN")
    monkeypatch.setenv("W24TECHREAD_AUTH_TOKEN", TOKEN)
    get_settings.cache_clear()
    assert extract(bracket, WERK24).title_block is not None
    assert werk24.handshakes == [TOKEN]


def test_an_unreachable_service_is_transient(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.helpers import free_port

    monkeypatch.setenv("PYBASE_WERK24_SERVER", f"wss://127.0.0.1:{free_port()}/v2")
    get_settings.cache_clear()
    with pytest.raises(Werk24Error) as caught:
        extract(bracket, WERK24)
    assert (caught.value.code, caught.value.transient) == ("werk24_unavailable", True)


def test_an_untrusted_certificate_is_refused(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYBASE_WERK24_CA_FILE")  # only the public CAs: our test CA is not one
    get_settings.cache_clear()
    with pytest.raises(Werk24Error, match="CERTIFICATE_VERIFY_FAILED"):
        extract(bracket, WERK24)
    assert werk24.requests == []


def test_without_the_package_it_is_dependency_missing(
    bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "werk24", None)  # import werk24 -> ImportError
    monkeypatch.setitem(sys.modules, "werk24.techread", None)
    with pytest.raises(DependencyMissingError, match=r"pybase-extract\[werk24\]") as caught:
        extract(bracket, WERK24)
    assert caught.value.code == "dependency_missing" and not caught.value.transient


def test_cancel_from_progress_stops_the_read(werk24: FakeWerk24, bracket: Path) -> None:
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 2:
            raise JobCancelledError("cancel requested")

    with pytest.raises(JobCancelledError):
        extract(bracket, WERK24, progress)
    assert seen[-1] == 2 and max(seen) == 2
    # the service was left: the next read works on a fresh connection
    werk24.reset("ok", bracket_answers())
    assert extract(bracket, WERK24).title_block is not None


def test_a_drawing_over_the_upload_limit_is_not_sent(
    werk24: FakeWerk24, bracket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from werk24 import techread

    monkeypatch.setattr(techread, "DRAWING_UPLOAD_LIMIT_BYTES", bracket.stat().st_size - 1)
    with pytest.raises(Werk24Error, match="Werk24 accepts per drawing") as caught:
        extract(bracket, WERK24)
    assert (caught.value.code, caught.value.transient) == ("werk24_rejected", False)
    assert werk24.handshakes == []
