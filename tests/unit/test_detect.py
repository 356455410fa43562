"""Format detection by content, not by name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pybase.errors import EmptyFileError, SourceNotFoundError, UnsupportedFormatError
from pybase.extraction.detect import detect_format, step_protocol

STEP_HEADER = (
    "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('x'),'2;1');\n"
    "FILE_NAME('a','2026-01-01T00:00:00',(''),(''),'','','');\n"
    "FILE_SCHEMA(('{schema}'));\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"
)


@pytest.mark.parametrize(
    ("name", "content", "fmt", "version"),
    [
        ("drawing.pdf", b"%PDF-1.7\n%...", "pdf", "1.7"),
        ("junk-first.bin", b"\x00\x00junk%PDF-1.4\n", "pdf", "1.4"),
        ("plan.dxf", b"  0\nSECTION\n  2\nHEADER\n", "dxf", None),
        ("plan.txt", b"999\ncomment\n  0\nSECTION\n", "dxf", None),
        ("crlf.dxf", b"0\r\nSECTION\r\n2\r\nHEADER\r\n", "dxf", None),
        ("bin.dxf", b"AutoCAD Binary DXF\r\n\x1a\x00rest", "dxf", "binary"),
        ("house.stp", STEP_HEADER.format(schema="IFC4").encode(), "ifc", "IFC4"),
        ("model.ifc", STEP_HEADER.format(schema="IFC2X3").encode(), "ifc", "IFC2X3"),
        (
            "part.ifc",
            STEP_HEADER.format(schema="AUTOMOTIVE_DESIGN").encode(),
            "step",
            "AUTOMOTIVE_DESIGN",
        ),
    ],
)
def test_detects_by_content_whatever_the_name(
    tmp_path: Path, name: str, content: bytes, fmt: str, version: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    detected = detect_format(path)
    assert (detected.format, detected.version) == (fmt, version)


def test_ifczip_is_ifc(tmp_path: Path) -> None:
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("inner.ifc", STEP_HEADER.format(schema="IFC4"))
    assert detect_format(path).format == "ifc"
    assert detect_format(path).container == "zip"


def test_zip_without_ifc_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "x.ifczip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFormatError):
        detect_format(path)


@pytest.mark.parametrize("content", [b"", b"   \n\t  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(content)
    with pytest.raises(EmptyFileError) as info:
        detect_format(path)
    assert info.value.code == "empty_file"


def test_random_bytes_named_pdf_are_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormatError) as info:
        detect_format(path)
    assert info.value.code == "unsupported_format"
    assert "fake.pdf" in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError):
        detect_format(tmp_path / "nope.dxf")


@pytest.mark.parametrize(
    ("schema", "protocol"),
    [
        ("AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }", "AP214"),
        ("CONFIG_CONTROL_DESIGN", "AP203"),
        (
            "AP203_CONFIGURATION_CONTROLLED_3D_DESIGN_OF_MECHANICAL_PARTS_AND_ASSEMBLIES_MIM_LF "
            "{ 1 0 10303 403 2 1 2}",
            "AP203",
        ),
        ("AP242_MANAGED_MODEL_BASED_3D_ENGINEERING_MIM_LF { 1 0 10303 442 1 1 4 }", "AP242"),
        ("AP209_MULTIDISCIPLINARY_ANALYSIS_AND_DESIGN_MIM_LF", "AP209"),
        ("SOMETHING_ELSE", "SOMETHING_ELSE"),
    ],
)
def test_step_protocol(schema: str, protocol: str) -> None:
    assert step_protocol(schema) == protocol


def test_corpus_files_are_detected_as_their_folder(corpus_dir: Path) -> None:
    files = [p for p in corpus_dir.glob("*/*") if p.is_file()]
    assert len(files) >= 50
    for path in files:
        assert detect_format(path).format == path.parent.name, path.name
