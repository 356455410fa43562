"""Drawing facts (tolerances, fits, parts lists, title blocks, viewports) read from the corpus
DXF files through the public API; values from MANIFEST.tsv or read off the drawing with ezdxf.

Each file is extracted once per module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pybase.extraction.result import BomLine, Dimension, ExtractionResult

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def dxf(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``dxf("x.dxf")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"dxf/{name}")


def _dimension(result: ExtractionResult, text: str) -> Dimension:
    (dim,) = [d for d in result.dimensions if d.text == text]
    return dim


def _line(result: ExtractionResult, description: str) -> BomLine:
    (line,) = [b for b in result.bom if b.description == description]
    return line


def test_egghunters_fits_resolved_from_iso_286(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("egghunters__dxf_3.dxf")
    big = _dimension(r, "φ130%&H7%/f9")
    assert big.parsed is not None and big.parsed.kind == "diameter" and big.parsed.nominal == 130
    fit = big.parsed.fit
    assert fit is not None and fit.designation == "H7/f9" and fit.fit_type == "clearance"
    assert fit.hole is not None and (fit.hole.upper, fit.hole.lower) == (0.04, 0.0)
    assert fit.shaft is not None and (fit.shaft.upper, fit.shaft.lower) == (-0.043, -0.143)
    small = _dimension(r, "φ45%&H7%/r6")
    fit = small.parsed.fit if small.parsed else None
    assert fit is not None and fit.hole is not None and fit.shaft is not None
    assert (fit.hole.upper, fit.hole.lower) == (0.025, 0.0)
    assert (fit.shaft.upper, fit.shaft.lower) == (0.05, 0.034)
    assert fit.fit_type == "interference"
    single = _dimension(r, "φ50k6")  # one class: its deviations are the dimension's
    assert (single.upper_deviation, single.lower_deviation) == (0.018, 0.002)


def test_egghunters_text_445_vs_measured_458(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("egghunters__dxf_3.dxf")
    dim = _dimension(r, "445")
    assert dim.measured == pytest.approx(458.0) and dim.parsed is not None
    assert dim.parsed.nominal == 445
    flagged = {i.location: i for i in r.issues if i.code == "dimension_text_differs"}
    issue = flagged[f"Model #{dim.handle}"]
    assert "445" in issue.message and "458" in issue.message and issue.severity == "info"
    same = _dimension(r, "53.5")  # measured 53.4999...: equal within rounding
    assert f"Model #{same.handle}" not in flagged


def test_egghunters_parts_list(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("egghunters__dxf_3.dxf")
    (table,) = [t for t in r.tables if t.title == "parts list"]
    assert table.header[:5] == ["序号", "代号", "名称", "数量", "材料"]
    grid = [b for b in r.bom if b.source and b.source.startswith("TEXT grid")]
    assert [b.item for b in grid] == [str(n) for n in range(1, 20)]
    first = grid[0]
    assert (first.part_number, first.description, first.quantity, first.material) == (
        "MDE-56-1-101",
        "密封盖",
        1.0,
        "A3",
    )
    shims = grid[13]  # item 14: '2组' = 2 sets
    assert (shims.item, shims.quantity, shims.unit, shims.material) == ("14", 2.0, "组", "08F")
    bolts = _line(r, "螺栓 M16x130")  # MTEXT '8-螺栓 M16x130' over 'GB30-76'
    assert (bolts.quantity, bolts.part_number) == (8.0, "GB30-76")
    bearings = _line(r, "轴承7312")  # '2-轴承7312' over 'GB297-64'
    assert (bearings.quantity, bearings.part_number) == (2.0, "GB297-64")
    assert bolts.source is not None and bolts.source.startswith("MTEXT callout in Model #")


def test_egghunters_title_block_labels_and_mojibake(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("egghunters__dxf_3.dxf")
    texts = {t.text for t in r.text}
    assert "日期" in texts and "ÈÕÆÚ" not in texts  # GBK read as Latin-1, decoded again
    tb = r.title_block
    assert tb is not None and tb.source == "TEXT in Model"
    assert tb.scale == "1:3" and tb.fields["比例"] == "1:3"  # 比例 over its cell '1:3'
    assert tb.part_number is None and tb.title is None  # the 图样代号 field is not labelled
    assert "title_block_empty" in {i.code for i in r.issues}
    assert {t.designation for t in r.threads} >= {"M16", "M12", "M10", "M8"}


def test_api_cw750(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("dxfparser__api-cw750-details.dxf")
    tb = r.title_block
    assert tb is not None and tb.source == "INSERT 11x17 in Sheet 1"
    assert (tb.title, tb.scale, tb.drawn_by, tb.date, tb.sheet) == (
        '2-1/2" x 7-1/2" Curtain Wall',
        "N.T.S",
        "SW",
        "12-13-10",
        "1 of 4",
    )
    assert r.units.length is None and r.metadata["assumed_length_unit"] == "inch"
    assert {d.unit for d in r.dimensions if d.kind != "angular"} == {"inch"}
    callouts = [b for b in r.block_references if b.block.startswith("*U")]
    assert callouts and {b.effective_name for b in callouts} == {"Section Callout"}
    layouts = {item["name"]: item for item in r.metadata["layouts"]}
    assert [v["scale_text"] for v in layouts["Sheet 1"]["viewports"]] == ["1:48", "1:48"]
    plate = next(b for b in r.bom if b.part_number == "CW750-150")
    assert plate.description == "Pressure Plate"
    assert len([b for b in r.bom if b.part_number and b.part_number.startswith("CW750")]) == 15


def test_api_cw750_fractional_dimension_with_inch_suffix(
    dxf: Callable[[str], ExtractionResult],
) -> None:
    r = dxf("dxfparser__api-cw750-details.dxf")
    # DIMSTYLE FG-Dtl: DIMLUNIT 5 (fractional), DIMPOST '"': 2.5 is shown as 2 1/2"
    dim = next(d for d in r.dimensions if d.text is None and d.measured == pytest.approx(2.5))
    assert dim.parsed is not None
    assert (dim.parsed.text, dim.parsed.nominal, dim.parsed.text_unit) == ('2 1/2"', 2.5, "inch")


def test_vemo_pl14_part_label(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("vemo__PL14.dxf")
    tb = r.title_block
    assert tb is not None
    # 'Rep:' (repère, part mark) is followed by PL14 on its line; '8' follows 'Ep:' (épaisseur)
    assert (tb.part_number, tb.material) == ("PL14", "S235JR")
    assert tb.fields["Qtité"] == "2" and tb.fields["Ep"] == "8"
    assert tb.fields["Dim"] == "111 x 320"
    (line,) = r.bom
    assert (line.part_number, line.quantity, line.material) == ("PL14", 2.0, "S235JR")


def test_librecad_a4_sheet_is_an_unfilled_template(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("librecad__sheets_A4_1_draw.dxf")
    tb = r.title_block
    assert tb is not None
    assert (tb.part_number, tb.title, tb.material, tb.drawn_by, tb.date) == (None,) * 5
    assert tb.scale == "1:1"  # the only value printed on the template, under 'Масштаб'
    (issue,) = [i for i in r.issues if i.code == "title_block_empty"]
    assert "Масштаб" in issue.message and issue.severity == "info"


def test_librecad_dim_sample_displayed_values(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("librecad__dim_sample.dxf")
    assert all(d.parsed is not None for d in r.dimensions)
    radii = sorted(d.parsed.text for d in r.dimensions if d.kind == "radius" and d.parsed)
    assert radii == ["R15", "R20", "R5,98"]  # DIMDSEP ',' and DIMDEC 2 of the file's DIMSTYLE
    assert all(d.unit == "mm" for d in r.dimensions if d.kind not in ("angular", "angular3p"))
    assert not [i for i in r.issues if i.code == "dimension_text_differs"]


def test_uncommon_viewport_and_dimensions(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__uncommon.dxf")
    layouts = {item["name"]: item for item in r.metadata["layouts"]}
    (viewport,) = layouts["Layout1"]["viewports"]  # the paper-space viewport is not listed
    assert viewport["scale"] == pytest.approx(6.399999618530273 / 70.57869126711785)
    assert viewport["unit"] == "inch"
    assert all(d.parsed is not None for d in r.dimensions)
    assert r.title_block is None and r.bom == [] and r.gdt == []


def test_acadsharp_r12_viewport_without_view_data(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("acadsharp__sample_AC1009_ascii.dxf")
    layouts = {item["name"]: item for item in r.metadata["layouts"]}
    (viewport,) = layouts["Layout1"]["viewports"]
    assert viewport["scale"] is None and viewport["height"] == pytest.approx(6.3466668)


def test_no_analysis_failures_in_the_corpus(
    corpus_dir: Path, dxf: Callable[[str], ExtractionResult]
) -> None:
    for path in sorted((corpus_dir / "dxf").iterdir()):
        codes = {i.code for i in dxf(path.name).issues}
        assert not codes & {"dxf_drawing_analysis_failed", "dxf_entity_unreadable"}, path.name
