"""Format detection by content (magic bytes and headers), never by file name alone.

Rules (first match wins):

* PDF: ``%PDF-`` within the first 1024 bytes (ISO 32000-1 §7.5.2 allows leading junk).
* Binary DXF: the 22-byte sentinel ``AutoCAD Binary DXF\\r\\n\\x1a\\x00`` (DXF reference,
  "Binary DXF Files").
* ASCII DXF: group code ``0`` followed by ``SECTION`` as the first pair, or group code ``999``
  comment first (DXF reference, "DXF Format"), tolerant of leading whitespace and CRLF.
* ISO 10303-21 (``ISO-10303-21;`` first token): the ``FILE_SCHEMA`` in the HEADER decides —
  ``IFC2X3``, ``IFC4``, ``IFC4X3``... is IFC; anything else (AP203 ``CONFIG_CONTROL_DESIGN``,
  AP214 ``AUTOMOTIVE_DESIGN``, AP242 ``AP242_MANAGED_MODEL_BASED_3D_ENGINEERING``...) is STEP.
* ZIP container holding an ``.ifc`` member: IFC (IFCZIP).
* Only when asked (``images=True``, for the Werk24 engine, which reads raster drawings; our
  own extractors do not, so by default these stay ``unsupported_format``), checked first:
  PNG (``\x89PNG\r\n\x1a\n``, ISO/IEC 15948 §5.2), JPEG (``\xff\xd8\xff``: SOI marker and
  the next marker's first byte, ITU T.81 B.1.1.3), TIFF (``II*\0`` / ``MM\0*``, TIFF 6.0
  section 2; BigTIFF ``II+\0`` / ``MM\0+``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pybase.errors import EmptyFileError, SourceNotFoundError, UnsupportedFormatError

__all__ = ["IMAGE_FORMATS", "DetectedFormat", "detect_format", "step_protocol"]

_HEAD_BYTES = 64 * 1024
_BINARY_DXF = b"AutoCAD Binary DXF\r\n\x1a\x00"
_FILE_SCHEMA = re.compile(rb"FILE_SCHEMA\s*\(\s*\(\s*'([^']*)'", re.IGNORECASE)
_DXF_FIRST_PAIR = re.compile(rb"^\s*(0\s*\r?\n\s*SECTION|999\s*\r?\n)")
#: Raster image signatures (module docstring) -> format name.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),
    (b"MM\x00+", "tiff"),
)
#: Formats :func:`detect_format` returns only with ``images=True``.
IMAGE_FORMATS = frozenset(name for _, name in _IMAGE_MAGIC)


@dataclass(frozen=True)
class DetectedFormat:
    """Result of detection: ``format`` is one of pdf/dxf/ifc/step (png/jpeg/tiff when images
    were asked for); ``version`` is what the header says (PDF ``1.7``, STEP/IFC schema name),
    ``container`` is ``zip`` for IFCZIP."""

    format: str
    version: str | None = None
    container: str | None = None


def step_protocol(schema: str) -> str:
    """Map a STEP FILE_SCHEMA name to its application protocol: ``AP203``, ``AP214``,
    ``AP242``, ``AP209``, or the schema name itself when unknown (ISO 10303 part numbers)."""
    s = schema.upper()
    if s.startswith("AP242") or "{ 1 0 10303 442" in s or "10303 442" in s:
        return "AP242"
    if s.startswith("AUTOMOTIVE_DESIGN") or "10303 214" in s:
        return "AP214"
    if s.startswith("CONFIG_CONTROL_DESIGN") or s.startswith("AP203") or "10303 403" in s:
        return "AP203"
    if s.startswith("AP209"):
        return "AP209"
    return schema


def detect_format(path: Path, *, images: bool = False) -> DetectedFormat:
    """Detect the format of ``path`` from its content; ``images=True`` also recognises PNG,
    JPEG and TIFF (for the Werk24 engine).

    Raises:
        SourceNotFoundError: the path does not exist or is not a regular file.
        EmptyFileError: the file has no bytes or only whitespace.
        UnsupportedFormatError: the content is none of PDF, DXF, IFC, STEP.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise SourceNotFoundError(f"{path}: no such file") from exc
    if not head.strip():
        raise EmptyFileError(f"{path.name}: the file is empty")
    if images:
        for magic, name in _IMAGE_MAGIC:
            if head.startswith(magic):
                return DetectedFormat(name)
    pdf_at = head.find(b"%PDF-", 0, 1024)
    if pdf_at >= 0:
        version = head[pdf_at + 5 : pdf_at + 8].decode("ascii", "replace")
        return DetectedFormat("pdf", version)
    if head.startswith(_BINARY_DXF):
        return DetectedFormat("dxf", "binary")
    if _DXF_FIRST_PAIR.match(head):
        return DetectedFormat("dxf")
    stripped = head.lstrip()
    if stripped[:13].upper() == b"ISO-10303-21;":
        match = _FILE_SCHEMA.search(head)
        schema = match.group(1).decode("latin-1").strip() if match else ""
        if schema.upper().startswith("IFC"):
            return DetectedFormat("ifc", schema.upper())
        return DetectedFormat("step", schema or None)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                if any(n.lower().endswith(".ifc") for n in zf.namelist()):
                    return DetectedFormat("ifc", None, container="zip")
        except zipfile.BadZipFile:
            pass
    raise UnsupportedFormatError(
        f"{path.name}: content is not PDF, DXF, IFC or STEP (starts with {head[:16]!r})"
    )
