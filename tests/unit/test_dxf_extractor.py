"""DXF extractor on drawings generated with ezdxf in tmp_path (known ground truth), plus
damaged input. Real-file facts are in tests/corpus/test_dxf_corpus.py."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import ezdxf
import pytest
from ezdxf.layouts import BaseLayout
from ezdxf.tools import juliandate

from pybase.errors import CorruptFileError, JobCancelledError
from pybase.extraction import extract
from pybase.extraction.base import ExtractionOptions
from pybase.extraction.dxf_titleblock import title_block_from
from pybase.extraction.result import BlockReference, ExtractionResult

TB_TAGS = ("TITLE", "DWG_NO", "REV", "SCALE", "MATERIAL")


def _title_block_insert(layout: BaseLayout, rev: str, scale: str) -> None:
    ref = layout.add_blockref("TB", (200, 10))
    values = {"TITLE": "Bracket", "DWG_NO": "PB-1001", "REV": rev, "SCALE": scale}
    values["MATERIAL"] = "1.4301"
    for i, (tag, value) in enumerate(values.items()):
        ref.add_attrib(tag, value, (200, 10 + 5 * i))


def make_drawing(path: Path) -> Path:
    """A drawing whose content the tests below know exactly (units: inch)."""
    doc = ezdxf.new("R2010", setup=True)
    doc.header["$INSUNITS"] = 1
    doc.header["$TDCREATE"] = juliandate(datetime(2020, 1, 2, 3, 4, 5))
    doc.layers.add("WALLS", color=3, linetype="DASHED")
    doc.layers.add("HIDDEN", color=5).off()
    doc.layers.add("FROZEN").freeze()
    doc.layers.add("LOCKED").lock()
    doc.layers.add("TRUE", true_color=ezdxf.rgb2int((255, 128, 0)))
    doc.layers.add("NOTES")

    bolt = doc.blocks.new("BOLT")
    bolt.add_circle((0, 0), 3)
    assy = doc.blocks.new("ASSY")
    assy.add_blockref("BOLT", (5, 5))
    assy.add_line((0, 0), (10, 0))
    tb = doc.blocks.new("TB")
    tb.add_lwpolyline([(0, 0), (180, 0), (180, 40), (0, 40)], close=True)
    for i, tag in enumerate(TB_TAGS):
        tb.add_attdef(tag, (5, 5 + 5 * i))

    msp = doc.modelspace()
    for i in range(3):
        msp.add_line((0, i), (100, i), dxfattribs={"layer": "WALLS"})
    msp.add_circle((50, 50), 10, dxfattribs={"layer": "HIDDEN"})
    msp.add_line((0, 0), (1, 1), dxfattribs={"layer": "FROZEN"})
    msp.add_blockref("BOLT", (0, 0))
    msp.add_blockref("BOLT", (10, 0))
    msp.add_blockref("ASSY", (20, 0))
    _title_block_insert(msp, rev="C", scale="1:2")
    msp.add_linear_dim(base=(0, -5), p1=(0, 0), p2=(40, 0), dimstyle="Standard").render()
    msp.add_radius_dim(center=(100, 0), radius=12.5, angle=45, dimstyle="Standard").render()
    msp.add_linear_dim(
        base=(0, 20),
        p1=(0, 15),
        p2=(25, 15),
        text="%%c<> H7",
        dimstyle="Standard",
        override={"dimdec": 1, "dimzin": 0, "dimdsep": ord(".")},
    ).render()
    msp.add_text("%%c20 H7 45%%d %%p0.1", height=3.5, dxfattribs={"layer": "NOTES"}).set_placement(
        (5, 60)
    )
    msp.add_mtext(
        "{\\C1;\\fArial|b1;Note:}\\PMaterial \\LS235JR\\l",
        dxfattribs={"layer": "NOTES", "char_height": 2.5, "insert": (0, 80)},
    )
    msp.add_mtext("\\U+0414\\U+0430\\U+0442\\U+0430", dxfattribs={"layer": "NOTES"})

    sheet = doc.layouts.new("Sheet A")
    sheet.add_line((0, 0), (10, 0), dxfattribs={"layer": "WALLS"})
    sheet.add_text("SHEET NOTE", height=2.0, dxfattribs={"layer": "NOTES"})
    _title_block_insert(sheet, rev="D", scale="1:1")
    doc.saveas(path)
    return path


@pytest.fixture(scope="module")
def drawing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_drawing(tmp_path_factory.mktemp("dxf") / "known.dxf")


@pytest.fixture(scope="module")
def result(drawing: Path) -> ExtractionResult:
    return extract(drawing)


def test_units_inch_from_insunits(result: ExtractionResult) -> None:
    assert result.units.length == "inch"
    assert result.units.source == "$INSUNITS=1"
    assert result.source.format == "dxf"
    assert result.source.format_version == "AC1024"
    assert result.metadata["$INSUNITS"] == 1
    assert result.metadata["$TDCREATE"] == "2020-01-02T03:04:05"


def test_layers_states_and_counts(result: ExtractionResult) -> None:
    layers = {layer.name: layer for layer in result.layers}
    assert layers["WALLS"].color == 3
    assert layers["WALLS"].linetype == "DASHED"
    assert layers["WALLS"].entity_count == 4  # 3 LINE in model space + 1 in Sheet A
    assert layers["HIDDEN"].on is False and layers["HIDDEN"].color == 5
    assert layers["HIDDEN"].entity_count == 1
    assert layers["FROZEN"].frozen is True and layers["FROZEN"].entity_count == 1
    assert layers["LOCKED"].locked is True and layers["LOCKED"].entity_count == 0
    assert layers["TRUE"].true_color == "#ff8000"
    assert layers["WALLS"].on and not layers["WALLS"].frozen and not layers["WALLS"].locked


def test_blocks_insert_counts_include_nested_inserts(result: ExtractionResult) -> None:
    blocks = {block.name: block for block in result.blocks}
    assert blocks["BOLT"].insert_count == 3  # 2 in model space + 1 inside ASSY
    assert blocks["ASSY"].insert_count == 1
    assert blocks["TB"].insert_count == 2
    assert blocks["TB"].attribute_tags == list(TB_TAGS)
    assert blocks["TB"].entity_count == 1 + len(TB_TAGS)
    assert not any(name.startswith("*") for name in blocks)  # *D dimension blocks skipped


def test_block_references_in_model_and_paper_space(result: ExtractionResult) -> None:
    refs = {ref.layout: ref for ref in result.block_references}
    assert set(refs) == {"Model", "Sheet A"}
    assert refs["Model"].block == "TB"
    assert refs["Model"].attributes["REV"] == "C"
    assert refs["Sheet A"].attributes == {
        "TITLE": "Bracket",
        "DWG_NO": "PB-1001",
        "REV": "D",
        "SCALE": "1:1",
        "MATERIAL": "1.4301",
    }
    assert refs["Model"].position == (200.0, 10.0, 0.0)
    assert refs["Model"].handle


def test_title_block_prefers_paper_space_on_a_tie(result: ExtractionResult) -> None:
    tb = result.title_block
    assert tb is not None
    assert tb.source == "INSERT TB in Sheet A"
    assert (tb.part_number, tb.title, tb.revision, tb.scale, tb.material) == (
        "PB-1001",
        "Bracket",
        "D",
        "1:1",
        "1.4301",
    )
    assert tb.fields["DWG_NO"] == "PB-1001"


def test_dimensions_measured_and_text(result: ExtractionResult) -> None:
    dims = result.dimensions
    assert [d.kind for d in dims] == ["linear", "radius", "linear"]
    assert dims[0].measured == pytest.approx(40.0)
    assert dims[0].text is None  # no override: the measurement is displayed
    assert dims[1].measured == pytest.approx(12.5)
    assert dims[2].measured == pytest.approx(25.0)
    assert dims[2].text == "Ø25.0 H7"
    assert all(d.unit == "inch" and d.layout == "Model" for d in dims)


def test_text_plain_and_decoded(result: ExtractionResult) -> None:
    texts = {(t.kind, t.text): t for t in result.text}
    assert ("TEXT", "Ø20 H7 45° ±0.1") in texts
    mtext = texts[("MTEXT", "Note:\nMaterial S235JR")]
    assert mtext.layer == "NOTES" and mtext.height == 2.5 and mtext.position == (0.0, 80.0, 0.0)
    assert ("MTEXT", "Дата") in texts
    assert texts[("TEXT", "SHEET NOTE")].layout == "Sheet A"


def test_stats_count_model_and_paper_space(result: ExtractionResult) -> None:
    counts = result.stats["entity_counts"]
    assert counts["LINE"] == 5
    assert counts["INSERT"] == 5
    assert counts["DIMENSION"] == 3
    assert result.stats["layout_entity_counts"]["Sheet A"] == {"LINE": 1, "TEXT": 1, "INSERT": 1}
    assert result.stats["layouts"] == ["Model", "Layout1", "Sheet A"]


def test_include_text_false_keeps_everything_else(drawing: Path) -> None:
    result = extract(drawing, ExtractionOptions(include_text=False))
    assert result.text == []
    assert len(result.dimensions) == 3
    assert len(result.block_references) == 2


def test_progress_reports_to_total_and_cancel_propagates(drawing: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = extract(drawing, progress=lambda done, total: calls.append((done, total)))
    total = sum(result.stats["entity_counts"].values())
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    def cancel(done: int, total: int) -> None:
        if done:
            raise JobCancelledError("cancelled")

    with pytest.raises(JobCancelledError):
        extract(drawing, progress=cancel)


def test_two_line_angular_dimension_measures_the_side_of_its_arc(tmp_path: Path) -> None:
    # Regression: ezdxf's get_measurement() gives 45° for both; the arc location decides.
    doc = ezdxf.new("R2010", setup=True)
    msp = doc.modelspace()
    line1, line2 = ((0, 0), (10, 0)), ((0, 0), (10, 10))
    msp.add_angular_dim_2l((7.4, 3.1), line1, line2).render()  # between the legs
    msp.add_angular_dim_2l((-3.1, 7.4), line1, line2).render()  # beyond line2
    doc.saveas(tmp_path / "angular.dxf")
    dims = extract(tmp_path / "angular.dxf").dimensions
    assert [d.kind for d in dims] == ["angular", "angular"]
    assert [d.measured for d in dims] == [pytest.approx(45.0), pytest.approx(135.0)]
    assert {d.unit for d in dims} == {"deg"}


def test_dimension_text_follows_dimstyle_format(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    styles: list[dict[str, float]] = [
        {"dimlunit": 5, "dimdec": 3},  # fractional, 1/8 precision
        {"dimlunit": 4, "dimdec": 4},  # architectural (inches -> feet-inches)
        {"dimlunit": 2, "dimdec": 2, "dimzin": 0, "dimdsep": ord(",")},  # decimal comma
        {"dimlunit": 2, "dimdec": 3, "dimzin": 8, "dimlfac": 10.0},  # scaled, zeros dropped
    ]
    for style in styles:
        msp.add_linear_dim(
            base=(0, 2),
            p1=(0, 0),
            p2=(30.5, 0),
            text="<> typ.",
            dimstyle="Standard",
            override=style,
        ).render()
    doc.saveas(tmp_path / "formats.dxf")
    texts = [d.text for d in extract(tmp_path / "formats.dxf").dimensions]
    assert texts == ["30 1/2 typ.", "2'-6 1/2\" typ.", "30,50 typ.", "305 typ."]


def test_binary_dxf(tmp_path: Path) -> None:
    doc = ezdxf.new("R2000")
    doc.header["$INSUNITS"] = 4
    doc.modelspace().add_text("binary", height=1.0)
    doc.saveas(tmp_path / "bin.dxf", fmt="bin")
    result = extract(tmp_path / "bin.dxf")
    assert result.metadata["binary"] is True
    assert [t.text for t in result.text] == ["binary"]
    assert result.units.length == "mm"


def test_code_page_recorded_and_names_decoded(tmp_path: Path) -> None:
    doc = ezdxf.new("R2000")
    doc.encoding = "cp1251"  # written as $DWGCODEPAGE ANSI_1251
    doc.layers.add("Слой")
    doc.modelspace().add_line((0, 0), (1, 0), dxfattribs={"layer": "Слой"})
    doc.saveas(tmp_path / "cp1251.dxf")
    assert "Слой".encode("cp1251") in (tmp_path / "cp1251.dxf").read_bytes()
    result = extract(tmp_path / "cp1251.dxf")
    assert result.metadata["$DWGCODEPAGE"] == "ANSI_1251"
    assert result.metadata["encoding"] == "cp1251"
    assert {layer.name: layer.entity_count for layer in result.layers}["Слой"] == 1


def test_empty_entities_section(tmp_path: Path) -> None:
    ezdxf.new("R2010").saveas(tmp_path / "empty.dxf")
    result = extract(tmp_path / "empty.dxf")
    assert result.stats["entity_counts"] == {}
    assert result.dimensions == [] and result.text == [] and result.title_block is None
    assert [i.code for i in result.issues] == ["dxf_no_entities"]


def _many_lines(path: Path, n: int = 2000) -> bytes:
    doc = ezdxf.new("R2010")
    for i in range(n):
        doc.modelspace().add_line((i, 0), (i, 1))
    doc.saveas(path)
    return path.read_bytes()


def test_file_cut_in_half_is_corrupt(tmp_path: Path) -> None:
    data = _many_lines(tmp_path / "full.dxf")
    (tmp_path / "half.dxf").write_bytes(data[: len(data) // 2])  # inside ENTITIES
    with pytest.raises(CorruptFileError) as info:
        extract(tmp_path / "half.dxf")
    assert info.value.code == "corrupt_file"


def test_file_cut_after_entities_is_recovered(tmp_path: Path) -> None:
    data = _many_lines(tmp_path / "full.dxf")
    cut = data[: data.index(b"OBJECTS") + 300]
    (tmp_path / "cut.dxf").write_bytes(cut)
    result = extract(tmp_path / "cut.dxf")
    assert result.stats["entity_counts"] == {"LINE": 2000}
    assert result.metadata["reader"] == "ezdxf.recover"
    assert result.issues[0].code == "dxf_recovered"


def test_random_bytes_after_section_header_is_corrupt(tmp_path: Path) -> None:
    junk = random.Random(7).randbytes(5000)
    (tmp_path / "junk.dxf").write_bytes(b"0\nSECTION\n" + junk)
    with pytest.raises(CorruptFileError):
        extract(tmp_path / "junk.dxf")


def test_broken_entity_repaired_by_recover(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    doc.modelspace().add_line((1.5, 2), (3, 4))
    doc.saveas(tmp_path / "ok.dxf")
    text = (tmp_path / "ok.dxf").read_text()
    at = text.index("AcDbLine")
    broken = text[:at] + text[at:].replace(" 10\n1.5\n", " 10\n1,5\n", 1)
    assert broken != text
    (tmp_path / "broken.dxf").write_text(broken)
    result = extract(tmp_path / "broken.dxf")
    codes = [i.code for i in result.issues]
    assert codes[0] == "dxf_recovered"
    assert "dxf_audit_invalid_floating_point_value" in codes
    assert result.stats["entity_counts"] == {"LINE": 1}


def _ref(layout: str, **attributes: str) -> BlockReference:
    return BlockReference(block="B", layout=layout, attributes=attributes)


def test_title_block_needs_two_title_tags() -> None:
    assert title_block_from([_ref("Model", DATE="21/04/2020")], {"Model": 0}, "Model") is None


def test_title_block_most_tags_beats_paper_space() -> None:
    refs = [_ref("Sheet 1", SCALE="1:1", DATE="x"), _ref("Model", TITLE="T", REV="B", SHEET="2")]
    tb = title_block_from(refs, {"Model": 0, "Sheet 1": 1}, "Model")
    assert tb is not None and tb.source == "INSERT B in Model"
    assert (tb.title, tb.revision, tb.sheet, tb.scale) == ("T", "B", "2", None)


def test_title_block_synonyms_and_weight() -> None:
    refs = [_ref("Layout1", **{"Drawing No.": "X-1", "Drawn by": "AB", "Weight": "2.5 kg"})]
    tb = title_block_from(refs, {"Model": 0, "Layout1": 1}, "Model")
    assert tb is not None
    assert (tb.part_number, tb.drawn_by) == ("X-1", "AB")
    assert tb.weight is not None and (tb.weight.value, tb.weight.unit) == (2.5, "kg")


def test_unknown_entity_and_undefined_dimension_type_become_issues(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    override = msp.add_linear_dim(base=(0, 2), p1=(0, 0), p2=(3, 0), dimstyle="Standard")
    override.render()
    override.dimension.dxf.dimtype = 7 | 32  # type 7 does not exist in the DXF reference
    msp.add_line((0, 0), (1, 1))
    doc.saveas(tmp_path / "odd.dxf")
    text = (tmp_path / "odd.dxf").read_text()
    widget = (
        f"  0\nACME_WIDGET\n  5\nFFF0\n330\n{msp.layout_key}\n100\nAcDbEntity\n  8\nWidgets\n"
        "100\nAcmeWidget\n 10\n1.0\n 20\n2.0\n 30\n0.0\n"
    )
    at = text.rindex("  0\nLINE\n")  # the model-space LINE (dimension blocks come first)
    (tmp_path / "odd.dxf").write_text(text[:at] + widget + text[at:])
    result = extract(tmp_path / "odd.dxf")
    assert result.stats["entity_counts"] == {"DIMENSION": 1, "ACME_WIDGET": 1, "LINE": 1}
    (dim,) = result.dimensions
    assert dim.kind == "unknown" and dim.measured is None
    issues = {i.code: i for i in result.issues}
    assert issues["dxf_dimension_unmeasured"].location == f"Model #{override.dimension.dxf.handle}"
    assert "ACME_WIDGET" in issues["dxf_unsupported_entity"].message
    assert "'Widgets'" in issues["dxf_undefined_layer"].message


def test_bytes_invalid_in_code_page_are_replaced_and_reported(tmp_path: Path) -> None:
    doc = ezdxf.new("R2000")  # ANSI_1252: byte 0x81 is not defined in cp1252
    doc.modelspace().add_text("X")
    doc.saveas(tmp_path / "bad_byte.dxf")
    data = (tmp_path / "bad_byte.dxf").read_bytes().replace(b"\n  1\nX\n", b"\n  1\nA\x81B\n", 1)
    (tmp_path / "bad_byte.dxf").write_bytes(data)
    result = extract(tmp_path / "bad_byte.dxf")
    assert [t.text for t in result.text] == ["A\ufffdB"]
    assert [i.code for i in result.issues] == ["dxf_text_undecodable"]
    assert "A\ufffdB" in result.model_dump_json()  # storable as JSON (no lone surrogates)


def test_parts_list_row_is_not_a_title_block() -> None:
    refs = [_ref("Sheet 1", ITEM="1", PART_NO="B-12", DESCRIPTION="Bolt", MATERIAL="8.8", QTY="4")]
    assert title_block_from(refs, {"Model": 0, "Sheet 1": 1}, "Model") is None
