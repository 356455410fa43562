"""Every PDF of the real-file corpus through the public API, checked against MANIFEST.tsv.

Each file is extracted once per test session (:func:`cached_extract`, shared with
``test_pdf_drawing_corpus.py``, since OCR of the scans takes seconds per page); the hub motor
list (13 garbled pages) is read without OCR here, its OCR is tested on two pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pybase.extraction import ExtractionOptions, ExtractionResult, extract

pytestmark = pytest.mark.corpus

Size = tuple[float, float]


@dataclass(frozen=True)
class Expected:
    """MANIFEST.tsv facts: page count, page size(s) in points as displayed (one for every page,
    or one per page), /Rotate in degrees; size None when the manifest gives none."""

    pages: int
    size: Size | list[Size] | None
    rotation: int = 0


LETTER, LETTER_LANDSCAPE = (612.0, 792.0), (792.0, 612.0)
A4, A4_LANDSCAPE = (595.0, 842.0), (842.0, 595.0)

EXPECTED: dict[str, Expected] = {
    "camelot__diesel_engines.pdf": Expected(23, None),
    "nist__nist_ftc_06_asme1_rd.pdf": Expected(3, LETTER_LANDSCAPE, 270),
    "nist__nist_ftc_06_asme1_rd_fsi.pdf": Expected(2, LETTER),
    "nist__nist_ftc_10_asme1_rb.pdf": Expected(5, LETTER_LANDSCAPE, 270),
    "ocrmypdf__cardinal.pdf": Expected(4, [LETTER, LETTER_LANDSCAPE] * 2),
    "ocrmypdf__linn.pdf": Expected(1, LETTER),
    "openamr__MMP.01.00.00.000_Cover_assembly.PDF": Expected(1, LETTER_LANDSCAPE),
    "openamr__MMP.03.00.00.004_Drive_shaft.PDF": Expected(1, (1191.0, 842.0)),
    "openamr__MMP.04.00.00.001_Center_bracket.PDF": Expected(2, (1684.0, 1191.0)),
    "openamr__TZDSXZ-48-400-kh-EN_reducer_30.pdf": Expected(1, A4_LANDSCAPE, 90),
    "openamr__ZBLD.C20-485_MODBUS_RTU-English.pdf": Expected(14, A4),
    "openamr__ZLLG80ASM250-L_V3.0单出轴.pdf": Expected(1, (839.0, 590.0)),
    "openamr__ZLTECH-Hub-Motor-List.pdf": Expected(16, (595.0, 808.0)),
    "pdfplumber__issue-912.pdf": Expected(2, A4_LANDSCAPE),
}


#: Files whose pages are read without OCR in the shared cache (OCR of all 13 garbled pages
#: of the hub motor list takes about 35 s; its OCR is tested on a two-page read instead).
NO_OCR = frozenset({"openamr__ZLTECH-Hub-Motor-List.pdf"})


@functools.cache
def cached_extract(path: Path, max_pages: int | None = None) -> ExtractionResult:
    """``extract(path)`` once per session (default options; no OCR for :data:`NO_OCR`)."""
    options = ExtractionOptions(ocr=path.name not in NO_OCR or max_pages is not None,
                                max_pages=max_pages)  # fmt: skip
    return extract(path, options)


@pytest.fixture(scope="module")
def result_of(corpus_file: Callable[[str], Path]) -> Callable[[str], ExtractionResult]:
    """``result_of("x.pdf")``: the cached ``extract()`` result of corpus file ``pdf/x.pdf``."""

    def _get(name: str) -> ExtractionResult:
        return cached_extract(corpus_file(f"pdf/{name}"))

    return _get


def _text(result: ExtractionResult) -> str:
    return "\n".join(page.text for page in result.pages)


def _issue_pages(result: ExtractionResult, code: str) -> list[str | None]:
    return [issue.location for issue in result.issues if issue.code == code]


def test_every_corpus_pdf_has_expectations(corpus_dir: Path) -> None:
    on_disk = {p.name for p in (corpus_dir / "pdf").iterdir() if p.is_file()}
    assert on_disk == set(EXPECTED), "describe new corpus PDFs in EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_count_size_and_rotation(
    name: str, result_of: Callable[[str], ExtractionResult]
) -> None:
    expected = EXPECTED[name]
    result = result_of(name)
    assert result.source.format == "pdf"
    assert len(result.pages) == expected.pages
    assert result.stats["page_count"] == expected.pages
    assert [p.number for p in result.pages] == list(range(1, expected.pages + 1))
    if expected.size is not None:
        sizes = (
            expected.size if isinstance(expected.size, list) else [expected.size] * expected.pages
        )
        for page, (width, height) in zip(result.pages, sizes, strict=True):
            assert page.width == pytest.approx(width, abs=1.0), f"page {page.number}"
            assert page.height == pytest.approx(height, abs=1.0), f"page {page.number}"
    assert {p.rotation for p in result.pages} == {expected.rotation}
    assert result.stats["char_count"] == sum(p.char_count for p in result.pages)
    assert result.stats["table_count"] == len(result.tables)


def test_ftc06_drawing(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("nist__nist_ftc_06_asme1_rd.pdf")
    assert "5. UNITS: INCHES" in _text(result)
    assert result.stats["image_count"] == 0
    assert result.metadata["info"]["Producer"].startswith("Acrobat Distiller 11")


def test_ftc10_vector_heavy_drawing_stays_bounded(
    result_of: Callable[[str], ExtractionResult],
) -> None:
    result = result_of("nist__nist_ftc_10_asme1_rb.pdf")
    assert result.metadata["info"]["Creator"].startswith("AutoCAD Mechanical 2016")
    assert "Ø6 ±0.15" in _text(result)
    assert result.stats["image_count"] == 0
    # the two sheets with ~50 000 path segments are not given to the table finder
    assert len(_issue_pages(result, "tables_skipped")) >= 1


def test_fsi_ruled_table_of_thin_rects(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("nist__nist_ftc_06_asme1_rd_fsi.pdf")
    header = ["Feature ID", "Feature Description", "Specification", "Element ID", "Comments"]
    page1 = [t for t in result.tables if t.page == 1]
    assert len(page1) == 1
    assert page1[0].header == header
    assert 45 <= len(page1[0].rows) + 1 <= 52  # manifest: 50 x 5 on page 1
    assert all(len(row) == 5 for row in page1[0].rows)
    page2 = [t for t in result.tables if t.page == 2]
    assert [t.header for t in page2 if len(t.header) == 5] == [header]
    legend = [t for t in page2 if len(t.header) == 2]
    assert len(legend) == 1
    assert (legend[0].header[0] or "").replace(" ", "") == "LEGEND"
    assert len(legend[0].rows) + 1 == 9


def test_diesel_engines_rule_book_tables(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("camelot__diesel_engines.pdf")
    text = _text(result)
    assert "DIESEL ENGINES" in text
    assert "Table 1 :" in text
    assert "Table 8 :" in text
    # 8 numbered tables; the finder returns a table per page they span, so at least 8
    assert len(result.tables) >= 8
    assert result.metadata["info"]["Producer"] == "PDFium"


def test_scans_have_no_text_layer_on_every_page(
    result_of: Callable[[str], ExtractionResult],
) -> None:
    for name, pages in (("ocrmypdf__linn.pdf", 1), ("ocrmypdf__cardinal.pdf", 4)):
        result = result_of(name)
        assert _issue_pages(result, "no_text_layer") == [f"page {n}" for n in range(1, pages + 1)]
        assert [p.image_count for p in result.pages] == [1] * pages  # one JBIG2 scan each
        assert result.stats["char_count"] == 0  # the text layer's count; OCR text is on pages


def test_cover_assembly_is_only_a_3d_annotation(
    result_of: Callable[[str], ExtractionResult],
) -> None:
    result = result_of("openamr__MMP.01.00.00.000_Cover_assembly.PDF")
    page = result.pages[0]
    assert (page.char_count, page.image_count) == (0, 0)
    assert _issue_pages(result, "no_text_layer") == ["page 1"]
    assert _issue_pages(result, "pdf_3d_annotation") == ["page 1"]
    assert result.metadata["annotation_counts"] == {"3D": 1}


def test_drive_shaft_title_block_text(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__MMP.03.00.00.004_Drive_shaft.PDF")
    text = result.pages[0].text
    for fact in ("MMP.03.00.00.004", "Drive shaft", "Steel 37Cr4", "Sheet Size: А3", "2:1"):
        assert fact in text
    assert result.metadata["info"]["Creator"].startswith("SOLIDWORKS 2017")


def test_center_bracket_sheets(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__MMP.04.00.00.001_Center_bracket.PDF")
    first, flat_pattern = (p.text for p in result.pages)
    for fact in ("MMP.04.00.00.001", "Center bracket", "Sheet 2.0 Steel EN 1.0114", "RAL 9016"):
        assert fact in first
    assert "Up 90° R 1.5" in flat_pattern


def test_reducer_parameter_table(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__TZDSXZ-48-400-kh-EN_reducer_30.pdf")
    cells = [[cell for row in [t.header, *t.rows] for cell in row if cell] for t in result.tables]
    parameter_tables = [c for c in cells if "Rate speed" in c and "3000rpm" in c]
    assert len(parameter_tables) == 1
    assert {"Power", "400W", "48V", "1:30"} <= set(parameter_tables[0])
    # metadata disagrees with the drawing (manifest): reported as written
    assert result.metadata["info"]["Title"] == "TZDSXZ-48-600 - 图纸1"


def test_modbus_register_tables(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__ZBLD.C20-485_MODBUS_RTU-English.pdf")
    assert result.metadata["info"]["Author"] == "百度翻译"
    assert result.stats["image_count"] == 0
    cells = {cell for t in result.tables for row in [t.header, *t.rows] for cell in row if cell}
    assert "2008H" in cells  # a register address in 0x2000-0x30ff
    assert len({t.page for t in result.tables}) >= 10


def test_hub_servo_motor_drawing(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__ZLLG80ASM250-L_V3.0单出轴.pdf")
    text = result.pages[0].text
    for fact in ("ZLLG80ASM250", "Motor Parameters", "IP65", "V1.00", "2022.02.18"):
        assert fact in text
    assert result.pages[0].image_count == 3  # 3 embedded photos
    assert result.source.name == "openamr__ZLLG80ASM250-L_V3.0单出轴.pdf"


def test_hub_motor_list_garbled_digits(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("openamr__ZLTECH-Hub-Motor-List.pdf")  # read without OCR
    # manifest: 2704 characters (digits) have no Unicode mapping
    assert result.stats["unmapped_char_count"] == 2704
    garbled = _issue_pages(result, "garbled_text_layer")
    assert len(garbled) >= 10
    assert "page 4" in garbled
    assert "\ufffd" in result.pages[3].text
    assert "\x00" not in _text(result)
    assert result.stats["ocr_page_count"] == 0


def test_unruled_ledger_text(result_of: Callable[[str], ExtractionResult]) -> None:
    result = result_of("pdfplumber__issue-912.pdf")
    first, second = (p.text for p in result.pages)
    assert "XYZ Pvt Ltd" in first
    assert "ABC LTD" in second
    assert "Vr.Date Vr.No Vr.Type Particulars Dr.Amt Cr.Amt Balance" in second
