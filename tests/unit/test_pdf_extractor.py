"""Unit tests of the PDF extractor on PDFs generated here (reportlab, or hand-written objects)
with known ground truth, plus bad input that must give a coded error, never a raw exception."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from pybase.errors import CorruptFileError, EncryptedFileError, JobCancelledError
from pybase.extraction import ExtractionOptions, ExtractionResult, extract
from pybase.extraction import pdf as pdf_module
from pybase.extraction.pdf_text import parse_pdf_date, text_quality

A4_W, A4_H = A4  # 595.2756 x 841.8898 pt

# A ruled 3-column table: header row + two data rows; cells 120 x 24 pt.
TABLE_CELLS = [
    ["Item", "Qty", "Material"],
    ["1", "4", "Steel 37Cr4"],
    ["2", "8", "1.4301"],
]
TABLE_X0, TABLE_TOP, CELL_W, CELL_H = 72.0, 200.0, 120.0, 24.0


def _draw_table(c: canvas.Canvas, page_height: float, *, with_rects: bool = False) -> None:
    """Draw TABLE_CELLS as a grid, top-left at (TABLE_X0, TABLE_TOP) from the page's top-left.
    ``with_rects`` draws each border as a thin filled rectangle instead of a stroked line."""
    n_rows, n_cols = len(TABLE_CELLS), len(TABLE_CELLS[0])
    x1 = TABLE_X0 + n_cols * CELL_W
    y_top = page_height - TABLE_TOP
    y_bottom = y_top - n_rows * CELL_H
    for r in range(n_rows + 1):
        y = y_top - r * CELL_H
        if with_rects:
            c.rect(TABLE_X0, y - 0.25, x1 - TABLE_X0, 0.5, stroke=0, fill=1)
        else:
            c.line(TABLE_X0, y, x1, y)
    for k in range(n_cols + 1):
        x = TABLE_X0 + k * CELL_W
        if with_rects:
            c.rect(x - 0.25, y_bottom, 0.5, y_top - y_bottom, stroke=0, fill=1)
        else:
            c.line(x, y_top, x, y_bottom)
    for r, row in enumerate(TABLE_CELLS):
        for k, cell in enumerate(row):
            c.drawString(TABLE_X0 + k * CELL_W + 6, y_top - (r + 1) * CELL_H + 8, cell)


def _pdf(path: Path, pages: list[str | None], **canvas_kwargs: object) -> Path:
    """Write a PDF with one A4 page per entry: the string is drawn as one line of text
    (None leaves the page blank)."""
    c = canvas.Canvas(str(path), pagesize=A4, **canvas_kwargs)  # type: ignore[arg-type]
    c.setTitle("Test drawing")
    c.setAuthor("PyBase tests")
    for text in pages:
        if text is not None:
            c.drawString(72, A4_H - 72, text)
        c.showPage()
    c.save()
    return path


def _codes(result: ExtractionResult, code: str) -> list[str | None]:
    """Locations of the issues with ``code``."""
    return [issue.location for issue in result.issues if issue.code == code]


def _handmade_pdf(
    path: Path,
    page_extra: str,
    catalog_extra: str = "",
    objects: tuple[str, ...] = (),
    kids: str = "3 0 R",
) -> Path:
    """Write a one-page 612x792 PDF from literal objects with a correct xref table
    (ISO 32000-1 §7.5), to test dictionary features reportlab cannot write. Objects 1-3 are
    catalog, page tree (with ``kids``) and page; ``objects`` become objects 4, 5, ... for the
    caller to reference from ``page_extra`` (page dictionary), ``catalog_extra`` or ``kids``."""
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {kids.count(' R')} >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {page_extra} >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref_at = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


# --- pages, text, metadata ---------------------------------------------------------------


def test_text_sizes_and_info_of_a_generated_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "two.pdf", ["Drawing No. PB-1234 Rev C", "Material: 1.4301"])
    result = extract(path)

    assert result.source.format == "pdf"
    assert [p.number for p in result.pages] == [1, 2]
    for page in result.pages:
        assert page.width == pytest.approx(A4_W, abs=0.01)
        assert page.height == pytest.approx(A4_H, abs=0.01)
        assert page.rotation == 0
        assert page.image_count == 0
    assert "Drawing No. PB-1234 Rev C" in result.pages[0].text
    assert "Material: 1.4301" in result.pages[1].text
    assert result.pages[0].char_count == len("DrawingNo.PB-1234RevC")
    assert result.stats["page_count"] == 2
    assert result.stats["char_count"] == len("DrawingNo.PB-1234RevC") + len("Material:1.4301")
    assert result.metadata["info"]["Title"] == "Test drawing"
    assert result.metadata["info"]["Author"] == "PyBase tests"
    assert result.metadata["page_count"] == 2
    assert result.metadata["pdf_version"] == result.source.format_version
    assert result.text == []
    assert result.issues == []


def test_rotate_is_reported_and_size_is_as_displayed(tmp_path: Path) -> None:
    c = canvas.Canvas(str(tmp_path / "rot.pdf"), pagesize=A4)
    c.setPageRotation(90)
    c.drawString(72, 700, "rotated sheet")
    c.showPage()
    c.save()
    page = extract(tmp_path / "rot.pdf").pages[0]
    assert page.rotation == 90
    # reportlab writes /MediaBox [0 0 841.89 595.28] (landscape) with /Rotate 90, so the page
    # as displayed is portrait again: width and height are after /Rotate.
    assert page.width == pytest.approx(A4_W, abs=0.01)
    assert page.height == pytest.approx(A4_H, abs=0.01)


def test_blank_and_whitespace_pages_have_no_text_layer(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "blank.pdf", ["Sheet 1", None, "     "])
    result = extract(path)
    assert _codes(result, "no_text_layer") == ["page 2", "page 3"]
    message = next(i.message for i in result.issues if i.code == "no_text_layer")
    assert "OCR" in message
    assert result.pages[1].char_count == 0


def test_scanned_page_counts_its_image(tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("L", (40, 60), color=200).save(image)
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    c.drawImage(str(image), 50, 50, width=400, height=600)
    c.showPage()
    c.save()
    result = extract(tmp_path / "scan.pdf")
    assert result.pages[0].image_count == 1
    assert result.stats["image_count"] == 1
    assert _codes(result, "no_text_layer") == ["page 1"]


def test_include_text_false_keeps_counts_but_drops_text(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "t.pdf", ["Scale 1:2"])
    page = extract(path, ExtractionOptions(include_text=False)).pages[0]
    assert page.text == ""
    assert page.char_count == len("Scale1:2")


def test_max_pages_stops_early_and_says_so(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "three.pdf", ["one", "two", "three"])
    result = extract(path, ExtractionOptions(max_pages=2))
    assert [p.number for p in result.pages] == [1, 2]
    assert result.stats["page_count"] == 3
    assert result.stats["pages_read"] == 2
    assert _codes(result, "max_pages_reached") == [None]


def test_progress_is_reported_per_page_and_cancel_propagates(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "three.pdf", ["one", "two", "three"])
    calls: list[tuple[int, int]] = []
    extract(path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]

    def cancel(done: int, total: int) -> None:
        if done == 2:
            raise JobCancelledError("cancel requested")

    with pytest.raises(JobCancelledError):
        extract(path, progress=cancel)


def test_3d_annotation_page_is_flagged(tmp_path: Path) -> None:
    path = _handmade_pdf(
        tmp_path / "3d.pdf",
        "/Annots [4 0 R]",
        objects=("<< /Type /Annot /Subtype /3D /Rect [50 50 550 700] >>",),
    )
    result = extract(path)
    assert result.pages[0].char_count == 0
    assert _codes(result, "no_text_layer") == ["page 1"]
    assert _codes(result, "pdf_3d_annotation") == ["page 1"]
    assert result.metadata["annotation_counts"] == {"3D": 1}


def test_embedded_file_names_are_listed(tmp_path: Path) -> None:
    content = "item,qty\n1,4\n"
    path = _handmade_pdf(
        tmp_path / "attach.pdf",
        "",
        catalog_extra="/Names << /EmbeddedFiles << /Names [(bom.csv) 4 0 R] >> >>",
        objects=(
            "<< /Type /Filespec /F (bom.csv) /UF (bom.csv) /EF << /F 5 0 R >> >>",
            f"<< /Type /EmbeddedFile /Length {len(content)} >>\nstream\n{content}\nendstream",
        ),
    )
    result = extract(path)
    assert result.metadata["embedded_files"] == ["bom.csv"]
    assert _codes(result, "no_text_layer") == ["page 1"]


def test_page_that_cannot_be_loaded_is_an_error_issue(tmp_path: Path) -> None:
    page_4 = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 50] >>"
    # the page tree lists object 9, which does not exist
    path = _handmade_pdf(tmp_path / "hole.pdf", "", objects=(page_4,), kids="3 0 R 4 0 R 9 0 R")
    result = extract(path)
    assert [(p.number, p.width, p.height) for p in result.pages] == [
        (1, 612.0, 792.0),
        (2, 100.0, 50.0),
        (3, 0.0, 0.0),
    ]
    unreadable = [i for i in result.issues if i.code == "page_unreadable"]
    assert [(i.location, i.severity) for i in unreadable] == [("page 3", "error")]
    assert _codes(result, "pdf_repaired") == []


def test_damaged_xref_is_repaired_with_an_issue(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "ok.pdf", ["Part 4711"])
    data = path.read_bytes()
    head, _, tail = data.rpartition(b"startxref")
    broken = tmp_path / "badxref.pdf"
    broken.write_bytes(head + b"startxref\n12\n%%EOF\n")  # offset points into the header
    assert tail  # the original had a startxref section
    result = extract(broken)
    assert "Part 4711" in result.pages[0].text
    assert _codes(result, "pdf_repaired") == [None]


# --- tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("with_rects", [False, True], ids=["stroked_lines", "thin_rects"])
def test_ruled_table_cells_header_and_bbox(tmp_path: Path, with_rects: bool) -> None:
    c = canvas.Canvas(str(tmp_path / "table.pdf"), pagesize=A4)
    _draw_table(c, A4_H, with_rects=with_rects)
    c.showPage()
    c.save()
    result = extract(tmp_path / "table.pdf")

    assert len(result.tables) == 1
    table = result.tables[0]
    assert table.page == 1
    assert table.header == TABLE_CELLS[0]
    assert table.rows == TABLE_CELLS[1:]
    assert table.bbox is not None
    x0, top, x1, bottom = table.bbox
    tol = 1.0  # thin rects are 0.5 pt wide
    assert x0 == pytest.approx(TABLE_X0, abs=tol)
    assert top == pytest.approx(TABLE_TOP, abs=tol)
    assert x1 == pytest.approx(TABLE_X0 + 3 * CELL_W, abs=tol)
    assert bottom == pytest.approx(TABLE_TOP + 3 * CELL_H, abs=tol)
    assert result.stats["table_count"] == 1


def test_table_on_rotated_landscape_page_uses_displayed_frame(tmp_path: Path) -> None:
    c = canvas.Canvas(str(tmp_path / "land.pdf"), pagesize=landscape(A4))
    _draw_table(c, A4_W)
    c.showPage()
    c.save()
    table = extract(tmp_path / "land.pdf").tables[0]
    assert table.header == TABLE_CELLS[0]
    assert table.bbox is not None
    assert table.bbox[1] == pytest.approx(TABLE_TOP, abs=1.0)


def test_tables_option_off_finds_none(tmp_path: Path) -> None:
    c = canvas.Canvas(str(tmp_path / "table.pdf"), pagesize=A4)
    _draw_table(c, A4_H)
    c.showPage()
    c.save()
    result = extract(tmp_path / "table.pdf", ExtractionOptions(tables=False))
    assert result.tables == []
    assert result.stats["table_count"] == 0


def test_vector_heavy_page_skips_tables_with_an_info_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = canvas.Canvas(str(tmp_path / "table.pdf"), pagesize=A4)
    _draw_table(c, A4_H)
    c.showPage()
    c.save()
    monkeypatch.setattr(pdf_module, "TABLE_MAX_CONTENT_WEIGHT", 10)
    result = extract(tmp_path / "table.pdf")
    # no ruled table; the grid's text still reads as a parts list laid out in columns
    assert [(t.header, t.rows) for t in result.tables] == [(TABLE_CELLS[0], TABLE_CELLS[1:])]
    skipped = [i for i in result.issues if i.code == "tables_skipped"]
    assert [(i.location, i.severity) for i in skipped] == [("page 1", "info")]


def test_table_finder_failure_is_a_page_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pdfplumber.page

    def boom(self: object, *args: object, **kwargs: object) -> None:
        raise KeyError("broken resource")

    c = canvas.Canvas(str(tmp_path / "table.pdf"), pagesize=A4)
    _draw_table(c, A4_H)
    c.showPage()
    c.save()
    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", boom)
    result = extract(tmp_path / "table.pdf")
    assert result.pages[0].char_count > 0
    assert _codes(result, "table_extraction_failed") == ["page 1"]


def test_table_finder_that_cannot_open_the_file_is_one_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pdfplumber

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("no /Root object")

    c = canvas.Canvas(str(tmp_path / "tables.pdf"), pagesize=A4)
    for _ in range(2):
        _draw_table(c, A4_H)
        c.showPage()
    c.save()
    monkeypatch.setattr(pdfplumber, "open", refuse)
    result = extract(tmp_path / "tables.pdf")
    assert len(result.pages) == 2
    # no ruled table; only the text-layout reading of the parts list on each page
    assert [t.header for t in result.tables] == [TABLE_CELLS[0]] * 2
    assert _codes(result, "tables_unavailable") == [None]


# --- bad input ---------------------------------------------------------------------------


def test_user_password_gives_encrypted_file_error(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "locked.pdf",
        ["secret"],
        encrypt=pdfencrypt.StandardEncryption("user-pw", ownerPassword="owner-pw"),
    )
    with pytest.raises(EncryptedFileError) as info:
        extract(path)
    assert info.value.code == "encrypted_file"


def test_owner_password_only_is_still_read(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "owner.pdf",
        ["printable"],
        encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner-pw", canModify=0),
    )
    assert "printable" in extract(path).pages[0].text


def test_truncated_pdf_gives_corrupt_file_or_issues(tmp_path: Path) -> None:
    data = _pdf(tmp_path / "full.pdf", ["one", "two", "three"]).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    try:
        result = extract(cut)
    except CorruptFileError as exc:
        assert exc.code == "corrupt_file"
    else:
        assert result.issues


def test_header_then_random_bytes_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random.Random(912).randbytes(20_000))
    with pytest.raises(CorruptFileError) as info:
        extract(path)
    assert info.value.code == "corrupt_file"


def test_header_only_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "header.pdf"
    path.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(CorruptFileError):
        extract(path)


# --- pure text rules ---------------------------------------------------------------------


def test_text_quality_counts_and_garbled_threshold() -> None:
    clean = text_quality("Ø12 H7\n 25 ±0.1")
    assert (clean.visible, clean.unmapped, clean.private_use) == (11, 0, 0)
    assert not clean.garbled
    # 6 unmapped of 21 visible characters: garbled.
    assert text_quality("ZLLG\ufffd\ufffdASM\ufffd\ufffd\ufffd V\ufffd.5 24V 10").garbled
    # A few symbol-font glyphs (GD&T) in a normal page are not garbling.
    assert not text_quality("\uf078.31 ±.02 " + "Feature Description " * 20).garbled
    # A page that is mostly private-use code points is.
    assert text_quality("\ue001\ue002\ue003\ue004 ab").garbled


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20150516080443-07'00'", "2015-05-16T08:04:43-07:00"),
        ("D:20160119123847Z", "2016-01-19T12:38:47Z"),
        ("D:20201029160054", "2020-10-29T16:00:54"),
        ("D:2020", "2020-01-01T00:00:00"),
        ("D:20200611151443+07'14'", "2020-06-11T15:14:43+07:14"),
        ("yesterday", None),
        ("D:20201399", None),
    ],
)
def test_parse_pdf_date(raw: str, iso: str | None) -> None:
    assert parse_pdf_date(raw) == iso
