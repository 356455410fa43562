"""``extract(path, options)``: the pure Python API (no database, no jobs)."""

from __future__ import annotations

from pathlib import Path

from pybase.errors import FileTooLargeError, SourceNotFoundError, UnsupportedFormatError
from pybase.extraction.base import ExtractionOptions, ProgressCallback, no_progress
from pybase.extraction.detect import DetectedFormat, detect_format
from pybase.extraction.registry import EXTRACTORS, get_engine, get_extractor
from pybase.extraction.result import ExtractionResult

__all__ = ["extract"]


def extract(
    path: str | Path,
    options: ExtractionOptions | None = None,
    progress: ProgressCallback = no_progress,
    *,
    max_bytes: int | None = None,
) -> ExtractionResult:
    """Read one engineering file and return everything found in it.

    Args:
        path: a PDF, DXF (ASCII or binary), IFC (or IFCZIP) or STEP file; the format is
            detected from the content unless ``options.format`` forces one. With
            ``options.engine="werk24"`` a PDF or PNG/JPEG/TIFF drawing, read by the Werk24
            service (:mod:`pybase.extraction.werk24`).
        options: extraction options; defaults apply when None.
        progress: ``progress(done, total)`` callback; may raise JobCancelledError.
        max_bytes: refuse files larger than this many bytes.

    Returns:
        The :class:`ExtractionResult` (``source`` holds name, SHA-256, size and format).

    Raises:
        ExtractionError: a subclass with a stable ``code`` (see :mod:`pybase.errors`).
    """
    path = Path(path)
    options = options or ExtractionOptions()
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise FileTooLargeError(
            f"{path.name}: {size / 1e6:.1f} MB is over the limit of {max_bytes / 1e6:.0f} MB"
        )
    engine = options.engine != "native"
    detected = detect_format(path, images=engine)  # images: only an engine reads them
    if options.format and options.format != detected.format:
        if options.format not in EXTRACTORS:
            raise UnsupportedFormatError(f"unknown format override {options.format!r}")
        detected = DetectedFormat(options.format)
    if engine:
        return get_engine(options.engine).extract(path, detected, options, progress)
    return get_extractor(detected.format).extract(path, detected, options, progress)
