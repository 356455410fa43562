"""Write the PyBase Extract sample files, each with a known ground truth (see README.md here).

Usage::

    python samples/make_samples.py [OUTDIR]      # default OUTDIR: the folder of this script

Files written (all lengths in millimetres):

* ``bracket.dxf``  -- DXF R2013 drawing of a 120 x 80 mm plate (ezdxf).
* ``house.ifc``    -- IFC4 building model with storeys, walls, doors, windows, psets (ifcopenshell).
* ``gearbox.step`` -- STEP AP214 assembly GEARBOX / HOUSING / SHAFT_ASSY / SHAFT / BEARING (OCP).
* ``drawing.pdf``  -- A3 landscape vector drawing page plus one image-only page (reportlab).
* ``broken.dxf``   -- ``bracket.dxf`` cut off in the middle of its ENTITIES section, on purpose.

The output is deterministic as far as the libraries allow: ezdxf's fixed metadata mode, IFC
GlobalIds derived from names (UUID v5), fixed header time stamps in IFC and STEP, and
reportlab's ``invariant`` mode, so running the script twice writes the same facts (and, with
the same library versions, the same bytes).

Needs ezdxf, ifcopenshell, OCP (cadquery-ocp-novtk), reportlab and Pillow.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "FIXED_TIMESTAMP",
    "make_bracket_dxf",
    "make_broken_dxf",
    "make_drawing_pdf",
    "make_gearbox_step",
    "make_house_ifc",
    "make_samples",
]

SAMPLES_DIR = Path(__file__).resolve().parent
FIXED_TIMESTAMP = "2026-01-01T00:00:00"
"""Time stamp written into the IFC and STEP headers (ISO 8601, as ISO 10303-21 §8.2.2 asks)."""

_GUID_NAMESPACE = uuid.UUID("6f1c2a54-3b0e-5d4e-9a61-0c8f2b7d9e10")


# --------------------------------------------------------------------------------------------
# DXF
# --------------------------------------------------------------------------------------------

TITLE_BLOCK_FIELDS: list[tuple[str, str, str]] = [
    # (ATTDEF tag, label printed in the block, ATTRIB value in layout 'Sheet 1')
    ("DWG_NO", "DWG NO", "PB-1001"),
    ("TITLE", "TITLE", "Mounting bracket"),
    ("REV", "REV", "B"),
    ("MATERIAL", "MATERIAL", "S235JR"),
    ("SCALE", "SCALE", "1:1"),
    ("SHEET", "SHEET", "1 of 1"),
    ("DRAWN_BY", "DRAWN BY", "J. Smith"),
    ("DATE", "DATE", "2026-11-29"),
]

BOM_ROWS: list[dict[str, str]] = [
    {"ITEM": "1", "PART_NO": "PB-1001-01", "DESCRIPTION": "Bracket plate", "QTY": "1"},
    {
        "ITEM": "2",
        "PART_NO": "ISO 4762 M8x25",
        "DESCRIPTION": "Socket head cap screw",
        "QTY": "4",
    },
]

NOTE_MTEXT = (
    "\\A1;NOTES:\\P"
    "1. BREAK ALL EDGES 0.5 X 45%%d\\P"
    "2. {\\C1;GENERAL TOLERANCES ISO 2768-mK}\\P"
    "3. HOLES %%c10 H7 THROUGH\\P"
    "4. FINISH: {\\fArial|b1|i0|c0|p34;ZINC PLATED}"
)
"""MTEXT content of the notes, with inline codes (DXF reference, MTEXT "Inline codes")."""

_PLATE_W = 120.0  # mm
_PLATE_H = 80.0  # mm
_CORNER_R = 5.0  # mm, corner fillet radius
_HOLE_D = 10.0  # mm
_HOLE_CENTRES = [(12.0, 12.0), (108.0, 12.0), (108.0, 68.0), (12.0, 68.0)]  # mm


def _plate_outline() -> list[tuple[float, float, float]]:
    """Closed LWPOLYLINE points (x, y, bulge) of the plate with R5 corners; bulge = tan(90°/4)."""
    r, w, h = _CORNER_R, _PLATE_W, _PLATE_H
    b = 0.41421356237309503  # tan(22.5°): a 90° counter-clockwise arc
    return [
        (r, 0.0, 0.0),
        (w - r, 0.0, b),
        (w, r, 0.0),
        (w, h - r, b),
        (w - r, h, 0.0),
        (r, h, b),
        (0.0, h - r, 0.0),
        (0.0, r, b),
    ]


def make_bracket_dxf(path: Path) -> Path:
    """Write ``bracket.dxf``: DXF R2013, ``$INSUNITS`` = 4 (mm).

    Model space: plate outline (LWPOLYLINE 120 x 80 mm, R5 corners) and 4 CIRCLEs Ø10 on layer
    OUTLINE; a hidden pocket outline on layer HIDDEN (linetype DASHED, frozen); DIMENSIONs on
    layer DIMENSIONS (linear 120, linear 80, diameter Ø10 with text override ``4x %%c10 H7``,
    radius R5); an MTEXT note; two INSERTs of block BOM_ROW with ATTRIBs ITEM/PART_NO/
    DESCRIPTION/QTY. Paper space layout 'Sheet 1' (A3): a VIEWPORT and an INSERT of block
    TITLE_BLOCK whose ATTRIBs are :data:`TITLE_BLOCK_FIELDS`.
    """
    import ezdxf
    from ezdxf.enums import TextEntityAlignment
    from ezdxf.tools.standards import setup_dimstyle

    fixed = ezdxf.options.write_fixed_meta_data_for_testing
    ezdxf.options.write_fixed_meta_data_for_testing = True  # fixed $TDCREATE, GUIDs
    try:
        doc = ezdxf.new("R2013", setup=True, units=4)
        doc.layers.add("OUTLINE", color=7, lineweight=50)
        doc.layers.add("DIMENSIONS", color=1)
        hidden = doc.layers.add("HIDDEN", color=8, linetype="DASHED")
        hidden.freeze()
        doc.layers.add("TITLE", color=3)
        doc.layers.add("NOTES", color=2)
        doc.layers.add("BOM", color=4)
        dimstyle = setup_dimstyle(doc, "EZ_MM_1_H25_MM", blk="", name="ISO-25")
        dimstyle.dxf.dimdec = 0
        dimstyle.dxf.dimzin = 8

        msp = doc.modelspace()
        outline = {"layer": "OUTLINE"}
        msp.add_lwpolyline(_plate_outline(), format="xyb", close=True, dxfattribs=outline)
        for x, y in _HOLE_CENTRES:
            msp.add_circle((x, y), radius=_HOLE_D / 2, dxfattribs=outline)
        msp.add_lwpolyline(
            [(40.0, 25.0), (80.0, 25.0), (80.0, 55.0), (40.0, 55.0)],
            close=True,
            dxfattribs={"layer": "HIDDEN", "linetype": "BYLAYER"},
        )

        dims = {"layer": "DIMENSIONS"}
        msp.add_linear_dim(
            base=(0.0, -15.0),
            p1=(0.0, 0.0),
            p2=(_PLATE_W, 0.0),
            dimstyle="ISO-25",
            dxfattribs=dims,
        ).render()
        msp.add_linear_dim(
            base=(_PLATE_W + 15.0, 0.0),
            p1=(_PLATE_W, 0.0),
            p2=(_PLATE_W, _PLATE_H),
            angle=90,
            dimstyle="ISO-25",
            dxfattribs=dims,
        ).render()
        msp.add_diameter_dim(
            center=_HOLE_CENTRES[3],
            radius=_HOLE_D / 2,
            angle=315.0,
            text="4x %%c10 H7",
            dimstyle="ISO-25",
            override={"dimtmove": 2},
            dxfattribs=dims,
        ).render()
        msp.add_radius_dim(
            center=(_PLATE_W - _CORNER_R, _PLATE_H - _CORNER_R),
            radius=_CORNER_R,
            angle=45.0,
            dimstyle="ISO-25",
            override={"dimtmove": 2},
            dxfattribs=dims,
        ).render()

        msp.add_mtext(
            NOTE_MTEXT, dxfattribs={"layer": "NOTES", "char_height": 3.5, "width": 110.0}
        ).set_location((150.0, 80.0))

        bom_row = doc.blocks.new("BOM_ROW")
        widths = [("ITEM", 10.0), ("PART_NO", 40.0), ("DESCRIPTION", 60.0), ("QTY", 10.0)]
        x = 0.0
        for tag, width in widths:
            bom_row.add_lwpolyline(
                [(x, 0.0), (x + width, 0.0), (x + width, 8.0), (x, 8.0)], close=True
            )
            bom_row.add_attdef(tag, insert=(x + 1.5, 2.5), height=3.0, dxfattribs={"prompt": tag})
            x += width
        for i, values in enumerate(BOM_ROWS):
            msp.add_blockref(
                "BOM_ROW", (0.0, -40.0 - 8.0 * i), dxfattribs={"layer": "BOM"}
            ).add_auto_attribs(values)

        title_block = doc.blocks.new("TITLE_BLOCK")
        row_h, label_w, value_w = 7.0, 30.0, 70.0
        rows = len(TITLE_BLOCK_FIELDS)
        title_block.add_lwpolyline(
            [
                (0.0, 0.0),
                (label_w + value_w, 0.0),
                (label_w + value_w, rows * row_h),
                (0.0, rows * row_h),
            ],
            close=True,
        )
        title_block.add_line((label_w, 0.0), (label_w, rows * row_h))
        for i, (tag, label, _value) in enumerate(TITLE_BLOCK_FIELDS):
            y = (rows - 1 - i) * row_h
            if i:
                title_block.add_line((0.0, y + row_h), (label_w + value_w, y + row_h))
            title_block.add_text(label, height=2.5).set_placement(
                (1.5, y + 2.25), align=TextEntityAlignment.LEFT
            )
            title_block.add_attdef(
                tag, insert=(label_w + 1.5, y + 2.0), height=3.0, dxfattribs={"prompt": label}
            )

        doc.layouts.rename("Layout1", "Sheet 1")
        sheet = doc.paperspace("Sheet 1")
        sheet.page_setup(size=(420, 297), margins=(10, 10, 10, 10), units="mm", scale=(1, 1))
        sheet.add_viewport(
            center=(140.0, 170.0),
            size=(250.0, 180.0),
            view_center_point=(90.0, 20.0),
            view_height=180.0,
            dxfattribs={"layer": "TITLE"},
        )
        sheet.add_blockref(
            "TITLE_BLOCK", (400.0 - label_w - value_w, 10.0), dxfattribs={"layer": "TITLE"}
        ).add_auto_attribs({tag: value for tag, _label, value in TITLE_BLOCK_FIELDS})

        # ezdxf collects the CLASS entries of the types in use from a set: register them in
        # sorted order first so the CLASSES section does not depend on the hash seed.
        for dxftype in sorted(doc.entitydb.dxf_types_in_use()):
            doc.classes.add_class(dxftype)
        doc.saveas(path)
    finally:
        ezdxf.options.write_fixed_meta_data_for_testing = fixed
    return path


def make_broken_dxf(source: Path, path: Path) -> Path:
    """Write ``broken.dxf``: the first part of ``source`` (a valid ASCII DXF), cut off in the
    middle of its ENTITIES section (mid group-code/value pair, no ENDSEC, no EOF)."""
    data = source.read_bytes()
    start = data.index(b"\nENTITIES\n")
    end = data.index(b"\nENDSEC\n", start)
    cut = data.index(b"\n", (start + end) // 2) + 3  # a few bytes into a line: a broken pair
    path.write_bytes(data[:cut])
    return path


# --------------------------------------------------------------------------------------------
# IFC
# --------------------------------------------------------------------------------------------


def make_house_ifc(path: Path) -> Path:
    """Write ``house.ifc``: IFC4, project length unit mm (ISO 16739-1, IfcSIUnit MILLI METRE).

    IfcProject 'Sample House' / IfcSite 'Site' / IfcBuilding 'House' / IfcBuildingStorey
    'Ground Floor' (Elevation 0 mm) and 'First Floor' (Elevation 3000 mm). Ground floor: 4
    IfcWall, 2 IfcDoor, 3 IfcWindow, 1 IfcSlab; first floor: 2 IfcWall, 1 IfcSlab. IfcWallType
    'WT-200' with Pset_WallCommon (IsExternal True, FireRating 'REI 60') and an
    IfcMaterialLayerSet 'WT-200' of one 200 mm IfcMaterialLayer 'Concrete', typing all six walls.
    Each wall has Qto_WallBaseQuantities Length/Height (mm), NetVolume (m³); each door
    Pset_DoorCommon FireRating 'EI 30'. Walls and slabs have swept-solid Body geometry.
    GlobalIds are UUID v5 of the element's class and name (relationships, psets and the like:
    of class and STEP id), so they are stable from run to run.
    """
    import ifcopenshell
    import ifcopenshell.api.aggregate
    import ifcopenshell.api.context
    import ifcopenshell.api.geometry
    import ifcopenshell.api.material
    import ifcopenshell.api.project
    import ifcopenshell.api.pset
    import ifcopenshell.api.root
    import ifcopenshell.api.spatial
    import ifcopenshell.api.type
    import ifcopenshell.api.unit
    import ifcopenshell.guid
    import numpy as np

    model = ifcopenshell.api.project.create_file(version="IFC4")
    model.header.file_name.name = "house.ifc"
    model.header.file_name.time_stamp = FIXED_TIMESTAMP
    model.header.file_name.author = ("PyBase Extract samples",)
    model.header.file_name.organization = ("PyBase Extract",)

    named_guids: set[str] = set()

    def create(ifc_class: str, name: str, **attributes: Any) -> Any:
        entity = ifcopenshell.api.root.create_entity(model, ifc_class=ifc_class, name=name)
        guid = uuid.uuid5(_GUID_NAMESPACE, f"house.ifc/{ifc_class}/{name}")
        entity.GlobalId = ifcopenshell.guid.compress(guid.hex)
        named_guids.add(entity.GlobalId)
        for key, value in attributes.items():
            setattr(entity, key, value)
        return entity

    def place(product: Any, x: float = 0.0, y: float = 0.0, z: float = 0.0, rot: int = 0) -> None:
        """Local placement in mm; ``rot`` is a rotation about Z in degrees (0/90/180/270)."""
        matrix = np.eye(4)
        cos, sin = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[rot]
        matrix[:2, :2] = [[cos, -sin], [sin, cos]]
        matrix[:3, 3] = (x, y, z)
        ifcopenshell.api.geometry.edit_object_placement(
            model, product=product, matrix=matrix, is_si=False
        )

    project = create("IfcProject", "Sample House")
    ifcopenshell.api.unit.assign_unit(
        model,
        length={"is_metric": True, "raw": "MILLIMETERS"},
        area={"is_metric": True, "raw": "METERS"},
        volume={"is_metric": True, "raw": "METERS"},
    )
    model3d = ifcopenshell.api.context.add_context(model, context_type="Model")
    body = ifcopenshell.api.context.add_context(
        model,
        context_type="Model",
        context_identifier="Body",
        target_view="MODEL_VIEW",
        parent=model3d,
    )

    site = create("IfcSite", "Site")
    building = create("IfcBuilding", "House")
    ground = create("IfcBuildingStorey", "Ground Floor", Elevation=0.0)
    first = create("IfcBuildingStorey", "First Floor", Elevation=3000.0)
    ifcopenshell.api.aggregate.assign_object(model, products=[site], relating_object=project)
    ifcopenshell.api.aggregate.assign_object(model, products=[building], relating_object=site)
    ifcopenshell.api.aggregate.assign_object(
        model, products=[ground, first], relating_object=building
    )
    for product in (site, building, ground):
        place(product)
    place(first, z=3000.0)

    wall_type = create("IfcWallType", "WT-200", PredefinedType="STANDARD")
    pset = ifcopenshell.api.pset.add_pset(model, product=wall_type, name="Pset_WallCommon")
    ifcopenshell.api.pset.edit_pset(
        model, pset=pset, properties={"IsExternal": True, "FireRating": "REI 60"}
    )
    concrete = ifcopenshell.api.material.add_material(model, name="Concrete", category="concrete")
    layer_set = ifcopenshell.api.material.add_material_set(
        model, name="WT-200", set_type="IfcMaterialLayerSet"
    )
    layer = ifcopenshell.api.material.add_layer(model, layer_set=layer_set, material=concrete)
    ifcopenshell.api.material.edit_layer(
        model, layer=layer, attributes={"LayerThickness": 200.0, "Name": "Concrete"}
    )
    ifcopenshell.api.material.assign_material(
        model, products=[wall_type], type="IfcMaterialLayerSet", material=layer_set
    )

    # (storey, name, x mm, y mm, rotation °, length mm); every wall is 3000 mm high and 200 mm
    # thick (the layer set).
    wall_height = 3000.0
    walls_spec = [
        (ground, "W-01", 0.0, 0.0, 0, 10000.0),
        (ground, "W-02", 10000.0, 0.0, 90, 8000.0),
        (ground, "W-03", 10000.0, 8000.0, 180, 10000.0),
        (ground, "W-04", 0.0, 8000.0, 270, 8000.0),
        (first, "W-11", 0.0, 0.0, 0, 10000.0),
        (first, "W-12", 10000.0, 8000.0, 180, 10000.0),
    ]
    walls = []
    for storey, name, x, y, rot, length in walls_spec:
        wall = create("IfcWall", name, PredefinedType="STANDARD")
        ifcopenshell.api.spatial.assign_container(model, products=[wall], relating_structure=storey)
        place(wall, x, y, storey.Elevation, rot)
        rep = ifcopenshell.api.geometry.add_wall_representation(
            model, context=body, length=length / 1000, height=wall_height / 1000, thickness=0.2
        )
        ifcopenshell.api.geometry.assign_representation(model, product=wall, representation=rep)
        qto = ifcopenshell.api.pset.add_qto(model, product=wall, name="Qto_WallBaseQuantities")
        ifcopenshell.api.pset.edit_qto(
            model,
            qto=qto,
            properties={
                "Length": length,
                "Height": wall_height,
                "NetVolume": round(length * wall_height * 200.0 / 1e9, 3),
            },
        )
        walls.append(wall)
    ifcopenshell.api.type.assign_type(model, related_objects=walls, relating_type=wall_type)

    for name, x in (("D-01", 2000.0), ("D-02", 6000.0)):
        door = create(
            "IfcDoor", name, PredefinedType="DOOR", OverallHeight=2100.0, OverallWidth=900.0
        )
        ifcopenshell.api.spatial.assign_container(model, products=[door], relating_structure=ground)
        place(door, x, 0.0, 0.0)
        door_pset = ifcopenshell.api.pset.add_pset(model, product=door, name="Pset_DoorCommon")
        ifcopenshell.api.pset.edit_pset(
            model, pset=door_pset, properties={"FireRating": "EI 30", "IsExternal": True}
        )
    for name, x in (("WIN-01", 4000.0), ("WIN-02", 8000.0), ("WIN-03", 5000.0)):
        window = create(
            "IfcWindow", name, PredefinedType="WINDOW", OverallHeight=1200.0, OverallWidth=1000.0
        )
        ifcopenshell.api.spatial.assign_container(
            model, products=[window], relating_structure=ground
        )
        place(window, x, 0.0 if name != "WIN-03" else 8000.0, 900.0)

    for storey, name in ((ground, "SL-00"), (first, "SL-01")):
        slab = create("IfcSlab", name, PredefinedType="FLOOR")
        ifcopenshell.api.spatial.assign_container(model, products=[slab], relating_structure=storey)
        place(slab, 0.0, 0.0, storey.Elevation)
        rep = ifcopenshell.api.geometry.add_slab_representation(
            model,
            context=body,
            depth=0.2,
            polyline=[(0.0, 0.0), (10.0, 0.0), (10.0, 8.0), (0.0, 8.0)],
        )
        ifcopenshell.api.geometry.assign_representation(model, product=slab, representation=rep)

    # Relationships, psets and materials get random GlobalIds from the API: derive them from
    # the entity's class and step id instead (named elements already have name-based ones).
    for entity in model.by_type("IfcRoot"):
        if entity.GlobalId not in named_guids:
            guid = uuid.uuid5(_GUID_NAMESPACE, f"house.ifc/{entity.is_a()}/#{entity.id()}")
            entity.GlobalId = ifcopenshell.guid.compress(guid.hex)
    model.write(str(path))
    return path


# --------------------------------------------------------------------------------------------
# STEP
# --------------------------------------------------------------------------------------------


def make_gearbox_step(path: Path) -> Path:
    """Write ``gearbox.step``: ISO 10303-21, AP214 (AUTOMOTIVE_DESIGN), lengths in mm.

    Product structure (PRODUCT names, NEXT_ASSEMBLY_USAGE_OCCURRENCE counts)::

        GEARBOX
         ├── HOUSING     x1   box 100 x 60 x 40 mm, colour RGB (0.2, 0.4, 0.8)
         └── SHAFT_ASSY  x2
              ├── SHAFT    x1   cylinder r = 5 mm, h = 80 mm
              └── BEARING  x2   ring r_out = 11 mm, r_in = 5 mm, width 8 mm
    """
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Cut
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox, BRepPrimAPI_MakeCylinder
    from OCP.gp import gp_Trsf, gp_Vec
    from OCP.IFSelect import IFSelect_RetDone
    from OCP.Interface import Interface_Static
    from OCP.Message import Message, Message_Gravity
    from OCP.Quantity import Quantity_Color, Quantity_TypeOfColor
    from OCP.STEPCAFControl import STEPCAFControl_Writer
    from OCP.STEPControl import STEPControl_StepModelType
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDataStd import TDataStd_Name
    from OCP.TDocStd import TDocStd_Document
    from OCP.TopLoc import TopLoc_Location
    from OCP.XCAFApp import XCAFApp_Application
    from OCP.XCAFDoc import XCAFDoc_ColorType, XCAFDoc_DocumentTool

    def moved(dx: float, dy: float, dz: float) -> TopLoc_Location:
        trsf = gp_Trsf()
        trsf.SetTranslation(gp_Vec(dx, dy, dz))
        return TopLoc_Location(trsf)

    doc = TDocStd_Document(TCollection_ExtendedString("XmlXCAF"))
    XCAFApp_Application.GetApplication_s().InitDocument(doc)
    shapes = XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())
    colors = XCAFDoc_DocumentTool.ColorTool_s(doc.Main())

    def named(label: Any, name: str) -> Any:
        TDataStd_Name.Set_s(label, TCollection_ExtendedString(name))
        return label

    housing = named(
        shapes.AddShape(BRepPrimAPI_MakeBox(100.0, 60.0, 40.0).Shape(), False), "HOUSING"
    )
    shaft = named(shapes.AddShape(BRepPrimAPI_MakeCylinder(5.0, 80.0).Shape(), False), "SHAFT")
    ring = BRepAlgoAPI_Cut(
        BRepPrimAPI_MakeCylinder(11.0, 8.0).Shape(), BRepPrimAPI_MakeCylinder(5.0, 8.0).Shape()
    ).Shape()
    bearing = named(shapes.AddShape(ring, False), "BEARING")
    colors.SetColor(
        housing,
        Quantity_Color(0.2, 0.4, 0.8, Quantity_TypeOfColor.Quantity_TOC_sRGB),
        XCAFDoc_ColorType.XCAFDoc_ColorGen,
    )

    shaft_assy = named(shapes.NewShape(), "SHAFT_ASSY")
    shapes.AddComponent(shaft_assy, shaft, moved(0.0, 0.0, 0.0))
    shapes.AddComponent(shaft_assy, bearing, moved(0.0, 0.0, 10.0))
    shapes.AddComponent(shaft_assy, bearing, moved(0.0, 0.0, 62.0))

    gearbox = named(shapes.NewShape(), "GEARBOX")
    shapes.AddComponent(gearbox, housing, moved(0.0, 0.0, 0.0))
    shapes.AddComponent(gearbox, shaft_assy, moved(25.0, 30.0, -20.0))
    shapes.AddComponent(gearbox, shaft_assy, moved(75.0, 30.0, -20.0))
    shapes.UpdateAssemblies()

    # Interface_Static and the default messenger are process-wide: set them for this write
    # only (the writer's transfer statistics are Info messages: keep them off stdout).
    settings = {"write.step.schema": "AP214IS", "write.step.unit": "MM"}
    saved = {key: Interface_Static.CVal_s(key) for key in settings}
    printers = list(Message.DefaultMessenger_s().Printers())
    levels = [printer.GetTraceLevel() for printer in printers]
    try:
        for key, value in settings.items():
            Interface_Static.SetCVal_s(key, value)
        for printer in printers:
            printer.SetTraceLevel(Message_Gravity.Message_Warning)
        writer = STEPCAFControl_Writer()
        writer.SetColorMode(True)
        writer.SetNameMode(True)
        if not writer.Transfer(doc, STEPControl_StepModelType.STEPControl_AsIs):
            raise RuntimeError("STEP transfer of the gearbox document failed")
        if writer.Write(str(path)) != IFSelect_RetDone:
            raise RuntimeError(f"writing {path} failed")
    finally:
        for key, value in saved.items():
            Interface_Static.SetCVal_s(key, value)
        for printer, level in zip(printers, levels, strict=True):
            printer.SetTraceLevel(level)

    # The writer stamps the wall-clock time and the path it was given into FILE_NAME
    # (ISO 10303-21 §8.2.2); pin both so the file does not change from run to run.
    text = path.read_text(encoding="latin-1")
    text = re.sub(
        r"FILE_NAME\('[^']*','[^']*'",
        f"FILE_NAME('{path.name}','{FIXED_TIMESTAMP}'",
        text,
        count=1,
    )
    path.write_text(text, encoding="latin-1")
    return path


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

PARTS_LIST: list[tuple[str, str, str, str, str]] = [
    ("Item", "Part number", "Description", "Qty", "Material"),
    ("1", "PB-1001-01", "Bracket plate", "1", "S235JR"),
    ("2", "ISO 4762 M8x25", "Socket head cap screw", "4", "Steel 8.8"),
    ("3", "ISO 7089 8", "Washer", "4", "Steel 200 HV"),
]

PDF_TITLE_BLOCK: list[tuple[str, str]] = [
    ("Part number", "PB-1001"),
    ("Title", "Mounting bracket"),
    ("Revision", "B"),
    ("Material", "S235JR"),
    ("Scale", "1:1"),
    ("Sheet", "1/1"),
]


def _ruled_table(
    canvas: Any,
    x: float,
    y_top: float,
    widths: Sequence[float],
    row_h: float,
    rows: Sequence[tuple[str, ...]],
    bold_first_row: bool,
) -> None:
    """Draw ``rows`` as a grid ruled with lines; all lengths in PDF points, origin bottom left."""
    total_w = sum(widths)
    n = len(rows)
    canvas.setLineWidth(0.7)
    for i in range(n + 1):
        canvas.line(x, y_top - i * row_h, x + total_w, y_top - i * row_h)
    cx = x
    for w in [0.0, *widths]:
        cx += w
        canvas.line(cx, y_top, cx, y_top - n * row_h)
    for i, row in enumerate(rows):
        font = "Helvetica-Bold" if bold_first_row and i == 0 else "Helvetica"
        canvas.setFont(font, 9)
        cx = x
        for w, cell in zip(widths, row, strict=True):
            canvas.drawString(cx + 4, y_top - (i + 1) * row_h + row_h * 0.32, cell)
            cx += w


def _dimension(
    canvas: Any, x1: float, y1: float, x2: float, y2: float, text: str, upright: bool = False
) -> None:
    """A dimension line with two arrow heads and its text at the middle (PDF points); the text
    is aligned with the line, or horizontal beside it when ``upright`` (unidirectional
    dimensioning, ISO 129-1)."""
    from math import atan2, cos, sin

    canvas.line(x1, y1, x2, y2)
    angle = atan2(y2 - y1, x2 - x1)
    for px, py, a in ((x1, y1, angle), (x2, y2, angle + 3.141592653589793)):
        path = canvas.beginPath()
        path.moveTo(px, py)
        path.lineTo(px + 8 * cos(a + 0.25), py + 8 * sin(a + 0.25))
        path.lineTo(px + 8 * cos(a - 0.25), py + 8 * sin(a - 0.25))
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
    canvas.saveState()
    canvas.translate((x1 + x2) / 2, (y1 + y2) / 2)
    canvas.setFont("Helvetica", 10)
    if upright:
        canvas.drawString(4, -3.5, text)
    else:
        canvas.rotate(angle * 180 / 3.141592653589793)
        canvas.drawCentredString(0, 3, text)
    canvas.restoreState()


def _scanned_sheet_image() -> Any:
    """A 1-bit 1680 x 1188 px raster (A3 at about 100 dpi) of a bracket outline with a title
    block whose printed text (part number, title) OCR can read back."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("1", (1680, 1188), 1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 1659, 1167), outline=0, width=4)
    draw.rectangle((240, 300, 960, 780), outline=0, width=6)
    for cx, cy in ((312, 372), (888, 372), (888, 708), (312, 708)):
        draw.ellipse((cx - 30, cy - 30, cx + 30, cy + 30), outline=0, width=4)
    draw.rectangle((240, 860, 960, 908), outline=0, width=6)
    draw.rectangle((1080, 900, 1659, 1167), outline=0, width=4)
    font = ImageFont.load_default(size=52)
    for row, text in enumerate(("PB-1001", "MOUNTING BRACKET", "REVISION B")):
        top = 900 + row * 89
        if row:
            draw.line((1080, top, 1659, top), fill=0, width=2)
        draw.text((1110, top + 20), text, fill=0, font=font)
    return image


