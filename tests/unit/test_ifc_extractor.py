"""IfcExtractor on models generated in tmp_path with ifcopenshell.api (known ground truth), and
on broken input (truncated, garbage, unknown schema, bad IFCZIP)."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pybase.errors import (
    CorruptFileError,
    EncryptedFileError,
    JobCancelledError,
    UnsupportedFormatError,
)
from pybase.extraction import api
from pybase.extraction.base import ExtractionOptions, no_progress
from pybase.extraction.detect import DetectedFormat
from pybase.extraction.ifc import IfcExtractor
from pybase.extraction.result import ExtractionResult

ifcopenshell = pytest.importorskip("ifcopenshell")
run = pytest.importorskip("ifcopenshell.api").run


@dataclass
class Model:
    """A generated model and the GlobalIds of its interesting objects."""

    path: Path
    wall1: str
    wall2: str
    door: str
    part: str
    column: str
    opening: str


def _units(f: Any, length_unit: str) -> None:
    if length_unit in ("foot", "inch"):
        units = [
            run("unit.add_conversion_based_unit", f, name=length_unit),
            run("unit.add_conversion_based_unit", f, name=f"square {length_unit}"),
            run("unit.add_conversion_based_unit", f, name=f"cubic {length_unit}"),
            run("unit.add_conversion_based_unit", f, name="degree"),
        ]
    else:
        units = [
            run("unit.add_si_unit", f, unit_type="LENGTHUNIT", prefix=length_unit or None),
            run("unit.add_si_unit", f, unit_type="AREAUNIT"),
            run("unit.add_si_unit", f, unit_type="VOLUMEUNIT"),
        ]
    run("unit.assign_unit", f, units=units)


def build_model(
    tmp_path: Path, length_unit: str | None = "foot", schema: str = "IFC4", name: str = "m.ifc"
) -> Model:
    """Project 'Test Project' / site / building / storey 'Level 2' at elevation 10.0;
    wall type 'WT-1' (Pset_WallCommon FireRating '2HR', IsExternal True; layer set
    Concrete + Gypsum); walls W1 (qset Qto_WallBaseQuantities) and W2 (overrides IsExternal
    False) of that type; door D1 with Pset_DoorCommon and a qset; a part aggregated into W2;
    an opening voiding W1; a column contained nowhere. ``length_unit`` None: no units."""
    f = run("project.create_file", version=schema)
    if schema == "IFC2X3":  # IFC2X3 requires an IfcOwnerHistory: a user and an application
        org = f.createIfcOrganization(None, "Test Org")
        f.createIfcPersonAndOrganization(f.createIfcPerson(None, "Tester"), org)
        f.createIfcApplication(org, "1.0", "pytest", "pytest")
    run("root.create_entity", f, ifc_class="IfcProject", name="Test Project")
    if length_unit is not None:
        _units(f, length_unit)
    project = f.by_type("IfcProject")[0]
    site = run("root.create_entity", f, ifc_class="IfcSite", name="Site A")
    building = run("root.create_entity", f, ifc_class="IfcBuilding", name="Building A")
    storey = run("root.create_entity", f, ifc_class="IfcBuildingStorey", name="Level 2")
    storey.Elevation = 10.0
    run("aggregate.assign_object", f, products=[site], relating_object=project)
    run("aggregate.assign_object", f, products=[building], relating_object=site)
    run("aggregate.assign_object", f, products=[storey], relating_object=building)

    wall_class = "IfcWallStandardCase" if schema == "IFC2X3" else "IfcWall"
    wall_type = run("root.create_entity", f, ifc_class="IfcWallType", name="WT-1")
    type_pset = run("pset.add_pset", f, product=wall_type, name="Pset_WallCommon")
    run("pset.edit_pset", f, pset=type_pset, properties={"FireRating": "2HR", "IsExternal": True})
    concrete = run("material.add_material", f, name="Concrete")
    gypsum = run("material.add_material", f, name="Gypsum")
    layer_set = run(
        "material.add_material_set", f, name="WT-1 layers", set_type="IfcMaterialLayerSet"
    )
    run("material.add_layer", f, layer_set=layer_set, material=concrete)
    run("material.add_layer", f, layer_set=layer_set, material=gypsum)
    run(
        "material.assign_material",
        f,
        products=[wall_type],
        type="IfcMaterialLayerSet",
        material=layer_set,
    )

    wall1 = run("root.create_entity", f, ifc_class=wall_class, name="W1")
    wall2 = run("root.create_entity", f, ifc_class=wall_class, name="W2")
    run("type.assign_type", f, related_objects=[wall1, wall2], relating_type=wall_type)
    qto = run("pset.add_qto", f, product=wall1, name="Qto_WallBaseQuantities")
    run(
        "pset.edit_qto",
        f,
        qto=qto,
        properties={"Length": 12.5, "NetSideArea": 100.0, "NetVolume": 50.0},
    )
    override = run("pset.add_pset", f, product=wall2, name="Pset_WallCommon")
    run("pset.edit_pset", f, pset=override, properties={"IsExternal": False})

    door = run("root.create_entity", f, ifc_class="IfcDoor", name="D1")
    door.Tag = "D-001"
    door_pset = run("pset.add_pset", f, product=door, name="Pset_DoorCommon")
    run("pset.edit_pset", f, pset=door_pset, properties={"FireRating": "1HR"})
    door_qto = run("pset.add_qto", f, product=door, name="Qto_DoorBaseQuantities")
    run("pset.edit_qto", f, qto=door_qto, properties={"Height": 7.0, "Width": 3.0})
    run("spatial.assign_container", f, products=[wall1, wall2, door], relating_structure=storey)

    part = run("root.create_entity", f, ifc_class="IfcBuildingElementPart", name="P1")
    run("aggregate.assign_object", f, products=[part], relating_object=wall2)
    opening = run("root.create_entity", f, ifc_class="IfcOpeningElement", name="O1")
    run("feature.add_feature", f, feature=opening, element=wall1)
    column = run("root.create_entity", f, ifc_class="IfcColumn", name="C-lost")

    path = tmp_path / name
    f.write(str(path))
    return Model(
        path,
        wall1.GlobalId,
        wall2.GlobalId,
        door.GlobalId,
        part.GlobalId,
        column.GlobalId,
        opening.GlobalId,
    )


def extract(path: Path, **options: Any) -> ExtractionResult:
    return api.extract(path, ExtractionOptions(**options))


def by_id(result: ExtractionResult, global_id: str) -> Any:
    return next(e for e in result.elements if e.global_id == global_id)


def codes(result: ExtractionResult) -> list[str]:
    return [i.code for i in result.issues]


@pytest.fixture(scope="module")
def feet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, ExtractionResult]:
    model = build_model(tmp_path_factory.mktemp("feet"), "foot")
    return model, extract(model.path)


# -- a model in feet -------------------------------------------------------------------------


def test_schema_units_and_project(feet: tuple[Model, ExtractionResult]) -> None:
    _, result = feet
    assert result.source.format == "ifc"
    assert result.source.format_version == "IFC4"
    assert result.source.schema_identifier == "IFC4"
    assert (result.units.length, result.units.area, result.units.volume) == (
        "foot",
        "foot2",
        "foot3",
    )
    assert result.units.angle == "deg"
    assert result.metadata["project"]["name"] == "Test Project"
    assert result.metadata["file_schema"] == ["IFC4"]


def test_spatial_tree_and_storey_elevation_in_feet(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    root = result.spatial_structure
    assert root is not None and root.ifc_class == "IfcProject" and root.name == "Test Project"
    site = root.children[0]
    storey = site.children[0].children[0]
    assert (site.name, site.children[0].name, storey.name) == ("Site A", "Building A", "Level 2")
    assert storey.elevation is not None
    assert storey.elevation.model_dump() == {"value": 10.0, "unit": "foot"}
    assert sorted(storey.elements) == sorted([model.wall1, model.wall2, model.door])
    assert result.stats["storey_count"] == 1


def test_counts_exact_class_and_openings_not_listed(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    counts = result.stats["class_counts"]
    assert counts["IfcWall"] == 2
    assert counts["IfcDoor"] == 1
    assert counts["IfcOpeningElement"] == 1
    assert counts["IfcBuildingElementPart"] == 1
    assert result.stats["type_counts"] == {"IfcWallType": 1}
    ids = {e.global_id for e in result.elements}
    assert model.opening not in ids
    assert len(result.elements) == result.stats["element_count"] == 5  # 2 walls, door, part, column


def test_type_pset_is_inherited_and_occurrence_overrides(
    feet: tuple[Model, ExtractionResult],
) -> None:
    model, result = feet
    wall1, wall2 = by_id(result, model.wall1), by_id(result, model.wall2)
    assert (wall1.type_name, wall1.type_class) == ("WT-1", "IfcWallType")
    assert wall1.psets["Pset_WallCommon"] == {"FireRating": "2HR", "IsExternal": True}
    assert wall2.psets["Pset_WallCommon"] == {"FireRating": "2HR", "IsExternal": False}
    assert wall1.materials == ["Concrete", "Gypsum"]
    assert wall1.storey == "Level 2"


def test_quantities_carry_the_project_units(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    qto = by_id(result, model.wall1).qsets["Qto_WallBaseQuantities"]
    assert qto == {
        "Length": {"value": 12.5, "unit": "foot"},
        "NetSideArea": {"value": 100.0, "unit": "foot2"},
        "NetVolume": {"value": 50.0, "unit": "foot3"},
    }
    assert "Qto_WallBaseQuantities" not in by_id(result, model.wall1).psets


def test_door_pset_qset_and_tag(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    door = by_id(result, model.door)
    assert (door.ifc_class, door.name, door.tag, door.storey) == (
        "IfcDoor",
        "D1",
        "D-001",
        "Level 2",
    )
    assert door.psets == {"Pset_DoorCommon": {"FireRating": "1HR"}}
    assert door.qsets["Qto_DoorBaseQuantities"]["Height"] == {"value": 7.0, "unit": "foot"}


def test_part_knows_its_aggregate_and_storey(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    part = by_id(result, model.part)
    assert part.parent == model.wall2
    assert part.storey == "Level 2"


def test_uncontained_elements_make_one_issue(feet: tuple[Model, ExtractionResult]) -> None:
    model, result = feet
    issues = [i for i in result.issues if i.code == "elements_not_contained"]
    assert len(issues) == 1
    assert issues[0].location == model.column
    assert "1 element" in issues[0].message
    assert codes(result) == ["elements_not_contained"]


# -- other unit systems, schemas, options ---------------------------------------------------


@pytest.mark.parametrize(
    ("length_unit", "expected"), [("inch", "inch"), ("MILLI", "mm"), ("CENTI", "cm"), ("", "m")]
)
def test_length_unit_names(tmp_path: Path, length_unit: str, expected: str) -> None:
    result = extract(build_model(tmp_path, length_unit).path)
    assert result.units.length == expected
    storey = result.spatial_structure.children[0].children[0].children[0]  # type: ignore[union-attr]
    assert storey.elevation is not None and storey.elevation.unit == expected


def test_unknown_conversion_unit_name_is_named_by_its_factor(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC4")
    run("root.create_entity", f, ifc_class="IfcProject", name="P")
    metre = run("unit.add_si_unit", f, unit_type="LENGTHUNIT")
    factor = f.createIfcMeasureWithUnit(f.createIfcLengthMeasure(0.3048), metre)
    dims = f.createIfcDimensionalExponents(1, 0, 0, 0, 0, 0, 0)
    fuss = f.createIfcConversionBasedUnit(dims, "LENGTHUNIT", "FUSS", factor)
    run("unit.assign_unit", f, units=[fuss])
    f.write(str(tmp_path / "fuss.ifc"))
    result = extract(tmp_path / "fuss.ifc")
    assert result.units.length == "foot"
    assert "FUSS" in (result.units.source or "")


def test_ifc2x3_model(tmp_path: Path) -> None:
    model = build_model(tmp_path, "MILLI", schema="IFC2X3")
    result = extract(model.path)
    assert result.source.format_version == "IFC2X3"
    assert result.stats["class_counts"]["IfcWallStandardCase"] == 2
    assert "IfcWall" not in result.stats["class_counts"]
    wall2 = by_id(result, model.wall2)
    assert wall2.psets["Pset_WallCommon"] == {"FireRating": "2HR", "IsExternal": False}
    assert wall2.type_class == "IfcWallType"


def test_properties_option_false_skips_sets(tmp_path: Path) -> None:
    model = build_model(tmp_path)
    result = extract(model.path, properties=False)
    wall1 = by_id(result, model.wall1)
    assert wall1.psets == {} and wall1.qsets == {}
    assert wall1.type_name == "WT-1"


def test_missing_units_issue(tmp_path: Path) -> None:
    result = extract(build_model(tmp_path, None).path)
    assert result.units.length is None
    assert "missing_units" in codes(result)
    storey = result.spatial_structure.children[0].children[0].children[0]  # type: ignore[union-attr]
    assert storey.elevation is not None and storey.elevation.unit == "unitless"


def test_duplicate_global_id_issue(tmp_path: Path) -> None:
    model = build_model(tmp_path)
    f = ifcopenshell.open(str(model.path))
    f.by_guid(model.wall2).GlobalId = model.wall1
    f.write(str(model.path))
    result = extract(model.path)
    dup = [i for i in result.issues if i.code == "duplicate_global_id"]
    assert len(dup) == 1 and model.wall1 in dup[0].message
    assert dup[0].severity == "error"


def test_progress_reports_batches_and_cancellation_propagates(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC4")
    run("root.create_entity", f, ifc_class="IfcProject", name="P")
    for i in range(250):
        run("root.create_entity", f, ifc_class="IfcWall", name=f"W{i}")
    f.write(str(tmp_path / "many.ifc"))
    calls: list[tuple[int, int]] = []
    api.extract(tmp_path / "many.ifc", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 250), (100, 250), (200, 250), (250, 250)]

    def cancel(done: int, total: int) -> None:
        if done >= 100:
            raise JobCancelledError("stop")

    with pytest.raises(JobCancelledError):
        api.extract(tmp_path / "many.ifc", progress=cancel)


# -- IFCZIP ------------------------------------------------------------------------------------


def test_ifczip_is_read_and_temp_dir_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = build_model(tmp_path)
    zipped = tmp_path / "model.ifczip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(model.path, "inner/model.ifc")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = extract(zipped)
    assert result.source.name == "model.ifczip"
    assert result.source.format_version == "IFC4"
    assert result.metadata["project"]["name"] == "Test Project"
    assert result.stats["class_counts"]["IfcWall"] == 2
    assert list(scratch.iterdir()) == []


def test_zip_without_ifc_member_is_unsupported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zipped = tmp_path / "x.ifczip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("readme.txt", "no model here")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(UnsupportedFormatError, match=r"no \.ifc model"):
        IfcExtractor().extract(
            zipped, DetectedFormat("ifc", None, "zip"), ExtractionOptions(), no_progress
        )
    assert list(scratch.iterdir()) == []


def test_broken_zip_is_corrupt(tmp_path: Path) -> None:
    model = build_model(tmp_path)
    zipped = tmp_path / "x.ifczip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(model.path, "model.ifc")
    data = zipped.read_bytes()
    zipped.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError):
        IfcExtractor().extract(
            zipped, DetectedFormat("ifc", None, "zip"), ExtractionOptions(), no_progress
        )


# -- broken STEP physical files ----------------------------------------------------------------

HEADER = (
    "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('ViewDefinition [CoordinationView]'),'2;1');\n"
    "FILE_NAME('x.ifc','2024-01-01T00:00:00',(''),(''),'','','');\n"
    "FILE_SCHEMA(('{schema}'));\nENDSEC;\n"
)
FOOTER = "ENDSEC;\nEND-ISO-10303-21;\n"


def test_truncated_file_is_corrupt(tmp_path: Path) -> None:
    model = build_model(tmp_path)
    data = model.path.read_bytes()
    model.path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match="truncated"):
        extract(model.path)


def test_garbage_after_valid_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.ifc"
    junk = bytes((i * 97 + 13) % 256 for i in range(4000))
    path.write_bytes(HEADER.format(schema="IFC4").encode() + junk)
    with pytest.raises(CorruptFileError):
        extract(path)


def test_garbage_data_section_with_end_mark_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.ifc"
    path.write_text(HEADER.format(schema="IFC4") + "DATA;\nthis is not a model\n" + FOOTER)
    with pytest.raises(CorruptFileError, match="no entity instance"):
        extract(path)


def test_unknown_schema_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "ifc9.ifc"
    path.write_text(HEADER.format(schema="IFC9") + "DATA;\n" + FOOTER)
    with pytest.raises(UnsupportedFormatError, match="IFC9"):
        extract(path)


def test_empty_data_section_gives_issues(tmp_path: Path) -> None:
    path = tmp_path / "empty.ifc"
    path.write_text(HEADER.format(schema="IFC4") + "DATA;\n" + FOOTER)
    result = extract(path)
    assert result.elements == [] and result.spatial_structure is None
    assert {"empty_model", "missing_ifc_project"} <= set(codes(result))


def test_dangling_reference_and_unknown_entity_become_issues(tmp_path: Path) -> None:
    path = tmp_path / "bad.ifc"
    path.write_text(
        HEADER.format(schema="IFC4") + "DATA;\n"
        "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P',$,$,$,$,$,$);\n"
        "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,#77,$,$,$);\n"
        "#3=IFCNOSUCHTHING('x');\n" + FOOTER
    )
    result = extract(path)
    assert result.stats["class_counts"] == {"IfcWall": 1}
    assert {"dangling_reference", "unknown_entity_type"} <= set(codes(result))
    assert [e.name for e in result.elements] == ["W"]


def test_forced_ifc_on_a_step_file_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "part.stp"
    path.write_text(
        HEADER.format(schema="AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }") + "DATA;\n" + FOOTER
    )
    with pytest.raises(UnsupportedFormatError):
        extract(path, format="ifc")


def test_encrypted_ifczip_member(tmp_path: Path) -> None:
    model = build_model(tmp_path)
    zipped = tmp_path / "locked.ifczip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(model.path, "model.ifc")
    data = bytearray(zipped.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # mark the member encrypted (general purpose bit 0)
    data[central + 8] |= 0x01
    data[6] |= 0x01
    zipped.write_bytes(bytes(data))
    with pytest.raises(EncryptedFileError):
        extract(zipped)


def test_raw_byte_in_parser_message_regression(tmp_path: Path) -> None:
    """A raw 8-bit byte in an entity name reaches us as a lone surrogate in IfcOpenShell's log
    message (found by fuzzing); the issue must still serialise to JSON."""
    path = tmp_path / "raw.ifc"
    path.write_bytes(
        HEADER.format(schema="IFC4").encode() + b"DATA;\n"
        b"#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P',$,$,$,$,$,$);\n"
        b"#2=IFCW\xe4LL('x');\n" + FOOTER.encode()
    )
    result = extract(path)
    (issue,) = [i for i in result.issues if i.code == "unknown_entity_type"]
    assert "IFCW\ufffdLL" in issue.message
    assert "IFCW\ufffdLL" in result.model_dump_json()


def test_clean_text_joins_surrogate_pairs_and_replaces_lone_ones() -> None:
    from pybase.extraction.ifc_model import clean_text

    assert clean_text("W \ud83d\ude00 \udcfa") == "W \U0001f600 \ufffd"
    assert clean_text("Wand Äußen") == "Wand Äußen"
