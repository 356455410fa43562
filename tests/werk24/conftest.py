"""Fixtures of the Werk24 engine tests: the fake service (one per session, reset per test),
the environment that points the real ``werk24`` client at it, and generated drawings.

Nothing here reaches the internet: the client connects to 127.0.0.1 only, and
``W24TECHREAD_AUTH_TOKEN`` / ``HOME`` are controlled so that no real token is ever found.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pybase.config import get_settings
from tests.werk24.answers import bracket_answers, bracket_pdf
from tests.werk24.fake_server import FakeWerk24, TlsFiles, make_tls

pytest.importorskip("werk24")

#: The token the fake service accepts.
TOKEN = "w24-test-token-0123456789"


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls(tmp_path_factory.mktemp("werk24-tls"))


@pytest.fixture(scope="session")
def fake_service(tls: TlsFiles) -> Iterator[FakeWerk24]:
    server = FakeWerk24(tls, {TOKEN}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def werk24(
    fake_service: FakeWerk24, tls: TlsFiles, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeWerk24:
    """The fake service, reset to answer the bracket drawing; this process's environment (and
    so every subprocess's) points the engine at it with a valid token."""
    fake_service.reset("ok", bracket_answers())
    monkeypatch.setenv("PYBASE_WERK24_TOKEN", TOKEN)
    monkeypatch.setenv("PYBASE_WERK24_SERVER", fake_service.wss_url)
    monkeypatch.setenv("PYBASE_WERK24_HTTPS_SERVER", fake_service.https_url)
    monkeypatch.setenv("PYBASE_WERK24_CA_FILE", str(tls.ca))
    monkeypatch.setenv("PYBASE_WERK24_TIMEOUT_SECONDS", "20")
    monkeypatch.delenv("W24TECHREAD_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.werk24 token file
    monkeypatch.chdir(tmp_path)  # nor ./.werk24
    get_settings.cache_clear()
    return fake_service


@pytest.fixture
def bracket(tmp_path: Path) -> Path:
    """The bracket drawing (one A3 page), generated with reportlab."""
    return bracket_pdf(tmp_path / "bracket.pdf")
