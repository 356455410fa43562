"""STEP in depth: placements, assembly totals, layers, materials and mass, validation
properties and AP242 semantic PMI, on files generated here with OCP (known ground truth) and
on hand-written Part 21 text; plus the pure helpers (transforms, units, complex instances)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from pybase.extraction import extract
from pybase.extraction.result import AssemblyNode, ExtractionResult
from pybase.extraction.step_part21 import read_part21
from pybase.extraction.step_transform import IDENTITY, apply, axis_angle, compose
from pybase.extraction.step_units import measure, unit_info

HEADER = """ISO-10303-21;
HEADER;
FILE_DESCRIPTION(('hand written'),'2;1');
FILE_NAME('t.stp','2024-01-01T00:00:00',('Tester'),('PyBase'),'hand','hand','');
FILE_SCHEMA(('AP242_MANAGED_MODEL_BASED_3D_ENGINEERING_MIM_LF { 1 0 10303 442 1 1 4 }'));
ENDSEC;
"""


# ------------------------------------------------------------------------------------------
# files generated with OCP


def _location(translation: tuple[float, float, float], angle_deg: float = 0.0):  # type: ignore[no-untyped-def]
    """A TopLoc_Location: rotation by ``angle_deg`` about z, then ``translation`` (mm)."""
    from OCP.gp import gp_Ax1, gp_Dir, gp_Pnt, gp_Trsf, gp_Vec
    from OCP.TopLoc import TopLoc_Location

    trsf = gp_Trsf()
    if angle_deg:
        trsf.SetRotation(gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(0, 0, 1)), math.radians(angle_deg))
    trsf.SetTranslationPart(gp_Vec(*translation))
    return TopLoc_Location(trsf)


def _write(doc, path: Path, unit: str | None = None) -> Path:  # type: ignore[no-untyped-def]
    from OCP.Interface import Interface_Static
    from OCP.STEPCAFControl import STEPCAFControl_Writer
    from OCP.STEPControl import STEPControl_StepModelType

    writer = STEPCAFControl_Writer()
    writer.SetLayerMode(True)
    writer.SetMaterialMode(True)
    if unit:
        Interface_Static.SetCVal_s("write.step.unit", unit)
    try:
        writer.Transfer(doc, STEPControl_StepModelType.STEPControl_AsIs)
        writer.Write(str(path))
    finally:
        if unit:
            Interface_Static.SetCVal_s("write.step.unit", "MM")
    return path


def _new_doc():  # type: ignore[no-untyped-def]
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDocStd import TDocStd_Document
    from OCP.XCAFDoc import XCAFDoc_DocumentTool

    import pybase.extraction.step_xcaf  # noqa: F401  (quiets OCCT's messenger)

    doc = TDocStd_Document(TCollection_ExtendedString("MDTV-XCAF"))
    return doc, XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())


def _name(label, name: str):  # type: ignore[no-untyped-def]
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDataStd import TDataStd_Name

    TDataStd_Name.Set_s(label, TCollection_ExtendedString(name))
    return label


def _write_fixture(path: Path, unit: str | None = None) -> Path:
    """Nested assembly 'fixture': a 40x20x5 plate at the origin and two 'pin-pair'
    sub-assemblies, one translated by (10, 20, 30) mm, one rotated 90 degrees about z and
    moved to (100, 0, 0); each pin-pair holds two 2x2x10 'pin' boxes 5 mm apart; the pin is on
    layer PINS."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.XCAFDoc import XCAFDoc_DocumentTool

    doc, shapes = _new_doc()
    layers = XCAFDoc_DocumentTool.LayerTool_s(doc.Main())
    plate = _name(shapes.AddShape(BRepPrimAPI_MakeBox(40.0, 20.0, 5.0).Shape(), False), "plate")
    pin = _name(shapes.AddShape(BRepPrimAPI_MakeBox(2.0, 2.0, 10.0).Shape(), False), "pin")
    layers.SetLayer(pin, TCollection_ExtendedString("PINS"))
    pair = _name(shapes.NewShape(), "pin-pair")
    _name(shapes.AddComponent(pair, pin, _location((0.0, 0.0, 0.0))), "pin-left")
    _name(shapes.AddComponent(pair, pin, _location((5.0, 0.0, 0.0))), "pin-right")
    top = _name(shapes.NewShape(), "fixture")
    _name(shapes.AddComponent(top, plate, _location((0.0, 0.0, 0.0))), "plate-1")
    _name(shapes.AddComponent(top, pair, _location((10.0, 20.0, 30.0))), "pair-1")
    _name(shapes.AddComponent(top, pair, _location((100.0, 0.0, 0.0), 90.0)), "pair-2")
    shapes.UpdateAssemblies()
    return _write(doc, path, unit)


