"""Pure pieces of the API layer: safe file names, the list cursor, the serve bind check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pybase.api.errors import MalformedRequestError
from pybase.api.schemas import decode_cursor, encode_cursor
from pybase.cli.serve_cmd import ServeRefusedError, check_bind, is_loopback
from pybase.storage.base import MAX_NAME_BYTES, clean_display_name, object_key, safe_filename


@given(st.text(max_size=400))
def test_safe_filename_is_always_one_harmless_path_component(name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert all(ch.isprintable() for ch in safe)
    assert len(safe.encode()) <= MAX_NAME_BYTES


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("drawing.pdf", "drawing.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\plan.dxf", "plan.dxf"),
        ("a\x00b\x1b[31mc.dxf", "ab_31mc.dxf"),
        ("...", "upload"),
        ("", "upload"),
        ("Teil Ø12 H7.step", "Teil_Ø12_H7.step"),
        ("x" * 300 + ".ifc", "x" * (MAX_NAME_BYTES - 4) + ".ifc"),
    ],
)
def test_safe_filename_examples(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_object_key_and_display_name() -> None:
    job_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert object_key(job_id, "../a b.dxf") == f"{job_id}/a_b.dxf"
    assert clean_display_name("../a\x00b\n.dxf") == "../ab.dxf"
    assert clean_display_name("\x00\x01") == "upload"


def test_cursor_round_trip_and_garbage() -> None:
    when = datetime(2026, 12, 1, 8, 30, 0, 123456, tzinfo=UTC)
    job_id = uuid.uuid4()
    assert decode_cursor(encode_cursor(when, job_id)) == (when, job_id)
    for bad in ("", "%%%", "bm90IGpzb24", encode_cursor(when, job_id)[:-4]):
        with pytest.raises(MalformedRequestError):
            decode_cursor(bad)


def test_only_loopback_may_run_without_auth() -> None:
    for host in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"):
        assert is_loopback(host)
        assert check_bind(host, "disabled") is False
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org"):
        assert not is_loopback(host)
        assert check_bind(host, "enabled") is True
        with pytest.raises(ServeRefusedError):
            check_bind(host, "disabled")
