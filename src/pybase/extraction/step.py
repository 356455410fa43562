"""STEP (ISO 10303-21 physical file; AP203, AP214, AP242, AP209) extractor.

What it returns:

* ``metadata``: the HEADER section (FILE_DESCRIPTION, FILE_NAME, FILE_SCHEMA with their
  ISO 10303-21 §8.2 attribute names), read by our own Part 21 reader
  (:mod:`pybase.extraction.step_part21`); ``source.format_version`` is the application
  protocol (AP203/AP214/AP242/AP209), ``source.schema_identifier`` the raw FILE_SCHEMA.
* ``assembly``: the product tree. OCCT (``STEPCAFControl_Reader`` into an XCAF document, see
  :mod:`pybase.extraction.step_xcaf`) gives the free shapes and their components; names and
  ids come from the file's own PRODUCT entities (:mod:`pybase.extraction.step_tree`). Repeated
  NEXT_ASSEMBLY_USAGE_OCCURRENCEs of one product under one parent become one child with
  ``quantity`` n. ``bom_flat`` maps product name -> instances in the whole tree; ``bom`` has
  one line per (parent, child product) pair.
* per occurrence (``AssemblyNode.placements``, one per ``quantity``): the component's placement
  in its parent (translation in the file's length unit, rotation matrix and axis-angle), from
  the XCAF component locations (:mod:`pybase.extraction.step_assembly`), or from the Part 21
  transformations when OCCT transferred nothing (:mod:`pybase.extraction.step_placement`).
* per part with geometry (``AssemblyNode.properties``): solid and face counts, colour, layers
  and, with ``options.mass_properties``, volume, surface area, bounding box and centre of mass
  in the file's own length unit, in the part's own coordinate system; material and density
  where the file carries them (:mod:`pybase.extraction.step_materials`), then mass in kg.
* per assembly (``AssemblyNode.assembly_properties``): part instances, total volume, area and
  mass, assembled bounding box and centre of mass over the placed parts.
* ``dimensions``, ``gdt``, ``datums`` (+ ``notation_sources``): AP242 semantic PMI read from the
  Part 21 entities (:mod:`pybase.extraction.step_pmi`), typed like the drawing path's values;
  presentation PMI is counted; TEXT_LITERAL annotation strings go to ``text``.
* validation properties of the file compared with the computed values
  (:mod:`pybase.extraction.step_validation`).
* ``units``: the length unit of the file's shape representation contexts (OCCT FileUnits).
* ``layers``: PRESENTATION_LAYER_ASSIGNMENT layers (``entity_count`` = shapes assigned).
* ``stats``: product_count (distinct products in the tree), instance_count (product
  occurrences, roots included), solid_count and face_count (over all instances of all parts,
  i.e. of the assembled model), entity_count (Part 21 instances); ``pmi`` and
  ``presentation_pmi`` counts, ``validation_properties``.

When OCCT transfers no shape (analysis models, external-reference masters, models that crash
OCCT, which runs in a forked child for that reason: :mod:`pybase.extraction.step_occt`), the
tree (with placements) is read from the Part 21 data and the result carries
``geometry_unavailable``; PMI, materials and the header come from the Part 21 data in any case.

Errors: :class:`~pybase.errors.CorruptFileError` when the file is not a readable Part 21 file
(no header; OCCT's reader fails or reports syntax errors: truncated file, garbage in the DATA
section); every other oddity is an issue (codes listed in :mod:`pybase.extraction.step_report`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pybase.errors import CorruptFileError, SourceNotFoundError
from pybase.extraction import step_occt
from pybase.extraction.base import ExtractionOptions, ProgressCallback, source_info
from pybase.extraction.detect import step_protocol
from pybase.extraction.result import (
    AssemblyNode,
    BomLine,
    BoundingBox,
    ExtractionResult,
    Issue,
    Layer,
    PartProperties,
    Quantity,
)
from pybase.extraction.step_assembly import (
    Totals,
    assembly_properties,
    assembly_totals,
    placements,
)
from pybase.extraction.step_materials import MaterialInfo, read_materials
from pybase.extraction.step_part21 import (
    Enum,
    Part21Error,
    Part21File,
    Ref,
    Typed,
    read_part21,
)
from pybase.extraction.step_pmi import read_pmi
from pybase.extraction.step_report import (
    MM_PER_UNIT,
    check_issues,
    document_issues,
    file_units,
    no_geometry_reason,
    part21_issues,
)
from pybase.extraction.step_tree import (
    MAX_DEPTH,
    ProductNode,
    flatten_counts,
    readable_label_name,
)
from pybase.extraction.step_validation import (
    Computed,
    compare_validation_properties,
    read_validation_properties,
)

if TYPE_CHECKING:
    from pybase.extraction.detect import DetectedFormat
    from pybase.extraction.step_occt import PartGeometry

__all__ = ["COORDINATE_RESOLUTION_MM", "StepExtractor"]

T = TypeVar("T")

#: Bounding boxes and centres of mass are rounded to this (OCCT's geometric resolution,
#: Precision::Confusion, is 1e-7 mm; AddOptimal boxes can be off by that much).
COORDINATE_RESOLUTION_MM = 1e-6


class StepExtractor:
    """Reads STEP Part 21 files (see the module docstring for what is extracted)."""

    format: ClassVar[str] = "step"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Extract header, product tree, units and per-part properties from ``path``.

        ``progress`` gets ``(0, 1)`` before OCCT reads the file, then ``(1 + parts done,
        1 + distinct parts)`` as each part's geometry is measured.

        Raises:
            SourceNotFoundError: the file cannot be opened.
            CorruptFileError: not a readable Part 21 file (broken header, OCCT's reader returns
                ``IFSelect_RetFail``/``RetError`` or reports syntax errors: truncated file,
                garbage in the DATA section).
            DependencyMissingError: OCP (cadquery-ocp) is not installed.
            JobCancelledError: propagated from ``progress``.
        """
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceNotFoundError(f"{path.name}: cannot be read: {exc}") from exc
        try:
            p21 = read_part21(data)
        except Part21Error as exc:
            raise CorruptFileError(f"{path.name}: not a readable STEP file: {exc}") from exc
        del data  # the reader keeps the text it needs (one byte per character)
        result = ExtractionResult(
            source=source_info(path, detected, step_protocol(p21.schema_identifiers[0])),
            metadata=_metadata(p21),
        )
        result.source.schema_identifier = ", ".join(p21.schema_identifiers)
        progress(0, 1)
        outcome = step_occt.run(path, p21, options.mass_properties, progress)
        model = outcome.model
        part21_issues(p21, result)
        check_issues(model, p21, result)
        unit = file_units(model, result)
        names = {key: node.name for key, node in _all_nodes(outcome.roots).items()}
        no_materials: dict[int, MaterialInfo] = {}
        found = _guarded(
            "materials", result, lambda: read_materials(p21, result.issues), no_materials
        )
        materials = {f"#{k}": v for k, v in found.items()}
        properties: dict[str, PartProperties] = {}
        for key, geom in outcome.geometry.items():
            props = _part_properties(names[key], geom, unit, result, materials.get(key))
            if props is not None:
                properties[key] = props
        for key, message in outcome.geometry_errors.items():
            result.issues.append(
                Issue(
                    code="mass_properties_failed",
                    message=f"OCCT failed on the geometry of {names[key]!r}: {message}",
                    location=names[key],
                )
            )
        densities = {k: m.density for k, m in materials.items() if m.density is not None}
        totals = assembly_totals(outcome.roots, outcome.geometry, densities)
        _fill_structure(outcome.roots, properties, totals, unit, result)
        _guarded(
            "validation properties",
            result,
            lambda: _validate(p21, outcome.geometry, totals, unit, result),
            None,
        )
        _guarded("PMI", result, lambda: read_pmi(p21, result, options.include_text), None)
        document_issues(path, p21, result)
        if not sum(p.face_count for p in properties.values()):
            result.issues.append(
                Issue(code="geometry_unavailable", message=no_geometry_reason(model, p21))
            )
        result.layers = [
            Layer(name=readable_label_name(name), entity_count=count, on=visible)
            for name, count, visible in model.layers
        ]
        result.stats["entity_count"] = p21.instance_count or model.entity_count
        return result