def _write_block(path: Path, material: tuple[str, float] | None = None) -> Path:
    """A 10x20x30 mm box 'steel-block'; ``material`` (name, density in g/cm3) is added with
    XCAFDoc_MaterialTool and written by STEPCAFControl_Writer."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.TCollection import TCollection_HAsciiString
    from OCP.XCAFDoc import XCAFDoc_DocumentTool

    doc, shapes = _new_doc()
    part = _name(shapes.AddShape(BRepPrimAPI_MakeBox(10.0, 20.0, 30.0).Shape(), False), "block")
    if material is not None:
        materials = XCAFDoc_DocumentTool.MaterialTool_s(doc.Main())
        label = materials.AddMaterial(
            TCollection_HAsciiString(material[0]),
            TCollection_HAsciiString("test material"),
            material[1],
            TCollection_HAsciiString("density"),
            TCollection_HAsciiString("POSITIVE_RATIO_MEASURE"),
        )
        materials.SetMaterial(part, label)
    return _write(doc, path)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("step_depth")
    return {
        "fixture": _write_fixture(root / "fixture.step"),
        "fixture_inch": _write_fixture(root / "fixture_inch.step", "INCH"),
        "block": _write_block(root / "block.step"),
        "steel": _write_block(root / "steel.step", ("X5CrNi18-10", 7.9)),
    }


@pytest.fixture(scope="module")
def fixture_result(files: dict[str, Path]) -> ExtractionResult:
    return extract(files["fixture"])


def _child(node: AssemblyNode, name: str) -> AssemblyNode:
    return next(child for child in node.children if child.name == name)


def test_nested_assembly_quantities_and_bom(fixture_result: ExtractionResult) -> None:
    [top] = fixture_result.assembly
    assert top.name == "fixture" and top.placements == []
    assert [(c.name, c.quantity) for c in top.children] == [("plate", 1), ("pin-pair", 2)]
    assert [(c.name, c.quantity) for c in _child(top, "pin-pair").children] == [("pin", 2)]
    assert fixture_result.bom_flat == {"fixture": 1, "plate": 1, "pin-pair": 2, "pin": 4}
    assert fixture_result.stats["instance_count"] == 8


def test_placements_relative_to_parent_in_mm(fixture_result: ExtractionResult) -> None:
    [top] = fixture_result.assembly
    pair = _child(top, "pin-pair")
    first, second = pair.placements
    assert (first.name, first.unit) == ("pair-1", "mm")
    assert first.translation == pytest.approx((10.0, 20.0, 30.0), abs=1e-9)
    assert first.axis is None and first.angle == 0.0
    assert first.rotation == ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    assert second.name == "pair-2"
    assert second.translation == pytest.approx((100.0, 0.0, 0.0), abs=1e-9)
    assert second.axis == pytest.approx((0.0, 0.0, 1.0))
    assert second.angle == pytest.approx(90.0)
    # x' = R x: the x axis turns into y
    assert [row[0] for row in second.rotation] == pytest.approx([0.0, 1.0, 0.0], abs=1e-12)
    pins = _child(pair, "pin").placements
    assert [p.name for p in pins] == ["pin-left", "pin-right"]
    assert [p.translation for p in pins] == [(0.0, 0.0, 0.0), (5.0, 0.0, 0.0)]


def test_assembly_totals_volume_box_and_centre(fixture_result: ExtractionResult) -> None:
    [top] = fixture_result.assembly
    totals = top.assembly_properties
    assert totals is not None
    assert totals.part_count == 5
    assert totals.volume is not None and totals.volume.unit == "mm3"
    assert totals.volume.value == pytest.approx(40 * 20 * 5 + 4 * 2 * 2 * 10)
    assert totals.surface_area is not None
    assert totals.surface_area.value == pytest.approx(2 * (800 + 200 + 100) + 4 * 2 * (4 + 20 + 20))
    assert totals.mass is None  # no densities in the file
    # plate 0..40 x 0..20 x 0..5; pair-1 pins 10..17 x 20..22 x 30..40;
    # pair-2 (rotated): x = 100 - y in 98..100, y = x in 0..7
    assert totals.bounding_box is not None
    assert totals.bounding_box.min == pytest.approx((0.0, 0.0, 0.0), abs=1e-6)
    assert totals.bounding_box.max == pytest.approx((100.0, 22.0, 40.0), abs=1e-6)
    # volume-weighted: plate (20,10,2.5) x 4000, pair-1 (13.5,21,35) x 80, pair-2 (99,3.5,5) x 80
    expected = [(20 * 4000 + 13.5 * 80 + 99 * 80) / 4160, (10 * 4000 + 21 * 80 + 3.5 * 80) / 4160]
    assert totals.center_of_mass is not None
    assert totals.center_of_mass[:2] == pytest.approx(expected, abs=1e-6)
    assert totals.center_of_mass_basis == "volume"
    pair = _child(top, "pin-pair").assembly_properties
    assert pair is not None and pair.part_count == 2
    assert pair.bounding_box is not None and pair.bounding_box.max == pytest.approx((7, 2, 10))


def test_layers_per_part(fixture_result: ExtractionResult) -> None:
    [top] = fixture_result.assembly
    pin = _child(_child(top, "pin-pair"), "pin")
    plate = _child(top, "plate")
    assert pin.properties is not None and pin.properties.layers == ["PINS"]
    assert plate.properties is not None and plate.properties.layers == []


def test_placements_in_an_inch_file_are_in_inch(files: dict[str, Path]) -> None:
    result = extract(files["fixture_inch"])
    assert result.units.length == "inch"
    [top] = result.assembly
    first, second = _child(top, "pin-pair").placements
    assert first.unit == "inch"
    assert first.translation == pytest.approx((10 / 25.4, 20 / 25.4, 30 / 25.4), abs=1e-6)
    assert second.translation == pytest.approx((100 / 25.4, 0.0, 0.0), abs=1e-6)
    totals = top.assembly_properties
    assert totals is not None and totals.volume is not None
    assert totals.volume.unit == "inch3"
    assert totals.volume.value == pytest.approx(4160 / 25.4**3, rel=1e-9)


def test_occt_written_density_gives_material_and_mass(files: dict[str, Path]) -> None:
    result = extract(files["steel"])
    [node] = result.assembly
    props = node.properties
    assert props is not None
    assert props.material == "X5CrNi18-10"
    assert props.density is not None and props.density.unit == "kg/m3"
    assert props.density.value == pytest.approx(7900.0)  # 7.9 g/cm3
    assert props.mass is not None and props.mass.unit == "kg"
    assert props.mass.value == pytest.approx(7900.0 * 6000e-9)  # 10x20x30 mm
    # OCCT writes the unit as gram^3 x centimetre^2: read as g/cm3, with an issue
    assert "density_unit_inconsistent" in {i.code for i in result.issues}


def test_density_in_consistent_units_and_material_designation(
    files: dict[str, Path], tmp_path: Path
) -> None:
    text = files["steel"].read_text("latin-1")
    # make the OCCT density unit right: gram^1 x centimetre^-3
    text = re.sub(r"(DERIVED_UNIT_ELEMENT\(#\d+,)3\.\)", r"\g<1>1.)", text)
    text = re.sub(r"(DERIVED_UNIT_ELEMENT\(#\d+,)2\.\)", r"\g<1>-3.)", text)
    path = tmp_path / "steel_fixed.step"
    path.write_text(text, "latin-1")
    result = extract(path)
    props = result.assembly[0].properties
    assert props is not None and props.density is not None and props.mass is not None
    assert props.density.value == pytest.approx(7900.0)
    assert props.mass.value == pytest.approx(0.0474)
    assert "density_unit_inconsistent" not in {i.code for i in result.issues}

    plain = files["block"].read_text("latin-1")
    pds = re.search(r"#(\d+) = PRODUCT_DEFINITION_SHAPE\(", plain)
    assert pds is not None
    designated = _append(plain, f"#9100=MATERIAL_DESIGNATION('S235JR',(#{pds.group(1)}));")
    path = tmp_path / "designated.step"
    path.write_text(designated, "latin-1")
    props = extract(path).assembly[0].properties
    assert props is not None
    assert (props.material, props.density, props.mass) == ("S235JR", None, None)


def _append(text: str, entities: str) -> str:
    """Insert instances at the end of the DATA section of an OCCT-written file."""
    head, tail = text.rsplit("ENDSEC;", 1)
    return f"{head}{entities}\nENDSEC;{tail}"


def _validation_entities(pds: int, volume: float, area: float, centre: str) -> str:
    return f"""#9001=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#9002=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#9001))REPRESENTATION_CONTEXT('',''));
