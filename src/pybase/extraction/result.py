"""The ``ExtractionResult`` schema: what every extractor returns, versioned and JSON-ready.

One shape for all formats. Sections that a format does not have stay empty (``[]``/``None``),
so downstream code can read ``result.title_block`` or ``result.bom`` without caring which
format or engine produced them.

Units: every physical value is a :class:`Quantity` (``value`` + ``unit``), never a bare
float. Length units use the names in :data:`LENGTH_UNITS` (``"mm"``, ``"inch"``, ``"m"`` ...);
areas and volumes append ``2``/``3`` (``"mm2"``, ``"m3"``). ``result.units.length`` says which
length unit the source file itself declares.

Bump :data:`SCHEMA_VERSION` (semver) whenever a field changes meaning or is removed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pybase.extraction.notation.models import (
    DatumFeature,
    FeatureControlFrame,
    GeneralTolerance,
    ParsedDimension,
    SurfaceTexture,
    Thread,
)

__all__ = [
    "LENGTH_UNITS",
    "SCHEMA_VERSION",
    "AssemblyNode",
    "AssemblyProperties",
    "BlockDefinition",
    "BlockReference",
    "BomLine",
    "BoundingBox",
    "ClassificationReference",
    "Dimension",
    "ExtractionResult",
    "IfcElement",
    "Issue",
    "Layer",
    "MaterialItem",
    "MaterialSet",
    "NotationSource",
    "Opening",
    "Page",
    "PartProperties",
    "Placement",
    "Quantity",
    "SourceInfo",
    "SpatialNode",
    "Table",
    "TextItem",
    "TitleBlock",
    "Units",
]

SCHEMA_VERSION = "1.2.0"

#: Canonical length-unit names used in results (DXF $INSUNITS, IFC SI prefixes and
#: conversion-based units, STEP SI_UNIT/CONVERSION_BASED_UNIT all map onto these).
LENGTH_UNITS: tuple[str, ...] = (
    "unitless",
    "inch",
    "foot",
    "mile",
    "mm",
    "cm",
    "m",
    "km",
    "microinch",
    "mil",
    "yard",
    "angstrom",
    "nm",
    "um",
    "dm",
    "dam",
    "hm",
    "Gm",
    "au",
    "ly",
    "pc",
    "us_survey_foot",
)

#: File formats; the raster ones (``png``, ``jpeg``, ``tiff``) only with the Werk24 engine.
Format = Literal["pdf", "dxf", "ifc", "step", "png", "jpeg", "tiff"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quantity(_Model):
    """A number with its unit, e.g. ``Quantity(value=12.5, unit="mm")`` or
    ``Quantity(value=3.2, unit="m2")``."""

    value: float
    unit: str


class BoundingBox(_Model):
    """Axis-aligned box; coordinates in ``unit`` (a length unit name)."""

    min: tuple[float, ...]
    max: tuple[float, ...]
    unit: str


class Issue(_Model):
    """A recoverable oddity found while reading the file (the file was still read).

    ``code`` is stable and snake_case (e.g. ``no_text_layer``, ``dxf_recovered``,
    ``geometry_unavailable``); ``location`` says where (``"page 3"``, ``"layout Sheet 1"``,
    ``"#1234"``).
    """

    code: str
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    location: str | None = None


class SourceInfo(_Model):
    """The file that was read."""

    name: str
    sha256: str
    bytes: int
    format: Format
    format_version: str | None = Field(
        None,
        description="DXF $ACADVER (AC1027), PDF version (1.7), IFC schema (IFC4X3), "
        "STEP application protocol (AP214)",
    )
    schema_identifier: str | None = Field(
        None, description="raw schema name, e.g. STEP FILE_SCHEMA or IFC FILE_SCHEMA"
    )


class Units(_Model):
    """Units declared by the file. ``length`` is a name from LENGTH_UNITS, or None when the file
    declares none (DXF without $INSUNITS, PDF)."""

    length: str | None = None
    area: str | None = None
    volume: str | None = None
    angle: str | None = None
    mass: str | None = None
    source: str | None = Field(None, description="where the unit came from, e.g. '$INSUNITS=4'")


class TitleBlock(_Model):
    """Title-block facts (ISO 7200 field names where one exists). ``fields`` keeps every raw
    label -> value pair that was found; the named attributes are the normalised subset."""

    part_number: str | None = None
    title: str | None = None
    revision: str | None = None
    material: str | None = None
    scale: str | None = None
    sheet: str | None = None
    drawn_by: str | None = None
    checked_by: str | None = None
    approved_by: str | None = None
    date: str | None = None
    weight: Quantity | None = None
    general_tolerance: GeneralTolerance | None = Field(
        None, description="general tolerance note (ISO 2768-mK ...), parsed"
    )
    fields: dict[str, str] = Field(default_factory=dict)
    source: str | None = Field(
        None, description="where it was found, e.g. 'INSERT 11x17 in Sheet 1'"
    )


class Dimension(_Model):
    """A dimension as drawn. ``measured`` is the geometric value (DXF), ``text`` what the drawing
    displays (override or rendered). Lengths in ``unit``; angles in degrees."""

    kind: str = Field(
        description="linear, aligned, angular, angular3p, diameter, radius, ordinate, "
        "arc_length, large_radial, unknown"
    )
    measured: float | None = None
    text: str | None = None
    unit: str | None = None
    upper_deviation: float | None = None
    lower_deviation: float | None = None
    layer: str | None = None
    layout: str | None = None
    page: int | None = None
    handle: str | None = Field(None, description="DXF entity handle")
    position: tuple[float, ...] | None = Field(
        None, description="text position: drawing units (DXF) or PDF points from top-left"
    )
    parsed: ParsedDimension | None = Field(
        None, description="the displayed text parsed by pybase.extraction.notation"
    )
    alternate: Quantity | None = Field(
        None,
        description="DXF DIMALT alternate-units value as displayed (measured x DIMLFAC x "
        "DIMALTF, rounded per DIMALTD/DIMALTRND), in its own unit ('unitless' when the factor "
        "matches no known unit ratio)",
    )
    entity: str | None = Field(
        None,
        description="STEP: the semantic PMI entity instance it was read from, e.g. '#120' "
        "(DIMENSIONAL_SIZE, DIMENSIONAL_LOCATION, ANGULAR_LOCATION ...)",
    )


class NotationSource(_Model):
    """Where one entry of ``gdt``, ``datums``, ``threads`` or ``surface_textures`` was read
    (those notation models carry no location of their own). ``index`` points into the list
    named by ``section``; ``position`` in drawing units (DXF) or PDF points from top-left."""

    section: Literal["gdt", "datums", "threads", "surface_textures"]
    index: int
    text: str | None = Field(None, description="the text it was parsed from, decoded")
    layout: str | None = None
    page: int | None = None
    handle: str | None = Field(None, description="DXF entity handle")
    position: tuple[float, ...] | None = None
    entity: str | None = Field(
        None,
        description="STEP: the semantic PMI entity instance it was read from, e.g. '#21' "
        "(a GEOMETRIC_TOLERANCE or DATUM); ``text`` is then the entity's name",
    )


class Table(_Model):
    """A table: ``header`` + ``rows`` of cell strings (None for an empty cell). ``bbox`` is
    (x0, top, x1, bottom) in PDF points from the page's top-left, or drawing units for DXF."""

    page: int | None = None
    layout: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    header: list[str | None] = Field(default_factory=list)
    rows: list[list[str | None]] = Field(default_factory=list)
    title: str | None = None


