"""Assembly-level facts of a STEP product tree: component placements as result models, and
totals over the placed parts (volume, area, mass, centre of mass, assembled box).

Pure Python over the product DAG of :mod:`pybase.extraction.step_tree` and the per-part
geometry of the OCCT phase (millimetres); results are converted to the file's length unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pybase.extraction.result import AssemblyProperties, BoundingBox, Placement, Quantity
from pybase.extraction.step_occt import PartGeometry
from pybase.extraction.step_report import MM_PER_UNIT
from pybase.extraction.step_transform import (
    Box,
    Point,
    Transform,
    apply,
    axis_angle,
    transform_box,
)
from pybase.extraction.step_tree import MAX_DEPTH, Occurrence, ProductNode

__all__ = ["Totals", "assembly_properties", "assembly_totals", "placements", "round_length"]

#: Placement translations, boxes and centres are rounded to this (OCCT's Precision::Confusion
#: is 1e-7 mm).
RESOLUTION_MM = 1e-6


def _digits(unit: str) -> int:
    return max(0, math.ceil(-math.log10(RESOLUTION_MM / MM_PER_UNIT[unit])))


def round_length(value_mm: float, unit: str) -> float:
    """A length in mm expressed in ``unit``, rounded to :data:`RESOLUTION_MM`."""
    return round(value_mm / MM_PER_UNIT[unit], _digits(unit)) + 0.0


def placements(occurrences: list[Occurrence], unit: str) -> list[Placement]:
    """:class:`Placement` models of a child's occurrences (translation in ``unit``); empty
    when any occurrence has no known placement."""
    if not occurrences or any(transform is None for transform, _ in occurrences):
        return []
    out: list[Placement] = []
    for transform, name in occurrences:
        assert transform is not None
        axis, angle = axis_angle(transform)
        out.append(
            Placement(
                name=name,
                translation=(
                    round_length(transform[9], unit),
                    round_length(transform[10], unit),
                    round_length(transform[11], unit),
                ),
                unit=unit,
                rotation=tuple(
                    (
                        round(transform[3 * i], 12) + 0.0,
                        round(transform[3 * i + 1], 12) + 0.0,
                        round(transform[3 * i + 2], 12) + 0.0,
                    )
                    for i in range(3)
                ),
                axis=(
                    (round(axis[0], 12) + 0.0, round(axis[1], 12) + 0.0, round(axis[2], 12) + 0.0)
                    if axis is not None
                    else None
                ),
                angle=round(angle, 9) + 0.0,
            )
        )
    return out


@dataclass
class Totals:
    """Sums over the part instances below (and including) one product, in millimetres; ``mass``
    in kg, None as soon as one part with a volume has no density; ``moment`` is the sum of
    volume x centre (mm4), ``mass_moment`` of mass x centre (kg mm; None without masses);
    ``box`` and the centres are unknown when a placement is unknown (``placed`` False)."""

    part_count: int = 0
    volume: float = 0.0
    area: float = 0.0
    mass: float | None = 0.0
    moment: Point | None = (0.0, 0.0, 0.0)
    mass_moment: Point | None = (0.0, 0.0, 0.0)
    box: Box | None = None
    measured: bool = False
    placed: bool = True

    @property
    def center(self) -> Point | None:
        """Volume-weighted centre (mm), None when unknown."""
        if self.moment is None or self.volume <= 0 or not self.placed:
            return None
        return (
            self.moment[0] / self.volume,
            self.moment[1] / self.volume,
            self.moment[2] / self.volume,
        )

    @property
    def mass_center(self) -> Point | None:
        """Mass-weighted centre (mm), None unless every part has a density."""
        if self.mass_moment is None or self.mass is None or self.mass <= 0 or not self.placed:
            return None
        return (
            self.mass_moment[0] / self.mass,
            self.mass_moment[1] / self.mass,
            self.mass_moment[2] / self.mass,
        )


def _part_totals(geom: PartGeometry, density: float | None) -> Totals:
    totals = Totals(part_count=1)
    if geom.volume_mm3 is not None:
        totals.measured = True
        totals.volume = abs(geom.volume_mm3)
        totals.mass = density * totals.volume * 1e-9 if density is not None else None
        if geom.center_of_mass_mm is not None:
            x, y, z = geom.center_of_mass_mm
            totals.moment = (x * totals.volume, y * totals.volume, z * totals.volume)
            mass = totals.mass
            totals.mass_moment = (x * mass, y * mass, z * mass) if mass is not None else None
    if geom.area_mm2 is not None:
        totals.measured = True
        totals.area = geom.area_mm2
    totals.box = geom.bbox_mm
    return totals


def _add_moment(
    moment: Point | None, transform: Transform, center: Point | None, weight: float | None
) -> Point | None:
    """``moment + weight x (transform applied to center)``; None once a term is unknown."""
    if weight is not None and weight <= 0:
        return moment
    if moment is None or center is None or weight is None:
        return None
    moved = apply(transform, center)
    return (
        moment[0] + moved[0] * weight,
        moment[1] + moved[1] * weight,
        moment[2] + moved[2] * weight,
    )


def _union(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (
        (min(a[0][0], b[0][0]), min(a[0][1], b[0][1]), min(a[0][2], b[0][2])),
        (max(a[1][0], b[1][0]), max(a[1][1], b[1][1]), max(a[1][2], b[1][2])),
    )


def assembly_totals(
    roots: list[ProductNode],
    geometry: dict[str, PartGeometry],
    densities: dict[str, float],
) -> dict[str, Totals]:
    """Product key -> :class:`Totals` for every product of the tree that has measured parts
    below it (parts included). ``densities``: product key -> kg/m3."""
    memo: dict[str, Totals] = {}

    def visit(node: ProductNode, depth: int) -> Totals:
        known = memo.get(node.key)
        if known is not None:
            return known
        if not node.children or depth >= MAX_DEPTH:
            geom = geometry.get(node.key)
            totals = _part_totals(geom, densities.get(node.key)) if geom is not None else Totals()
            memo[node.key] = totals
            return totals
        totals = Totals()
        memo[node.key] = totals  # a cycle in a broken file sees an empty total
        for child, _ in node.children:
            child_totals = visit(child, depth + 1)
            if not child_totals.part_count:
                continue
            for transform, _name in node.placements.get(child.key, []):
                totals.part_count += child_totals.part_count
                totals.measured = totals.measured or child_totals.measured
                totals.volume += child_totals.volume
                totals.area += child_totals.area
                if totals.mass is not None and child_totals.mass is not None:
                    totals.mass += child_totals.mass
                else:
                    totals.mass = None
                if transform is None or not child_totals.placed:
                    totals.placed = False
                    continue
                if child_totals.box is not None:
                    totals.box = _union(totals.box, transform_box(transform, child_totals.box))
                totals.moment = _add_moment(
                    totals.moment, transform, child_totals.center, child_totals.volume
                )
                totals.mass_moment = _add_moment(
                    totals.mass_moment, transform, child_totals.mass_center, child_totals.mass
                )
        return totals

    for root in roots:
        visit(root, 0)
    return memo


def _clean(value: float) -> float:
    return float(f"{value:.12g}") + 0.0


def assembly_properties(totals: Totals, unit: str) -> AssemblyProperties | None:
    """The :class:`AssemblyProperties` of an assembly's totals in ``unit``; None when no part
    below it has been measured."""
    if not totals.part_count:
        return None
    scale = MM_PER_UNIT[unit]
    props = AssemblyProperties(part_count=totals.part_count)
    if not totals.measured:
        return props
    props.volume = Quantity(value=_clean(totals.volume / scale**3), unit=f"{unit}3")
    props.surface_area = Quantity(value=_clean(totals.area / scale**2), unit=f"{unit}2")
    if totals.mass is not None:
        props.mass = Quantity(value=_clean(totals.mass), unit="kg")
    if totals.placed and totals.box is not None:
        low, high = totals.box
        props.bounding_box = BoundingBox(
            min=tuple(round_length(v, unit) for v in low),
            max=tuple(round_length(v, unit) for v in high),
            unit=unit,
        )
    center, basis = (
        (totals.mass_center, "mass") if totals.mass_center else (totals.center, "volume")
    )
    if center is not None:
        x, y, z = (round_length(v, unit) for v in center)
        props.center_of_mass = (x, y, z)
        props.center_of_mass_unit = unit
        props.center_of_mass_basis = "mass" if basis == "mass" else "volume"
    return props