#9003=DERIVED_UNIT((#9004));
#9004=DERIVED_UNIT_ELEMENT(#9001,3.);
#9005=DERIVED_UNIT((#9006));
#9006=DERIVED_UNIT_ELEMENT(#9001,2.);
#9010=PROPERTY_DEFINITION('geometric validation property','volume',#{pds});
#9011=REPRESENTATION('volume',(#9012),#9002);
#9012=MEASURE_REPRESENTATION_ITEM('volume measure',VOLUME_MEASURE({volume}),#9003);
#9013=PROPERTY_DEFINITION_REPRESENTATION(#9010,#9011);
#9020=PROPERTY_DEFINITION('geometric validation property','surface area',#{pds});
#9021=REPRESENTATION('surface area',(#9022),#9002);
#9022=MEASURE_REPRESENTATION_ITEM('surface area measure',AREA_MEASURE({area}),#9005);
#9023=PROPERTY_DEFINITION_REPRESENTATION(#9020,#9021);
#9030=PROPERTY_DEFINITION('geometric validation property','centroid',#{pds});
#9031=REPRESENTATION('centroid',(#9032),#9002);
#9032=CARTESIAN_POINT('centre point',{centre});
#9033=PROPERTY_DEFINITION_REPRESENTATION(#9030,#9031);"""