class BomLine(_Model):
    """One line of a bill of materials, whatever the source (parts list, ATTRIBs, STEP)."""

    item: str | None = None
    part_number: str | None = None
    description: str | None = None
    quantity: float | None = None
    unit: str | None = None
    material: str | None = None
    parent: str | None = None
    source: str | None = None


class TextItem(_Model):
    """A piece of text as plain text (formatting codes removed). ``kind`` is the DXF entity type
    (TEXT, MTEXT, ATTRIB) or ``page`` for PDF. ``position`` in drawing units / PDF points."""

    text: str
    kind: str
    layer: str | None = None
    layout: str | None = None
    page: int | None = None
    position: tuple[float, ...] | None = None
    height: float | None = None


class Layer(_Model):
    """A DXF layer (LAYER table entry)."""

    name: str
    color: int | None = Field(None, description="ACI colour number 1..255")
    true_color: str | None = Field(None, description="#rrggbb when set")
    linetype: str | None = None
    on: bool = True
    frozen: bool = False
    locked: bool = False
    entity_count: int = 0


class BlockDefinition(_Model):
    """A DXF BLOCK with how often it is inserted (INSERT count over all layouts)."""

    name: str
    insert_count: int = 0
    attribute_tags: list[str] = Field(default_factory=list, description="ATTDEF tags")
    entity_count: int = 0