#: What a reader of damaged Part 21 data may raise besides its own issues (a value of a wrong
#: type or size, a zero unit factor ...).
_DATA_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError, ArithmeticError)


def _guarded(what: str, result: ExtractionResult, read: Callable[[], T], default: T) -> T:
    """``read()``, or ``default`` and the issue ``step_data_unreadable`` when damaged data makes
    it fail: one unreadable section (materials, validation properties, PMI) must not cost the
    rest of the result."""
    try:
        return read()
    except _DATA_ERRORS as exc:
        result.issues.append(
            Issue(
                code="step_data_unreadable",
                message=f"the {what} of this file could not be read ({type(exc).__name__}: "
                f"{exc}); they are left out",
            )
        )
        return default


def _metadata(p21: Part21File) -> dict[str, Any]:
    """Header entities keyed by lower-case entity name, attributes by their §8.2 names
    (values JSON-ready: references as ``"#12"``, enumerations as ``".T."``)."""
    return {
        name.lower(): {key: _jsonable(value) for key, value in attrs.items()}
        for name, attrs in p21.header.items()
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Ref):
        return f"#{value.id}"
    if isinstance(value, Enum):
        return f".{value.value}."
    if isinstance(value, Typed):
        return {value.name: _jsonable(value.params)}
    return value