def test_validation_properties_match_and_mismatch(files: dict[str, Path], tmp_path: Path) -> None:
    text = files["block"].read_text("latin-1")
    pds = re.search(r"#(\d+) = PRODUCT_DEFINITION_SHAPE\(", text)
    assert pds is not None
    # true values: 6000 mm3, 2200 mm2, centre (5, 10, 15)
    good = tmp_path / "valid.step"
    good.write_text(
        _append(text, _validation_entities(int(pds.group(1)), 6003.0, 2200.0, "(5.,10.,15.)")),
        "latin-1",
    )
    result = extract(good)
    stats = result.stats["validation_properties"]
    assert (stats["checked"], stats["matched"], stats["mismatched"]) == (3, 3, 0)
    volume = next(d for d in stats["details"] if d["property"] == "volume")
    assert (volume["file"], volume["computed"], volume["unit"]) == (6003.0, 6000.0, "mm3")
    assert "validation_property_mismatch" not in {i.code for i in result.issues}

    bad = tmp_path / "invalid.step"
    bad.write_text(
        _append(text, _validation_entities(int(pds.group(1)), 6000.0, 2300.0, "(5.,10.,15.1)")),
        "latin-1",
    )
    result = extract(bad)
    stats = result.stats["validation_properties"]
    assert (stats["checked"], stats["matched"], stats["mismatched"]) == (3, 1, 2)
    mismatches = [i for i in result.issues if i.code == "validation_property_mismatch"]
    # area 4.5 % off (> 1 %); centroid 0.1 mm off (> 1e-3 of the 37.4 mm box diagonal)
    assert sorted(i.location for i in mismatches) == ["#9020", "#9030"]
    assert any("surface area" in i.message and "2300" in i.message for i in mismatches)


