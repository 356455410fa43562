"""IFC in depth: units on every number, spatial psets/qsets, types, full materials,
classifications, openings and fillings, summaries, georeferencing, damaged input.

Every model is generated here with ifcopenshell.api (known ground truth), in feet and in
inches, into pytest's tmp_path."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pybase.errors import UnsupportedFormatError
from pybase.extraction import api
from pybase.extraction.base import ExtractionOptions
from pybase.extraction.result import ExtractionResult, IfcElement, SpatialNode

ifcopenshell = pytest.importorskip("ifcopenshell")
run = pytest.importorskip("ifcopenshell.api").run

#: Layers of the wall type: material -> thickness in the model's length unit.
LAYERS = {"Brick": 4.0, "Insulation": 2.0, "Gypsum": 0.5}


@dataclass
class Built:
    """A generated model, its length unit and the GlobalIds a test looks up."""

    path: Path
    unit: str
    ids: dict[str, str]


def _units(f: Any, unit: str) -> None:
    """Project units: ``unit`` ('foot' or 'inch') with its square/cubic units, degree,
    pound, and the SI second."""
    run(
        "unit.assign_unit",
        f,
        units=[
            run("unit.add_conversion_based_unit", f, name=unit),
            run("unit.add_conversion_based_unit", f, name=f"square {unit}"),
            run("unit.add_conversion_based_unit", f, name=f"cubic {unit}"),
            run("unit.add_conversion_based_unit", f, name="degree"),
            run("unit.add_conversion_based_unit", f, name="pound"),
            run("unit.add_si_unit", f, unit_type="TIMEUNIT"),
        ],
    )


def _qto(f: Any, product: Any, name: str, values: dict[str, float]) -> Any:
    qto = run("pset.add_qto", f, product=product, name=name)
    run("pset.edit_qto", f, qto=qto, properties=values)
    return qto


def _pset(f: Any, product: Any, name: str, values: dict[str, Any]) -> Any:
    pset = run("pset.add_pset", f, product=product, name=name)
    run("pset.edit_pset", f, pset=pset, properties=values)
    return pset


def build(tmp_path: Path, unit: str = "foot") -> Built:
    """Project 'Depth' / site / building / storeys 'Level 1' (elevation 0, with
    Pset_BuildingStoreyCommon and Qto_BuildingStoreyBaseQuantities) and 'Level 2'
    (elevation 10); space S101 'Kitchen' in Level 1 (NetFloorArea 150, Height 9).

    Wall type WT-EXT (Pset_WallCommon FireRating 2HR / IsExternal True, layer set 'EXT' of
    LAYERS, Uniclass reference EF_25_10 'Walls'); walls W1 (Length 20, NetSideArea 180,
    NetVolume 60, plus a 'Width' of 6 inches given with its own Unit) and W2 (Length 10,
    NetSideArea 90, NetVolume 30; overrides IsExternal False) in Level 1. Opening O1 voids W1
    and window WIN1 fills it. Door D1 (OverallHeight 7; type DT-1; OmniClass reference;
    quantities Hinges = 3 count and InstallTime = 1800 s) in Level 1. Column C1 in Level 2 with
    a profile set (Steel, 'W8X31'), NetWeight 310 lb, referenced by Level 1 too. Slab SL1 with a
    constituent set (Cement 0.15, Aggregate 0.85). Chair CH1 with a material list (Oak,
    Steel). Proxy PX1 aggregated directly by Level 2. A pset 'Tolerances' on W1 with a bounded
    length value (upper 0.1, lower -0.1), a list of lengths (1, 2) and a complex property
    'Joint' (Gap 0.25); a complex quantity 'Flange' (Width 0.7, Area 0.3) on C1."""
    f = run("project.create_file", version="IFC4")
    project = run("root.create_entity", f, ifc_class="IfcProject", name="Depth")
    _units(f, unit)
    site = run("root.create_entity", f, ifc_class="IfcSite", name="Site")
    building = run("root.create_entity", f, ifc_class="IfcBuilding", name="Building")
    level1 = run("root.create_entity", f, ifc_class="IfcBuildingStorey", name="Level 1")
    level2 = run("root.create_entity", f, ifc_class="IfcBuildingStorey", name="Level 2")
    level1.Elevation, level2.Elevation = 0.0, 10.0
    run("aggregate.assign_object", f, products=[site], relating_object=project)
    run("aggregate.assign_object", f, products=[building], relating_object=site)
    run("aggregate.assign_object", f, products=[level1, level2], relating_object=building)
    _pset(f, level1, "Pset_BuildingStoreyCommon", {"EntranceLevel": True})
    _qto(f, level1, "Qto_BuildingStoreyBaseQuantities", {"GrossFloorArea": 1000.0})
    space = run("root.create_entity", f, ifc_class="IfcSpace", name="S101")
    space.LongName = "Kitchen"
    run("aggregate.assign_object", f, products=[space], relating_object=level1)
    _qto(f, space, "Qto_SpaceBaseQuantities", {"NetFloorArea": 150.0, "Height": 9.0})

    # wall type: pset, layer set, classification
    wall_type = run("root.create_entity", f, ifc_class="IfcWallType", name="WT-EXT")
    _pset(f, wall_type, "Pset_WallCommon", {"FireRating": "2HR", "IsExternal": True})
    layer_set = run("material.add_material_set", f, name="EXT", set_type="IfcMaterialLayerSet")
    for material_name, thickness in LAYERS.items():
        material = run("material.add_material", f, name=material_name)
        layer = run("material.add_layer", f, layer_set=layer_set, material=material)
        run("material.edit_layer", f, layer=layer, attributes={"LayerThickness": thickness})
    run(
        "material.assign_material",
        f,
        products=[wall_type],
        type="IfcMaterialLayerSet",
        material=layer_set,
    )
    uniclass = run("classification.add_classification", f, classification="Uniclass 2015")
    uniclass.Edition = "v1.30"
    run(
        "classification.add_reference",
        f,
        products=[wall_type],
        identification="EF_25_10",
        name="Walls",
        classification=uniclass,
    )

    wall1 = run("root.create_entity", f, ifc_class="IfcWall", name="W1")
    wall2 = run("root.create_entity", f, ifc_class="IfcWall", name="W2")
    run("type.assign_type", f, related_objects=[wall1, wall2], relating_type=wall_type)
    qto1 = _qto(
        f,
        wall1,
        "Qto_WallBaseQuantities",
        {"Length": 20.0, "NetSideArea": 180.0, "NetVolume": 60.0},
    )
    inch = f.createIfcConversionBasedUnit(
        f.createIfcDimensionalExponents(1, 0, 0, 0, 0, 0, 0),
        "LENGTHUNIT",
        "inch",
        f.createIfcMeasureWithUnit(
            f.createIfcLengthMeasure(0.0254), f.createIfcSIUnit(None, "LENGTHUNIT", None, "METRE")
        ),
    )
    qto1.Quantities = (*qto1.Quantities, f.createIfcQuantityLength("Width", None, inch, 6.0))
    _qto(
        f,
        wall2,
        "Qto_WallBaseQuantities",
        {"Length": 10.0, "NetSideArea": 90.0, "NetVolume": 30.0},
    )
    _pset(f, wall2, "Pset_WallCommon", {"IsExternal": False})
    tolerances = _pset(f, wall1, "Tolerances", {})
    tolerances.HasProperties = (
        f.createIfcPropertyBoundedValue(
            "Flatness", None, f.createIfcLengthMeasure(0.1), f.createIfcLengthMeasure(-0.1)
        ),
        f.createIfcPropertyListValue(
            "Offsets", None, (f.createIfcLengthMeasure(1.0), f.createIfcLengthMeasure(2.0))
        ),
        f.createIfcComplexProperty(
            "Joint",
            None,
            "JOINT",
            (f.createIfcPropertySingleValue("Gap", None, f.createIfcLengthMeasure(0.25), None),),
        ),
    )

    opening = run("root.create_entity", f, ifc_class="IfcOpeningElement", name="O1")
    run("feature.add_feature", f, feature=opening, element=wall1)
    window = run("root.create_entity", f, ifc_class="IfcWindow", name="WIN1")
    run("feature.add_filling", f, opening=opening, element=window)

    door_type = run("root.create_entity", f, ifc_class="IfcDoorType", name="DT-1")
    door = run("root.create_entity", f, ifc_class="IfcDoor", name="D1")
    door.OverallHeight = 7.0
    run("type.assign_type", f, related_objects=[door], relating_type=door_type)
    omniclass = run("classification.add_classification", f, classification="OmniClass")
    run(
        "classification.add_reference",
        f,
        products=[door],
        identification="23-17 11 00",
        name="Doors",
        classification=omniclass,
    )
    counts = run("pset.add_qto", f, product=door, name="Install")
    counts.Quantities = (
        f.createIfcQuantityCount("Hinges", None, None, 3.0),
        f.createIfcQuantityTime("InstallTime", None, None, 1800.0),
    )
    run(
        "spatial.assign_container",
        f,
        products=[wall1, wall2, window, door],
        relating_structure=level1,
    )

    column = run("root.create_entity", f, ifc_class="IfcColumn", name="C1")
    profile_set = run(
        "material.add_material_set", f, name="Steel W8", set_type="IfcMaterialProfileSet"
    )
    steel = run("material.add_material", f, name="Steel")
    profile = f.createIfcIShapeProfileDef("AREA", "W8X31", None, 8.0, 8.0, 0.285, 0.435)
    run("material.add_profile", f, profile_set=profile_set, material=steel, profile=profile)
    run(
        "material.assign_material",
        f,
        products=[column],
        type="IfcMaterialProfileSet",
        material=profile_set,
    )
    _qto(f, column, "Qto_ColumnBaseQuantities", {"Length": 10.0, "NetWeight": 310.0})
    flange = f.createIfcPhysicalComplexQuantity(
        "Flange",
        None,
        (
            f.createIfcQuantityLength("Width", None, None, 0.7),
            f.createIfcQuantityArea("Area", None, None, 0.3),
        ),
        "layer",
        None,
        None,
    )
    run("pset.add_qto", f, product=column, name="Parts").Quantities = (flange,)
    run("spatial.assign_container", f, products=[column], relating_structure=level2)
    run("spatial.reference_structure", f, products=[column], relating_structure=level1)

    slab = run("root.create_entity", f, ifc_class="IfcSlab", name="SL1")
    mix = run(
        "material.add_material_set", f, name="Concrete mix", set_type="IfcMaterialConstituentSet"
    )
    for name, fraction in (("Cement", 0.15), ("Aggregate", 0.85)):
        material = run("material.add_material", f, name=name)
        constituent = run(
            "material.add_constituent", f, constituent_set=mix, material=material, name=name.lower()
        )
        constituent.Fraction = fraction
    run(
        "material.assign_material",
        f,
        products=[slab],
        type="IfcMaterialConstituentSet",
        material=mix,
    )
    chair = run("root.create_entity", f, ifc_class="IfcFurniture", name="CH1")
    material_list = f.createIfcMaterialList((run("material.add_material", f, name="Oak"), steel))
    f.createIfcRelAssociatesMaterial(
        ifcopenshell.guid.new(), None, None, None, (chair,), material_list
    )
    run("spatial.assign_container", f, products=[slab, chair], relating_structure=level2)
    proxy = run("root.create_entity", f, ifc_class="IfcBuildingElementProxy", name="PX1")
    f.createIfcRelAggregates(ifcopenshell.guid.new(), None, None, None, level2, (proxy,))

    path = tmp_path / f"depth-{unit}.ifc"
    f.write(str(path))
    objects = {
        "level1": level1,
        "level2": level2,
        "space": space,
        "wall_type": wall_type,
        "door_type": door_type,
        "wall1": wall1,
        "wall2": wall2,
        "opening": opening,
        "window": window,
        "door": door,
        "column": column,
        "slab": slab,
        "chair": chair,
        "proxy": proxy,
    }
    return Built(path, unit, {k: v.GlobalId for k, v in objects.items()})


def extract(path: Path, **options: Any) -> ExtractionResult:
    return api.extract(path, ExtractionOptions(**options))


def walk(node: SpatialNode | None) -> list[SpatialNode]:
    if node is None:
        return []
    return [node, *(n for child in node.children for n in walk(child))]


def node(result: ExtractionResult, global_id: str) -> SpatialNode:
    return next(n for n in walk(result.spatial_structure) if n.global_id == global_id)


def element(result: ExtractionResult, global_id: str) -> IfcElement:
    return next(e for e in [*result.elements, *result.element_types] if e.global_id == global_id)


def codes(result: ExtractionResult) -> set[str]:
    return {i.code for i in result.issues}


@pytest.fixture(scope="module", params=["foot", "inch"])
def model(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Built, ExtractionResult]:
    built = build(tmp_path_factory.mktemp(request.param), request.param)
    return built, extract(built.path)


# -- 1. units ----------------------------------------------------------------------------------


def test_project_units_in_feet_or_inches(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    u = built.unit
    units = result.units
    assert (units.length, units.area, units.volume, units.angle, units.mass) == (
        u,
        f"{u}2",
        f"{u}3",
        "deg",
        "lb",
    )
    assert result.issues == []


def test_every_quantity_kind_carries_its_unit(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    u = built.unit
    wall1 = element(result, built.ids["wall1"])
    assert wall1.qsets["Qto_WallBaseQuantities"] == {
        "Length": {"value": 20.0, "unit": u},
        "NetSideArea": {"value": 180.0, "unit": f"{u}2"},
        "NetVolume": {"value": 60.0, "unit": f"{u}3"},
        "Width": {"value": 6.0, "unit": "inch"},  # the quantity's own Unit wins
    }
    column = element(result, built.ids["column"])
    assert column.qsets["Qto_ColumnBaseQuantities"]["NetWeight"] == {"value": 310.0, "unit": "lb"}
    door = element(result, built.ids["door"])
    assert door.qsets["Install"] == {
        "Hinges": {"value": 3.0, "unit": "count"},
        "InstallTime": {"value": 1800.0, "unit": "s"},
    }


def test_property_measures_and_attributes_carry_units(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    u = built.unit
    wall1 = element(result, built.ids["wall1"])
    assert wall1.psets["Tolerances"] == {
        "Flatness": {"upper": {"value": 0.1, "unit": u}, "lower": {"value": -0.1, "unit": u}},
        "Offsets": [{"value": 1.0, "unit": u}, {"value": 2.0, "unit": u}],
        "Joint": {"Gap": {"value": 0.25, "unit": u}},
    }
    column = element(result, built.ids["column"])
    assert column.qsets["Parts"] == {
        "Flange": {"Width": {"value": 0.7, "unit": u}, "Area": {"value": 0.3, "unit": f"{u}2"}}
    }
    door = element(result, built.ids["door"])
    assert door.attributes["OverallHeight"] == {"value": 7.0, "unit": u}


# -- 2. spatial tree ---------------------------------------------------------------------------


def test_storey_psets_qsets_and_elevation(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    level1, level2 = node(result, built.ids["level1"]), node(result, built.ids["level2"])
    assert level1.psets == {"Pset_BuildingStoreyCommon": {"EntranceLevel": True}}
    assert level1.qsets == {
        "Qto_BuildingStoreyBaseQuantities": {
            "GrossFloorArea": {"value": 1000.0, "unit": f"{built.unit}2"}
        }
    }
    assert level2.elevation is not None
    assert level2.elevation.model_dump() == {"value": 10.0, "unit": built.unit}


def test_space_long_name_and_quantities(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    space = node(result, built.ids["space"])
    assert (space.ifc_class, space.name, space.long_name) == ("IfcSpace", "S101", "Kitchen")
    assert space.qsets["Qto_SpaceBaseQuantities"] == {
        "NetFloorArea": {"value": 150.0, "unit": f"{built.unit}2"},
        "Height": {"value": 9.0, "unit": built.unit},
    }
    assert space in node(result, built.ids["level1"]).children


def test_contained_aggregated_and_referenced_elements(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    ids = built.ids
    level1, level2 = node(result, ids["level1"]), node(result, ids["level2"])
    assert sorted(level1.elements) == sorted(
        [ids["wall1"], ids["wall2"], ids["window"], ids["door"]]
    )
    assert level1.referenced_elements == [ids["column"]]
    assert sorted(level2.elements) == sorted([ids["column"], ids["slab"], ids["chair"]])
    assert level2.aggregated_elements == [ids["proxy"]]
    assert element(result, ids["proxy"]).storey == "Level 2"


# -- 3. elements and types ---------------------------------------------------------------------


def test_types_are_listed_separately_with_their_own_sets(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    assert {e.ifc_class for e in result.element_types} == {"IfcWallType", "IfcDoorType"}
    assert not {e.global_id for e in result.element_types} & {e.global_id for e in result.elements}
    assert result.stats["element_type_count"] == 2
    wall_type = element(result, built.ids["wall_type"])
    assert (wall_type.name, wall_type.occurrence_count) == ("WT-EXT", 2)
    assert wall_type.psets == {"Pset_WallCommon": {"FireRating": "2HR", "IsExternal": True}}
    assert wall_type.materials == list(LAYERS)
    assert wall_type.storey is None and wall_type.type_name is None


def test_type_pset_inherited_and_overridden_on_one_occurrence(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    wall1, wall2 = element(result, built.ids["wall1"]), element(result, built.ids["wall2"])
    assert wall1.psets["Pset_WallCommon"] == {"FireRating": "2HR", "IsExternal": True}
    assert wall2.psets["Pset_WallCommon"] == {"FireRating": "2HR", "IsExternal": False}
    assert (wall1.type_name, wall1.type_class) == ("WT-EXT", "IfcWallType")


def test_layer_set_with_thicknesses_in_the_model_unit(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    (layers,) = element(result, built.ids["wall1"]).material_sets
    assert (layers.kind, layers.name) == ("layer_set", "EXT")
    assert [
        (i.material, i.thickness.model_dump() if i.thickness else None) for i in layers.items
    ] == [(name, {"value": thickness, "unit": built.unit}) for name, thickness in LAYERS.items()]
    assert layers.total_thickness is not None
    assert layers.total_thickness.model_dump() == {"value": 6.5, "unit": built.unit}


def test_profile_constituent_and_list_materials(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    (profiles,) = element(result, built.ids["column"]).material_sets
    assert (profiles.kind, profiles.name) == ("profile_set", "Steel W8")
    assert [(i.material, i.profile, i.profile_class) for i in profiles.items] == [
        ("Steel", "W8X31", "IfcIShapeProfileDef")
    ]
    (mix,) = element(result, built.ids["slab"]).material_sets
    assert (mix.kind, mix.name) == ("constituent_set", "Concrete mix")
    assert [(i.name, i.material, i.fraction) for i in mix.items] == [
        ("cement", "Cement", 0.15),
        ("aggregate", "Aggregate", 0.85),
    ]
    chair = element(result, built.ids["chair"])
    assert [(m.kind, [i.material for i in m.items]) for m in chair.material_sets] == [
        ("list", ["Oak", "Steel"])
    ]
    assert chair.materials == ["Oak", "Steel"]


def test_classification_references_own_and_inherited(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, result = model
    (wall_ref,) = element(result, built.ids["wall1"]).classifications
    assert wall_ref.model_dump() == {
        "system": "Uniclass 2015",
        "edition": "v1.30",
        "identification": "EF_25_10",
        "name": "Walls",
        "location": None,
        "inherited": True,
    }
    (type_ref,) = element(result, built.ids["wall_type"]).classifications
    assert (type_ref.identification, type_ref.inherited) == ("EF_25_10", False)
    (door_ref,) = element(result, built.ids["door"]).classifications
    assert (door_ref.system, door_ref.identification, door_ref.inherited) == (
        "OmniClass",
        "23-17 11 00",
        False,
    )


def test_window_fills_an_opening_in_a_wall(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    ids = built.ids
    (opening,) = element(result, ids["wall1"]).openings
    assert (opening.global_id, opening.ifc_class, opening.name) == (
        ids["opening"],
        "IfcOpeningElement",
        "O1",
    )
    assert opening.filled_by == [ids["window"]]
    window = element(result, ids["window"])
    assert (window.fills, window.host) == (ids["opening"], ids["wall1"])
    assert element(result, ids["wall2"]).openings == []
    assert ids["opening"] not in {e.global_id for e in result.elements}


# -- 4. summaries ------------------------------------------------------------------------------


def test_quantity_takeoff_per_storey_and_class(model: tuple[Built, ExtractionResult]) -> None:
    built, result = model
    u = built.unit
    takeoff = result.stats["quantity_takeoff"]
    assert list(takeoff) == ["Level 1", "Level 2"]
    walls = takeoff["Level 1"]["IfcWall"]
    assert walls["Length"] == {"value": 30.0, "unit": u}
    assert walls["NetSideArea"] == {"value": 270.0, "unit": f"{u}2"}
    assert walls["NetVolume"] == {"value": 90.0, "unit": f"{u}3"}
    width = walls["Width"]  # 6 inches converted to the project length unit
    assert width["unit"] == u
    assert math.isclose(width["value"], 0.5 if u == "foot" else 6.0)
    assert takeoff["Level 1"]["IfcSpace"]["NetFloorArea"] == {"value": 150.0, "unit": f"{u}2"}
    assert takeoff["Level 1"]["IfcBuildingStorey"]["GrossFloorArea"]["value"] == 1000.0
    assert takeoff["Level 2"]["IfcColumn"] == {
        "Length": {"value": 10.0, "unit": u},
        "NetWeight": {"value": 310.0, "unit": "lb"},
    }
    assert "IfcDoor" not in takeoff["Level 1"]  # count and time quantities are not summed


def test_class_counts_per_storey_and_overall(model: tuple[Built, ExtractionResult]) -> None:
    _, result = model
    assert result.stats["class_counts_per_storey"] == {
        "Level 1": {"IfcDoor": 1, "IfcWall": 2, "IfcWindow": 1},
        "Level 2": {
            "IfcBuildingElementProxy": 1,
            "IfcColumn": 1,
            "IfcFurniture": 1,
            "IfcSlab": 1,
        },
    }
    counts = result.stats["class_counts"]
    assert (counts["IfcWall"], counts["IfcOpeningElement"], counts["IfcSpace"]) == (2, 1, 1)


def test_property_coverage(model: tuple[Built, ExtractionResult]) -> None:
    _, result = model
    coverage = result.stats["property_coverage"]
    assert coverage["IfcWall"] == {
        "count": 2,
        "psets": {"Pset_WallCommon": 2, "Tolerances": 1},
        "qsets": {"Qto_WallBaseQuantities": 2},
    }
    assert coverage["IfcWallType"] == {"count": 1, "psets": {"Pset_WallCommon": 1}, "qsets": {}}
    assert coverage["IfcBuildingStorey"]["psets"] == {"Pset_BuildingStoreyCommon": 1}
    assert coverage["IfcSpace"]["qsets"] == {"Qto_SpaceBaseQuantities": 1}


def test_inherited_pset_dicts_are_shared_not_copied(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC4")
    run("root.create_entity", f, ifc_class="IfcProject", name="P")
    wall_type = run("root.create_entity", f, ifc_class="IfcWallType", name="T")
    _pset(f, wall_type, "Pset_WallCommon", {"FireRating": "1HR"})
    walls = [run("root.create_entity", f, ifc_class="IfcWall", name=f"W{i}") for i in range(3)]
    run("type.assign_type", f, related_objects=walls, relating_type=wall_type)
    f.write(str(tmp_path / "shared.ifc"))
    result = extract(tmp_path / "shared.ifc")
    sets = [e.psets["Pset_WallCommon"] for e in result.elements]
    assert sets[0] == {"FireRating": "1HR"}
    assert sets[0] is sets[1] is sets[2] is result.element_types[0].psets["Pset_WallCommon"]


# -- 5. georeferencing -------------------------------------------------------------------------


def test_map_conversion_in_map_units_with_rotation_and_epsg(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC4")
    run("root.create_entity", f, ifc_class="IfcProject", name="Geo")
    _units(f, "foot")
    run("context.add_context", f, context_type="Model")
    run("georeference.add_georeferencing", f)
    metre = f.createIfcSIUnit(None, "LENGTHUNIT", None, "METRE")
    angle = math.radians(30)
    run(
        "georeference.edit_georeferencing",
        f,
        projected_crs={"Name": "EPSG:2263", "MapUnit": metre},
        coordinate_operation={
            "Eastings": 300000.0,
            "Northings": 60000.0,
            "OrthogonalHeight": 12.5,
            "XAxisAbscissa": math.cos(angle),
            "XAxisOrdinate": math.sin(angle),
            "Scale": 0.3048,
        },
    )
    f.write(str(tmp_path / "geo.ifc"))
    geo = extract(tmp_path / "geo.ifc").metadata["georeference"]
    assert (geo["crs"], geo["epsg"], geo["map_unit"]) == ("EPSG:2263", 2263, "m")
    assert geo["eastings"] == {"value": 300000.0, "unit": "m"}
    assert geo["northings"] == {"value": 60000.0, "unit": "m"}
    assert geo["orthogonal_height"] == {"value": 12.5, "unit": "m"}
    assert geo["rotation"]["unit"] == "deg"
    assert math.isclose(geo["rotation"]["value"], 30.0)
    assert geo["scale"] == 0.3048


def test_ifc2x3_map_conversion_property_sets(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC2X3")
    org = f.createIfcOrganization(None, "Org")
    f.createIfcPersonAndOrganization(f.createIfcPerson(None, "Me"), org)
    f.createIfcApplication(org, "1.0", "pytest", "pytest")
    project = run("root.create_entity", f, ifc_class="IfcProject", name="Geo 2x3")
    _units(f, "foot")
    _pset(
        f,
        project,
        "ePSet_ProjectedCRS",
        {"Name": "EPSG:2263", "GeodeticDatum": "NAD83"},
    )
    _pset(
        f,
        project,
        "ePSet_MapConversion",
        {"Eastings": 1000000.0, "Northings": 200000.0, "XAxisAbscissa": 0.0, "XAxisOrdinate": 1.0},
    )
    f.write(str(tmp_path / "geo2x3.ifc"))
    geo = extract(tmp_path / "geo2x3.ifc").metadata["georeference"]
    assert (geo["crs"], geo["epsg"], geo["geodetic_datum"]) == ("EPSG:2263", 2263, "NAD83")
    assert geo["eastings"] == {"value": 1000000.0, "unit": "foot"}
    assert geo["northings"] == {"value": 200000.0, "unit": "foot"}
    assert math.isclose(geo["rotation"]["value"], 90.0)
    assert geo["scale"] == 1.0  # omitted: 1.0 per the standard
    assert "ePSet_MapConversion" in geo["source"]


# -- 6. progress, options ----------------------------------------------------------------------


def test_progress_counts_elements_and_types(tmp_path: Path) -> None:
    f = run("project.create_file", version="IFC4")
    run("root.create_entity", f, ifc_class="IfcProject", name="P")
    for i in range(150):
        run("root.create_entity", f, ifc_class="IfcWall", name=f"W{i}")
    for i in range(60):
        run("root.create_entity", f, ifc_class="IfcWallType", name=f"T{i}")
    f.write(str(tmp_path / "many.ifc"))
    calls: list[tuple[int, int]] = []
    result = api.extract(tmp_path / "many.ifc", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 210), (100, 210), (200, 210), (210, 210)]
    assert (len(result.elements), len(result.element_types)) == (150, 60)


def test_properties_off_still_lists_materials_and_types(
    model: tuple[Built, ExtractionResult],
) -> None:
    built, _ = model
    result = extract(built.path, properties=False)
    wall1 = element(result, built.ids["wall1"])
    assert wall1.psets == {} and wall1.qsets == {}
    assert wall1.materials == list(LAYERS)
    assert result.stats["quantity_takeoff"] == {} and result.stats["property_coverage"] == {}
    assert len(result.element_types) == 2


# -- bad input ---------------------------------------------------------------------------------

HEADER = (
    "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('ViewDefinition [CoordinationView]'),'2;1');\n"
    "FILE_NAME('x.ifc','2024-01-01T00:00:00',(''),(''),'','','');\n"
    "FILE_SCHEMA(('{schema}'));\nENDSEC;\nDATA;\n"
)
FOOTER = "ENDSEC;\nEND-ISO-10303-21;\n"
UNITS = (
    "#10=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
    "#11=IFCUNITASSIGNMENT((#10));\n"
    "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P',$,$,$,$,$,#11);\n"
)


def write(tmp_path: Path, body: str, schema: str = "IFC4") -> Path:
    path = tmp_path / "bad.ifc"
    path.write_text(HEADER.format(schema=schema) + body + FOOTER)
    return path


def test_dangling_material_and_opening_references_give_issues(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        UNITS + "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,$,$,$,$);\n"
        "#3=IFCRELASSOCIATESMATERIAL('2YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#404);\n"
        "#4=IFCRELVOIDSELEMENT('3YvctVUKr0kugbFTf53O9L',$,$,$,#2,#405);\n"
        "#5=IFCRELDEFINESBYPROPERTIES('4YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#406);\n",
    )
    result = extract(path)
    (wall,) = result.elements
    assert wall.name == "W"
    assert wall.material_sets == [] and wall.openings == [] and wall.psets == {}
    assert {"dangling_reference", "property_set_unreadable"} <= codes(result)
    (issue,) = [i for i in result.issues if i.code == "property_set_unreadable"]
    assert issue.location == "1YvctVUKr0kugbFTf53O9L"


def test_damaged_set_relationship_keeps_the_readable_sets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        UNITS + "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,$,$,$,$);\n"
        "#5=IFCRELDEFINESBYPROPERTIES('4YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#406);\n"
        "#30=IFCPROPERTYSINGLEVALUE('FireRating',$,IFCLABEL('EI60'),$);\n"
        "#31=IFCPROPERTYSET('8YvctVUKr0kugbFTf53O9L',$,'Pset_WallCommon',$,(#30));\n"
        "#32=IFCRELDEFINESBYPROPERTIES('9YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#31);\n",
    )
    result = extract(path)
    (wall,) = result.elements
    assert wall.psets == {"Pset_WallCommon": {"FireRating": "EI60"}}
    assert "property_set_unreadable" in codes(result)


def test_layer_set_usage_without_its_set_is_material_unreadable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        UNITS + "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,$,$,$,$);\n"
        "#6=IFCMATERIAL('Concrete',$,$);\n"
        "#7=IFCMATERIALLAYERSETUSAGE($,.AXIS2.,.POSITIVE.,0.,$);\n"
        "#3=IFCRELASSOCIATESMATERIAL('2YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#7);\n"
        "#8=IFCWALL('5YvctVUKr0kugbFTf53O9L',$,'W2',$,$,$,$,$,$);\n"
        "#9=IFCRELASSOCIATESMATERIAL('6YvctVUKr0kugbFTf53O9L',$,$,$,(#8),#6);\n",
    )
    result = extract(path)
    walls = {e.name: e for e in result.elements}
    assert walls["W"].material_sets == []
    assert walls["W2"].materials == ["Concrete"]
    (issue,) = [i for i in result.issues if i.code == "material_unreadable"]
    assert issue.location == "1YvctVUKr0kugbFTf53O9L"


def test_quantity_of_the_wrong_type_does_not_crash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        UNITS + "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,$,$,$,$);\n"
        "#20=IFCQUANTITYLENGTH('Length',$,$,'long',$);\n"
        "#21=IFCQUANTITYAREA('Area',$,$,12.5,$);\n"
        "#22=IFCELEMENTQUANTITY('7YvctVUKr0kugbFTf53O9L',$,'Qto',$,$,(#20,#21));\n"
        "#5=IFCRELDEFINESBYPROPERTIES('4YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#22);\n",
    )
    result = extract(path)
    (wall,) = result.elements
    assert wall.qsets["Qto"]["Area"] == {"value": 12.5, "unit": "unitless"}  # no AREAUNIT
    assert result.units.length == "mm"


def test_ifc4_content_labelled_ifc2x3_is_a_result_with_issues(tmp_path: Path) -> None:
    """A mislabelled file: IFC4 entities (IfcWall with 9 attributes, IfcMaterialLayerSet with
    3) under FILE_SCHEMA IFC2X3 (8 and 2)."""
    path = write(
        tmp_path,
        "#10=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n#11=IFCUNITASSIGNMENT((#10));\n"
        "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P',$,$,$,$,$,#11);\n"
        "#2=IFCWALL('1YvctVUKr0kugbFTf53O9L',$,'W',$,$,$,$,$,.STANDARD.);\n"
        "#6=IFCMATERIAL('Concrete',$,$);\n"
        "#7=IFCMATERIALLAYER(#6,200.,$,'Core',$,$,$);\n"
        "#8=IFCMATERIALLAYERSET((#7),'Wall 200',$);\n"
        "#3=IFCRELASSOCIATESMATERIAL('2YvctVUKr0kugbFTf53O9L',$,$,$,(#2),#8);\n",
        schema="IFC2X3",
    )
    result = extract(path)
    assert result.source.format_version == "IFC2X3"
    assert "wrong_attribute_count" in codes(result)
    (wall,) = result.elements
    assert (wall.name, wall.materials) == ("W", ["Concrete"])
    assert ExtractionResult.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize(
    "content",
    [
        b"0\nSECTION\n2\nHEADER\n0\nENDSEC\n0\nEOF\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    ],
    ids=["dxf", "pdf"],
)
def test_other_formats_forced_as_ifc_are_unsupported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.ifc"
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError):
        extract(path, format="ifc")