class BlockReference(_Model):
    """An INSERT that carries ATTRIBs: ``attributes`` maps ATTRIB tag -> value."""

    block: str
    layout: str
    effective_name: str | None = Field(
        None, description="name of the dynamic block an anonymous *U block stands for"
    )
    attributes: dict[str, str] = Field(default_factory=dict)
    position: tuple[float, ...] | None = None
    handle: str | None = None


class Page(_Model):
    """One PDF page. Sizes in PDF points (1/72 inch), ``rotation`` in degrees (/Rotate)."""

    number: int
    width: float
    height: float
    rotation: int = 0
    char_count: int = 0
    image_count: int = 0
    text: str = ""


class SpatialNode(_Model):
    """A node of the IFC spatial structure (IfcProject/IfcSite/IfcBuilding/IfcBuildingStorey/
    IfcSpace...). ``elevation`` in the model's length unit (IfcBuildingStorey.Elevation,
    IfcSite.RefElevation, IfcBuilding.ElevationOfRefHeight). ``elements`` holds the GlobalIds of
    the elements contained in it (IfcRelContainedInSpatialStructure)."""

    global_id: str
    ifc_class: str
    name: str | None = None
    long_name: str | None = None
    elevation: Quantity | None = None
    psets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    qsets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    elements: list[str] = Field(default_factory=list)
    aggregated_elements: list[str] = Field(
        default_factory=list,
        description="GlobalIds of the non-spatial products this node aggregates directly "
        "(IfcRelAggregates RelatedObjects: elements, or e.g. an IfcAlignment under an IFC4X3 "
        "IfcProject)",
    )
    referenced_elements: list[str] = Field(
        default_factory=list,
        description="GlobalIds of the elements referenced, not contained, by this node "
        "(IfcRelReferencedInSpatialStructure, e.g. a column spanning several storeys)",
    )
    children: list[SpatialNode] = Field(default_factory=list)


class MaterialItem(_Model):
    """One member of an IFC material set: an IfcMaterialLayer (``thickness``,
    ``is_ventilated``), IfcMaterialProfile (``profile``), IfcMaterialConstituent (``fraction``)
    or an IfcMaterial of an IfcMaterialList / a single material (only ``material``)."""

    material: str | None = Field(None, description="IfcMaterial.Name")
    name: str | None = Field(None, description="layer/profile/constituent Name (IFC4+)")
    category: str | None = Field(None, description="Category of the item or else its material")
    thickness: Quantity | None = Field(
        None, description="IfcMaterialLayer.LayerThickness in the model's length unit"
    )
    is_ventilated: bool | None = Field(None, description="IfcMaterialLayer.IsVentilated")
    profile: str | None = Field(
        None, description="IfcProfileDef.ProfileName of an IfcMaterialProfile's Profile"
    )
    profile_class: str | None = Field(None, description="IfcProfileDef subtype of the profile")
    fraction: float | None = Field(
        None, description="IfcMaterialConstituent.Fraction (0..1 share of the whole)"
    )


class MaterialSet(_Model):
    """What one IfcRelAssociatesMaterial assigns (IfcMaterialSelect): a single IfcMaterial
    (``kind`` 'single', one item), an IfcMaterialLayerSet(Usage) ('layer_set', layers in order,
    ``total_thickness`` their sum), an IfcMaterialProfileSet(Usage) ('profile_set'), an
    IfcMaterialConstituentSet ('constituent_set') or an IfcMaterialList ('list'). Lengths in
    the model's length unit."""

    kind: Literal["single", "layer_set", "profile_set", "constituent_set", "list"]
    ifc_class: str = Field(
        description="class of the RelatingMaterial, e.g. IfcMaterialLayerSetUsage"
    )
    name: str | None = Field(
        None, description="LayerSetName (IfcMaterialLayerSet) or Name of the set / material"
    )
    items: list[MaterialItem] = Field(default_factory=list)
    total_thickness: Quantity | None = None
    layer_set_direction: str | None = Field(None, description="usage: AXIS1/AXIS2/AXIS3")
    direction_sense: str | None = Field(None, description="usage: POSITIVE/NEGATIVE")
    offset_from_reference_line: Quantity | None = None
    cardinal_point: int | None = Field(None, description="IfcMaterialProfileSetUsage")
    inherited: bool = Field(
        False, description="True when it comes from the type object, not the occurrence"
    )


class ClassificationReference(_Model):
    """An IfcClassificationReference (or IfcClassification) associated with an object through
    IfcRelAssociatesClassification; ``identification`` is IFC4 Identification / IFC2X3
    ItemReference."""

    system: str | None = Field(None, description="IfcClassification.Name, e.g. 'Uniclass 2015'")
    edition: str | None = None
    identification: str | None = None
    name: str | None = None
    location: str | None = Field(None, description="URI of the reference")
    inherited: bool = Field(
        False, description="True when it comes from the type object, not the occurrence"
    )