# ------------------------------------------------------------------------------------------
# AP242 semantic PMI, hand-written (no geometry: PMI must survive the Part 21 path)

PMI = (
    HEADER
    + """DATA;
#1=APPLICATION_CONTEXT('managed model based 3d engineering');
#2=PRODUCT_CONTEXT('',#1,'mechanical');
#3=PRODUCT_DEFINITION_CONTEXT('part definition',#1,'design');
#10=PRODUCT('P-1','bracket','',(#2));
#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('design','',#11,#3);
#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#20=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#21=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(25.4),#20);
#22=DIMENSIONAL_EXPONENTS(1.,0.,0.,0.,0.,0.,0.);
#23=(CONVERSION_BASED_UNIT('INCH',#21)LENGTH_UNIT()NAMED_UNIT(#22));
#24=(NAMED_UNIT(*)PLANE_ANGLE_UNIT()SI_UNIT($,.RADIAN.));
#25=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#23,#24))REPRESENTATION_CONTEXT('',''));
#30=SHAPE_ASPECT('hole','',#13,.T.);
#31=SHAPE_ASPECT('face','',#13,.T.);
#40=DATUM('',$,#13,.F.,'A');
#41=DATUM('',$,#13,.F.,'B');
#42=DATUM_REFERENCE_COMPARTMENT('',$,#13,.F.,#40,$);
#43=DATUM_REFERENCE_COMPARTMENT('',$,#13,.F.,#41,(SIMPLE_DATUM_REFERENCE_MODIFIER(.MAXIMUM_MATERIAL_REQUIREMENT.)));
#44=DATUM_SYSTEM('',$,#13,.F.,(#42,#43));
#45=DATUM_REFERENCE_COMPARTMENT('',$,#13,.F.,#40,$);
#46=DATUM_SYSTEM('',$,#13,.F.,(#45));
#50=LENGTH_MEASURE_WITH_UNIT(POSITIVE_LENGTH_MEASURE(0.005),#23);
#51=(GEOMETRIC_TOLERANCE('Position.1','',#50,#30)GEOMETRIC_TOLERANCE_WITH_DATUM_REFERENCE((#44))GEOMETRIC_TOLERANCE_WITH_MODIFIERS((.MAXIMUM_MATERIAL_REQUIREMENT.))POSITION_TOLERANCE());
#52=TOLERANCE_ZONE_FORM('cylindrical or circular');
#53=TOLERANCE_ZONE('',$,#13,.F.,(#51),#52);
#54=LENGTH_MEASURE_WITH_UNIT(POSITIVE_LENGTH_MEASURE(0.002),#23);
#55=FLATNESS_TOLERANCE('Flatness.1','',#54,#31);
#56=LENGTH_MEASURE_WITH_UNIT(POSITIVE_LENGTH_MEASURE(0.003),#23);
#57=PERPENDICULARITY_TOLERANCE('Perpendicularity.1','',#56,#30,(#46));
#60=DIMENSIONAL_SIZE(#30,'diameter');
#61=(LENGTH_MEASURE_WITH_UNIT()MEASURE_REPRESENTATION_ITEM()MEASURE_WITH_UNIT(LENGTH_MEASURE(0.5),#23)
REPRESENTATION_ITEM('nominal value'));
#62=SHAPE_DIMENSION_REPRESENTATION('',(#61),#25);
#63=DIMENSIONAL_CHARACTERISTIC_REPRESENTATION(#60,#62);
#64=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(0.002),#23);
#65=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(-0.001),#23);
#66=TOLERANCE_VALUE(#65,#64);
#67=PLUS_MINUS_TOLERANCE(#66,#60);
#70=DIMENSIONAL_LOCATION('linear distance','',#31,#30);
#71=(LENGTH_MEASURE_WITH_UNIT()MEASURE_REPRESENTATION_ITEM()MEASURE_WITH_UNIT(LENGTH_MEASURE(1.25),#23)
REPRESENTATION_ITEM('nominal value'));
#72=SHAPE_DIMENSION_REPRESENTATION('',(#71),#25);
#73=DIMENSIONAL_CHARACTERISTIC_REPRESENTATION(#70,#72);
#80=ANGULAR_SIZE(#31,'angle',.EQUAL.);
#81=(MEASURE_REPRESENTATION_ITEM()MEASURE_WITH_UNIT(PLANE_ANGLE_MEASURE(0.785398163397448),#24)PLANE_ANGLE_MEASURE_WITH_UNIT()
REPRESENTATION_ITEM('nominal value'));
#82=SHAPE_DIMENSION_REPRESENTATION('',(#81),#25);
#83=DIMENSIONAL_CHARACTERISTIC_REPRESENTATION(#80,#82);
ENDSEC;
END-ISO-10303-21;
"""
)


