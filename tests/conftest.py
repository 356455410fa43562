"""Shared fixtures: the real-file corpus in ../shared/corpus (skipped cleanly when absent)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

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
