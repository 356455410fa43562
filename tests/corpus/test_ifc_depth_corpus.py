"""IFC in depth on the real corpus (../shared/corpus/ifc): spatial psets/qsets, types, full
materials, openings and fillings, summaries and georeferencing, through the public API.
Facts from MANIFEST.tsv; each file is extracted once per module."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pytest

from pybase.extraction.result import ExtractionResult, IfcElement, SpatialNode
from tests.support.results import walk

pytestmark = pytest.mark.corpus

DUPLEX = "ifc/ifcsamplefiles__Ifc2x3_Duplex_Architecture.ifc"
HOUSE_EXTENSION = "ifc/xbim__SampleHouseExtension.ifc"
OPENCDE = "ifc/ifcopenshell__opencde_6dbd4d52-14db-11ee-be56-0242ac120002.ifc"
OPENINGS = "ifc/ifcopenshell__project0-openings.ifc"
ELEMENTED = "ifc/ifcsamplefiles__Ifc4_WallElementedCase.ifc"
SCHEDULING = "ifc/bsi-ifc43__construction-scheduling-task.ifc"
REBAR = "ifc/bsi-ifc43__reinforcing-assembly.ifc"
GRID = "ifc/bsi-ifc43__grid-placement.ifc"
UTM = "ifc/bsi-ifc43__geographic-referencing-utm.ifc"
SIGNAL = "ifc/bsi-ifc43__linear-placement-of-signal.ifc"


@pytest.fixture(scope="module")
def read(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``read("ifc/x.ifc")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"{name}")


def nodes(result: ExtractionResult, ifc_class: str) -> list[SpatialNode]:
    return [n for n in walk(result.spatial_structure) if n.ifc_class == ifc_class]


def of_class(records: list[IfcElement], *classes: str) -> list[IfcElement]:
    return [e for e in records if e.ifc_class in classes]


def set_materials(records: list[IfcElement], kind: str) -> set[str]:
    return {
        i.material
        for e in records
        for m in e.material_sets
        if m.kind == kind
        for i in m.items
        if i.material
    }


# -- Duplex (IFC2X3, metre) --------------------------------------------------------------------


def test_duplex_spaces_with_long_names_and_gsa_areas(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(DUPLEX)
    spaces = nodes(result, "IfcSpace")
    assert len(spaces) == 21
    assert all(s.long_name for s in spaces)
    assert all("GSA Space Areas" in s.qsets for s in spaces)
    areas = [q for s in spaces for q in s.qsets["GSA Space Areas"].values()]
    assert {q["unit"] for q in areas} == {"m2"}
    coverage = result.stats["property_coverage"]["IfcSpace"]
    assert (coverage["count"], coverage["qsets"]["GSA Space Areas"]) == (21, 21)
    takeoff = result.stats["quantity_takeoff"]
    space_total = sum(
        classes["IfcSpace"]["GSA BIM Area"]["value"]
        for classes in takeoff.values()
        if "IfcSpace" in classes
    )
    assert math.isclose(space_total, sum(q["value"] for q in areas))
    assert {c["IfcSpace"]["GSA BIM Area"]["unit"] for c in takeoff.values()} == {"m2"}
    assert set(takeoff) <= {"Level 1", "Level 2", "T/FDN", "Roof"}


def test_duplex_pset_wall_common_coverage(read: Callable[[str], ExtractionResult]) -> None:
    coverage = read(DUPLEX).stats["property_coverage"]
    walls = coverage["IfcWallStandardCase"]["psets"]["Pset_WallCommon"]
    assert walls + coverage["IfcWall"]["psets"]["Pset_WallCommon"] == 57
    assert coverage["IfcWindow"]["psets"]["Pset_WindowCommon"] == 24


def test_duplex_types_and_their_occurrences(read: Callable[[str], ExtractionResult]) -> None:
    result = read(DUPLEX)
    assert Counter(t.ifc_class for t in result.element_types) == {
        "IfcFurnitureType": 25,
        "IfcDoorStyle": 6,
        "IfcWindowStyle": 6,
    }
    occurrences: Counter[str] = Counter()
    for t in result.element_types:
        occurrences[t.ifc_class] += t.occurrence_count or 0
    assert occurrences == {"IfcFurnitureType": 61, "IfcDoorStyle": 14, "IfcWindowStyle": 24}
    assert not {e.ifc_class for e in result.elements} & {"IfcDoorStyle", "IfcFurnitureType"}


def test_duplex_layer_sets_with_thicknesses_in_metres(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(DUPLEX)
    layer_sets = [m for e in result.elements for m in e.material_sets if m.kind == "layer_set"]
    assert len({m.name for m in layer_sets}) == 15
    assert "Masonry - Brick" in set_materials(result.elements, "layer_set")
    layers = [i for m in layer_sets for i in m.items]
    assert {i.thickness.unit for i in layers if i.thickness} == {"m"}
    for material_set in layer_sets:
        assert material_set.total_thickness is not None
        total = sum(i.thickness.value for i in material_set.items if i.thickness)
        assert math.isclose(material_set.total_thickness.value, total)
    names = {i.material for e in result.elements for m in e.material_sets for i in m.items}
    assert len(names - {None}) == 18


def test_duplex_doors_and_windows_fill_openings(read: Callable[[str], ExtractionResult]) -> None:
    result = read(DUPLEX)
    by_id = {e.global_id: e for e in result.elements}
    fillers = of_class(result.elements, "IfcDoor", "IfcWindow")
    assert len(fillers) == 38
    hosts = Counter(by_id[f.host].ifc_class for f in fillers if f.host)
    assert hosts == {"IfcWallStandardCase": 36, "IfcRoof": 2}  # two skylights in the roof
    assert all(f.fills for f in fillers)
    for filler in fillers:
        assert filler.host is not None
        host = by_id[filler.host]
        (opening,) = [o for o in host.openings if o.global_id == filler.fills]
        assert filler.global_id in opening.filled_by
    assert sum(sum(c.values()) for c in result.stats["class_counts_per_storey"].values()) == len(
        result.elements
    )


# -- SampleHouseExtension (IFC2X3, mm) --------------------------------------------------------


def test_house_extension_storey_psets_and_base_quantities(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(HOUSE_EXTENSION)
    storeys = nodes(result, "IfcBuildingStorey")
    assert [s.name for s in storeys] == ["Level 0", "Level 1"]
    assert all("Pset_BuildingStoreyCommon" in s.psets for s in storeys)
    assert (
        result.stats["property_coverage"]["IfcBuildingStorey"]["psets"]["Pset_BuildingStoreyCommon"]
        == 2
    )
    with_base = [e for e in result.elements if "BaseQuantities" in e.qsets]
    assert sorted(e.ifc_class for e in with_base) == ["IfcDoor", "IfcSlab"]
    units = {q["unit"] for e in with_base for q in e.qsets["BaseQuantities"].values()}
    assert units <= {"mm", "m2", "m3"} and "mm" in units
    takeoff = result.stats["quantity_takeoff"]["Level 0"]
    assert set(takeoff) == {"IfcDoor", "IfcSlab"}


def test_house_extension_materials_and_door_in_wall(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(HOUSE_EXTENSION)
    names = {i.material for e in result.elements for m in e.material_sets for i in m.items}
    assert {"Brick, Common", "Roofing, Standing Seam"} <= names
    assert len(names) <= 15
    (door,) = of_class(result.elements, "IfcDoor")
    assert door.host in {w.global_id for w in of_class(result.elements, "IfcWall")}
    (wall,) = [w for w in of_class(result.elements, "IfcWall") if w.openings]
    assert wall.openings[0].filled_by == [door.global_id]
    assert {t.ifc_class for t in result.element_types} == {"IfcWallType", "IfcDoorStyle"}


def test_opencde_spatial_base_quantities(read: Callable[[str], ExtractionResult]) -> None:
    result = read(OPENCDE)
    for cls in ("IfcSite", "IfcBuilding", "IfcBuildingStorey"):
        (spatial,) = nodes(result, cls)
        assert "BaseQuantities" in spatial.qsets
    walls = result.stats["quantity_takeoff"]["1. etasje"]["IfcWallStandardCase"]
    assert {q["unit"] for q in walls.values()} <= {"mm", "m2", "m3"}


def test_project0_openings_and_fillings(read: Callable[[str], ExtractionResult]) -> None:
    result = read(OPENINGS)
    openings = [o for w in of_class(result.elements, "IfcWall") for o in w.openings]
    assert len(openings) == 4
    filled = [f for o in openings for f in o.filled_by]
    fillers = [e for e in result.elements if e.fills]
    assert sorted(filled) == sorted(e.global_id for e in fillers)
    assert {e.ifc_class for e in fillers} <= {"IfcDoor", "IfcWindow"}
    assert sum(t.occurrence_count or 0 for t in result.element_types) == 9


# -- imperial units ------------------------------------------------------------------------------


def test_wall_elemented_case_inches_profiles_and_openings(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(ELEMENTED)
    (wall,) = of_class(result.elements, "IfcWallElementedCase")
    (layers,) = wall.material_sets
    assert layers.kind == "layer_set"
    assert {i.thickness.unit for i in layers.items if i.thickness} == {"inch"}
    assert layers.total_thickness is not None and layers.total_thickness.unit == "inch"
    assert len(wall.openings) == 2
    members = of_class(result.elements, "IfcMember")
    assert len(members) == 6
    assert all(m.material_sets[0].kind == "profile_set" for m in members)
    assert set_materials(members, "profile_set") == {"Southern Pine"}


def test_construction_scheduling_layer_sets_in_inches(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(SCHEDULING)
    walls = of_class(result.elements, "IfcWall")
    (slab,) = of_class(result.elements, "IfcSlab")
    assert set_materials(walls, "layer_set") == {"Block (Nominal)"}
    assert set_materials([slab], "layer_set") == {"Concrete (Nominal)"}
    thickness_units = {
        i.thickness.unit for e in [*walls, slab] for i in e.material_sets[0].items if i.thickness
    }
    assert thickness_units == {"inch"}


def test_reinforcing_assembly_types_and_inherited_material(
    read: Callable[[str], ExtractionResult],
) -> None:
    result = read(REBAR)
    (bar_type,) = of_class(result.element_types, "IfcReinforcingBarType")
    assert bar_type.occurrence_count == 34
    assert bar_type.materials == ["ReinforcingSteel"]
    assert bar_type.attributes["NominalDiameter"]["unit"] == "mm"
    bars = of_class(result.elements, "IfcReinforcingBar")
    assert all(b.materials == ["ReinforcingSteel"] for b in bars)
    assert all(b.material_sets[0].inherited for b in bars)
    (beam_type,) = of_class(result.element_types, "IfcBeamType")
    assert set_materials([beam_type], "profile_set") == {"Concrete"}


def test_grid_placement_structural_concrete(read: Callable[[str], ExtractionResult]) -> None:
    result = read(GRID)
    framing = of_class(result.elements, "IfcColumn", "IfcBeam")
    assert len(framing) == 35
    assert all(
        [(m.kind, m.name) for m in e.material_sets] == [("single", "Structural Concrete")]
        for e in framing
    )


# -- georeferencing ------------------------------------------------------------------------------


def test_utm_map_conversion(read: Callable[[str], ExtractionResult]) -> None:
    geo = read(UTM).metadata["georeference"]
    assert (geo["crs"], geo["epsg"], geo["crs_class"]) == ("EPSG:25832", 25832, "IfcProjectedCRS")
    for key in ("eastings", "northings", "orthogonal_height"):
        assert geo[key]["unit"] == "m"
    assert geo["rotation"]["unit"] == "deg"
    assert "scale" in geo


def test_signal_map_conversion_epsg_3065(read: Callable[[str], ExtractionResult]) -> None:
    result = read(SIGNAL)
    geo = result.metadata["georeference"]
    assert (geo["crs"], geo["epsg"]) == ("EPSG:3065", 3065)
    assert geo["eastings"]["unit"] == "m"
    (alignment_id,) = result.spatial_structure.aggregated_elements  # type: ignore[union-attr]
    assert alignment_id
