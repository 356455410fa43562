"""The PDF drawing readers on drawings generated here (reportlab) with known ground truth:
title blocks in English and German, every notation form, rotated text and pages, stacked
tolerances, a parts list with merged cells and one laid out without ruling."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pybase.extraction import ExtractionOptions, ExtractionResult, extract
from pybase.extraction.pdf_tables import fill_spans
from pybase.extraction.pdf_titleblock import match_label
from pybase.extraction.pdf_words import DisplayFrame, TextRun, group_labels, local

W, H = landscape(A3)  # 1190.55 x 841.89 pt
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _grid(
    c: canvas.Canvas, x: float, top: float, widths: list[float], row_h: float, rows: list[list[str]]
) -> None:
    """A ruled grid; ``top`` measured from the page's top edge (points)."""
    y_top = H - top
    total = sum(widths)
    for i in range(len(rows) + 1):
        c.line(x, y_top - i * row_h, x + total, y_top - i * row_h)
    cx = x
    for w in [0.0, *widths]:
        cx += w
        c.line(cx, y_top, cx, y_top - len(rows) * row_h)
    for i, row in enumerate(rows):
        cx = x
        for w, cell in zip(widths, row, strict=True):
            c.drawString(cx + 4, y_top - (i + 1) * row_h + row_h * 0.3, cell)
            cx += w


def _rotated(c: canvas.Canvas, x: float, top: float, angle: float, text: str) -> None:
    c.saveState()
    c.translate(x, H - top)
    c.rotate(angle)
    c.drawString(0, 0, text)
    c.restoreState()


def _english_sheet(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 10)
    c.rect(20, 20, W - 40, H - 40)
    # dimensions, one per notation form
    for i, text in enumerate(
        [
            "Ø12 H7",
            "R5 ±0.1",
            "25 +0.1/-0.05",
            "4X Ø6.6 THRU",
            "12.00/11.95",
            "30°",
            "1x45°",
            "(40)",
            "M8x1.25-6H",
            "1/4-20 UNC-2B",
            "Ra 3.2",
            "Rz 16",
            "-A-",
        ]
    ):
        c.drawString(60, H - 80 - 22 * i, text)
    _rotated(c, 400, 300, 90, "Ø30 h7")  # reads bottom-to-top
    _rotated(c, 450, 200, 270, "80 ±0.2")  # reads top-to-bottom
    # a stacked tolerance: main text 12 pt, deviations 7 pt above each other
    c.setFont("Helvetica", 12)
    c.drawString(600, H - 100, "Ø20 g6")
    c.setFont("Helvetica", 7)
    c.drawString(640, H - 96, "-0,007")
    c.drawString(640, H - 104, "-0,020")
    c.setFont("Helvetica", 9)
    c.drawString(600, H - 500, "NOTES: ALL DIMENSIONS IN MM. GENERAL TOLERANCES ISO 2768-mK")
    # title block, label | value grid in the lower right
    _grid(
        c,
        W - 20 - 300,
        H - 20 - 8 * 18,
        [90, 210],
        18,
        [
            ["DWG. NO.", "PB-2040-01"],
            ["TITLE:", "Bearing housing"],
            ["REV", "C"],
            ["MATERIAL:", "EN-GJL-250"],
            ["SCALE:", "1:2"],
            ["WEIGHT:", "1,25 kg"],
            ["DRAWN", "J. Smith"],
            ["DATE", "2026-01-15"],
        ],
    )
    c.drawString(W - 440, 30, "SHEET 1 OF 2")
    c.showPage()
    c.save()
    return path


