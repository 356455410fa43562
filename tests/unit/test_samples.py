"""Ground truth of the shipped samples (samples/README.md), checked with each format's library.

Every check runs twice: on files that ``samples/make_samples.py`` writes into a temporary folder
now, and on the files committed in ``samples/`` (so the README quick start reads what the
README says). A last test runs the script as a command, under another hash seed, and compares
the bytes with the in-process run (the script promises deterministic output).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
SCRIPT = SAMPLES_DIR / "make_samples.py"
SAMPLE_NAMES = ["bracket.dxf", "broken.dxf", "house.ifc", "gearbox.step", "drawing.pdf"]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    written = _load_script().make_samples(out)
    assert sorted(written) == sorted(SAMPLE_NAMES)
    return out


@pytest.fixture(scope="module", params=["generated", "committed"])
def sample_dir(request: pytest.FixtureRequest, generated_dir: Path) -> Path:
    return generated_dir if request.param == "generated" else SAMPLES_DIR


def test_every_sample_exists_and_is_small(sample_dir: Path) -> None:
    for name in SAMPLE_NAMES:
        size = (sample_dir / name).stat().st_size
        assert 1000 < size < 200_000, (name, size)


# --------------------------------------------------------------------------------------------
# DXF


def test_bracket_dxf(sample_dir: Path) -> None:
    import ezdxf

    doc = ezdxf.readfile(sample_dir / "bracket.dxf")
    assert doc.dxfversion == "AC1027"  # R2013
    assert doc.header["$INSUNITS"] == 4  # millimetres

    assert doc.layers.get("OUTLINE").color == 7
    assert doc.layers.get("DIMENSIONS").color == 1
    hidden = doc.layers.get("HIDDEN")
    assert hidden.dxf.linetype == "DASHED"
    assert hidden.is_frozen()
    assert doc.layers.has_entry("TITLE")

    msp: Any = doc.modelspace()  # query() results are typed as plain DXFEntity
    circles = msp.query("CIRCLE")
    assert len(circles) == 4
    assert {c.dxf.radius for c in circles} == {5.0}

    dims = sorted(
        (d.dimtype, round(d.get_measurement(), 6), d.dxf.text) for d in msp.query("DIMENSION")
    )
    assert dims == [
        (0, 80.0, "<>"),
        (0, 120.0, "<>"),
        (3, 10.0, "4x %%c10 H7"),
        (4, 5.0, "<>"),
    ]
    assert {d.dxf.layer for d in msp.query("DIMENSION")} == {"DIMENSIONS"}

    (mtext,) = msp.query("MTEXT")
    assert mtext.text.startswith("\\A1;NOTES:\\P1. BREAK ALL EDGES 0.5 X 45%%d")
    assert "1. BREAK ALL EDGES 0.5 X 45°" in mtext.plain_text()

    bom = [{a.dxf.tag: a.dxf.text for a in i.attribs} for i in msp.query("INSERT[name=='BOM_ROW']")]
    assert bom == [
        {"ITEM": "1", "PART_NO": "PB-1001-01", "DESCRIPTION": "Bracket plate", "QTY": "1"},
        {
            "ITEM": "2",
            "PART_NO": "ISO 4762 M8x25",
            "DESCRIPTION": "Socket head cap screw",
            "QTY": "4",
        },
    ]

    assert "Sheet 1" in doc.layout_names()
    sheet: Any = doc.paperspace("Sheet 1")
    (title,) = sheet.query("INSERT[name=='TITLE_BLOCK']")
    assert {a.dxf.tag: a.dxf.text for a in title.attribs} == {
        "DWG_NO": "PB-1001",
        "TITLE": "Mounting bracket",
        "REV": "B",
        "MATERIAL": "S235JR",
        "SCALE": "1:1",
        "SHEET": "1 of 1",
        "DRAWN_BY": "J. Smith",
        "DATE": "2026-11-29",
    }
    attdefs = {a.dxf.tag for a in doc.blocks.get("TITLE_BLOCK").query("ATTDEF")}
    assert {"DWG_NO", "TITLE", "REV", "MATERIAL"} <= attdefs


def test_broken_dxf_is_a_truncated_bracket(sample_dir: Path) -> None:
    import ezdxf
    from ezdxf.lldxf.const import DXFStructureError

    broken = (sample_dir / "broken.dxf").read_bytes()
    whole = (sample_dir / "bracket.dxf").read_bytes()
    assert whole.startswith(broken)
    assert len(broken) < len(whole)
    entities = broken.index(b"\nENTITIES\n")
    assert b"\nENDSEC\n" not in broken[entities:]
    assert not broken.rstrip().endswith(b"EOF")
    with pytest.raises(DXFStructureError):
        ezdxf.readfile(sample_dir / "broken.dxf")


# --------------------------------------------------------------------------------------------
# IFC


def test_house_ifc(sample_dir: Path) -> None:
    import ifcopenshell
    import ifcopenshell.util.element as element
    import ifcopenshell.util.unit as unit

    model: Any = ifcopenshell.open(str(sample_dir / "house.ifc"))
    assert model.schema == "IFC4"
    assert unit.calculate_unit_scale(model) == pytest.approx(0.001)  # project unit: mm
    (project,) = model.by_type("IfcProject")
    assert project.Name == "Sample House"

    counts = {c: len(model.by_type(c)) for c in ("IfcWall", "IfcDoor", "IfcWindow", "IfcSlab")}
    assert counts == {"IfcWall": 6, "IfcDoor": 2, "IfcWindow": 3, "IfcSlab": 2}

    storeys = {s.Name: s for s in model.by_type("IfcBuildingStorey")}
    assert {name: s.Elevation for name, s in storeys.items()} == {
        "Ground Floor": 0.0,
        "First Floor": 3000.0,
    }

    def contained(storey: Any) -> dict[str, int]:
        found: dict[str, int] = {}
        for product in element.get_decomposition(storey):
            found[product.is_a()] = found.get(product.is_a(), 0) + 1
        return found

    assert contained(storeys["Ground Floor"]) == {
        "IfcWall": 4,
        "IfcDoor": 2,
        "IfcWindow": 3,
        "IfcSlab": 1,
    }
    assert contained(storeys["First Floor"]) == {"IfcWall": 2, "IfcSlab": 1}

    for wall in model.by_type("IfcWall"):
        typed_by: Any = element.get_type(wall)
        assert typed_by.is_a("IfcWallType") and typed_by.Name == "WT-200"
        psets = element.get_psets(wall)
        assert psets["Pset_WallCommon"]["IsExternal"] is True
        assert psets["Pset_WallCommon"]["FireRating"] == "REI 60"
        qto = psets["Qto_WallBaseQuantities"]
        assert qto["Length"] in (10000.0, 8000.0)
        assert qto["Height"] == 3000.0
        assert qto["NetVolume"] == pytest.approx(qto["Length"] * 3000.0 * 200.0 / 1e9)
    (wall_type,) = model.by_type("IfcWallType")
    layer_set: Any = element.get_material(wall_type)
    assert layer_set.is_a("IfcMaterialLayerSet")
    assert [(x.Material.Name, x.LayerThickness) for x in layer_set.MaterialLayers] == [
        ("Concrete", 200.0)
    ]
    for door in model.by_type("IfcDoor"):
        assert element.get_psets(door)["Pset_DoorCommon"]["FireRating"] == "EI 30"

    guids = [root.GlobalId for root in model.by_type("IfcRoot")]
    assert len(set(guids)) == len(guids)


# --------------------------------------------------------------------------------------------
# STEP


def _step_tree(path: Path) -> list[tuple[int, str]]:
    """(depth, name) of every label in the XCAF assembly tree, depth-first."""
    from OCP.collections import Sequence_TDF_Label
    from OCP.IFSelect import IFSelect_RetDone
    from OCP.STEPCAFControl import STEPCAFControl_Reader
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDataStd import TDataStd_Name
    from OCP.TDF import TDF_Label
    from OCP.TDocStd import TDocStd_Document
    from OCP.XCAFApp import XCAFApp_Application
    from OCP.XCAFDoc import XCAFDoc_DocumentTool

    doc = TDocStd_Document(TCollection_ExtendedString("XmlXCAF"))
    XCAFApp_Application.GetApplication_s().InitDocument(doc)
    reader = STEPCAFControl_Reader()
    reader.SetNameMode(True)
    assert reader.ReadFile(str(path)) == IFSelect_RetDone
    assert reader.Transfer(doc)
    shapes = XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())

    def name(label: Any) -> str:
        attr = TDataStd_Name()
        found = label.FindAttribute(TDataStd_Name.GetID_s(), attr)
        return attr.Get().ToExtString() if found else ""

    tree: list[tuple[int, str]] = []

    def walk(label: Any, depth: int) -> None:
        tree.append((depth, name(label)))
        components = Sequence_TDF_Label()
        shapes.GetComponents_s(label, components, False)
        for component in components:
            referred = TDF_Label()
            shapes.GetReferredShape_s(component, referred)
            walk(referred, depth + 1)

    free = Sequence_TDF_Label()
    shapes.GetFreeShapes(free)
    for label in free:
        walk(label, 0)
    return tree


def test_gearbox_step(sample_dir: Path) -> None:
    path = sample_dir / "gearbox.step"
    text = path.read_text(encoding="latin-1")
    assert "FILE_SCHEMA(('AUTOMOTIVE_DESIGN" in text  # AP214
    assert "SI_UNIT(.MILLI.,.METRE.)" in text
    products = re.findall(r"=\s*PRODUCT\('([^']*)'", text)
    assert sorted(products) == ["BEARING", "GEARBOX", "HOUSING", "SHAFT", "SHAFT_ASSY"]
    assert len(re.findall(r"=\s*NEXT_ASSEMBLY_USAGE_OCCURRENCE\(", text)) == 6

    shaft_assy = [(1, "SHAFT_ASSY"), (2, "SHAFT"), (2, "BEARING"), (2, "BEARING")]
    assert _step_tree(path) == [(0, "GEARBOX"), (1, "HOUSING"), *shaft_assy, *shaft_assy]


# --------------------------------------------------------------------------------------------
# PDF


def test_drawing_pdf(sample_dir: Path) -> None:
    import pdfplumber

    with pdfplumber.open(sample_dir / "drawing.pdf") as pdf:
        assert len(pdf.pages) == 2
        first, second = pdf.pages
        assert (round(first.width), round(first.height)) == (1191, 842)  # A3 landscape, pt
        text = first.extract_text()
        for expected in ("PB-1001", "Mounting bracket", "S235JR", "120", "Ø10 H7", "80 ±0.1"):
            assert expected in text
        tables = first.extract_tables()
        assert [
            ["Item", "Part number", "Description", "Qty", "Material"],
            ["1", "PB-1001-01", "Bracket plate", "1", "S235JR"],
            ["2", "ISO 4762 M8x25", "Socket head cap screw", "4", "Steel 8.8"],
            ["3", "ISO 7089 8", "Washer", "4", "Steel 200 HV"],
        ] in tables
        assert second.chars == []
        assert len(second.images) == 1


# --------------------------------------------------------------------------------------------


def test_script_reproduces_the_committed_samples(tmp_path: Path) -> None:
    """Run as a command (fresh process, other hash seed), the script writes exactly the
    committed files."""
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    for name in SAMPLE_NAMES:
        assert name in run.stdout
        assert (tmp_path / name).read_bytes() == (SAMPLES_DIR / name).read_bytes(), name
