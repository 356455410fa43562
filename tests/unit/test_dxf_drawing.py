"""Drawing facts from DXF files generated here with known ground truth: dimension tolerances
from DIMSTYLEs and overrides, TOLERANCE frames, notes (threads, roughness, general tolerance),
title blocks drawn as text, parts lists and revision tables from ATTRIBs and from text grids,
layouts with viewport scales, units, and bad input that must become issues."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ezdxf
import pytest
from ezdxf.document import Drawing
from ezdxf.enums import TextEntityAlignment
from ezdxf.layouts import BaseLayout
from ezdxf.math import Vec2
from ezdxf.render.mleader import ConnectionSide

from pybase.extraction import extract
from pybase.extraction.bom import parse_quantity
from pybase.extraction.dxf_bom import bom_from_table, latest_revision
from pybase.extraction.dxf_text import mtext_format_problem, repair_mojibake
from pybase.extraction.dxf_titleblock import find_label, label_key, title_block_name_hint
from pybase.extraction.result import Dimension, ExtractionResult, Table

Save = Callable[[Drawing, str], ExtractionResult]


@pytest.fixture
def save(tmp_path: Path) -> Save:
    """``save(doc, "name.dxf")`` writes the drawing into tmp_path and extracts it."""

    def _save(doc: Drawing, name: str) -> ExtractionResult:
        doc.saveas(tmp_path / name)
        return extract(tmp_path / name)

    return _save


def _codes(result: ExtractionResult) -> list[str]:
    return [issue.code for issue in result.issues]


# --------------------------------------------------------------------------------------------
# Dimensions: DIMSTYLE tolerances, overrides, DIMLFAC, DIMALT


@pytest.fixture(scope="module")
def toleranced(tmp_path_factory: pytest.TempPathFactory) -> ExtractionResult:
    """Linear 40 mm dimensions, one per tolerance mode (mm drawing, ISO-25 style)."""
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    cases: list[tuple[str, dict[str, float]]] = [
        ("<>", {"dimtol": 1, "dimtp": 0.1, "dimtm": 0.05, "dimtdec": 2}),  # 0 deviations
        ("<>", {"dimtol": 1, "dimtp": 0.2, "dimtm": 0.2}),  # 1 symmetric
        ("<>", {"dimlim": 1, "dimtp": 0.1, "dimtm": 0.05}),  # 2 limits
        ("<>\\H0.7x;\\S+0.1^-0.05;", {}),  # 3 stacked deviations in the override
        ("%%c<> H7", {}),  # 4 ISO 286 class, Ø25 below
        ("<>", {"dimlfac": 2.0}),  # 5 detail drawn at 1:2
        ("<>", {"dimrnd": 0.5, "dimdec": 1}),  # 6 rounded to 0.5
        ("445", {}),  # 7 an edited value
        ("40.0", {"dimdec": 1}),  # 8 override equal to the measurement
        ("(<>)", {"dimtol": 1, "dimtp": 0.1, "dimtm": 0.1}),  # 9 reference: no tolerance
    ]
    for i, (text, override) in enumerate(cases):
        length = 25.0 if i == 4 else 41.3 if i == 6 else 40.0
        y = 20.0 * i
        msp.add_linear_dim(
            base=(0, y + 10),
            p1=(0, y),
            p2=(length, y),
            text=text,
            dimstyle="ISO-25",
            override=override,
        ).render()
    path = tmp_path_factory.mktemp("dims") / "toleranced.dxf"
    doc.saveas(path)
    return extract(path)


def _dim(result: ExtractionResult, index: int) -> Dimension:
    return result.dimensions[index]


def test_dimtol_deviations_and_symmetric(toleranced: ExtractionResult) -> None:
    dim = _dim(toleranced, 0)
    assert (dim.measured, dim.unit) == (pytest.approx(40.0), "mm")
    assert (dim.upper_deviation, dim.lower_deviation) == (0.1, -0.05)
    assert dim.parsed is not None and dim.parsed.tolerance is not None
    assert dim.parsed.tolerance.kind == "deviations" and dim.parsed.tolerance.source == "DIMTOL"
    assert (dim.parsed.upper_limit, dim.parsed.lower_limit) == (40.1, 39.95)
    sym = _dim(toleranced, 1)
    assert sym.parsed is not None and sym.parsed.tolerance is not None
    assert sym.parsed.tolerance.kind == "symmetric"
    assert (sym.upper_deviation, sym.lower_deviation) == (0.2, -0.2)


def test_dimlim_limits(toleranced: ExtractionResult) -> None:
    dim = _dim(toleranced, 2)
    assert (dim.upper_deviation, dim.lower_deviation) == (0.1, -0.05)
    parsed = dim.parsed
    assert parsed is not None and parsed.tolerance is not None
    assert parsed.tolerance.kind == "limits"
    assert (parsed.tolerance.upper_limit, parsed.tolerance.lower_limit) == (40.1, 39.95)
    assert parsed.nominal == pytest.approx(40.025)  # limits: nominal is their mean


def test_override_text_tolerances(toleranced: ExtractionResult) -> None:
    stacked = _dim(toleranced, 3)
    assert stacked.text is not None and stacked.text.startswith("40")
    assert (stacked.upper_deviation, stacked.lower_deviation) == (0.1, -0.05)
    fit = _dim(toleranced, 4)
    assert fit.text == "Ø25 H7"
    assert fit.parsed is not None and fit.parsed.kind == "diameter"
    assert fit.parsed.fit is not None and fit.parsed.fit.designation == "H7"
    assert (fit.upper_deviation, fit.lower_deviation) == (0.021, 0.0)  # ISO 286-2, 18-30 mm


def test_dimlfac_and_dimrnd_give_the_displayed_value(toleranced: ExtractionResult) -> None:
    scaled = _dim(toleranced, 5)
    assert scaled.measured == pytest.approx(40.0)  # geometry
    assert scaled.parsed is not None and scaled.parsed.nominal == 80.0  # displayed
    rounded = _dim(toleranced, 6)
    assert rounded.measured == pytest.approx(41.3)
    assert rounded.parsed is not None and rounded.parsed.nominal == 41.5


def test_override_differing_from_measurement_is_flagged(toleranced: ExtractionResult) -> None:
    edited = _dim(toleranced, 7)
    assert edited.text == "445" and edited.parsed is not None and edited.parsed.nominal == 445
    flagged = [i for i in toleranced.issues if i.code == "dimension_text_differs"]
    assert [i.location for i in flagged] == [f"Model #{edited.handle}"]
    assert flagged[0].severity == "info" and "445" in flagged[0].message
    assert "40" in flagged[0].message


def test_reference_dimension_gets_no_dimstyle_tolerance(toleranced: ExtractionResult) -> None:
    ref = _dim(toleranced, 9)
    assert ref.parsed is not None and ref.parsed.reference
    assert ref.parsed.tolerance is None and ref.upper_deviation is None


def test_dimension_location(toleranced: ExtractionResult) -> None:
    dim = _dim(toleranced, 0)
    assert dim.handle and dim.layout == "Model"
    assert dim.position is not None and dim.position[0] == pytest.approx(20.0)


def test_dimalt_alternate_units(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=1)  # inch
    doc.modelspace().add_linear_dim(
        base=(0, 1),
        p1=(0, 0),
        p2=(2, 0),
        dimstyle="Standard",
        override={"dimalt": 1, "dimaltf": 25.4, "dimaltd": 1},
    ).render()
    (dim,) = save(doc, "alt.dxf").dimensions
    assert dim.unit == "inch" and dim.measured == pytest.approx(2.0)
    assert dim.alternate is not None and (dim.alternate.value, dim.alternate.unit) == (50.8, "mm")


def test_dimension_with_a_missing_dimstyle_is_read_with_an_issue(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    dim = doc.modelspace().add_linear_dim(base=(0, 5), p1=(0, 0), p2=(12, 0), dimstyle="ISO-25")
    dim.render()
    dim.dimension.dxf.dimstyle = "GONE"
    result = save(doc, "nostyle.dxf")
    (read,) = result.dimensions
    assert read.measured == pytest.approx(12.0) and read.parsed is not None
    issue = next(i for i in result.issues if i.code == "dxf_dimstyle_missing")
    assert "GONE" in issue.message and issue.location == f"Model #{read.handle}"


# --------------------------------------------------------------------------------------------
# GD&T, datums, notes


def _tolerance(layout: BaseLayout, content: str, insert: tuple[float, float]) -> str:
    entity = layout.new_entity(
        "TOLERANCE", {"content": content, "insert": insert, "dimstyle": "Standard"}
    )
    return str(entity.dxf.handle)


def test_tolerance_entity_frame_datums_and_location(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    handle = _tolerance(msp, "{\\Fgdt;j}%%v{\\Fgdt;n}0.1{\\Fgdt;m}%%vA%%vB%%vC", (10, 20))
    _tolerance(msp, "{\\Fgdt;c}%%v0.05%%v%%v%%v%%v^JD", (10, 40))  # flatness, datum D
    msp.add_text("-E-", height=3.5).set_placement((50, 50))
    block = doc.blocks.new("DATUM_SYMBOL")
    block.add_attdef("LETTER", (0, 0))
    msp.add_blockref("DATUM_SYMBOL", (80, 80)).add_auto_attribs({"LETTER": "F"})
    drawn = doc.blocks.new("DATUM_TRIANGLE")  # the letter drawn as TEXT in the block
    drawn.add_lwpolyline([(0, 0), (4, 0), (2, 3)], close=True)
    drawn.add_text("G", height=2.5).set_placement((1, 4))
    msp.add_blockref("DATUM_TRIANGLE", (90, 90))
    result = save(doc, "gdt.dxf")
    position, flatness = result.gdt
    assert position.characteristic == "position" and position.tolerance == 0.1
    assert position.zone_shape == "diameter" and position.modifiers == ["mmc"]
    assert [d.label for d in position.datums] == ["A", "B", "C"]
    assert (flatness.characteristic, flatness.tolerance, flatness.datums) == ("flatness", 0.05, [])
    assert [d.label for d in result.datums] == ["D", "E", "F", "G"]
    source = next(s for s in result.notation_sources if s.section == "gdt" and s.index == 0)
    assert (source.layout, source.handle, source.position) == ("Model", handle, (10, 20, 0))


def test_tolerance_entity_with_an_unknown_symbol_is_an_issue(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    handle = _tolerance(doc.modelspace(), "{\\Fgdt;Z}%%v0.1%%vA", (0, 0))
    result = save(doc, "bad_gdt.dxf")
    assert result.gdt == []
    issue = next(i for i in result.issues if i.code == "dxf_tolerance_unreadable")
    assert issue.location == f"Model #{handle}"


def test_notes_threads_roughness_and_general_tolerance(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    msp.add_mtext(
        "NOTES:\\P1. 4X M8x1.25-6H THRU\\P2. ALL OVER Ra 3.2\\P"
        "3. {\\C1;GENERAL TOLERANCES ISO 2768-mK}\\P4. TAP 1/4-20 UNC-2B",
        dxfattribs={"insert": (0, 100), "char_height": 3.5},
    )
    msp.add_text("{\\Fgdt;b}").set_placement((0, 0))  # not a frame: no value
    msp.add_mtext("{\\Fgdt;b}%%v0.02%%vA", dxfattribs={"insert": (0, 50)})
    msp.add_linear_dim(base=(0, -10), p1=(0, 0), p2=(100, 0), dimstyle="ISO-25").render()
    ml = msp.add_multileader_mtext("Standard")
    ml.set_content("Rz 6.3")
    ml.add_leader_line(ConnectionSide.left, [Vec2(150, 150)])
    ml.build(insert=Vec2(160, 160))
    result = save(doc, "notes.dxf")
    assert [t.designation for t in result.threads] == ["M8x1.25-6H", "1/4-20 UNC-2B"]
    assert result.threads[0].count == 4 and result.threads[0].through
    assert [(s.parameter, s.value) for s in result.surface_textures] == [("Ra", 3.2), ("Rz", 6.3)]
    (frame,) = result.gdt
    assert (frame.characteristic, frame.tolerance, [d.label for d in frame.datums]) == (
        "perpendicularity",
        0.02,
        ["A"],
    )
    tb = result.title_block
    assert tb is not None and tb.general_tolerance is not None
    assert (tb.general_tolerance.linear_class, tb.general_tolerance.geometric_class) == ("m", "K")
    (dim,) = result.dimensions  # 100 mm untoleranced: ISO 2768-m, 30-120 mm: ±0.3
    assert dim.parsed is not None and dim.parsed.tolerance is not None
    assert dim.parsed.tolerance.kind == "general" and dim.parsed.tolerance.upper == 0.3
    thread_source = next(s for s in result.notation_sources if s.section == "threads")
    assert thread_source.text == "1. 4X M8x1.25-6H THRU" and thread_source.layout == "Model"


# --------------------------------------------------------------------------------------------
# Title blocks


def _cell_title_block(
    layout: BaseLayout, x0: float, y0: float, cells: list[tuple[str, str]]
) -> None:
    """ISO 7200-style fields: a row of cells, label in the upper-left corner, value below it
    in the same cell (lines around every cell)."""
    w, h = 40.0, 12.0
    layout.add_lwpolyline(
        [(x0, y0), (x0 + w * len(cells), y0), (x0 + w * len(cells), y0 + h), (x0, y0 + h)],
        close=True,
    )
    for i, (label, value) in enumerate(cells):
        x = x0 + i * w
        if i:
            layout.add_line((x, y0), (x, y0 + h))
        layout.add_text(label, height=1.8).set_placement(
            (x + 1, y0 + h - 1), align=TextEntityAlignment.TOP_LEFT
        )
        if value:
            layout.add_text(value, height=3.5).set_placement(
                (x + 1, y0 + 2), align=TextEntityAlignment.LEFT
            )


def test_text_title_block_in_a_frame(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True)  # A3 border
    msp.add_text("MATERIAL: SEE NOTE", height=3.5).set_placement((20, 250))  # not in the region
    _cell_title_block(
        msp,
        260,
        24,
        [("Benennung", "Lagerbock"), ("Zeichnungsnummer", "LB-2024-07"), ("Index", "")],
    )
    _cell_title_block(
        msp,
        260,
        12,
        [("Werkstoff", "1.4301"), ("Maßstab", "1:2"), ("Blatt", "1/3")],
    )
    _cell_title_block(msp, 260, 0, [("Gezeichnet", "Müller"), ("Geprüft", "_"), ("Datum", "")])
    result = save(doc, "text_tb.dxf")
    tb = result.title_block
    assert tb is not None and tb.source == "TEXT in Model"
    assert (tb.title, tb.part_number, tb.material, tb.scale, tb.sheet, tb.drawn_by) == (
        "Lagerbock",
        "LB-2024-07",
        "1.4301",
        "1:2",
        "1/3",
        "Müller",
    )
    assert tb.checked_by is None and tb.date is None and tb.revision is None  # '_' and empty
    assert tb.fields["Werkstoff"] == "1.4301" and "Geprüft" not in tb.fields
    assert "title_block_empty" not in _codes(result)


def test_label_row_over_value_row_and_inline_labels(save: Save) -> None:
    """GOST 2.104 style: labels in one row of cells, values in the cells below; and
    'label: value' texts without lines."""
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    for x in (0, 30, 60):
        msp.add_line((x, 0), (x, 20))
    for y in (0, 10, 20):
        msp.add_line((0, y), (60, y))
    msp.add_text("Масштаб", height=2.5).set_placement((2, 14))
    msp.add_text("Масса", height=2.5).set_placement((32, 14))
    msp.add_text("1:5", height=3.5).set_placement((2, 3))
    msp.add_text("0,4 кг", height=3.5).set_placement((32, 3))
    msp.add_text("Обозначение: АБВГ.123456.001", height=2.5).set_placement((0, -10))
    msp.add_text("Материал: Сталь 45", height=2.5).set_placement((0, -15))
    tb = save(doc, "gost.dxf").title_block
    assert tb is not None
    assert (tb.scale, tb.part_number, tb.material) == ("1:5", "АБВГ.123456.001", "Сталь 45")
    assert tb.fields["Масса"] == "0,4 кг"


def test_label_only_template_is_an_empty_title_block(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    _cell_title_block(msp, 0, 0, [("TITLE", ""), ("DWG NO", ""), ("SCALE", ""), ("REV", "-")])
    result = save(doc, "template.dxf")
    tb = result.title_block
    assert tb is not None and tb.fields == {}
    assert (tb.title, tb.part_number, tb.scale, tb.revision) == (None, None, None, None)
    issue = next(i for i in result.issues if i.code == "title_block_empty")
    assert issue.severity == "info" and "DWG NO" in issue.message


def test_empty_attribute_title_block_is_reported(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    block = doc.blocks.new("TITLE")
    for tag in ("DWG_NO", "TITLE", "REV"):
        block.add_attdef(tag, (0, 0))
    doc.modelspace().add_blockref("TITLE", (0, 0)).add_auto_attribs(
        {"DWG_NO": "", "TITLE": "", "REV": ""}
    )
    result = save(doc, "empty_attribs.dxf")
    assert result.title_block is not None and result.title_block.part_number is None
    assert "title_block_empty" in _codes(result)


def test_block_name_marks_a_title_block_with_unknown_tags(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    for name in ("SCHRIFTFELD", "Detail Title"):
        block = doc.blocks.new(name)
        block.add_attdef("F1", (0, 0))
        block.add_attdef("SCALE", (0, 5))
    msp = doc.modelspace()
    msp.add_blockref("Detail Title", (0, 0)).add_auto_attribs({"F1": "3", "SCALE": "1:5"})
    msp.add_blockref("SCHRIFTFELD", (100, 0)).add_auto_attribs({"F1": "Welle", "SCALE": "1:1"})
    tb = save(doc, "hint.dxf").title_block
    assert tb is not None and tb.source == "INSERT SCHRIFTFELD in Model"
    assert tb.scale == "1:1" and tb.fields["F1"] == "Welle"


# --------------------------------------------------------------------------------------------
# Parts lists and revision tables


def test_bom_and_revisions_from_attribs(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    row = doc.blocks.new("BOM_ROW")
    for tag in ("ITEM", "PART_NO", "DESCRIPTION", "QTY", "MATERIAL"):
        row.add_attdef(tag, (0, 0))
    rev = doc.blocks.new("REV_ROW")
    for tag in ("REV", "DESCRIPTION", "DATE"):
        rev.add_attdef(tag, (0, 0))
    tb = doc.blocks.new("TB")
    for tag in ("DWG_NO", "TITLE"):
        tb.add_attdef(tag, (0, 0))
    msp = doc.modelspace()
    rows = [
        {"ITEM": "2", "PART_NO": "ISO 4762 M8x25", "DESCRIPTION": "Screw", "QTY": "4"},
        {"ITEM": "1", "PART_NO": "PB-1", "DESCRIPTION": "Plate", "QTY": "1", "MATERIAL": "S235"},
        {"ITEM": "1.1", "PART_NO": "PB-1-A", "DESCRIPTION": "Insert", "QTY": "2 pcs"},
    ]
    for i, values in enumerate(rows):
        msp.add_blockref("BOM_ROW", (0, 8 * i)).add_auto_attribs(values)
    for i, (code, date) in enumerate(
        (("A", "2024-01-10"), ("C", "2024-06-01"), ("B", "2024-03-02"))
    ):
        msp.add_blockref("REV_ROW", (200, 8 * i)).add_auto_attribs(
            {"REV": code, "DESCRIPTION": f"change {code}", "DATE": date}
        )
    msp.add_blockref("TB", (300, 0)).add_auto_attribs({"DWG_NO": "PB", "TITLE": "Bracket"})
    result = save(doc, "attrib_bom.dxf")
    bom = [
        (b.item, b.part_number, b.description, b.quantity, b.unit, b.material, b.parent)
        for b in result.bom
    ]
    assert bom == [
        ("1", "PB-1", "Plate", 1.0, None, "S235", None),
        ("1.1", "PB-1-A", "Insert", 2.0, "pcs", None, "1"),
        ("2", "ISO 4762 M8x25", "Screw", 4.0, None, None, None),
    ]
    assert all(b.source and b.source.startswith("INSERT BOM_ROW in Model #") for b in result.bom)
    (revisions,) = [t for t in result.tables if t.title == "revisions"]
    assert revisions.header == ["REV", "DESCRIPTION", "DATE"]
    assert [r[0] for r in revisions.rows] == ["A", "C", "B"]
    assert result.title_block is not None and result.title_block.part_number == "PB"
    assert result.title_block.revision == "C"


def test_bom_from_caxa_parts_list_blocks(save: Save) -> None:
    """CAXA's parts-list row block PC_MXB_BLOCK (egghunters corpus drawing) has Chinese tags."""
    doc = ezdxf.new("R2013", setup=True, units=4)
    row = doc.blocks.new("PC_MXB_BLOCK")
    for tag in ("序号", "代号", "名称", "数量", "材料", "备注"):
        row.add_attdef(tag, (0, 0))
    doc.modelspace().add_blockref("PC_MXB_BLOCK", (0, 0)).add_auto_attribs(
        {"序号": "3", "代号": "MDE-56-1-103", "名称": "垫片", "数量": "2组", "材料": "08F"}
    )
    (line,) = save(doc, "caxa_bom.dxf").bom
    assert (line.item, line.part_number, line.description, line.quantity, line.unit) == (
        "3",
        "MDE-56-1-103",
        "垫片",
        2.0,
        "组",
    )
    assert line.material == "08F"


