"""Geometric validation properties written in the file, compared with what OCCT computes.

CAx-IF "Recommended Practices for Geometric and Assembly Validation Properties": a
``PROPERTY_DEFINITION('geometric validation property', <description>, <definition>)`` whose
definition is a PRODUCT_DEFINITION_SHAPE (of a part or an assembly), with a
PROPERTY_DEFINITION_REPRESENTATION to a REPRESENTATION named

* ``'volume'``: MEASURE_REPRESENTATION_ITEM('volume measure', VOLUME_MEASURE(v), unit);
* ``'surface area'``: MEASURE_REPRESENTATION_ITEM('surface area measure', AREA_MEASURE(a), unit);
* ``'centroid'``: CARTESIAN_POINT('centre point', (x, y, z)) in the representation context's
  length unit.

A value whose measure has no readable unit takes the context's length unit (cubed, squared).
For an assembly the computed values are the totals of its placed parts (volume and area summed
over instances); its centroid is compared with both the volume-weighted and, when every part has
a density, the mass-weighted centre of the placed parts, and matches when either is within the
tolerance (CAx-IF describes the volume centroid; I-DEAS writes the mass-weighted one, e.g.
dm1-id-214). Tolerances: 1 % relative difference for volume and
surface area; for the centroid 1e-3 of the bounding-box diagonal (of the part, or of the
assembled parts). A larger difference is the issue ``validation_property_mismatch``; every
comparison is listed in ``stats["validation_properties"]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from pybase.extraction.result import ExtractionResult, Issue
from pybase.extraction.step_materials import (
    definition_products,
    property_representations,
    representation_parts,
)
from pybase.extraction.step_part21 import Part21File
from pybase.extraction.step_report import MM_PER_UNIT
from pybase.extraction.step_units import context_units, measure

__all__ = [
    "AREA_TOLERANCE",
    "CENTROID_TOLERANCE",
    "VOLUME_TOLERANCE",
    "Computed",
    "ValidationProperty",
    "compare_validation_properties",
    "read_validation_properties",
]

#: Relative tolerance for volume comparisons.
VOLUME_TOLERANCE = 0.01
#: Relative tolerance for surface area comparisons.
AREA_TOLERANCE = 0.01
#: Centroid tolerance as a fraction of the bounding-box diagonal.
CENTROID_TOLERANCE = 1e-3

Kind = Literal["volume", "surface_area", "centroid"]
_KINDS: dict[str, Kind] = {
    "volume": "volume",
    "surface area": "surface_area",
    "centroid": "centroid",
}
_POWER: dict[Kind, int] = {"volume": 3, "surface_area": 2, "centroid": 1}


@dataclass
class ValidationProperty:
    """One validation property of a product: ``value`` in mm3 (volume), mm2 (surface area) or
    mm (centroid point), ``source`` the PROPERTY_DEFINITION (e.g. '#6265')."""

    product: int
    kind: Kind
    value: float | tuple[float, float, float]
    source: str


@dataclass
class Computed:
    """What OCCT gives for a product, in millimetres: volume (mm3), surface area (mm2),
    centroid (mm; ``mass_centroid`` weighted by mass, assemblies only) and the diagonal of its
    (assembled) bounding box (mm)."""

    volume: float | None = None
    surface_area: float | None = None
    centroid: tuple[float, float, float] | None = None
    diagonal: float | None = None
    mass_centroid: tuple[float, float, float] | None = None


def _context_mm(p21: Part21File, context: Any) -> float | None:
    lengths = [u for u in context_units(p21, context) if u.is_length]
    return lengths[0].factor * 1000.0 if lengths else None


def _kind_of(representation_name: str, item_name: str, measure_type: str | None) -> Kind | None:
    named = _KINDS.get(representation_name)
    if named is not None:
        return named
    if measure_type == "VOLUME_MEASURE" or "volume" in item_name:
        return "volume"
    if measure_type == "AREA_MEASURE" or "area" in item_name:
        return "surface_area"
    return None


def _values(
    p21: Part21File, representation_name: str, items: list[Any], context: Any
) -> list[tuple[Kind, float | tuple[float, float, float]]]:
    """The validation values of one representation: by the representation's name
    ('volume', 'surface area', 'centroid'), else by each item's (CATIA puts 'volume measure',
    'wetted area measure' and a 'centre point' into one unnamed representation)."""
    context_mm = _context_mm(p21, context)
    out: list[tuple[Kind, float | tuple[float, float, float]]] = []
    for item in items:
        entity = p21.entity(item)
        if entity is None:
            continue
        point = entity.get("CARTESIAN_POINT")
        if point is not None:
            name = str(point[0]).strip().lower() if point else ""
            coordinates = point[1] if len(point) > 1 and isinstance(point[1], list) else []
            centroid = representation_name == "centroid" or name in ("centre point", "center point")
            if centroid and len(coordinates) == 3:
                scale = context_mm or 1.0
                x, y, z = (float(v) * scale for v in coordinates)
                out.append(("centroid", (x, y, z)))
            continue
        found = measure(p21, item)
        if found is None:
            continue
        kind = _kind_of(representation_name, (found.name or "").strip().lower(), found.kind)
        if kind is None or kind == "centroid":
            continue
        power = _POWER[kind]
        if found.unit is not None and found.unit.dims == (power, 0, 0):
            out.append((kind, found.value * found.unit.factor * 1000.0**power))
        else:
            out.append((kind, found.value * (context_mm or 1.0) ** power))
    return out


def read_validation_properties(p21: Part21File) -> list[ValidationProperty]:
    """Every volume / surface area / centroid validation property of a product, in file
    order. Never raises on bad data (unreadable ones are left out)."""
    representations = property_representations(p21)
    out: list[ValidationProperty] = []
    for definition in p21.entities_of("PROPERTY_DEFINITION"):
        params = definition.get("PROPERTY_DEFINITION") or []
        if len(params) < 3 or str(params[0]).strip().lower() != "geometric validation property":
            continue
        products = definition_products(p21, params[2])
        if not products:
            continue
        for representation in representations.get(definition.id, []):
            name, items, context = representation_parts(representation)
            for kind, value in _values(p21, name.strip().lower(), items, context):
                out.extend(
                    ValidationProperty(product, kind, value, f"#{definition.id}")
                    for product in products
                )
    return out


def _tidy(value: float) -> float:
    return float(f"{value:.10g}") + 0.0


def compare_validation_properties(
    properties: list[ValidationProperty],
    computed: dict[int, Computed],
    names: dict[int, str],
    unit: str,
    result: ExtractionResult,
) -> None:
    """Compare each property with ``computed`` (PRODUCT entity id -> values in mm), add a
    ``validation_property_mismatch`` issue per difference beyond the tolerances and record
    ``stats["validation_properties"]`` (values in ``unit``, the file's length unit, and its
    powers)."""
    if not properties:
        return
    scale = MM_PER_UNIT.get(unit, 1.0)
    details: list[dict[str, Any]] = []
    unchecked = 0
    for prop in properties:
        mine = computed.get(prop.product)
        name = names.get(prop.product, f"#{prop.product}")
        if mine is None:
            unchecked += 1
            continue
        entry: dict[str, Any] = {"product": name, "property": prop.kind, "source": prop.source}
        if prop.kind == "centroid":
            if mine.centroid is None or not mine.diagonal or not isinstance(prop.value, tuple):
                unchecked += 1
                continue
            candidates = [("volume", mine.centroid)]
            if mine.mass_centroid is not None:
                candidates.append(("mass", mine.mass_centroid))
            basis, closest = min(candidates, key=lambda c: math.dist(prop.value, c[1]))  # type: ignore[arg-type]
            distance = math.dist(prop.value, closest)
            allowed = CENTROID_TOLERANCE * mine.diagonal
            entry.update(
                file=[_tidy(v / scale) for v in prop.value],
                computed=[_tidy(v / scale) for v in closest],
                unit=unit,
                basis=basis,
                distance=_tidy(distance / scale),
                match=distance <= allowed,
            )
            message = (
                f"centroid of {name!r} in the file is {distance / scale:.6g} {unit} from the "
                f"computed one (allowed: {allowed / scale:.6g} {unit}, 1e-3 of the box diagonal)"
            )
        else:
            value = mine.volume if prop.kind == "volume" else mine.surface_area
            if value is None or not isinstance(prop.value, float):
                unchecked += 1
                continue
            power = _POWER[prop.kind]
            tolerance = VOLUME_TOLERANCE if prop.kind == "volume" else AREA_TOLERANCE
            difference = abs(prop.value - value) / max(abs(value), 1e-300)
            entry.update(
                file=_tidy(prop.value / scale**power),
                computed=_tidy(value / scale**power),
                unit=f"{unit}{power}",
                relative_difference=_tidy(difference),
                match=difference <= tolerance,
            )
            label = "volume" if prop.kind == "volume" else "surface area"
            message = (
                f"{label} of {name!r} in the file is {prop.value / scale**power:.6g} "
                f"{unit}{power}, computed {value / scale**power:.6g} {unit}{power} "
                f"({difference:.2%} apart, allowed {tolerance:.0%})"
            )
        details.append(entry)
        if not entry["match"]:
            result.issues.append(
                Issue(code="validation_property_mismatch", message=message, location=prop.source)
            )
    matched = sum(1 for d in details if d["match"])
    result.stats["validation_properties"] = {
        "checked": len(details),
        "matched": matched,
        "mismatched": len(details) - matched,
        "unchecked": unchecked,
        "details": details,
    }