class Opening(_Model):
    """An opening (IfcOpeningElement, IfcVoidingFeature) that voids an element
    (IfcRelVoidsElement) and the elements that fill it (IfcRelFillsElement)."""

    global_id: str
    ifc_class: str
    name: str | None = None
    predefined_type: str | None = None
    filled_by: list[str] = Field(
        default_factory=list, description="GlobalIds of the doors/windows/... filling it"
    )


class IfcElement(_Model):
    """An IfcElement (or IfcElementType). ``psets``/``qsets`` map set name -> property name ->
    value; quantity values (and numeric property values the project gives a unit)
    are :class:`Quantity` dicts."""

    global_id: str
    ifc_class: str
    name: str | None = None
    object_type: str | None = None
    predefined_type: str | None = None
    tag: str | None = None
    storey: str | None = Field(None, description="name of the containing IfcBuildingStorey")
    type_name: str | None = None
    type_class: str | None = None
    materials: list[str] = Field(default_factory=list)
    psets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    qsets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parent: str | None = Field(None, description="GlobalId of the aggregating element, if any")
    material_sets: list[MaterialSet] = Field(
        default_factory=list,
        description="materials in full, one per IfcRelAssociatesMaterial (the type's when the "
        "occurrence has none)",
    )
    classifications: list[ClassificationReference] = Field(default_factory=list)
    openings: list[Opening] = Field(
        default_factory=list, description="openings voiding this element (IfcRelVoidsElement)"
    )
    fills: str | None = Field(
        None, description="GlobalId of the opening this element fills (IfcRelFillsElement)"
    )
    host: str | None = Field(
        None, description="GlobalId of the element whose opening this element fills"
    )
    occurrence_count: int | None = Field(
        None, description="types only: occurrences typed by it (IfcRelDefinesByType)"
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        description="Description and the attributes the entity's class adds to IfcElement / "
        "IfcElementType (IfcDoor OverallHeight, IfcReinforcingBar NominalDiameter ...): "
        "measures as {value, unit} in the model's units, enumerations as strings; "
        "PredefinedType and references to other instances left out",
    )


class PartProperties(_Model):
    """Mass properties of one STEP part (solid shape), in the file's length unit; ``density``
    and ``mass`` in SI units (kg/m3, kg) whatever units the file uses."""

    volume: Quantity | None = None
    surface_area: Quantity | None = None
    bounding_box: BoundingBox | None = None
    center_of_mass: tuple[float, float, float] | None = None
    center_of_mass_unit: str | None = None
    solid_count: int = 0
    face_count: int = 0
    color: str | None = Field(None, description="#rrggbb when the file gives one")
    layers: list[str] = Field(
        default_factory=list,
        description="PRESENTATION_LAYER_ASSIGNMENT layers holding the part's shape or faces",
    )
    material: str | None = Field(
        None,
        description="material name: MATERIAL_DESIGNATION.name, a 'material property' "
        "'material name' DESCRIPTIVE_REPRESENTATION_ITEM, or the name of the raw-material "
        "PRODUCT the part is made from (AP214 MAKE_FROM_USAGE_OPTION)",
    )
    material_id: str | None = Field(
        None,
        description="PRODUCT.id of that raw-material product, usually a material "
        "specification (e.g. 'AMS 5613')",
    )
    density: Quantity | None = Field(
        None, description="the file's material density converted to kg/m3"
    )
    mass: Quantity | None = Field(None, description="density x volume, in kg")


