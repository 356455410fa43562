"""OCR of pages without a usable text layer, on scans made here: a vector sheet with a title
block is rendered by pypdfium2 and the picture put into an image-only PDF, so the ground
truth is the vector sheet's text. Pages are rendered at 200 dpi to keep the tests quick."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pybase.extraction import ExtractionOptions, ExtractionResult, extract
from pybase.extraction import pdf as pdf_module
from pybase.extraction.pdf_ocr import OcrEngine, OcrError, _unrotate
from pybase.extraction.pdf_text import TextQuality

W, H = A4
FAST = ExtractionOptions(ocr_dpi=200)


def _vector_sheet(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 22)
    c.drawString(60, H - 100, "Mounting plate")
    c.setFont("Helvetica", 14)
    c.drawString(60, H - 140, "All dimensions in mm")
    rows = [("PART NO.", "PB-3300-7"), ("TITLE", "Mounting plate"), ("MATERIAL", "1.4301"),
            ("SCALE", "1:5")]  # fmt: skip
    x, top, row_h = W - 330, 170.0, 26.0
    for i, (label, value) in enumerate(rows):
        y = top - i * row_h
        c.rect(x, y - row_h, 300, row_h)
        c.line(x + 110, y, x + 110, y - row_h)
        c.drawString(x + 8, y - 18, label)
        c.drawString(x + 118, y - 18, value)
    c.showPage()
    c.save()
    return path


def _scan_of(vector: Path, out: Path, turn: int = 0) -> Path:
    """Render page 1 of ``vector`` at 200 dpi (grey) and write it as an image-only PDF, the
    picture turned counter-clockwise by ``turn`` degrees (page box turned with it)."""
    with pdfium.PdfDocument(vector) as doc:
        image = doc[0].render(scale=200 / 72, grayscale=True).to_pil()
    if turn:
        image = image.rotate(turn, expand=True)
    size = (W, H) if turn in (0, 180) else (H, W)
    c = canvas.Canvas(str(out), pagesize=size)
    c.drawImage(ImageReader(image), 0, 0, width=size[0], height=size[1])
    c.showPage()
    c.save()
    return out


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan")
    return _scan_of(_vector_sheet(folder / "sheet.pdf"), folder / "scan.pdf")


@pytest.fixture(scope="module")
def scan_result(scan: Path) -> ExtractionResult:
    return extract(scan, FAST)


def test_scan_text_and_title_block_come_from_ocr(scan_result: ExtractionResult) -> None:
    page = scan_result.pages[0]
    assert page.char_count == 0 and page.image_count == 1
    assert "PB-3300-7" in page.text
    assert "Mounting plate" in page.text
    block = scan_result.title_block
    assert block is not None
    assert block.part_number == "PB-3300-7"
    assert block.material == "1.4301"
    assert block.source is not None and "(OCR)" in block.source
    issue = next(i for i in scan_result.issues if i.code == "no_text_layer")
    assert issue.severity == "info"
    assert "text from OCR" in issue.message and "200 dpi" in issue.message
    assert scan_result.stats["ocr_page_count"] == 1
    assert scan_result.units.length == "mm"


def test_turned_scan_is_read_upright(tmp_path: Path) -> None:
    vector = _vector_sheet(tmp_path / "sheet.pdf")
    result = extract(_scan_of(vector, tmp_path / "turned.pdf", turn=90), FAST)
    assert "PB-3300-7" in result.pages[0].text
    message = next(i.message for i in result.issues if i.code == "no_text_layer")
    assert "turned 270°" in message  # scan turned 90° counter-clockwise: 270° turns it back
    assert result.title_block is not None and result.title_block.part_number == "PB-3300-7"


def test_ocr_off_keeps_the_warning(scan: Path) -> None:
    result = extract(scan, ExtractionOptions(ocr=False))
    assert result.pages[0].text == ""
    issue = next(i for i in result.issues if i.code == "no_text_layer")
    assert issue.severity == "warning" and "OCR is off" in issue.message
    assert not any(i.code == "ocr_unavailable" for i in result.issues)


def test_missing_tesseract_program_is_an_issue(scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    result = extract(scan, FAST)  # a result, not a failed job
    unavailable = [i for i in result.issues if i.code == "ocr_unavailable"]
    assert len(unavailable) == 1 and "tesseract-ocr" in unavailable[0].message
    issue = next(i for i in result.issues if i.code == "no_text_layer")
    assert issue.severity == "warning"


def test_missing_pytesseract_is_an_issue(scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pytesseract", None)
    result = extract(scan, FAST)
    unavailable = [i for i in result.issues if i.code == "ocr_unavailable"]
    assert len(unavailable) == 1 and "pytesseract" in unavailable[0].message


def test_ocr_failure_on_a_page_is_an_issue(scan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: OcrEngine, page: object, number: int) -> None:
        raise OcrError("tesseract took longer than 180 s")

    monkeypatch.setattr(OcrEngine, "read", fail)
    result = extract(scan, FAST)
    assert [(i.code, i.location) for i in result.issues if i.code == "ocr_failed"] == [
        ("ocr_failed", "page 1")
    ]


def test_garbled_text_layer_is_replaced_by_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vector = _vector_sheet(tmp_path / "sheet.pdf")
    monkeypatch.setattr(pdf_module, "text_quality", lambda text: TextQuality(100, 50, 0))
    result = extract(vector, FAST)
    issue = next(i for i in result.issues if i.code == "garbled_text_layer")
    assert issue.severity == "info" and "text from OCR" in issue.message
    assert "PB-3300-7" in result.pages[0].text
    assert result.stats["ocr_page_count"] == 1


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [(0, (10, 20)), (90, (80, 10)), (180, (90, 180)), (270, (20, 190))],
)
def test_unrotate_maps_back_to_the_rendered_page(
    rotation: int, expected: tuple[float, float]
) -> None:
    # rendered page 100 x 200 px; (10, 20) is a pixel of the image turned by ``rotation``
    assert _unrotate(10, 20, rotation, 100, 200) == expected