def test_semantic_pmi_without_geometry(tmp_path: Path) -> None:
    path = tmp_path / "pmi.stp"
    path.write_text(PMI, "ascii")
    result = extract(path)
    codes = {i.code for i in result.issues}
    assert "geometry_unavailable" in codes  # no B-rep: the PMI still comes through
    assert [node.name for node in result.assembly] == ["bracket"]
    position, flatness, perpendicularity = result.gdt
    assert (position.characteristic, position.symbol) == ("position", "⌖")
    assert (position.tolerance, position.unit, position.zone_shape) == (0.005, "inch", "diameter")
    assert position.modifiers == ["mmc"]
    assert [(d.label, d.modifiers) for d in position.datums] == [("A", []), ("B", ["mmc"])]
    assert (flatness.characteristic, flatness.tolerance, flatness.datums) == ("flatness", 0.002, [])
    assert perpendicularity.characteristic == "perpendicularity"
    assert [d.label for d in perpendicularity.datums] == ["A"]
    assert [d.label for d in result.datums] == ["A", "B"]
    sources = [(s.section, s.index, s.text, s.entity) for s in result.notation_sources]
    assert sources[:3] == [
        ("gdt", 0, "Position.1", "#51"),
        ("gdt", 1, "Flatness.1", "#55"),
        ("gdt", 2, "Perpendicularity.1", "#57"),
    ]
    size, location, angle = sorted(result.dimensions, key=lambda d: d.entity or "")
    assert (size.entity, size.kind, size.measured, size.unit) == ("#60", "diameter", 0.5, "inch")
    assert (size.upper_deviation, size.lower_deviation) == (0.002, -0.001)
    assert size.parsed is not None and size.parsed.kind == "diameter"
    assert size.text == "Ø0.5 +0.002/-0.001"
    assert (size.parsed.upper_limit, size.parsed.lower_limit) == (0.502, 0.499)
    assert (location.kind, location.measured, location.unit) == ("linear", 1.25, "inch")
    assert location.upper_deviation is None
    assert (angle.kind, angle.unit) == ("angular", "deg")  # 0.7854 rad
    assert angle.measured == pytest.approx(45.0)
    pmi = result.stats["pmi"]
    assert pmi["by_characteristic"] == {"flatness": 1, "perpendicularity": 1, "position": 1}
    assert pmi["entity_counts"] == {
        "DATUM": 2,
        "DATUM_SYSTEM": 2,
        "DIMENSIONAL_SIZE": 1,
        "ANGULAR_SIZE": 1,
        "DIMENSIONAL_LOCATION": 1,
        "PLUS_MINUS_TOLERANCE": 1,
    }


