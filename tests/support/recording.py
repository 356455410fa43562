"""An extractor that records every run, for exactly-once checks across processes.

Format ``rec`` (registered through ``PYBASE_EXTRA_EXTRACTORS``, see
:data:`tests.support.services.EXTRA_EXTRACTORS`). It behaves like
:class:`tests.support.fakes.FakeExtractor` and appends ``start <pid>`` / ``end <pid>`` lines
to ``<file>.runs``, so a test can count how many runs began and how many finished, whatever
process ran them. Two more behaviours: ``block:<s>`` sleeps without reporting progress (a long
native call that never reaches a cancel check), then finishes; ``stubborn:<s>`` does the same
and also swallows every exception meanwhile (Celery's soft time limit), so only a hard limit
stops it.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from pybase.extraction.base import ExtractionOptions, ProgressCallback
from pybase.extraction.detect import DetectedFormat
from pybase.extraction.result import ExtractionResult
from tests.support.fakes import FakeExtractor


def runs(path: Path) -> list[str]:
    """The ``start``/``end`` words recorded for ``path`` so far, in order."""
    log = path.with_suffix(".runs")
    if not log.exists():
        return []
    return [line.split()[0] for line in log.read_text().splitlines() if line.strip()]


class RecordingExtractor(FakeExtractor):
    format = "rec"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        log = path.with_suffix(".runs")
        with log.open("a") as out:
            out.write(f"start {os.getpid()}\n")
        kind, _, arg = path.read_text().splitlines()[1].partition(":")
        if kind == "block":
            time.sleep(float(arg))
        if kind == "stubborn":
            end = time.monotonic() + float(arg)
            while time.monotonic() < end:
                with contextlib.suppress(BaseException):
                    time.sleep(0.05)
        result = super().extract(path, detected, options, progress)
        with log.open("a") as out:
            out.write(f"end {os.getpid()}\n")
        return result
