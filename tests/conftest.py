"""Shared fixtures: the real-file corpus in ../shared/corpus (skipped cleanly when absent)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))
SAMPLES_DIR = REPO_ROOT / "samples"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus directory; skips the test when it is not there (fresh clone elsewhere)."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_file(corpus_dir: Path) -> Callable[[str], Path]:
    """``corpus_file("dxf/vemo__PL14.dxf")`` -> path; skips when that file is missing."""

    def _get(relative: str) -> Path:
        path = corpus_dir / relative
        if not path.is_file():
            pytest.skip(f"corpus file missing: {relative}")
        return path

    return _get


@pytest.fixture(scope="session")
def corpus_result(corpus_file: Callable[[str], Path]) -> Callable[[str], Any]:
    """``corpus_result("dxf/x.dxf")`` -> ``extract()`` of that corpus file with default options,
    extracted once per test session and shared by every module (treat it as read-only)."""
    from pybase.extraction import extract

    cache: dict[str, Any] = {}

    def _get(relative: str) -> Any:
        if relative not in cache:
            cache[relative] = extract(corpus_file(relative))
        return cache[relative]

    return _get


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A migrated job store: SQLite file and real PostgreSQL (each test runs on both)."""
    from tests.support.stores import postgres_store, sqlite_store

    database = postgres_store() if request.param == "postgres" else sqlite_store(tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def fake_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the misbehaving test extractors (format ``fake``) in this process and in every
    process it starts."""
    from pybase.extraction.registry import EXTRACTORS
    from tests.support.fakes import EXTRA

    monkeypatch.setenv("PYBASE_EXTRA_EXTRACTORS", EXTRA)
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    monkeypatch.setitem(EXTRACTORS, "fake", EXTRA.split("=", 1)[1])


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own data dir, fast retries, and fresh settings."""
    from pybase.config import get_settings

    monkeypatch.setenv("PYBASE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PYBASE_DATABASE_URL", raising=False)
    monkeypatch.setenv("PYBASE_RETRY_BASE_SECONDS", "0.05")
    monkeypatch.setenv("PYBASE_RETRY_MAX_SECONDS", "0.2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
