"""Placements of assembly components read from the Part 21 entities (no OCP), for the product
tree built when OCCT transfers no geometry (:func:`pybase.extraction.step_tree.from_part21`).

The AP203/AP214/AP242 assembly structure (ISO 10303-44, CAx-IF "Recommended Practices for
AP203/AP214 assembly structure"): a NEXT_ASSEMBLY_USAGE_OCCURRENCE has a
PRODUCT_DEFINITION_SHAPE, which a CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(representation_relation,
represented_product_relation) ties to a (SHAPE_)REPRESENTATION_RELATIONSHIP(name, description,
rep_1, rep_2) with REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(transformation_operator).
The operator is an ITEM_DEFINED_TRANSFORMATION(name, description, transform_item_1,
transform_item_2) of two AXIS2_PLACEMENT_3Ds: item 1 in the component's representation (rep_1),
item 2 in the assembly's (rep_2); the component's coordinates map to the assembly's by
``P2 * P1^-1``. Some exporters swap rep_1 and rep_2: the representation that belongs to the
parent product (SHAPE_DEFINITION_REPRESENTATION) decides. Coordinates are in the length unit of
each representation's context and are returned in millimetres.
"""

from __future__ import annotations

import math
from typing import Any

from pybase.extraction.step_part21 import Entity, Part21File, Ref
from pybase.extraction.step_transform import Transform, compose
from pybase.extraction.step_units import context_units

__all__ = ["part21_placements"]


def _unit_vector(p21: Part21File, ref: Any, default: tuple[float, float, float]) -> list[float]:
    entity = p21.entity(ref) if isinstance(ref, Ref) else None
    params = entity.get("DIRECTION") if entity is not None else None
    ratios = params[1] if params and len(params) > 1 and isinstance(params[1], list) else None
    if not ratios or len(ratios) < 3:
        return list(default)
    vector = [float(v) for v in ratios[:3]]
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm > 0 else list(default)


def _axis2(p21: Part21File, ref: Any, mm_per_unit: float) -> Transform | None:
    """AXIS2_PLACEMENT_3D(name, location, axis, ref_direction) as a transform from the
    placement's frame to its representation's frame (ISO 10303-42 §4.4.x: z = axis, x = the
    ref_direction made orthogonal to it, y = z × x), translation in millimetres."""
    entity = p21.entity(ref) if isinstance(ref, Ref) else None
    params = entity.get("AXIS2_PLACEMENT_3D") if entity is not None else None
    if not params or len(params) < 2:
        return None
    point = p21.entity(params[1]) if isinstance(params[1], Ref) else None
    point_params = point.get("CARTESIAN_POINT") if point is not None else None
    if not point_params or len(point_params) < 2 or not isinstance(point_params[1], list):
        return None
    coordinates = [float(v) * mm_per_unit for v in point_params[1][:3]]
    coordinates += [0.0] * (3 - len(coordinates))
    z = _unit_vector(p21, params[2] if len(params) > 2 else None, (0.0, 0.0, 1.0))
    x = _unit_vector(p21, params[3] if len(params) > 3 else None, (1.0, 0.0, 0.0))
    dot = sum(a * b for a, b in zip(x, z, strict=True))
    x = [a - dot * b for a, b in zip(x, z, strict=True)]
    norm = math.sqrt(sum(v * v for v in x))
    if norm < 1e-12:  # ref_direction parallel to the axis: any perpendicular x will do
        x = [1.0, 0.0, 0.0] if abs(z[0]) < 0.9 else [0.0, 1.0, 0.0]
        dot = sum(a * b for a, b in zip(x, z, strict=True))
        x = [a - dot * b for a, b in zip(x, z, strict=True)]
        norm = math.sqrt(sum(v * v for v in x))
    x = [v / norm for v in x]
    y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]]
    return (
        x[0],
        y[0],
        z[0],
        x[1],
        y[1],
        z[1],
        x[2],
        y[2],
        z[2],
        coordinates[0],
        coordinates[1],
        coordinates[2],
    )


def _inverse(transform: Transform) -> Transform:
    """Inverse of a rigid transform (rotation transposed)."""
    m = transform
    r = (m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8])
    t = tuple(-(r[3 * i] * m[9] + r[3 * i + 1] * m[10] + r[3 * i + 2] * m[11]) for i in range(3))
    return (*r, t[0], t[1], t[2])


