"""IFC corpus: every .ifc/.ifczip in ../shared/corpus/ifc through the public API, asserting the
facts MANIFEST.tsv gives for it. Each file is extracted once per module (cached)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from pybase.extraction.result import ExtractionResult
from tests.support.results import walk

pytestmark = pytest.mark.corpus

DUPLEX = "ifc/ifcsamplefiles__Ifc2x3_Duplex_Architecture.ifc"
HOUSE_EXTENSION = "ifc/xbim__SampleHouseExtension.ifc"
OPENCDE = "ifc/ifcopenshell__opencde_6dbd4d52-14db-11ee-be56-0242ac120002.ifc"
HOUSE_WINDOW = "ifc/ifcsamplefiles__Ifc4_SampleHouse_IfcWindow.ifc"
OPENINGS = "ifc/ifcopenshell__project0-openings.ifc"
BASIC_ZIP = "ifc/ifcopenshell__basic.ifczip"
ELEMENTED = "ifc/ifcsamplefiles__Ifc4_WallElementedCase.ifc"
SIGNAL = "ifc/bsi-ifc43__linear-placement-of-signal.ifc"
GRID = "ifc/bsi-ifc43__grid-placement.ifc"
SCHEDULING = "ifc/bsi-ifc43__construction-scheduling-task.ifc"
REBAR = "ifc/bsi-ifc43__reinforcing-assembly.ifc"
UTM = "ifc/bsi-ifc43__geographic-referencing-utm.ifc"
DUPLICATES = "ifc/ifcopenshell__fail-duplicated-guids-ifc2x3.ifc"

ALL_FILES = [
    DUPLEX,
    HOUSE_EXTENSION,
    OPENCDE,
    HOUSE_WINDOW,
    OPENINGS,
    BASIC_ZIP,
    ELEMENTED,
    SIGNAL,
    GRID,
    SCHEDULING,
    REBAR,
    UTM,
    DUPLICATES,
]


@pytest.fixture(scope="module")
def read(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``read("ifc/x.ifc")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"{name}")


def storeys(result: ExtractionResult) -> dict[str, tuple[float, str] | None]:
    """Storey name -> (elevation value, unit)."""
    return {
        str(n.name): (n.elevation.value, n.elevation.unit) if n.elevation else None
        for n in walk(result.spatial_structure)
        if n.ifc_class == "IfcBuildingStorey"
    }


def with_set(result: ExtractionResult, set_name: str, qset: bool = False) -> int:
    return sum(1 for e in result.elements if set_name in (e.qsets if qset else e.psets))


def materials(result: ExtractionResult) -> set[str]:
    return {m for e in result.elements for m in e.materials}


@pytest.mark.parametrize("relative", ALL_FILES)
def test_every_file_reads_as_ifc_and_serialises(
    read: Callable[[str], ExtractionResult], relative: str
) -> None:
    result = read(relative)
    assert result.source.format == "ifc"
    assert result.source.format_version in ("IFC2X3", "IFC4", "IFC4X3")
    assert ExtractionResult.model_validate_json(result.model_dump_json()) == result
    assert result.stats["element_count"] == len(result.elements) > 0
    assert all(e.ifc_class != "IfcOpeningElement" for e in result.elements)


def test_duplex(read: Callable[[str], ExtractionResult]) -> None:
    result = read(DUPLEX)
    assert result.source.format_version == "IFC2X3"
    assert result.units.length == "m"
    assert result.metadata["project"]["long_name"] == "Duplex Apartment"
    levels = storeys(result)
    assert list(levels) == ["T/FDN", "Level 1", "Level 2", "Roof"]  # bottom-up by elevation
    assert {k: (round(v[0], 6), v[1]) for k, v in levels.items() if v} == {
        "Level 1": (0.0, "m"),
        "Level 2": (3.1, "m"),
        "T/FDN": (-1.25, "m"),
        "Roof": (6.0, "m"),
    }
    counts = result.stats["class_counts"]
    assert (counts["IfcWallStandardCase"], counts["IfcWall"]) == (56, 1)
    assert (counts["IfcWindow"], counts["IfcDoor"], counts["IfcSlab"]) == (24, 14, 21)
    assert (counts["IfcSpace"], counts["IfcFurnishingElement"], counts["IfcBeam"]) == (21, 61, 8)
    assert (counts["IfcFooting"], counts["IfcRailing"], counts["IfcStair"]) == (7, 4, 2)
    assert counts["IfcRoof"] == 1
    assert (result.stats["storey_count"], result.stats["space_count"]) == (4, 21)
    walls = [e for e in result.elements if e.ifc_class in ("IfcWall", "IfcWallStandardCase")]
    assert sum(1 for w in walls if "Pset_WallCommon" in w.psets) == 57
    assert with_set(result, "Pset_WindowCommon") == 24
    assert any(name.startswith("PSet_Revit_") for e in result.elements for name in e.psets)
    assert result.stats["quantity_set_count"] == 21
    assert result.stats["material_count"] == 18
    assert "Masonry - Brick" in materials(result)
    assert result.stats["type_counts"] == {
        "IfcDoorStyle": 6,
        "IfcFurnitureType": 25,
        "IfcWindowStyle": 6,
    }
    assert result.issues == []


def test_sample_house_extension(read: Callable[[str], ExtractionResult]) -> None:
    result = read(HOUSE_EXTENSION)
    assert (result.source.format_version, result.units.length) == ("IFC2X3", "mm")
    assert storeys(result) == {"Level 0": (0.0, "mm"), "Level 1": (4000.0, "mm")}
    counts = result.stats["class_counts"]
    assert (counts["IfcWall"], counts["IfcDoor"], counts["IfcSlab"], counts["IfcRoof"]) == (
        3,
        1,
        1,
        1,
    )
    assert counts["IfcOpeningElement"] == 1
    assert with_set(result, "Pset_WallCommon") == 3
    (door,) = [e for e in result.elements if e.ifc_class == "IfcDoor"]
    assert "Pset_DoorCommon" in door.psets
    assert door.type_class == "IfcDoorStyle"
    assert with_set(result, "Pset_SlabCommon") == with_set(result, "Pset_RoofCommon") == 1
    assert result.stats["quantity_set_count"] == 3
    assert result.stats["material_count"] == 15
    assert {"Brick, Common", "Roofing, Standing Seam"} <= materials(result)
    assert result.stats["type_counts"] == {"IfcDoorStyle": 1, "IfcWallType": 1}


def test_opencde_archicad(read: Callable[[str], ExtractionResult]) -> None:
    result = read(OPENCDE)
    assert (result.source.format_version, result.units.length) == ("IFC2X3", "mm")
    names = [(n.ifc_class, n.name) for n in walk(result.spatial_structure)]
    assert names == [
        ("IfcProject", "Prosjektnavn"),
        ("IfcSite", "Eiendomsnavn"),
        ("IfcBuilding", "Bygningens navn"),
        ("IfcBuildingStorey", "1. etasje"),
    ]
    assert storeys(result) == {"1. etasje": (1000.0, "mm")}
    assert result.stats["class_counts"]["IfcWallStandardCase"] == 3
    for psets in ("Pset_WallCommon", "AC_Pset_RenovationAndPhasing", "Reuse"):
        assert with_set(result, psets) == 3
    assert result.stats["quantity_set_count"] == 6
    assert with_set(result, "BaseQuantities", qset=True) == 3
    quantity = result.elements[0].qsets["BaseQuantities"]["Height"]
    assert quantity["unit"] == "mm"
    assert result.stats["type_counts"] == {"IfcWallType": 1}
    assert materials(result) == {"Yttervegg"}
    assert all(e.storey == "1. etasje" for e in result.elements)


def test_sample_house_windows(read: Callable[[str], ExtractionResult]) -> None:
    result = read(HOUSE_WINDOW)
    assert (result.source.format_version, result.units.length) == ("IFC4", "mm")
    assert list(storeys(result)) == ["Ground Floor"]
    windows = [e for e in result.elements if e.ifc_class == "IfcWindow"]
    assert len(windows) == 4
    assert {w.type_class for w in windows} == {"IfcWindowType"}
    assert len({w.type_name for w in windows}) == 1
    for pset in (
        "Pset_WindowCommon",
        "Pset_ManufacturerTypeInformation",
        "Identity Data",
        "Dimensions",
        "Constraints",
    ):
        assert with_set(result, pset) == 4
    assert with_set(result, "BaseQuantities", qset=True) == 4
    assert materials(result) == {"Window Frame", "Glass"}


def test_project0_openings(read: Callable[[str], ExtractionResult]) -> None:
    result = read(OPENINGS)
    assert (result.source.format_version, result.units.length) == ("IFC4", "m")
    assert list(storeys(result)) == ["My Storey"]
    counts = result.stats["class_counts"]
    assert (counts["IfcWall"], counts["IfcDoor"], counts["IfcWindow"]) == (5, 2, 2)
    assert counts["IfcOpeningElement"] == 4
    assert len(result.elements) == 9
    assert result.stats["type_counts"] == {"IfcDoorType": 2, "IfcWallType": 2, "IfcWindowType": 1}
    assert with_set(result, "BBIM_Door") == 2
    assert with_set(result, "BBIM_Window") == 2
    assert materials(result) == {"Unknown"}


def test_basic_ifczip(read: Callable[[str], ExtractionResult]) -> None:
    result = read(BASIC_ZIP)
    assert result.source.name == "ifcopenshell__basic.ifczip"
    assert (result.source.format_version, result.units.length) == ("IFC4", "m")
    assert result.metadata["project"]["name"] == "My Project"
    assert list(storeys(result)) == ["Ground Floor", "Level 1"]
    counts = result.stats["class_counts"]
    assert (counts["IfcWall"], counts["IfcSlab"], counts["IfcBeam"]) == (1, 1, 1)
    assert counts["IfcElementAssembly"] == 1
    assert result.stats["type_counts"] == {"IfcSlabType": 1, "IfcWallType": 1}


def test_wall_elemented_case_in_inches(read: Callable[[str], ExtractionResult]) -> None:
    result = read(ELEMENTED)
    units = result.units
    assert (units.length, units.area, units.volume, units.angle) == (
        "inch",
        "inch2",
        "inch3",
        "deg",
    )
    counts = result.stats["class_counts"]
    assert counts["IfcMember"] == 6
    assert counts["IfcBuildingElementPart"] == 4
    assert counts["IfcElementAssembly"] == 2
    assert counts["IfcWallElementedCase"] == 1
    assert result.stats["storey_count"] == 0
    assert "Southern Pine" in materials(result)
    (wall,) = [e for e in result.elements if e.ifc_class == "IfcWallElementedCase"]
    parts_of_wall = [e for e in result.elements if e.parent == wall.global_id]
    assert sorted(e.ifc_class for e in parts_of_wall) == [
        "IfcBuildingElementPart",
        "IfcBuildingElementPart",
        "IfcElementAssembly",
    ]
    assert "elements_not_contained" not in [i.code for i in result.issues]


def test_construction_scheduling_in_inches(read: Callable[[str], ExtractionResult]) -> None:
    result = read(SCHEDULING)
    assert (result.source.format_version, result.units.length) == ("IFC4X3", "inch")
    assert result.source.schema_identifier == "IFC4X3_ADD2"
    assert list(storeys(result)) == ["Ground Level"]
    counts = result.stats["class_counts"]
    assert (counts["IfcWall"], counts["IfcSlab"]) == (4, 1)
    assert {"Concrete (Nominal)", "Block (Nominal)"} <= materials(result)
    assert all(e.storey == "Ground Level" for e in result.elements)


def test_reinforcing_assembly(read: Callable[[str], ExtractionResult]) -> None:
    result = read(REBAR)
    assert (result.source.format_version, result.units.length) == ("IFC4X3", "mm")
    counts = result.stats["class_counts"]
    assert counts["IfcReinforcingBar"] == 34
    (beam,) = [e for e in result.elements if e.ifc_class == "IfcBeam"]
    (assembly,) = [e for e in result.elements if e.ifc_class == "IfcElementAssembly"]
    assert assembly.parent == beam.global_id
    bars = [e for e in result.elements if e.ifc_class == "IfcReinforcingBar"]
    assert Counter(b.parent for b in bars) == {assembly.global_id: 34}
    assert result.stats["type_counts"] == {"IfcBeamType": 1, "IfcReinforcingBarType": 1}
    assert {"ReinforcingSteel", "Concrete"} <= materials(result)
    assert [n.ifc_class for n in walk(result.spatial_structure)] == ["IfcProject", "IfcBuilding"]


def test_linear_placement_of_signal(read: Callable[[str], ExtractionResult]) -> None:
    result = read(SIGNAL)
    assert (result.source.format_version, result.units.length) == ("IFC4X3", "m")
    counts = result.stats["class_counts"]
    assert counts["IfcSignal"] == 2
    assert (counts["IfcReferent"], counts["IfcAlignmentSegment"], counts["IfcAlignment"]) == (
        23,
        26,
        1,
    )
    assert result.stats["type_counts"] == {"IfcSignalType": 1}
    assert {e.type_class for e in result.elements} == {"IfcSignalType"}
    assert "IfcRailway" in [n.ifc_class for n in walk(result.spatial_structure)]
    assert result.metadata["georeference"]["crs"] == "EPSG:3065"


def test_grid_placement(read: Callable[[str], ExtractionResult]) -> None:
    result = read(GRID)
    assert (result.units.length, result.units.angle) == ("mm", "deg")
    assert list(storeys(result)) == ["Ground Floor"]
    counts = result.stats["class_counts"]
    assert (counts["IfcColumn"], counts["IfcBeam"], counts["IfcGrid"]) == (25, 10, 1)
    assert "Structural Concrete" in materials(result)


def test_geographic_referencing_utm(read: Callable[[str], ExtractionResult]) -> None:
    result = read(UTM)
    assert (result.source.format_version, result.units.length) == ("IFC4X3", "mm")
    assert result.metadata["project"]["name"] == "Notch"
    assert list(storeys(result)) == ["Storey 1"]
    assert result.stats["class_counts"]["IfcBuildingElementProxy"] == 1
    assert result.metadata["georeference"]["crs"] == "EPSG:25832"


def test_duplicated_guids_is_a_result_with_issues(read: Callable[[str], ExtractionResult]) -> None:
    result = read(DUPLICATES)
    assert result.source.format_version == "IFC2X3"
    assert result.stats["class_counts"] == {"IfcBuildingElementProxy": 2}
    duplicates = [i for i in result.issues if i.code == "duplicate_global_id"]
    assert len(duplicates) == 1
    assert "3pdqyORIn8KBHZAhhtJ72T" in duplicates[0].message
    codes = {i.code for i in result.issues}
    assert {"missing_ifc_project", "elements_not_contained"} <= codes
    assert result.spatial_structure is None