def _clean(value: float) -> float:
    """Drop float noise beyond 12 significant digits (and turn -0.0 into 0.0)."""
    return float(f"{value:.12g}") + 0.0


def _round(value: float, digits: int) -> float:
    return round(value, digits) + 0.0


def _part_properties(
    name: str,
    geom: PartGeometry,
    unit: str,
    result: ExtractionResult,
    material: MaterialInfo | None = None,
) -> PartProperties | None:
    """PartProperties of one part in ``unit`` (from millimetres), or None when it has no solid
    or face. Density in kg/m3 and mass (density x volume) in kg when ``material`` has one."""
    if not geom.solid_count and not geom.face_count:
        return None
    scale = MM_PER_UNIT[unit]
    props = PartProperties(
        solid_count=geom.solid_count,
        face_count=geom.face_count,
        color=geom.color,
        layers=[readable_label_name(layer) for layer in geom.layers],
    )
    if material is not None:
        props.material = material.name
        props.material_id = material.material_id
        if material.density is not None:
            props.density = Quantity(value=_clean(material.density), unit="kg/m3")
            if geom.volume_mm3 is not None:
                mass = material.density * abs(geom.volume_mm3) * 1e-9
                props.mass = Quantity(value=_clean(mass), unit="kg")
    if geom.volume_mm3 is not None:
        volume = geom.volume_mm3 / scale**3
        if volume < 0:
            result.issues.append(
                Issue(
                    code="solid_orientation_reversed",
                    message=f"a solid of {name!r} has a negative volume (inside out); "
                    "its absolute value is reported",
                    location=name,
                )
            )
        props.volume = Quantity(value=_clean(abs(volume)), unit=f"{unit}3")
    if geom.area_mm2 is not None:
        props.surface_area = Quantity(value=_clean(geom.area_mm2 / scale**2), unit=f"{unit}2")
    # Coordinates are rounded to COORDINATE_RESOLUTION_MM, expressed in the file's unit.
    digits = max(0, math.ceil(-math.log10(COORDINATE_RESOLUTION_MM / scale)))
    if geom.bbox_mm is not None:
        low, high = geom.bbox_mm
        props.bounding_box = BoundingBox(
            min=tuple(_round(v / scale, digits) for v in low),
            max=tuple(_round(v / scale, digits) for v in high),
            unit=unit,
        )
    if geom.center_of_mass_mm is not None:
        x, y, z = (_round(v / scale, digits) for v in geom.center_of_mass_mm)
        props.center_of_mass = (x, y, z)
        props.center_of_mass_unit = unit
    return props