class Placement(_Model):
    """Where one occurrence of a STEP component sits in its parent (the transformation of the
    NEXT_ASSEMBLY_USAGE_OCCURRENCE's CONTEXT_DEPENDENT_SHAPE_REPRESENTATION, as OCCT reads it):
    ``x_parent = rotation @ x_child + translation``. ``translation`` in ``unit`` (the file's
    length unit); ``rotation`` a 3x3 matrix given by rows; the same rotation as ``axis`` (unit
    vector, None for no rotation) and ``angle`` (degrees, 0..180, right-hand rule)."""

    name: str | None = Field(None, description="the occurrence's name (component label)")
    translation: tuple[float, float, float]
    unit: str
    rotation: tuple[tuple[float, float, float], ...] = (
        (1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
        (0.0, 0.0, 1.0),
    )
    axis: tuple[float, float, float] | None = None
    angle: float = 0.0


class AssemblyProperties(_Model):
    """Totals of a STEP assembly over all part instances below it (quantities multiplied
    through the levels), in the file's length unit; ``mass`` in kg, only when every part with a
    volume has a density. ``bounding_box`` encloses the placed parts' boxes (exact for parts
    rotated by multiples of 90 degrees, otherwise larger than the assembled shape);
    ``center_of_mass`` is weighted by the parts' masses when every part has a density, else by
    their volumes (uniform density, like ``PartProperties.center_of_mass``), as
    ``center_of_mass_basis`` says; in the assembly's own coordinate system."""

    part_count: int = Field(0, description="part instances with geometry")
    volume: Quantity | None = None
    surface_area: Quantity | None = None
    mass: Quantity | None = None
    bounding_box: BoundingBox | None = None
    center_of_mass: tuple[float, float, float] | None = None
    center_of_mass_unit: str | None = None
    center_of_mass_basis: Literal["mass", "volume"] | None = None


class AssemblyNode(_Model):
    """A node of a STEP assembly tree: a PRODUCT and its component occurrences
    (NEXT_ASSEMBLY_USAGE_OCCURRENCE). ``quantity`` is how many times this product is used
    under its parent; ``properties`` is set for parts with geometry."""

    name: str
    product_id: str | None = None
    quantity: int = 1
    is_assembly: bool = False
    properties: PartProperties | None = None
    children: list[AssemblyNode] = Field(default_factory=list)
    placements: list[Placement] = Field(
        default_factory=list,
        description="one per occurrence under the parent (``quantity`` of them) when the file "
        "places them; empty for roots",
    )
    assembly_properties: AssemblyProperties | None = Field(
        None, description="assemblies: totals over the parts below"
    )


class ExtractionResult(_Model):
    """Everything read from one file. See the module docstring for units."""

    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    units: Units = Field(default_factory=Units)
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="document-level facts: PDF info dict, DXF header variables, STEP "
        "FILE_NAME/FILE_DESCRIPTION, IFC header and project name",
    )
    title_block: TitleBlock | None = None
    dimensions: list[Dimension] = Field(default_factory=list)
    gdt: list[FeatureControlFrame] = Field(
        default_factory=list, description="GD&T feature control frames (ASME Y14.5 / ISO 1101)"
    )
    datums: list[DatumFeature] = Field(default_factory=list, description="datum feature symbols")
    threads: list[Thread] = Field(default_factory=list)
    surface_textures: list[SurfaceTexture] = Field(default_factory=list)
    notation_sources: list[NotationSource] = Field(
        default_factory=list,
        description="location of each gdt/datums/threads/surface_textures entry",
    )
    tables: list[Table] = Field(default_factory=list)
    bom: list[BomLine] = Field(default_factory=list)
    text: list[TextItem] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)
    layers: list[Layer] = Field(default_factory=list)
    blocks: list[BlockDefinition] = Field(default_factory=list)
    block_references: list[BlockReference] = Field(default_factory=list)
    spatial_structure: SpatialNode | None = None
    elements: list[IfcElement] = Field(default_factory=list)
    element_types: list[IfcElement] = Field(
        default_factory=list,
        description="IFC: the type objects (IfcTypeProduct: IfcElementType, IFC2X3 IfcDoorStyle/"
        "IfcWindowStyle ...) in IfcElement shape; storey/type/parent/host stay empty",
    )
    assembly: list[AssemblyNode] = Field(
        default_factory=list, description="STEP: root products (free shapes) of the assembly tree"
    )
    bom_flat: dict[str, int] = Field(
        default_factory=dict, description="STEP: product name -> total quantity in the tree"
    )
    issues: list[Issue] = Field(default_factory=list)
    stats: dict[str, Any] = Field(
        default_factory=dict,
        description="counts, e.g. entity_counts (DXF type -> n), class_counts (IFC class -> n), "
        "extents, page_count",
    )
    extras: dict[str, Any] = Field(
        default_factory=dict,
        description="what an engine returned that has no field above, kept rather than dropped "
        "(keyed by engine). 'werk24': request id, the answers as received (JSON, verbatim), "
        "the sections with no place in this schema ('unmapped'), and per mapped entry its "
        "Werk24 reference id and confidence ('references'); see pybase.extraction.werk24",
    )

    def summary(self) -> str:
        """One short human line of the key facts (part number, counts), for CLI tables."""
        from pybase.extraction.summary import summarize

        return summarize(self)
