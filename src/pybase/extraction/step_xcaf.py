"""The OCCT side of the STEP extractor: read a STEP file into an XCAF document with OCP.

Imported lazily by :mod:`pybase.extraction.step_occt` (this module imports OCP at import
time), whose forked child calls :func:`open_step`, :func:`file_units`, :func:`transfer`,
:func:`geometry` and finally :func:`detach`, which leaves plain Python data (label tree,
geometry numbers in millimetres) for the rest of the extractor.

OCCT facts this module relies on (OCCT 7.8 / 8.0, OCP 7.8+):

* ``STEPCAFControl_Reader.ReadFile`` returns an ``IFSelect_ReturnStatus`` instead of raising;
  anything but ``IFSelect_RetDone`` means the file could not be parsed.
* Transfer converts every length into the XCAF document's length unit. We set that unit to
  millimetres (``XCAFDoc_DocumentTool.SetLengthUnit``) before transferring, so every number
  this module returns is in mm / mm2 / mm3 whatever the file declares; the file's own unit
  names come from ``STEPControl_Reader.FileUnits`` (one per shape representation context).
* Names: with the ``read.step.codepage`` parameter set to ISO 8859-1, XCAF label names keep
  raw non-ASCII bytes losslessly (one char U+0080..U+00FF per byte), so they can be matched
  with PRODUCT names decoded by :mod:`pybase.extraction.step_part21`. The parameter is
  process-global in OCCT (``Interface_Static``); it is set before every read.
* OCCT's default messenger prints parse errors to stdout; its printers are removed when this
  module is imported (the messages reach us through the model check list instead). That is
  process-wide: nothing else in PyBase uses OCCT.
* Importing this module also initialises the STEP protocol once (:func:`_warm_up`), so the
  forked children that do the actual work start warm.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from OCP.Bnd import Bnd_Box
from OCP.BRep import BRep_Builder
from OCP.BRepBndLib import BRepBndLib
from OCP.BRepGProp import BRepGProp
from OCP.GProp import GProp_GProps
from OCP.IFSelect import IFSelect_ReturnStatus
from OCP.Interface import Interface_Static
from OCP.Message import Message
from OCP.Quantity import Quantity_Color, Quantity_TypeOfColor
from OCP.STEPCAFControl import STEPCAFControl_Reader
from OCP.TCollection import TCollection_AsciiString, TCollection_ExtendedString
from OCP.TDataStd import TDataStd_Name
from OCP.TDF import TDF_Label, TDF_Tool
from OCP.TDocStd import TDocStd_Document
from OCP.TopAbs import TopAbs_FACE, TopAbs_SOLID
from OCP.TopExp import TopExp, TopExp_Explorer
from OCP.TopLoc import TopLoc_Location
from OCP.TopoDS import TopoDS_Compound, TopoDS_Shape
from OCP.UnitsMethods import UnitsMethods_LengthUnit
from OCP.XCAFDoc import (
    XCAFDoc_ColorTool,
    XCAFDoc_ColorType,
    XCAFDoc_DocumentTool,
    XCAFDoc_LayerTool,
    XCAFDoc_ShapeTool,
)

from pybase.extraction.step_occt import LabelNode, PartGeometry, StepReadError, XcafModel
from pybase.extraction.step_transform import Transform

try:  # OCP >= 8: NCollection templates are bound under OCP.OCP.collections
    from OCP.OCP.collections import IndexedMap_TopoDS_Shape_TopTools_ShapeMapHasher as ShapeMap
    from OCP.OCP.collections import Sequence_TCollection_AsciiString as AsciiStringSequence
    from OCP.OCP.collections import Sequence_TDF_Label as LabelSequence
except ImportError:  # OCP 7.7 / 7.8 typedef names
    from OCP.TColStd import TColStd_SequenceOfAsciiString as AsciiStringSequence
    from OCP.TDF import TDF_LabelSequence as LabelSequence
    from OCP.TopTools import TopTools_IndexedMapOfShape as ShapeMap

__all__ = [
    "LabelNode",
    "OpenedStep",
    "PartGeometry",
    "XcafModel",
    "detach",
    "geometry",
    "has_faces",
    "label_color",
    "label_layers",
    "open_step",
    "transfer",
]


def _quiet_occt_messenger() -> None:
    # OCCT sends STEP syntax errors at alarm level, the highest trace level, so raising the
    # level is not enough: the console printers go.
    Message.DefaultMessenger_s().ChangePrinters().Clear()


_quiet_occt_messenger()


def _warm_up() -> None:
    """Initialise OCCT's STEP protocol and XCAF drivers once per process, so that processes
    forked from this one (see :mod:`pybase.extraction.step_occt`) do not each pay for it."""
    STEPCAFControl_Reader()
    doc = TDocStd_Document(TCollection_ExtendedString("MDTV-XCAF"))
    XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())


_warm_up()


@dataclass
class OpenedStep:
    """A STEP file OCCT has parsed (ReadFile), not yet transferred; ``check_fails`` as in
    :class:`XcafModel`."""

    reader: STEPCAFControl_Reader
    check_fails: list[tuple[int, str]]
    entity_count: int


def open_step(path: Path) -> OpenedStep:
    """``STEPCAFControl_Reader.ReadFile`` with names, colours and layers on and the ISO 8859-1
    code page for strings, plus OCCT's load check.

    Raises:
        StepReadError: ReadFile did not return ``IFSelect_RetDone`` (e.g. truncation), or its
            parser reported syntax errors (it skips unparsable instances and still returns
            RetDone; such a model is damaged and may crash the transfer).
    """
    reader = STEPCAFControl_Reader()
    # The static parameter exists once a STEP reader has been created.
    Interface_Static.SetCVal_s("read.step.codepage", "iso8859-1")
    reader.SetNameMode(True)
    reader.SetColorMode(True)
    reader.SetLayerMode(True)
    status = reader.ReadFile(str(path))
    if status != IFSelect_ReturnStatus.IFSelect_RetDone:
        raise StepReadError(status.name)
    check_fails = _check_fails(reader)
    syntax = [m for _, m in check_fails if "Incorrect syntax" in m or "Undefined Parsing" in m]
    if syntax:
        raise StepReadError("syntax_error", f"{len(syntax)} syntax error(s), first: {syntax[0]}")
    model = reader.ChangeReader().StepModel()
    return OpenedStep(reader, check_fails, model.NbEntities() if model is not None else 0)


def file_units(opened: OpenedStep, model: XcafModel) -> None:
    """Fill ``model.length_units`` / ``angle_units`` from ``STEPControl_Reader.FileUnits``
    (one name per shape representation context). Can crash OCCT on damaged unit entities."""
    lengths, angles, solid_angles = (
        AsciiStringSequence(),
        AsciiStringSequence(),
        AsciiStringSequence(),
    )
    opened.reader.ChangeReader().FileUnits(lengths, angles, solid_angles)
    model.length_units = [lengths.Value(i).ToCString() for i in range(1, lengths.Length() + 1)]
    model.angle_units = [angles.Value(i).ToCString() for i in range(1, angles.Length() + 1)]


def transfer(opened: OpenedStep, model: XcafModel) -> None:
    """Transfer an opened file into a new XCAF document (millimetres) and fill ``model``'s
    document, label tree and layers.

    An OCCT exception does not raise: the model then has no roots and ``transfer_error`` holds
    it. (A damaged model can also crash the process: run this in a sandbox.)
    """
    doc = TDocStd_Document(TCollection_ExtendedString("MDTV-XCAF"))
    XCAFDoc_DocumentTool.SetLengthUnit_s(
        doc, 1.0, UnitsMethods_LengthUnit.UnitsMethods_LengthUnit_Millimeter
    )
    model.doc = doc
    try:
        model.transferred = bool(opened.reader.Transfer(doc))
        model.roots = _label_tree(doc)
        model.layers = _layers(doc)
    except MemoryError:
        raise
    except Exception as exc:  # OCCT Standard_Failure on broken geometry
        model.transferred = False
        model.roots = []
        model.transfer_error = f"{type(exc).__name__}: {exc}"


def detach(model: XcafModel) -> None:
    """Drop every OCCT object from ``model`` (document, labels) so it is plain, picklable data;
    geometry can no longer be computed from it afterwards."""
    model.doc = None
    stack = list(model.roots)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.label = None
        stack.extend(node.components)


def _check_fails(reader: STEPCAFControl_Reader) -> list[tuple[int, str]]:
    """Load failures recorded by OCCT's STEP parser (unresolved references, bad types)."""
    out: list[tuple[int, str]] = []
    checks = reader.ChangeReader().WS().ModelCheckList(True)
    checks.Start()
    while checks.More():
        check = checks.Value()
        for i in range(1, check.NbFails() + 1):
            out.append((checks.Number(), check.CFail(i, True)))
        checks.Next()
    return out