def _mm_per_unit(p21: Part21File, representation: Any) -> float:
    entity = p21.entity(representation) if isinstance(representation, Ref) else None
    if entity is None:
        return 1.0
    params = entity.get("REPRESENTATION") if entity.complex else entity.parts.get(entity.type)
    context = params[2] if params and len(params) > 2 else None
    lengths = [u for u in context_units(p21, context) if u.is_length]
    return lengths[0].factor * 1000.0 if lengths else 1.0


def _relationship(entity: Entity) -> tuple[Any, Any, Any] | None:
    """(rep_1, rep_2, transformation_operator) of a representation relationship with
    transformation, simple or complex."""
    if entity.complex:
        base = entity.get("REPRESENTATION_RELATIONSHIP")
        with_transformation = entity.get("REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION")
        if not base or len(base) < 4 or not with_transformation:
            return None
        return base[2], base[3], with_transformation[0]
    params = entity.parts.get(entity.type) or []
    if len(params) < 5:
        return None
    return params[2], params[3], params[4]


def part21_placements(p21: Part21File) -> dict[int, Transform]:
    """NEXT_ASSEMBLY_USAGE_OCCURRENCE entity id -> placement of the component in the parent
    (millimetres), for every occurrence whose transformation the file gives and this module
    can read (ITEM_DEFINED_TRANSFORMATION). Never raises on bad data: unreadable ones are left
    out."""
    usages = {usage.entity_id: usage for usage in p21.usages}
    if not usages:
        return {}
    representations_of: dict[int, set[int]] = {}
    for sdr in p21.entities_of("SHAPE_DEFINITION_REPRESENTATION"):
        params = sdr.parts.get(sdr.type) or []
        if len(params) < 2 or not isinstance(params[0], Ref) or not isinstance(params[1], Ref):
            continue
        pds = p21.entity(params[0])
        pds_params = pds.get("PRODUCT_DEFINITION_SHAPE") if pds is not None else None
        if pds_params and len(pds_params) > 2 and isinstance(pds_params[2], Ref):
            representations_of.setdefault(pds_params[2].id, set()).add(params[1].id)
    out: dict[int, Transform] = {}
    for cdsr in p21.entities_of("CONTEXT_DEPENDENT_SHAPE_REPRESENTATION"):
        try:
            found = _placement(p21, cdsr, usages, representations_of)
        except (ValueError, TypeError, IndexError, ZeroDivisionError):
            continue
        if found is not None:
            out.setdefault(found[0], found[1])
    return out


def _placement(
    p21: Part21File,
    cdsr: Entity,
    usages: dict[int, Any],
    representations_of: dict[int, set[int]],
) -> tuple[int, Transform] | None:
    params = cdsr.get("CONTEXT_DEPENDENT_SHAPE_REPRESENTATION") or []
    if len(params) < 2:
        return None
    pds = p21.entity(params[1])
    pds_params = pds.get("PRODUCT_DEFINITION_SHAPE") if pds is not None else None
    if not pds_params or len(pds_params) < 3 or not isinstance(pds_params[2], Ref):
        return None
    usage = usages.get(pds_params[2].id)
    relation = p21.entity(params[0])
    if usage is None or relation is None:
        return None
    found = _relationship(relation)
    if found is None:
        return None
    rep_1, rep_2, operator_ref = found
    operator = p21.entity(operator_ref)
    item_params = operator.get("ITEM_DEFINED_TRANSFORMATION") if operator is not None else None
    if not item_params or len(item_params) < 4:
        return None
    item_1, item_2 = item_params[2], item_params[3]
    parent_reps = representations_of.get(usage.relating, set())
    if (
        isinstance(rep_1, Ref)
        and rep_1.id in parent_reps
        and not (isinstance(rep_2, Ref) and rep_2.id in parent_reps)
    ):
        rep_1, rep_2 = rep_2, rep_1
        item_1, item_2 = item_2, item_1
    child = _axis2(p21, item_1, _mm_per_unit(p21, rep_1))
    parent = _axis2(p21, item_2, _mm_per_unit(p21, rep_2))
    if child is None or parent is None:
        return None
    return usage.entity_id, compose(parent, _inverse(child))
