"""DXF extractor on every DXF of the real-file corpus: the facts MANIFEST.tsv states.

Each file is extracted once (cached for the module) through the public API."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from pybase.extraction.result import ExtractionResult

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def dxf(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``dxf("vemo__PL14.dxf")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"dxf/{name}")


def _kinds(result: ExtractionResult) -> Counter[str]:
    return Counter(d.kind for d in result.dimensions)


def _model(result: ExtractionResult) -> dict[str, int]:
    counts: dict[str, int] = result.stats["layout_entity_counts"]["Model"]
    return counts


def _texts(result: ExtractionResult) -> list[str]:
    return [t.text for t in result.text]


#: Every corpus DXF and the test below that asserts its MANIFEST facts.
COVERED = {
    "dxfparser__api-cw750-details.dxf": "test_api_cw750",
    "acadsharp__sample_AC1009_ascii.dxf": "test_acadsharp_r12",
    "librecad__dim_sample.dxf": "test_librecad_dim_sample",
    "ezdxf__acad_table_simple.dxf": "test_acad_table_simple",
    "librecad__sheets_A4_1_draw.dxf": "test_librecad_a4_sheet_cyrillic",
    "vemo__PL14.dxf": "test_vemo_pl14",
    "ezdxf__small_r13.dxf": "test_small_r13_dos932",
    "ezdxf__AC1003_LINE_Example.dxf": "test_ac1003_pre_r12",
    "ezdxf__mtext_complex_inline_codes.dxf": "test_mtext_inline_codes",
    "ezdxf__bin_dxf_r2000.dxf": "test_binary_r2000",
    "egghunters__dxf_3.dxf": "test_egghunters_caxa",
    "openamr__MMP.02.00.00.001_Base.DXF": "test_openamr_solidworks_flat_pattern",
    "ezdxf__Leica_Disto_S910.dxf": "test_leica_disto",
    "ezdxf__uncommon.dxf": "test_uncommon_entities",
}


def test_every_corpus_dxf_is_covered(corpus_dir: Path) -> None:
    assert {p.name for p in (corpus_dir / "dxf").iterdir()} == set(COVERED)
    assert all(callable(globals().get(test)) for test in COVERED.values())


def test_api_cw750(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("dxfparser__api-cw750-details.dxf")
    assert r.source.format_version == "AC1027"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    layers = {layer.name for layer in r.layers}
    assert len(layers) == 22 and {"FG-Dim", "FG-Title", "FG-Dtl-Glass"} <= layers
    model = _model(r)
    assert model["DIMENSION"] == 293
    assert (model["MULTILEADER"], model["LEADER"], model["HATCH"], model["3DSOLID"]) == (
        58,
        11,
        65,
        3,
    )
    model_dims = Counter(d.kind for d in r.dimensions if d.layout == "Model")
    assert model_dims == {"linear": 233, "radius": 43, "angular": 7, "diameter": 6, "aligned": 4}
    assert r.stats["layouts"] == ["Model", "Sheet 1", "Sheet 2", "Sheet 3", "Sheet 4"]
    for n in range(1, 5):
        (title,) = [
            b for b in r.block_references if b.block == "11x17" and b.layout == f"Sheet {n}"
        ]
        assert title.attributes == {
            "CUSTOMER": "API In House",
            "ASSEMBLY": '2-1/2" x 7-1/2" Curtain Wall',
            "SCALE": "N.T.S",
            "DRAWN_BY": "SW",
            "DATE": "12-13-10",
            "SHEET": f"{n} of 4",
        }
    blocks = {b.block for b in r.block_references}
    assert {"Detail Title", "Section Title"} <= blocks
    callouts = [b for b in r.block_references if b.block.startswith("*U")]
    assert callouts and all(set(b.attributes) == {"SHEETNO", "DETNO"} for b in callouts)
    assert {b.block for b in callouts} <= {f"*U{n}" for n in range(33, 42)}
    tb = r.title_block
    assert tb is not None and tb.source == "INSERT 11x17 in Sheet 1"
    assert (tb.title, tb.scale, tb.drawn_by, tb.date, tb.sheet) == (
        '2-1/2" x 7-1/2" Curtain Wall',
        "N.T.S",
        "SW",
        "12-13-10",
        "1 of 4",
    )
    assert tb.fields["CUSTOMER"] == "API In House"


def test_acadsharp_r12(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("acadsharp__sample_AC1009_ascii.dxf")
    assert r.source.format_version == "AC1009"
    assert "$DWGCODEPAGE" not in r.metadata
    layers = {layer.name: layer for layer in r.layers}
    assert len(layers) == 21
    assert layers["LAYER_OFF"].on is False
    assert layers["LAYER_FREEZE"].frozen is True
    assert layers["LAYER_LT_DASH"].linetype not in (None, "CONTINUOUS")
    assert "LAYER_TRUE_COLOR" in layers
    model = _model(r)
    assert (model["INSERT"], model["TEXT"], model["LINE"], model["POLYLINE"]) == (45, 29, 28, 26)
    assert (model["DIMENSION"], model["SHAPE"]) == (11, 1)
    assert _kinds(r) == {
        "linear": 3,
        "aligned": 2,
        "angular": 1,
        "angular3p": 1,
        "radius": 1,
        "diameter": 1,
        "ordinate": 2,
    }
    refs = {b.block: b.attributes for b in r.block_references}
    assert refs["MYBLOCK"] == {"ATTINFO": "17"}
    assert len(refs["MY_BLOCK_V2"]) == 3
    assert refs["MY_BLOCK_V2"]["PRESET_ATT"] == "hello"
    assert refs["MY_BLOCK_V2"]["VERIFY_ATT"] == "bla bla"
    assert r.stats["layout_entity_counts"]["Layout1"] == {"VIEWPORT": 2}


def test_librecad_dim_sample(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("librecad__dim_sample.dxf")
    assert r.source.format_version == "AC1021"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    assert r.units.length == "mm" and r.units.source == "$INSUNITS=4"
    layers = {layer.name for layer in r.layers}
    assert len(layers) == 8
    assert {"DIM$LINEAR", "DIM$ANGULAR", "DIM$RADIAL", "DIM$DIAMETRIC", "DIM$ORDINATE"} <= layers
    assert _kinds(r) == {
        "linear": 6,
        "aligned": 1,
        "angular": 2,
        "radius": 3,
        "diameter": 2,
        "ordinate": 6,
    }
    lengths = [d for d in r.dimensions if d.kind not in ("angular", "angular3p")]
    assert {d.unit for d in lengths} == {"mm"}
    assert all(d.measured is not None for d in r.dimensions)
    model = _model(r)
    assert (model["LINE"], model["CIRCLE"], model["ARC"], model["LWPOLYLINE"]) == (5, 3, 1, 1)


def test_acad_table_simple(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__acad_table_simple.dxf")
    assert r.source.format_version == "AC1027"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    assert _model(r) == {"ACAD_TABLE": 1}
    (table,) = r.tables
    assert table.title == "Title"
    assert [table.header, *table.rows] == [["1", "2", "3"], ["4", "5", "6"]]


def test_librecad_a4_sheet_cyrillic(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("librecad__sheets_A4_1_draw.dxf")
    assert r.source.format_version == "AC1015"
    assert "$DWGCODEPAGE" not in r.metadata
    assert r.units.length == "mm"
    assert _model(r) == {"LINE": 55, "ARC": 2, "MTEXT": 57}
    texts = _texts(r)
    for label in ("Дата", "Масса", "Масштаб", "Лист", "Листов", "Изм.", "N докум.", "1:1"):
        assert label in texts
    assert not any("\\U+" in t for t in texts)
    assert r.blocks == [] and r.block_references == []


def test_vemo_pl14(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("vemo__PL14.dxf")
    assert r.source.format_version == "AC1015"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    layers = {layer.name: layer for layer in r.layers}
    assert len(layers) == 7 and "Feuille dessin" in layers
    assert _model(r) == {"TEXT": 14, "LINE": 8, "CIRCLE": 4}
    assert layers["Repère pièce"].entity_count >= 14
    label = {t.text: t for t in r.text}
    for word in ("Aff:", "00000-00000", "Rep:", "8", "Qtité:", "2", "Qual:", "S235JR", "Dim:"):
        assert word in label
    assert label["Qual:"].layer == "Repère pièce"
    assert label["Qual:"].position is not None and label["S235JR"].position is not None
    assert label["Qual:"].position[1] == label["S235JR"].position[1]  # one row: 'Qual: S235JR'
    assert len(r.stats["layouts"]) == 3


def test_small_r13_dos932(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__small_r13.dxf")
    assert r.source.format_version == "AC1012"
    assert r.metadata["$DWGCODEPAGE"] == "dos932"
    assert {layer.name for layer in r.layers} >= {"0", "3USMM_PKG", "FOOT_PRINT"}
    assert _model(r) == {"POLYLINE": 16}
    assert len(r.blocks) == 20 and all(b.name.startswith("_") for b in r.blocks)


def test_ac1003_pre_r12(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__AC1003_LINE_Example.dxf")
    assert r.source.format_version == "AC1003"
    assert r.issues[0].code == "dxf_recovered"
    assert _model(r) == {"LINE": 13, "ARC": 9}
    assert {layer.name: layer.entity_count for layer in r.layers}["1"] == 22
    extents = r.stats["extents"]
    assert extents["source"] == "$EXTMIN/$EXTMAX"
    assert (extents["min"][:2], extents["max"][:2]) == ([0.0, 0.0], [3.625, 1.625])


def test_mtext_inline_codes(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__mtext_complex_inline_codes.dxf")
    assert r.source.format_version == "AC1027"
    assert _model(r) == {"MTEXT": 8, "LINE": 4}
    texts = _texts(r)
    assert len(texts) == 8
    for text in texts:
        assert text.startswith("Complex MTEXT content:") and "HEADLINE" in text
        assert "\\P" not in text and "\\f" not in text and "{" not in text


def test_binary_r2000(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__bin_dxf_r2000.dxf")
    assert r.metadata["binary"] is True
    assert r.source.format_version == "AC1015"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    assert r.units.length == "m"
    assert [(t.kind, t.text, t.layout) for t in r.text] == [("TEXT", "ezdxf", "Model")]


def test_egghunters_caxa(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("egghunters__dxf_3.dxf")
    assert r.source.format_version == "AC1027"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_936"
    assert r.units.length == "mm"
    model = _model(r)
    assert (model["LINE"], model["ARC"], model["INSERT"], model["MTEXT"]) == (1199, 250, 122, 64)
    assert _kinds(r) == {"linear": 17}
    texts = [d.text for d in r.dimensions]
    assert "φ130%&H7%/f9" in texts and "φ45%&H7%/r6" in texts
    (overridden,) = [d for d in r.dimensions if d.text == "445"]
    assert overridden.measured == pytest.approx(458.0)
    assert "1轮廓实线层" in {layer.name for layer in r.layers}
    for entry in (
        "8-螺栓 M16x130",
        "GB30-76",
        "2-轴承7312",
        "MDE-56-1-101",
        "密封盖",
        "1 : 1",
        "A3",
    ):
        assert entry in _texts(r)
    blocks = {b.name: b for b in r.blocks}
    assert len(blocks["PC_TITLE_BLOCK"].attribute_tags) == 14
    assert len(blocks["PC_MXB_BLOCK"].attribute_tags) == 8
    assert not {b.block for b in r.block_references} & {"PC_TITLE_BLOCK", "PC_MXB_BLOCK"}


def test_openamr_solidworks_flat_pattern(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("openamr__MMP.02.00.00.001_Base.DXF")
    assert r.source.format_version == "AC1015"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1251"
    assert r.units.length == "mm"
    assert _model(r) == {"CIRCLE": 98, "LINE": 70, "ARC": 24}
    assert {layer.name: layer.entity_count for layer in r.layers}["0"] == 192
    assert r.text == [] and r.dimensions == [] and r.blocks == []


def test_leica_disto(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__Leica_Disto_S910.dxf")
    assert r.source.format_version == "AC1009"
    layers = {layer.name for layer in r.layers}
    assert {"LEICA_DISTO_ID", "LEICA_DISTO_3D", "LEICA_DISTO_POINT_ENTITY"} <= layers
    assert _model(r) == {"POINT": 11, "TEXT": 11, "LINE": 10}
    texts = _texts(r)
    assert "1 (IMG_20160506_121212.jpg)" in texts
    assert sorted(int(t.split(" ")[0]) for t in texts) == list(range(1, 12))
    assert r.stats["extents"]["source"] == "computed (ezdxf.bbox)"  # no $EXTMIN in the file


def test_uncommon_entities(dxf: Callable[[str], ExtractionResult]) -> None:
    r = dxf("ezdxf__uncommon.dxf")
    assert r.source.format_version == "AC1032"
    assert r.metadata["$DWGCODEPAGE"] == "ANSI_1252"
    assert r.units.length == "inch" and r.units.source == "$INSUNITS=1"
    model = _model(r)
    assert (model["DIMENSION"], model["LARGE_RADIAL_DIMENSION"], model["ARC_DIMENSION"]) == (
        13,
        2,
        1,
    )
    assert (model["MULTILEADER"], model["RAY"], model["XLINE"], model["MESH"]) == (2, 3, 2, 1)
    assert (model["SPLINE"], model["POLYLINE"], model["MTEXT"]) == (1, 2, 19)
    assert _kinds(r) == {
        "linear": 3,
        "aligned": 1,
        "angular": 3,
        "radius": 1,
        "diameter": 1,
        "ordinate": 4,
        "large_radial": 2,
        "arc_length": 1,
    }
    assert all(d.measured is not None for d in r.dimensions)
    assert {d.unit for d in r.dimensions if d.kind != "angular"} == {"inch"}
    refs = [b for b in r.block_references if b.block == "DATE_BLOCK"]
    assert [b.attributes for b in refs] == [{"DATE": "21/04/2020"}]
    assert r.title_block is None  # a lone DATE attribute is a stamp, not a title block
    assert r.stats["layout_entity_counts"]["Layout1"] == {"VIEWPORT": 2}


def test_uncommon_measurements_match_autocad_stored_values(
    corpus_file: Callable[[str], Path], dxf: Callable[[str], ExtractionResult]
) -> None:
    # Regression: the file stores AutoCAD's own measurement (DIMENSION group 42; radians for
    # angles); ezdxf's get_measurement() gives e.g. 270° for the 90° angular dimension.
    import math

    import ezdxf

    doc = ezdxf.readfile(corpus_file("dxf/ezdxf__uncommon.dxf"))
    stored = [
        e.dxf.actual_measurement
        for e in doc.modelspace()
        if e.dxftype() in ("DIMENSION", "ARC_DIMENSION", "LARGE_RADIAL_DIMENSION")
    ]
    r = dxf("ezdxf__uncommon.dxf")
    assert len(stored) == len(r.dimensions) == 16
    for value, dim in zip(stored, r.dimensions, strict=True):
        expected = math.degrees(value) if dim.kind == "angular" else value
        assert dim.measured == pytest.approx(expected, rel=1e-9), dim
