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
* per part with geometry (``AssemblyNode.properties``): solid and face counts, colour and, with
  ``options.mass_properties``, volume, surface area, bounding box and centre of mass in the
  file's own length unit, in the part's own coordinate system.
* ``units``: the length unit of the file's shape representation contexts (OCCT FileUnits).
* ``layers``: PRESENTATION_LAYER_ASSIGNMENT layers (``entity_count`` = shapes assigned).
* ``stats``: product_count (distinct products in the tree), instance_count (product
  occurrences, roots included), solid_count and face_count (over all instances of all parts,
  i.e. of the assembled model), entity_count (Part 21 instances).

When OCCT transfers no shape (analysis models, external-reference masters, models that crash
OCCT, which runs in a forked child for that reason: :mod:`pybase.extraction.step_occt`), the
tree is read from the Part 21 data and the result carries ``geometry_unavailable``.

Errors: :class:`~pybase.errors.CorruptFileError` when the file is not a readable Part 21 file
(no header; OCCT's reader fails or reports syntax errors: truncated file, garbage in the DATA
section); every other oddity is an issue (codes listed in :mod:`pybase.extraction.step_report`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

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
from pybase.extraction.step_part21 import (
    Enum,
    Part21Error,
    Part21File,
    Ref,
    Typed,
    read_part21,
)
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

if TYPE_CHECKING:
    from pybase.extraction.detect import DetectedFormat
    from pybase.extraction.step_occt import PartGeometry

__all__ = ["COORDINATE_RESOLUTION_MM", "StepExtractor"]

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
        properties: dict[str, PartProperties] = {}
        for key, geom in outcome.geometry.items():
            props = _part_properties(names[key], geom, unit, result)
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
        _fill_structure(outcome.roots, properties, result)
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
    name: str, geom: PartGeometry, unit: str, result: ExtractionResult
) -> PartProperties | None:
    """PartProperties of one part in ``unit`` (from millimetres), or None when it has no solid
    or face."""
    if not geom.solid_count and not geom.face_count:
        return None
    scale = MM_PER_UNIT[unit]
    props = PartProperties(
        solid_count=geom.solid_count, face_count=geom.face_count, color=geom.color
    )
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
    roots: list[ProductNode], properties: dict[str, PartProperties], result: ExtractionResult
) -> None:
    """assembly, bom_flat, bom and the structure stats."""

    def convert(node: ProductNode, quantity: int, depth: int) -> AssemblyNode:
        children = (
            [convert(child, n, depth + 1) for child, n in node.children]
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
        )

    result.assembly = [convert(root, 1, 0) for root in roots]
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