def test_pmi_entities_referencing_nothing_give_issues(tmp_path: Path) -> None:
    broken = (
        PMI.replace(
            "#55=FLATNESS_TOLERANCE('Flatness.1','',#54,#31);",
            "#55=FLATNESS_TOLERANCE('Flatness.1','',#999,#31);",
        )
        .replace(
            "#42=DATUM_REFERENCE_COMPARTMENT('',$,#13,.F.,#40,$);",
            "#42=DATUM_REFERENCE_COMPARTMENT('',$,#13,.F.,#998,$);",
        )
        .replace("#67=PLUS_MINUS_TOLERANCE(#66,#60);", "#67=PLUS_MINUS_TOLERANCE(#66,#997);")
        .replace(
            "#52=TOLERANCE_ZONE_FORM('cylindrical or circular');",
            "#52=CARTESIAN_POINT('',(0.,0.,0.));",
        )
    )
    path = tmp_path / "pmi_broken.stp"
    path.write_text(broken, "ascii")
    result = extract(path)
    unresolved = {i.location for i in result.issues if i.code == "pmi_reference_unresolved"}
    assert {"#55", "#42", "#67", "#53"} <= unresolved
    position, flatness, _ = result.gdt
    assert flatness.tolerance is None  # its magnitude is missing
    assert position.zone_shape is None  # its zone form is not a TOLERANCE_ZONE_FORM
    assert [d.label for d in position.datums] == ["B"]  # datum A's compartment is dangling
    size = next(d for d in result.dimensions if d.entity == "#60")
    assert (size.measured, size.upper_deviation) == (0.5, None)


STRUCTURE_WITH_PLACEMENTS = (
    HEADER
    + """DATA;
#1=APPLICATION_CONTEXT('automotive design');
#2=PRODUCT_CONTEXT('',#1,'mechanical');
#3=PRODUCT_DEFINITION_CONTEXT('part definition',#1,'design');
#5=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#6=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#5))REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('A-100','frame','',(#2));
#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('design','',#11,#3);
#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=SHAPE_REPRESENTATION('',(#100,#101,#102),#6);
#15=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#20=PRODUCT('B-200','wheel','',(#2));
#21=PRODUCT_DEFINITION_FORMATION('','',#20);
#22=PRODUCT_DEFINITION('design','',#21,#3);
#23=PRODUCT_DEFINITION_SHAPE('','',#22);
#24=SHAPE_REPRESENTATION('',(#103),#6);
#25=SHAPE_DEFINITION_REPRESENTATION(#23,#24);
#30=NEXT_ASSEMBLY_USAGE_OCCURRENCE('W1','w1','',#12,#22,$);
#31=NEXT_ASSEMBLY_USAGE_OCCURRENCE('W2','w2','',#12,#22,$);
#40=ITEM_DEFINED_TRANSFORMATION('','',#103,#101);
#41=(REPRESENTATION_RELATIONSHIP('','',#24,#14)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#40)SHAPE_REPRESENTATION_RELATIONSHIP());
#42=PRODUCT_DEFINITION_SHAPE('','',#30);
#43=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#41,#42);
#44=ITEM_DEFINED_TRANSFORMATION('','',#102,#103);
#45=(REPRESENTATION_RELATIONSHIP('','',#14,#24)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#44)SHAPE_REPRESENTATION_RELATIONSHIP());
#46=PRODUCT_DEFINITION_SHAPE('','',#31);
#47=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#45,#46);
#100=AXIS2_PLACEMENT_3D('',#110,#111,#112);
#101=AXIS2_PLACEMENT_3D('',#113,#111,#112);
#102=AXIS2_PLACEMENT_3D('',#114,#111,#115);
#103=AXIS2_PLACEMENT_3D('',#110,#111,#112);
#110=CARTESIAN_POINT('',(0.,0.,0.));
#111=DIRECTION('',(0.,0.,1.));
#112=DIRECTION('',(1.,0.,0.));
#113=CARTESIAN_POINT('',(10.,20.,30.));
#114=CARTESIAN_POINT('',(100.,0.,0.));
#115=DIRECTION('',(0.,1.,0.));
ENDSEC;
END-ISO-10303-21;
"""
)


