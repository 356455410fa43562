"""Raster drawings are detected only for the Werk24 engine (our extractors do not read them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pybase.errors import UnsupportedFormatError
from pybase.extraction.detect import detect_format


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"II+\x00\x08\x00\x00\x00", "tiff"),
    ],
)
def test_image_signatures(tmp_path: Path, head: bytes, fmt: str) -> None:
    path = tmp_path / "drawing.bin"  # the name says nothing: detection is by content
    path.write_bytes(head + b"\x00" * 64)
    assert detect_format(path, images=True).format == fmt
    with pytest.raises(UnsupportedFormatError):
        detect_format(path)


def test_a_pdf_is_still_a_pdf_when_images_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert detect_format(path, images=True).format == "pdf"