def _layers(doc: TDocStd_Document) -> list[tuple[str, int, bool]]:
    layer_tool = XCAFDoc_DocumentTool.LayerTool_s(doc.Main())
    labels = LabelSequence()
    layer_tool.GetLayerLabels(labels)
    out: list[tuple[str, int, bool]] = []
    for i in range(1, labels.Length() + 1):
        label = labels.Value(i)
        name = TCollection_ExtendedString()
        layer_tool.GetLayer(label, name)
        shapes = LabelSequence()
        XCAFDoc_LayerTool.GetShapesOfLayer_s(label, shapes)
        out.append((str(name.ToExtString()), shapes.Length(), bool(layer_tool.IsVisible(label))))
    return out


def _entry(label: TDF_Label) -> str:
    text = TCollection_AsciiString()
    TDF_Tool.Entry_s(label, text)
    return str(text.ToCString())


def _name(label: TDF_Label) -> str:
    attr = TDataStd_Name()
    if label.FindAttribute(TDataStd_Name.GetID_s(), attr):
        return str(attr.Get().ToExtString())
    return ""


def _label_tree(doc: TDocStd_Document) -> list[LabelNode]:
    shape_tool = XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())
    free = LabelSequence()
    shape_tool.GetFreeShapes(free)
    memo: dict[str, LabelNode] = {}

    def visit(label: TDF_Label, depth: int) -> LabelNode:
        entry = _entry(label)
        node = memo.get(entry)
        if node is not None:
            return node
        node = LabelNode(entry, _name(label), XCAFDoc_ShapeTool.IsAssembly_s(label), label=label)
        memo[entry] = node
        if node.is_assembly and depth < 64:
            components = LabelSequence()
            XCAFDoc_ShapeTool.GetComponents_s(label, components, False)
            for i in range(1, components.Length() + 1):
                component = components.Value(i)
                referred = TDF_Label()
                if XCAFDoc_ShapeTool.GetReferredShape_s(component, referred):
                    node.components.append(visit(referred, depth + 1))
                    node.locations.append(_transform(XCAFDoc_ShapeTool.GetLocation_s(component)))
                    node.component_names.append(_name(component))
        return node

    return [visit(free.Value(i), 0) for i in range(1, free.Length() + 1)]