def test_placements_from_part21_when_there_is_no_geometry(tmp_path: Path) -> None:
    path = tmp_path / "placed.stp"
    path.write_text(STRUCTURE_WITH_PLACEMENTS, "ascii")
    result = extract(path)
    assert "geometry_unavailable" in {i.code for i in result.issues}
    [frame] = result.assembly
    [wheel] = frame.children
    assert (wheel.name, wheel.quantity) == ("wheel", 2)
    first, second = wheel.placements
    assert (first.name, first.translation, first.angle) == ("W1", (10.0, 20.0, 30.0), 0.0)
    # W2 is written with rep_1 / rep_2 the other way round (parent first): still the child's
    # placement in the parent
    assert second.name == "W2"
    assert second.translation == pytest.approx((100.0, 0.0, 0.0))
    assert second.axis == pytest.approx((0.0, 0.0, 1.0)) and second.angle == pytest.approx(90.0)


# ------------------------------------------------------------------------------------------
# pure helpers


def test_transform_composition_and_axis_angle() -> None:
    quarter = (0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 100.0, 0.0, 0.0)
    shift = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 5.0, 0.0, 0.0)
    both = compose(quarter, shift)  # shift first, then the quarter turn
    assert apply(both, (0.0, 0.0, 0.0)) == pytest.approx((100.0, 5.0, 0.0))
    assert compose(IDENTITY, shift) == shift
    axis, angle = axis_angle(quarter)
    assert axis == pytest.approx((0.0, 0.0, 1.0)) and angle == pytest.approx(90.0)
    half = (-1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0)
    axis, angle = axis_angle(half)
    assert axis == pytest.approx((0.0, 1.0, 0.0)) and angle == pytest.approx(180.0)
    assert axis_angle(IDENTITY) == (None, 0.0)


def test_units_and_measures_of_complex_instances() -> None:
    p21 = read_part21(PMI.encode())
    inch = unit_info(p21, 23)
    assert inch is not None and (inch.name, inch.factor, inch.dims) == ("inch", 0.0254, (1, 0, 0))
    radian = unit_info(p21, 24)
    assert radian is not None and (radian.name, radian.is_angle) == ("rad", True)
    nominal = measure(p21, 61)
    assert nominal is not None
    assert (nominal.value, nominal.kind, nominal.name) == (0.5, "LENGTH_MEASURE", "nominal value")
    assert nominal.unit == inch
    position = p21.entity(51)
    assert position is not None and position.complex
    assert position.is_a("POSITION_TOLERANCE") and not position.is_a("FLATNESS_TOLERANCE")
    assert p21.ids_of("POSITION_TOLERANCE", "FLATNESS_TOLERANCE") == [51, 55]
    assert p21.entity(12345) is None


def _mutations(text: str) -> list[str]:
    """Damaged variants of a Part 21 text: each reference inside an instance pointed at a
    missing instance, at a PRODUCT, at an APPLICATION_CONTEXT; each instance with its last
    parameter dropped."""
    head, data = text.split("DATA;", 1)
    out: list[str] = []
    for match in re.finditer(r"(?<!^)(?<!\n)#\d+", data):
        for target in ("#99999", "#10", "#1"):
            out.append(f"{head}DATA;{data[: match.start()]}{target}{data[match.end() :]}")
    for match in re.finditer(r",[^,()]*\);", data):
        out.append(f"{head}DATA;{data[: match.start()]});{data[match.end() :]}")
    return out


@pytest.mark.parametrize("text", [PMI, STRUCTURE_WITH_PLACEMENTS], ids=["pmi", "placements"])
def test_damaged_part21_never_raises_in_the_readers(text: str) -> None:
    from pybase.extraction.result import SourceInfo
    from pybase.extraction.step_materials import read_materials
    from pybase.extraction.step_placement import part21_placements
    from pybase.extraction.step_pmi import read_pmi
    from pybase.extraction.step_validation import read_validation_properties

    variants = _mutations(text)
    assert len(variants) > 100
    for variant in variants:
        p21 = read_part21(variant.encode())
        result = ExtractionResult(
            source=SourceInfo(name="x.stp", sha256="0", bytes=1, format="step")
        )
        read_pmi(p21, result)
        read_materials(p21, result.issues)
        read_validation_properties(p21)
        part21_placements(p21)
        ExtractionResult.model_validate_json(result.model_dump_json())