def _fill_structure(
    roots: list[ProductNode],
    properties: dict[str, PartProperties],
    assembly_sums: dict[str, Totals],
    unit: str,
    result: ExtractionResult,
) -> None:
    """assembly (with placements and assembly totals), bom_flat, bom and the structure
    stats."""

    def convert(
        node: ProductNode, quantity: int, parent: ProductNode | None, depth: int
    ) -> AssemblyNode:
        children = (
            [convert(child, n, node, depth + 1) for child, n in node.children]
            if depth < MAX_DEPTH
            else []
        )
        return AssemblyNode(
            name=node.name,
            product_id=node.product_id,
            quantity=quantity,
            is_assembly=bool(node.children),
            properties=properties.get(node.key),
            children=children,
            placements=placements(parent.placements.get(node.key, []), unit) if parent else [],
            assembly_properties=(
                assembly_properties(assembly_sums[node.key], unit)
                if node.children and node.key in assembly_sums
                else None
            ),
        )

    result.assembly = [convert(root, 1, None, 0) for root in roots]
    totals = flatten_counts(roots)
    nodes = _all_nodes(roots)
    bom_flat: dict[str, int] = {}
    for key, count in totals.items():
        name = nodes[key].name
        bom_flat[name] = bom_flat.get(name, 0) + count
    result.bom_flat = bom_flat
    seen_edges: set[tuple[str, str]] = set()
    for key, node in nodes.items():
        for child, quantity in node.children:
            if (key, child.key) in seen_edges:
                continue
            seen_edges.add((key, child.key))
            result.bom.append(
                BomLine(
                    part_number=child.product_id,
                    description=child.name,
                    quantity=quantity,
                    parent=node.name,
                    source="STEP NEXT_ASSEMBLY_USAGE_OCCURRENCE",
                )
            )
    result.stats.update(
        product_count=len(totals),
        instance_count=sum(totals.values()),
        solid_count=sum(
            properties[k].solid_count * n for k, n in totals.items() if k in properties
        ),
        face_count=sum(properties[k].face_count * n for k, n in totals.items() if k in properties),
    )


def _validate(
    p21: Part21File,
    geometry: dict[str, PartGeometry],
    totals: dict[str, Totals],
    unit: str,
    result: ExtractionResult,
) -> None:
    """Compare the file's geometric validation properties with the computed values (parts:
    their geometry; assemblies: totals over the placed parts)."""
    properties = read_validation_properties(p21)
    if not properties:
        return
    computed: dict[int, Computed] = {}
    for key, total in totals.items():
        if not key.startswith("#") or not total.measured:
            continue
        geom = geometry.get(key)
        if geom is not None:
            box = geom.bbox_mm
            computed[int(key[1:])] = Computed(
                volume=abs(geom.volume_mm3) if geom.volume_mm3 is not None else None,
                surface_area=geom.area_mm2,
                centroid=geom.center_of_mass_mm,
                diagonal=math.dist(box[0], box[1]) if box is not None else None,
            )
        else:
            box = total.box
            computed[int(key[1:])] = Computed(
                volume=total.volume,
                surface_area=total.area,
                centroid=total.center,
                diagonal=math.dist(box[0], box[1]) if box is not None and total.placed else None,
                mass_centroid=total.mass_center,
            )
    names = {p.entity_id: p.display_name for p in p21.products.values()}
    compare_validation_properties(properties, computed, names, unit, result)


def _all_nodes(roots: list[ProductNode]) -> dict[str, ProductNode]:
    """Every product of the tree by key, depth first in child order."""
    nodes: dict[str, ProductNode] = {}
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        if node.key in nodes or depth > MAX_DEPTH:
            continue
        nodes[node.key] = node
        stack.extend((child, depth + 1) for child, _ in reversed(node.children))
    return nodes