def _transform(location: TopLoc_Location) -> Transform:
    """A component location as a :data:`~pybase.extraction.step_transform.Transform` (mm)."""
    trsf = location.Transformation()
    values = [trsf.Value(row, column) for row in (1, 2, 3) for column in (1, 2, 3)]
    values.extend(trsf.Value(row, 4) for row in (1, 2, 3))
    return cast("Transform", tuple(values))


def has_faces(roots: list[LabelNode]) -> bool:
    """True when any root's shape holds at least one B-rep face."""
    for root in roots:
        if root.label is None:
            continue
        shape = XCAFDoc_ShapeTool.GetShape_s(root.label)
        if not shape.IsNull() and TopExp_Explorer(shape, TopAbs_FACE).More():
            return True
    return False


def _unique(shape: TopoDS_Shape, kind: object) -> list[TopoDS_Shape]:
    found = ShapeMap()
    TopExp.MapShapes_s(shape, kind, found)
    return [found.FindKey(i) for i in range(1, found.Extent() + 1)]


def _compound(shapes: list[TopoDS_Shape]) -> TopoDS_Compound:
    compound = TopoDS_Compound()
    builder = BRep_Builder()
    builder.MakeCompound(compound)
    for shape in shapes:
        builder.Add(compound, shape)
    return compound


def _hex(color: Quantity_Color) -> str:
    # OCCT reads COLOUR_RGB as sRGB and keeps linear RGB; sRGB gives the file's values back.
    r, g, b = color.Values(Quantity_TypeOfColor.Quantity_TOC_sRGB)
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v * 255))) for v in (r, g, b)))


_SURFACE_COLORS = (XCAFDoc_ColorType.XCAFDoc_ColorSurf, XCAFDoc_ColorType.XCAFDoc_ColorGen)
_CURVE_COLORS = (XCAFDoc_ColorType.XCAFDoc_ColorCurv,)