def make_drawing_pdf(path: Path) -> Path:
    """Write ``drawing.pdf``: 2 pages, A3 landscape (420 x 297 mm = 1190.55 x 841.89 pt).

    Page 1 (vector, with a text layer): front and side view of the plate at 1:1 (mm on paper),
    dimension texts ``120``, ``80 ±0.1``, ``Ø10 H7``; a title block in the lower right drawn as
    a ruled 2-column grid (:data:`PDF_TITLE_BLOCK`); above it a ruled parts list
    (:data:`PARTS_LIST`, header + 3 rows). Page 2: one raster image only, no text layer (a
    "scanned" sheet). ``invariant=1`` pins the creation date and document ID.
    """
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    width, height = landscape(A3)
    canvas = Canvas(str(path), pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setTitle("PB-1001 Mounting bracket")
    canvas.setAuthor("J. Smith")
    canvas.setCreator("PyBase Extract samples/make_samples.py")

    # Page 1: frame, views, dimensions.
    canvas.setLineWidth(1.0)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    ox, oy = 60 * mm, 150 * mm  # front view origin: plate lower-left corner
    canvas.setLineWidth(1.4)
    canvas.roundRect(ox, oy, 120 * mm, 80 * mm, 5 * mm)
    for hx, hy in _HOLE_CENTRES:
        canvas.circle(ox + hx * mm, oy + hy * mm, 5 * mm)
    canvas.rect(ox, oy - 40 * mm, 120 * mm, 8 * mm)  # side view below, plate 8 mm thick
    canvas.setLineWidth(0.5)
    canvas.setDash(6, 3)
    canvas.rect(ox + 40 * mm, oy + 25 * mm, 40 * mm, 30 * mm)  # hidden pocket
    canvas.setDash()
    _dimension(canvas, ox, oy + 95 * mm, ox + 120 * mm, oy + 95 * mm, "120")
    canvas.line(ox, oy + 80 * mm, ox, oy + 98 * mm)
    canvas.line(ox + 120 * mm, oy + 80 * mm, ox + 120 * mm, oy + 98 * mm)
    _dimension(canvas, ox + 135 * mm, oy, ox + 135 * mm, oy + 80 * mm, "80 ±0.1", upright=True)
    canvas.line(ox + 120 * mm, oy, ox + 138 * mm, oy)
    canvas.line(ox + 120 * mm, oy + 80 * mm, ox + 138 * mm, oy + 80 * mm)
    hx, hy = ox + 12 * mm, oy + 68 * mm
    canvas.line(hx - 3.54 * mm, hy + 3.54 * mm, hx - 20 * mm, hy + 20 * mm)
    canvas.line(hx - 20 * mm, hy + 20 * mm, hx - 40 * mm, hy + 20 * mm)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(hx - 40 * mm, hy + 21 * mm, "Ø10 H7")

    # Title block (lower right) and parts list above it.
    tb_widths = [35 * mm, 75 * mm]
    tb_row = 8 * mm
    tb_x = width - 10 * mm - sum(tb_widths)
    tb_top = 10 * mm + len(PDF_TITLE_BLOCK) * tb_row
    _ruled_table(canvas, tb_x, tb_top, tb_widths, tb_row, PDF_TITLE_BLOCK, bold_first_row=False)
    pl_widths = [12 * mm, 40 * mm, 50 * mm, 12 * mm, 30 * mm]
    pl_x = width - 10 * mm - sum(pl_widths)
    _ruled_table(
        canvas,
        pl_x,
        tb_top + 10 * mm + len(PARTS_LIST) * 7 * mm,
        pl_widths,
        7 * mm,
        PARTS_LIST,
        bold_first_row=True,
    )
    canvas.showPage()

    # Page 2: image only.
    canvas.drawImage(ImageReader(_scanned_sheet_image()), 0, 0, width=width, height=height)
    canvas.showPage()
    canvas.save()
    return path


# --------------------------------------------------------------------------------------------


def make_samples(outdir: Path) -> dict[str, Path]:
    """Write every sample into ``outdir`` (created if missing); returns ``{file name: path}``."""
    outdir.mkdir(parents=True, exist_ok=True)
    bracket = make_bracket_dxf(outdir / "bracket.dxf")
    written = [
        bracket,
        make_broken_dxf(bracket, outdir / "broken.dxf"),
        make_house_ifc(outdir / "house.ifc"),
        make_gearbox_step(outdir / "gearbox.step"),
        make_drawing_pdf(outdir / "drawing.pdf"),
    ]
    return {p.name: p for p in written}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make_samples.py [OUTDIR]``; prints each file written with its size."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    outdir = Path(args[0]) if args else SAMPLES_DIR
    for name, path in make_samples(outdir).items():
        print(f"{name:14} {path.stat().st_size:>8} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
