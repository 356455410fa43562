"""The one seam between the job system and the file formats: :class:`Extractor`.

An extractor is pure: a path and :class:`ExtractionOptions` in, an ``ExtractionResult`` out,
progress reported through a callback. It never touches the database. It raises an
:class:`~pybase.errors.ExtractionError` subclass only when the file cannot be read; anything
odd but readable becomes an ``Issue`` in the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from pybase.extraction.detect import DetectedFormat
    from pybase.extraction.result import ExtractionResult, SourceInfo

__all__ = [
    "ExtractionOptions",
    "Extractor",
    "ProgressCallback",
    "file_sha256",
    "no_progress",
    "source_info",
]

#: ``progress(done, total)``: ``done`` items of ``total`` (pages, entities, elements, parts).
#: The callback may raise :class:`~pybase.errors.JobCancelledError` to stop the extractor;
#: extractors must let it propagate.
ProgressCallback = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """A progress callback that does nothing."""


class ExtractionOptions(BaseModel):
    """Options a caller may pass to any extractor (stored on the job as JSON)."""

    model_config = ConfigDict(extra="forbid")

    format: str | None = Field(
        None, description="force a format (pdf, dxf, ifc, step) instead of detecting it"
    )
    include_text: bool = Field(True, description="return TEXT/MTEXT and page text")
    max_pages: int | None = Field(None, ge=1, description="PDF: read at most this many pages")
    tables: bool = Field(True, description="PDF: find tables (slower on vector-heavy pages)")
    ocr: bool = Field(
        True,
        description="PDF: read pages without a usable text layer (scans, garbled fonts) with "
        "tesseract OCR; needs the tesseract program (Debian package tesseract-ocr), else the "
        "result carries an ocr_unavailable issue",
    )
    ocr_language: str = Field(
        "eng",
        pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$",
        description="PDF: tesseract language code(s) for OCR, e.g. 'eng', 'deu', 'eng+chi_sim' "
        "(each needs its tesseract-ocr-<lang> data package)",
    )
    ocr_dpi: int = Field(
        300,
        ge=72,
        le=600,
        description="PDF: resolution (dots per inch) pages are rendered at for OCR",
    )
    mass_properties: bool = Field(True, description="STEP: compute volume/area/centre of mass")
    properties: bool = Field(True, description="IFC: read property and quantity sets")
    engine: Literal["native", "werk24"] = Field(
        "native",
        description="who reads the file: 'native' (our extractors, every format) or 'werk24' "
        "(the Werk24 AI service reads PDF and PNG/JPEG/TIFF drawings; needs the werk24 extra "
        "and a token; max_pages caps the pages sent, default PYBASE_WERK24_MAX_PAGES)",
    )

    @model_validator(mode="after")
    def _engine_reads_format(self) -> ExtractionOptions:
        """The Werk24 engine reads drawings only: a forced format other than pdf is refused."""
        if self.engine == "werk24" and self.format not in (None, "pdf"):
            raise ValueError(
                f"the werk24 engine reads PDF and image drawings, not format {self.format!r}"
            )
        return self


class Extractor(Protocol):
    """Reads one format. Implementations live in ``pybase.extraction.<format>`` and are found
    through :mod:`pybase.extraction.registry` (imported lazily)."""

    format: ClassVar[str]

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Read ``path`` (already detected as ``detected``) and return its result.

        Raises:
            ExtractionError: (a subclass with its code) when the file cannot be read.
            JobCancelledError: propagated from ``progress``.
        """
        ...


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex digest of the file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def source_info(
    path: Path, detected: DetectedFormat, format_version: str | None = None
) -> SourceInfo:
    """The ``SourceInfo`` for ``path``: name, SHA-256, size in bytes, format, and the format
    version (``format_version`` wins over what detection saw; schema name from detection)."""
    from pybase.extraction.result import SourceInfo

    return SourceInfo(
        name=path.name,
        sha256=file_sha256(path),
        bytes=path.stat().st_size,
        format=detected.format,
        format_version=format_version or detected.version,
        schema_identifier=detected.version if detected.format in ("ifc", "step") else None,
    )