def _own_color(label: TDF_Label, color_types: tuple[XCAFDoc_ColorType, ...]) -> str | None:
    color = Quantity_Color()
    for color_type in color_types:
        if XCAFDoc_ColorTool.GetColor_s(label, color_type, color):
            return _hex(color)
    return None


def _geometry_labels(node: LabelNode) -> list[TDF_Label]:
    """The node's label, then the labels of the geometry it is made of (components), each once."""
    out: list[TDF_Label] = []
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop(0)
        if current.entry in seen or current.label is None:
            continue
        seen.add(current.entry)
        out.append(current.label)
        stack.extend(current.components)
    return out


def label_color(node: LabelNode) -> str | None:
    """``#rrggbb`` of the node, looked for in this order: a surface / generic colour on the
    node's label or its geometry components (first found), the most frequent surface colour of
    their sub-shapes (faces, solids), a curve colour. None when nothing is coloured."""
    labels = _geometry_labels(node)
    for label in labels:
        color = _own_color(label, _SURFACE_COLORS)
        if color is not None:
            return color
    counts: Counter[str] = Counter()
    for label in labels:
        subs = LabelSequence()
        if XCAFDoc_ShapeTool.GetSubShapes_s(label, subs):
            for i in range(1, subs.Length() + 1):
                color = _own_color(subs.Value(i), _SURFACE_COLORS)
                if color is not None:
                    counts[color] += 1
    if counts:
        return counts.most_common(1)[0][0]
    for label in labels:
        color = _own_color(label, _CURVE_COLORS)
        if color is not None:
            return color
    return None


def label_layers(node: LabelNode) -> list[str]:
    """Names of the layers (XCAFDoc_LayerTool) that hold the node's label, its geometry
    components or any of their sub-shapes (faces ...), each once in order of appearance."""
    labels = _geometry_labels(node)
    if not labels:
        return []
    layer_tool = XCAFDoc_DocumentTool.LayerTool_s(labels[0])
    names: dict[str, None] = {}
    for label in labels:
        candidates = [label]
        subs = LabelSequence()
        if XCAFDoc_ShapeTool.GetSubShapes_s(label, subs):
            candidates.extend(subs.Value(i) for i in range(1, subs.Length() + 1))
        for candidate in candidates:
            found = layer_tool.GetLayers(candidate)
            for i in range(1, found.Length() + 1):
                names.setdefault(str(found.Value(i).ToExtString()), None)
    return list(names)


def geometry(node: LabelNode, mass_properties: bool) -> PartGeometry:
    """Counts, colour and (when ``mass_properties``) volume, area, bounding box and centre of
    mass of the node's shape, in millimetres, in the part's own coordinate system.

    Volume and centre of mass: ``BRepGProp.VolumeProperties`` over the solids; area:
    ``BRepGProp.SurfaceProperties``; box: ``BRepBndLib.AddOptimal`` (exact geometry, without
    tolerances). OCCT exceptions propagate to the caller.
    """
    result = PartGeometry(color=label_color(node), layers=label_layers(node))
    if node.label is None:
        return result
    shape = XCAFDoc_ShapeTool.GetShape_s(node.label)
    if shape.IsNull():
        return result
    solids = _unique(shape, TopAbs_SOLID)
    faces = _unique(shape, TopAbs_FACE)
    result.solid_count = len(solids)
    result.face_count = len(faces)
    if not mass_properties or not faces:
        return result
    body = _compound(solids) if solids else _compound(faces)
    if solids:
        props = GProp_GProps()
        BRepGProp.VolumeProperties_s(body, props)
        centre = props.CentreOfMass()
        result.volume_mm3 = props.Mass()
        result.center_of_mass_mm = (centre.X(), centre.Y(), centre.Z())
    surface = GProp_GProps()
    BRepGProp.SurfaceProperties_s(body, surface)
    result.area_mm2 = surface.Mass()
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(body, box, False, False)
    if not box.IsVoid():
        # The corners include the box's gap; take it off again. (AddOptimal may still be off by
        # Precision::Confusion = 1e-7 mm on some sides; the caller rounds well above that.)
        gap = box.GetGap()
        low, high = box.CornerMin(), box.CornerMax()
        result.bbox_mm = (
            (low.X() + gap, low.Y() + gap, low.Z() + gap),
            (high.X() - gap, high.Y() - gap, high.Z() - gap),
        )
    return result