def _grid(
    layout: BaseLayout,
    x0: float,
    y0: float,
    widths: list[float],
    rows: list[list[str]],
    row_height: float = 8.0,
) -> None:
    """A table of TEXT in LINE cells; rows[0] at the bottom (ISO 7573: header at the bottom,
    items counted upwards)."""
    total = sum(widths)
    for r in range(len(rows) + 1):
        layout.add_line((x0, y0 + r * row_height), (x0 + total, y0 + r * row_height))
    x = x0
    for w in [0.0, *widths]:
        x += w
        layout.add_line((x, y0), (x, y0 + len(rows) * row_height))
    for r, cells in enumerate(rows):
        x = x0
        for w, cell in zip(widths, cells, strict=True):
            if cell:
                layout.add_text(cell, height=2.5).set_placement(
                    (x + w / 2, y0 + r * row_height + row_height / 2),
                    align=TextEntityAlignment.MIDDLE_CENTER,
                )
            x += w


def test_bom_from_a_text_grid(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    _grid(
        msp,
        100,
        50,
        [10, 40, 50, 10, 30],
        [
            ["ITEM", "PART NO", "DESCRIPTION", "QTY", "MATERIAL"],
            ["1", "PB-1001-01", "Bracket plate", "1", "S235JR"],
            ["2", "ISO 4762 M8x25", "Socket head cap screw", "4", "8.8"],
            ["3", "ISO 7089 8", "Washer", "4", ""],
        ],
    )
    msp.add_text("NOTE 1", height=2.5).set_placement((300, 300))
    result = save(doc, "grid.dxf")
    assert [(b.item, b.part_number, b.description, b.quantity, b.material) for b in result.bom] == [
        ("1", "PB-1001-01", "Bracket plate", 1.0, "S235JR"),
        ("2", "ISO 4762 M8x25", "Socket head cap screw", 4.0, "8.8"),
        ("3", "ISO 7089 8", "Washer", 4.0, None),
    ]
    assert result.bom[0].source is not None and result.bom[0].source.startswith(
        "TEXT grid in Model #"
    )
    (table,) = result.tables
    assert table.title == "parts list" and table.header[:2] == ["ITEM", "PART NO"]


def test_bom_from_a_grid_without_lines_header_on_top(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    rows = [
        ["Pos.", "Benennung", "Menge", "Werkstoff"],
        ["1", "Welle", "1", "C45"],
        ["2", "Passfeder", "2", "C45K"],
    ]
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            msp.add_text(cell, height=3.0).set_placement((c * 40, 100 - r * 6))
    bom = save(doc, "lineless.dxf").bom
    assert [(b.item, b.description, b.quantity, b.material) for b in bom] == [
        ("1", "Welle", 1.0, "C45"),
        ("2", "Passfeder", 2.0, "C45K"),
    ]


def test_revision_table_from_a_text_grid(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    msp = doc.modelspace()
    _grid(
        msp,
        0,
        0,
        [10, 60, 25],
        [
            ["REV", "DESCRIPTION", "DATE"],
            ["A", "Initial release", "2024-01-10"],
            ["B", "Hole moved", "2024-03-02"],
        ],
    )
    result = save(doc, "revisions.dxf")
    (table,) = result.tables
    assert table.title == "revisions" and table.header == ["REV", "DESCRIPTION", "DATE"]
    assert table.rows == [["A", "Initial release", "2024-01-10"], ["B", "Hole moved", "2024-03-02"]]
    assert result.title_block is not None and result.title_block.revision == "B"
    assert result.bom == []


# --------------------------------------------------------------------------------------------
# Layouts, units, encodings, bad input


def test_paper_space_viewports_and_scales(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    sheet = doc.layouts.new("Sheet 1")
    sheet.page_setup(size=(420, 297), margins=(10, 10, 10, 10), units="mm")
    sheet.add_viewport(center=(100, 100), size=(100, 80), view_center_point=(0, 0), view_height=160)
    sheet.add_viewport(center=(300, 100), size=(50, 50), view_center_point=(5, 5), view_height=25)
    layouts = {item["name"]: item for item in save(doc, "viewports.dxf").metadata["layouts"]}
    assert layouts["Model"]["model_space"] is True
    sheet_info = layouts["Sheet 1"]
    assert sheet_info["paper_size"] == [420.0, 297.0] and sheet_info["paper_unit"] == "mm"
    scales = [(v["scale"], v["scale_text"], v["unit"]) for v in sheet_info["viewports"]]
    assert scales == [(0.5, "1:2", "mm"), (2.0, "2:1", "mm")]
    assert sheet_info["viewports"][0]["center"] == [100.0, 100.0]
    assert sheet_info["viewports"][0]["height"] == 80.0


@pytest.mark.parametrize(("measurement", "unit"), [(1, "mm"), (0, "inch")])
def test_unitless_drawing_takes_its_unit_from_measurement(
    save: Save, measurement: int, unit: str
) -> None:
    doc = ezdxf.new("R2013", setup=True, units=0)
    doc.header["$MEASUREMENT"] = measurement
    doc.modelspace().add_linear_dim(
        base=(0, 5), p1=(0, 0), p2=(10, 0), dimstyle="Standard"
    ).render()
    result = save(doc, f"unitless{measurement}.dxf")
    assert result.units.length is None and result.units.source == "$INSUNITS=0"
    assert result.dimensions[0].unit == unit
    assert result.metadata["assumed_length_unit"] == unit
    issue = next(i for i in result.issues if i.code == "dxf_units_assumed")
    assert issue.severity == "info" and unit in issue.message


def test_broken_mtext_formatting_is_an_issue(save: Save) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    mtext = doc.modelspace().add_mtext("{\\fArial|b1;Unclosed \\H2.5x text")
    result = save(doc, "broken_mtext.dxf")
    issue = next(i for i in result.issues if i.code == "dxf_mtext_malformed")
    assert issue.location == f"Model #{mtext.dxf.handle}" and "\\H" in issue.message
    assert "Unclosed" in result.text[0].text


def test_gbk_mojibake_is_decoded(tmp_path: Path) -> None:
    doc = ezdxf.new("R2013", setup=True, units=4)
    garbled = "日期".encode("gbk").decode("latin-1")  # how CAXA stores some labels
    doc.modelspace().add_mtext(garbled)
    doc.modelspace().add_mtext("Qtité: 2 Désignation")  # Latin-1 text stays as it is
    doc.saveas(tmp_path / "gbk.dxf")
    # ezdxf writes ANSI_1252 for R2007+ (strings are UTF-8); CAXA writes ANSI_936
    data = (tmp_path / "gbk.dxf").read_bytes()
    marker = b"$DWGCODEPAGE\n  3\nANSI_1252"
    assert marker in data
    (tmp_path / "gbk.dxf").write_bytes(data.replace(marker, marker[:-4] + b"936"))
    result = extract(tmp_path / "gbk.dxf")
    assert result.metadata["$DWGCODEPAGE"] == "ANSI_936"
    assert [t.text for t in result.text] == ["日期", "Qtité: 2 Désignation"]
    assert "dxf_text_mojibake_repaired" in _codes(result)


# --------------------------------------------------------------------------------------------
# Helpers, directly


def test_labels_and_keys() -> None:
    assert label_key("Zeichn.-Nr.:") == "zeichnnr" and label_key("Maßstab") == "massstab"
    label = find_label("Qual: S235JR")
    assert label is not None and (label.field, label.name, label.value) == (
        "material",
        "Qual",
        "S235JR",
    )
    assert find_label("Rep") is None  # weak label without a colon
    spaced = find_label("SCALE 1:2")
    assert spaced is not None and (spaced.field, spaced.value) == ("scale", "1:2")
    assert find_label("MATERIAL SHALL BE CLEAN") is None  # a note, not 'label value'
    rev = find_label("REV B")
    assert rev is not None and (rev.field, rev.value) == ("revision", "B")
    assert find_label("比  例") is not None and find_label("比  例").name == "比例"  # type: ignore[union-attr]
    assert find_label("HELLO WORLD") is None


def test_block_name_hints() -> None:
    assert title_block_name_hint("11x17") and title_block_name_hint("TITLE_BLOCK_A3")
    assert title_block_name_hint("Schriftfeld") and title_block_name_hint("CARTOUCHE")
    assert not title_block_name_hint("Detail Title") and not title_block_name_hint("BOLT")


def test_quantities_and_text_repairs() -> None:
    assert parse_quantity("2组") == (2.0, "组")
    assert parse_quantity("1,5 m") == (1.5, "m")
    assert parse_quantity("A/R") == (None, None)
    assert repair_mojibake("ÈÕÆÚ", "gbk") == "日期"
    assert repair_mojibake("Qtité", "gbk") is None and repair_mojibake("ÈÕÆÚ", None) is None
    assert mtext_format_problem("{\\C1;ok}") is None
    assert mtext_format_problem("\\fArial text") is not None
    assert mtext_format_problem("a}b") is not None


def test_acad_table_rows_as_bom() -> None:
    """ACAD_TABLE content (as the walker reads it) with a parts-list header row."""
    table = Table(
        layout="Sheet 1",
        title="PARTS LIST",
        header=["Pos.", "Benennung", "Sachnummer", "Menge", "Werkstoff"],
        rows=[
            ["1", "Grundplatte", "4711-01", "1", "S235JR"],
            ["2", "Zylinderschraube", None, "4 Stk", "8.8"],
            [None, None, None, None, None],
        ],
    )
    lines = bom_from_table(table, "ACAD_TABLE in Sheet 1 #3F")
    assert [
        (b.item, b.description, b.part_number, b.quantity, b.unit, b.material) for b in lines
    ] == [
        ("1", "Grundplatte", "4711-01", 1.0, None, "S235JR"),
        ("2", "Zylinderschraube", None, 4.0, "Stk", "8.8"),
    ]
    assert lines[1].source == "ACAD_TABLE in Sheet 1 #3F, row 2"
    numbers = Table(header=["1", "2", "3"], rows=[["4", "5", "6"]])
    assert bom_from_table(numbers, "x") == []  # no parts-list header: not a BOM


def test_latest_revision_order() -> None:
    letters = Table(
        title="revisions", header=["REV", "DATE"], rows=[["B", "x"], ["AA", "y"], ["C", None]]
    )
    assert latest_revision(letters) == "AA"
    numbers = Table(title="revisions", header=["Index", "Datum"], rows=[["02", "x"], ["10", "y"]])
    assert latest_revision(numbers) == "10"