def _german_sheet(path: Path) -> Path:
    """ISO 7200 style: small labels above larger values, DIN/German wording."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    x0, y0 = W - 420, 130  # bottom-left of the title block, from the page bottom
    c.rect(x0, 20, 400, y0 - 20)
    cells = [
        (x0 + 5, "Benennung", "Lagerdeckel"),
        (x0 + 150, "Zeichnungsnummer", "4711-0815-00"),
        (x0 + 300, "Werkstoff", "S235JR"),
    ]
    for x, label, value in cells:
        c.setFont("Helvetica", 6)
        c.drawString(x, y0 - 10, label)
        c.setFont("Helvetica", 11)
        c.drawString(x, y0 - 24, value)
    for x, label, value in [
        (x0 + 5, "Maßstab", "1:1"),
        (x0 + 80, "Gewicht", "0,8 kg"),
        (x0 + 150, "Gezeichnet", "M. Müller"),
        (x0 + 250, "Datum", "15.01.2026"),
    ]:
        c.setFont("Helvetica", 6)
        c.drawString(x, 70, label)
        c.setFont("Helvetica", 10)
        c.drawString(x, 57, value)
    c.setFont("Helvetica", 10)
    c.drawString(x0 + 5, 30, "Blatt 1 von 1")
    c.drawString(100, 400, "Ø40 H7")
    c.drawString(100, 380, "Allgemeintoleranzen ISO 2768-f")
    c.showPage()
    c.save()
    return path


def _dimension_texts(result: ExtractionResult) -> dict[str, object]:
    return {d.text: d for d in result.dimensions if d.text}


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> ExtractionResult:
    return extract(_english_sheet(tmp_path_factory.mktemp("en") / "PB-2040-01.pdf"))


def test_english_title_block(english: ExtractionResult) -> None:
    block = english.title_block
    assert block is not None
    assert block.part_number == "PB-2040-01"
    assert block.title == "Bearing housing"
    assert block.revision == "C"
    assert block.material == "EN-GJL-250"
    assert block.scale == "1:2"
    assert block.sheet == "1 of 2"
    assert block.drawn_by == "J. Smith"
    assert block.date == "2026-01-15"
    assert block.weight is not None and (block.weight.value, block.weight.unit) == (1.25, "kg")
    assert block.general_tolerance is not None
    assert (block.general_tolerance.linear_class, block.general_tolerance.geometric_class) == (
        "m",
        "K",
    )
    assert block.fields["DWG. NO."] == "PB-2040-01"
    assert block.source is not None and block.source.startswith("page 1")
    assert english.units.length == "mm"


def test_every_notation_form(english: ExtractionResult) -> None:
    dims = _dimension_texts(english)
    fit = dims["Ø12 H7"].parsed  # type: ignore[attr-defined]
    assert fit.kind == "diameter" and fit.fit.hole.upper == pytest.approx(0.018)
    assert dims["R5 ±0.1"].kind == "radius"  # type: ignore[attr-defined]
    dev = dims["25 +0.1/-0.05"]
    assert (dev.upper_deviation, dev.lower_deviation) == (0.1, -0.05)  # type: ignore[attr-defined]
    assert dims["4X Ø6.6 THRU"].parsed.count == 4  # type: ignore[attr-defined]
    limits = dims["12.00/11.95"].parsed  # type: ignore[attr-defined]
    assert limits.tolerance.kind == "limits" and limits.upper_limit == pytest.approx(12.0)
    assert dims["30°"].kind == "angular" and dims["30°"].unit == "deg"  # type: ignore[attr-defined]
    chamfer = dims["1x45°"].parsed  # type: ignore[attr-defined]
    assert (chamfer.kind, chamfer.chamfer_angle) == ("chamfer", 45.0)
    assert dims["(40)"].parsed.reference is True  # type: ignore[attr-defined]
    # the general tolerance (ISO 2768-m) applies where the drawing gives none: 120 < 40 ... m
    assert dims["(40)"].parsed.tolerance is None  # type: ignore[attr-defined]
    assert dims["30°"].upper_deviation is None  # type: ignore[attr-defined]
    assert {t.designation for t in english.threads} == {"M8x1.25-6H", "1/4-20 UNC-2B"}
    assert {(s.parameter, s.value) for s in english.surface_textures} == {
        ("Ra", 3.2),
        ("Rz", 16.0),
    }
    assert [d.label for d in english.datums] == ["A"]
    sources = {(s.section, s.index): s for s in english.notation_sources}
    thread_texts = {sources[("threads", i)].text for i in range(len(english.threads))}
    assert thread_texts == {"M8x1.25-6H", "1/4-20 UNC-2B"}
    assert sources[("datums", 0)].page == 1 and sources[("datums", 0)].position is not None
    position = dims["Ø12 H7"].position  # type: ignore[attr-defined]
    assert position is not None
    assert position[0] == pytest.approx(60 + 17, abs=12)
    assert position[1] == pytest.approx(80, abs=8)
    assert all(d.page == 1 for d in english.dimensions)


def test_rotated_text_and_stacked_tolerance(english: ExtractionResult) -> None:
    dims = _dimension_texts(english)
    up = dims["Ø30 h7"]
    assert up.parsed.fit.shaft.lower == pytest.approx(-0.021)  # type: ignore[attr-defined]
    down = dims["80 ±0.2"]
    assert down.upper_deviation == 0.2  # type: ignore[attr-defined]
    stacked = dims["Ø20 g6 -0,007/-0,020"]
    assert stacked.upper_deviation == pytest.approx(-0.007)  # type: ignore[attr-defined]
    assert stacked.lower_deviation == pytest.approx(-0.020)  # type: ignore[attr-defined]
    assert stacked.parsed.fit.shaft.upper == pytest.approx(-0.007)  # type: ignore[attr-defined]
    # title-block values and notes are not dimensions
    assert "1:2" not in dims and "1,25 kg" not in dims and "2026-01-15" not in dims


def test_german_title_block(tmp_path: Path) -> None:
    result = extract(_german_sheet(tmp_path / "deckel.pdf"))
    block = result.title_block
    assert block is not None
    assert block.part_number == "4711-0815-00"
    assert block.title == "Lagerdeckel"
    assert block.material == "S235JR"
    assert block.scale == "1:1"
    assert block.sheet == "1 of 1"
    assert block.drawn_by == "M. Müller"
    assert block.date == "15.01.2026"
    assert block.weight is not None and block.weight.value == pytest.approx(0.8)
    assert block.general_tolerance is not None and block.general_tolerance.linear_class == "f"
    assert block.fields["Werkstoff"] == "S235JR"
    dim = _dimension_texts(result)["Ø40 H7"]
    assert dim.parsed.fit.hole.upper == pytest.approx(0.025)  # type: ignore[attr-defined]


def test_page_rotate_keeps_title_block_and_dimensions(tmp_path: Path) -> None:
    """A landscape sheet stored portrait with /Rotate 90 (as the NIST and TZBot sheets are):
    positions come out in the displayed frame and the text reads upright there."""
    path = tmp_path / "rot.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setPageRotation(90)  # reportlab stores the media box portrait (H x W) and /Rotate 90
    c.setFont("Helvetica", 10)

    def text(x: float, y_top: float, value: str) -> None:
        # displayed (x, y from the top) -> media (y, x); text along media +y reads rightwards
        c.saveState()
        c.translate(y_top, x)
        c.rotate(90)
        c.drawString(0, 0, value)
        c.restoreState()

    def line(x0: float, y0: float, x1: float, y1: float) -> None:
        c.line(y0, x0, y1, x1)

    text(100, 100, "Ø8 H7")
    left, top, rows = W - 320, H - 20 - 3 * 18, [("PART NO.", "ROT-77-1"), ("TITLE", "Spacer"),
                                                  ("SCALE", "2:1")]  # fmt: skip
    for i in range(4):
        line(left, top + 18 * i, left + 300, top + 18 * i)
    for x in (left, left + 90, left + 300):
        line(x, top, x, top + 54)
    for i, (label, value) in enumerate(rows):
        text(left + 4, top + 18 * (i + 1) - 5, label)
        text(left + 94, top + 18 * (i + 1) - 5, value)
    c.showPage()
    c.save()
    result = extract(path)
    page = result.pages[0]
    assert page.rotation == 90
    assert (page.width, page.height) == (pytest.approx(W, abs=0.1), pytest.approx(H, abs=0.1))
    block = result.title_block
    assert block is not None
    assert (block.part_number, block.title, block.scale) == ("ROT-77-1", "Spacer", "2:1")
    dim = _dimension_texts(result)["Ø8 H7"]
    assert dim.position is not None
    assert dim.position[0] == pytest.approx(100 + 14, abs=15)
    assert dim.position[1] == pytest.approx(100 - 3, abs=6)


def test_gdt_frames_with_unicode_symbols(tmp_path: Path) -> None:
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans (Debian fonts-dejavu-core) not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    path = tmp_path / "gdt.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("DejaVu", 10)
    for i, text in enumerate(
        ["⊕ Ø0.1 (M) A B C", "⏥ 0.02", "∥ 0.05 A", "◎ Ø0.03 A-B", "⊥ 0.1 A", "Ø16 H7"]
    ):
        c.drawString(80, H - 100 - 24 * i, text)
    c.showPage()
    c.save()
    result = extract(path)
    frames = {f.characteristic: f for f in result.gdt}
    assert set(frames) == {
        "position",
        "flatness",
        "parallelism",
        "concentricity",
        "perpendicularity",
    }
    position = frames["position"]
    assert (position.tolerance, position.zone_shape) == (0.1, "diameter")
    assert position.modifiers == ["mmc"]
    assert [d.label for d in position.datums] == ["A", "B", "C"]
    assert [d.label for d in frames["concentricity"].datums] == ["A-B"]
    assert [d.text for d in result.dimensions] == ["Ø16 H7"]


def test_bom_table_with_merged_cells(tmp_path: Path) -> None:
    """A 'Parts list' title row spanning all columns, and a material cell spanning two rows:
    both values are kept on every row and column they cover."""
    path = tmp_path / "bom.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 9)
    x, top, rh = 100.0, 100.0, 18.0
    widths = [40.0, 110.0, 150.0, 40.0, 110.0]
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    y = [H - top - i * rh for i in range(6)]  # 5 rows
    c.line(xs[0], y[0], xs[-1], y[0])
    c.line(xs[0], y[1], xs[-1], y[1])  # below the spanning title row
    c.line(xs[0], y[2], xs[-1], y[2])  # below the header
    c.line(xs[0], y[3], xs[4], y[3])  # rows 1|2: the material column stays open (merged)
    c.line(xs[0], y[4], xs[-1], y[4])
    c.line(xs[0], y[5], xs[-1], y[5])
    for k, xv in enumerate(xs):
        c.line(xv, y[1] if 0 < k < len(xs) - 1 else y[0], xv, y[5])
    c.drawString(xs[0] + 4, y[1] + 5, "Parts list")
    for k, text in enumerate(["Pos.", "Sachnummer", "Benennung", "Menge", "Werkstoff"]):
        c.drawString(xs[k] + 4, y[2] + 5, text)
    rows = [
        ["1", "4711-01", "Grundplatte", "1"],
        ["2", "4711-02", "Deckel", "2"],
        ["3", "DIN 912 M6x20", "Zylinderschraube", "8 Stk"],
    ]
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 4, y[3 + r] + 5, text)
    c.drawString(xs[4] + 4, (y[3] + y[5 - 1]) / 2 + 2, "S235JR")  # middle of rows 1-2
    c.drawString(xs[4] + 4, y[5] + 5, "8.8")
    c.showPage()
    c.save()
    result = extract(path)
    lines = [(b.item, b.part_number, b.description, b.quantity, b.unit, b.material)
             for b in result.bom]  # fmt: skip
    assert lines == [
        ("1", "4711-01", "Grundplatte", 1.0, None, "S235JR"),
        ("2", "4711-02", "Deckel", 2.0, None, "S235JR"),
        ("3", "DIN 912 M6x20", "Zylinderschraube", 8.0, "Stk", "8.8"),
    ]
    assert all(b.source and b.source.startswith("page 1 table") for b in result.bom)
    table = next(t for t in result.tables if t.header and t.header[0] == "Parts list")
    assert table.header == ["Parts list"] * 5  # the spanning title fills every column


def test_unruled_parts_list_from_words(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 9)
    columns = [100, 140, 260, 420, 470]
    rows = [
        ["Item", "Part No.", "Description", "Qty", "Material"],
        ["1", "A-100", "Shaft", "1", "C45"],
        ["2", "A-101", "Bearing 6204", "2", "100Cr6"],
    ]
    for r, row in enumerate(rows):
        for x, text in zip(columns, row, strict=True):
            c.drawString(x, H - 200 - 14 * r, text)
    c.showPage()
    c.save()
    result = extract(path)
    assert [(b.item, b.part_number, b.description, b.quantity, b.material) for b in result.bom] == [
        ("1", "A-100", "Shaft", 1.0, "C45"),
        ("2", "A-101", "Bearing 6204", 2.0, "100Cr6"),
    ]


def test_text_document_gets_no_title_block_or_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(path), pagesize=A3)
    c.setFont("Helvetica", 10)
    lines = [
        "Dear customer,",
        "the order 4711 of 12 parts ships on 3 May.",
        "Revision of prices",
        "Material costs rose by 12 percent.",
        "Date of delivery: 2026-05-03",
    ] * 3
    for i, line in enumerate(lines):
        c.drawString(72, 1100 - 16 * i - 600, line)
    c.showPage()
    c.save()
    result = extract(path)
    assert result.title_block is None
    assert result.dimensions == []


def test_options_still_apply(tmp_path: Path) -> None:
    path = _english_sheet(tmp_path / "sheet.pdf")
    result = extract(path, ExtractionOptions(include_text=False, tables=False))
    assert result.pages[0].text == ""
    assert result.title_block is not None and result.title_block.part_number == "PB-2040-01"
    assert result.bom == []


# --- building blocks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rotation", "point", "expected"),
    [(0, (10, 20), (10, 572)), (90, (10, 20), (20, 10)), (180, (10, 20), (602, 20)),
     (270, (10, 20), (572, 602))],
)  # fmt: skip
def test_display_frame(
    rotation: int, point: tuple[float, float], expected: tuple[float, float]
) -> None:
    frame = DisplayFrame(0, 0, 612, 592, rotation)
    assert frame.point(*point) == pytest.approx(expected)


def test_local_frame_axes() -> None:
    # reading upwards (90°): u grows towards the top of the page, v towards the left
    assert local(90, 0, -10) == pytest.approx((10, 0))
    assert local(90, -10, 0) == pytest.approx((0, 10))
    assert local(0, 5, -3) == pytest.approx((5, 3))


def _run(text: str, u0: float, u1: float, v: float, size: float) -> TextRun:
    return TextRun(text, u0, -v - size, u1, -v, 0.0, size, u0, u1, v, 1)


def test_group_labels_joins_a_stack_but_not_a_big_neighbour() -> None:
    main = _run("10 H7", 0, 30, 0, 10)
    upper = _run("+0,018", 32, 55, 5, 7)
    lower = _run("0", 32, 37, -1, 7)
    far = _run("A", 100, 110, 0, 10)
    labels = {label.text for label in group_labels([main, upper, lower, far])}
    assert labels == {"10 H7 +0,018/0", "A"}


def test_match_label_prefers_the_longest_label() -> None:
    assert match_label("Sheet Size: A3") == ("sheet_size", "Sheet Size", "A3")
    assert match_label("SHEET 1 OF 2") == ("sheet", "SHEET", "1 OF 2")
    assert match_label("DWG. NO. 123") == ("part_number", "DWG. NO.", "123")
    assert match_label("Werkstoff: 1.4301") == ("material", "Werkstoff", "1.4301")
    assert match_label("Масштаб 1:2") == ("scale", "Масштаб", "1:2")
    assert match_label("材料：Q235") == ("material", "材料", "Q235")


def test_fill_spans_copies_merged_cells() -> None:
    rows = [["a", None, "c"], ["d", "e", None]]
    cells = [(0, 0, 20, 10), (20, 0, 30, 20), (0, 10, 10, 20), (10, 10, 20, 20)]
    # (0,0)-(20,10) spans columns 0-1 of row 0; (20,0)-(30,20) spans rows 0-1 of column 2
    assert fill_spans(rows, cells) == [["a", "a", "c"], ["d", "e", "c"]]
