"""Extractors that misbehave on purpose, plugged in through PYBASE_EXTRA_EXTRACTORS.

Each reads its instructions from the input file's text (after the ``%PDF-`` header that makes
detection accept it), so one test can mix well-behaved and misbehaving files.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pybase.errors import TransientExtractionError
from pybase.extraction.base import ExtractionOptions, ProgressCallback, source_info
from pybase.extraction.detect import DetectedFormat
from pybase.extraction.result import ExtractionResult

EXTRA = "fake=tests.support.fakes:FakeExtractor"


def fake_file(path: Path, behaviour: str) -> Path:
    """Write a file that FakeExtractor handles with ``behaviour``: ok, crash, sleep:<s>,
    flaky:<n> (transient failure on the first n attempts), raise."""
    path.write_text(f"%PDF-1.4\n{behaviour}\n")
    return path


class FakeExtractor:
    format = "fake"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        behaviour = path.read_text().splitlines()[1]
        kind, _, arg = behaviour.partition(":")
        if kind == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if kind == "sleep":
            end = time.monotonic() + float(arg)
            steps = 0
            while time.monotonic() < end:
                time.sleep(0.05)
                steps += 1
                progress(min(steps, 99), 100)
        if kind == "flaky":
            counter = path.with_suffix(".attempts")
            seen = int(counter.read_text()) if counter.exists() else 0
            counter.write_text(str(seen + 1))
            if seen < int(arg):
                raise TransientExtractionError(f"flaky attempt {seen + 1}")
        if kind == "raise":
            raise RuntimeError("boom")
        progress(1, 1)
        info = source_info(path, DetectedFormat("pdf", "1.4"))
        return ExtractionResult(source=info, stats={"behaviour": behaviour})
