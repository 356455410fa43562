"""Rigid placements of assembly components as plain tuples (no OCP), and what is derived from
them: composition through assembly levels, axis-angle form, boxes and points carried into the
parent's coordinate system.

A :data:`Transform` is 12 floats: the 3x3 matrix ``R`` by rows, then the translation ``t``;
a point goes from the child's coordinates to the parent's as ``x' = R x + t`` (lengths in
millimetres wherever this module is used: the XCAF document unit).
"""

from __future__ import annotations

import math

__all__ = [
    "IDENTITY",
    "Box",
    "Point",
    "Transform",
    "apply",
    "axis_angle",
    "compose",
    "transform_box",
]

Transform = tuple[
    float, float, float, float, float, float, float, float, float, float, float, float
]
Point = tuple[float, float, float]
Box = tuple[Point, Point]

IDENTITY: Transform = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


def compose(outer: Transform, inner: Transform) -> Transform:
    """The transform that applies ``inner`` first, then ``outer`` (``outer ∘ inner``): a child
    placed by ``inner`` in an intermediate frame that ``outer`` places in the parent."""
    a, b = outer, inner
    r = [sum(a[3 * i + k] * b[3 * k + j] for k in range(3)) for i in range(3) for j in range(3)]
    t = [sum(a[3 * i + k] * b[9 + k] for k in range(3)) + a[9 + i] for i in range(3)]
    return (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], t[0], t[1], t[2])


def apply(transform: Transform, point: Point) -> Point:
    """``R point + t``."""
    m = transform
    x, y, z = point
    return (
        m[0] * x + m[1] * y + m[2] * z + m[9],
        m[3] * x + m[4] * y + m[5] * z + m[10],
        m[6] * x + m[7] * y + m[8] * z + m[11],
    )


def transform_box(transform: Transform, box: Box) -> Box:
    """The axis-aligned box around the 8 corners of ``box`` carried by ``transform`` (exact for
    rotations by multiples of 90 degrees, larger than the shape's own box otherwise)."""
    (x0, y0, z0), (x1, y1, z1) = box
    corners = [apply(transform, (x, y, z)) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    low = (
        min(c[0] for c in corners),
        min(c[1] for c in corners),
        min(c[2] for c in corners),
    )
    high = (
        max(c[0] for c in corners),
        max(c[1] for c in corners),
        max(c[2] for c in corners),
    )
    return low, high


def axis_angle(transform: Transform) -> tuple[Point | None, float]:
    """Rotation of ``transform`` as (unit axis, angle in degrees 0..180); ``(None, 0.0)`` for
    no rotation. Assumes ``R`` is a rotation (orthonormal, determinant +1)."""
    m = transform
    trace = m[0] + m[4] + m[8]
    cos_angle = max(-1.0, min(1.0, (trace - 1.0) / 2.0))
    angle = math.acos(cos_angle)
    if angle < 1e-9:
        return None, 0.0
    if math.pi - angle > 1e-6:
        x, y, z = m[7] - m[5], m[2] - m[6], m[3] - m[1]
    else:  # 180 degrees: the axis is the column of R + I with the largest norm
        columns = [
            (m[0] + 1.0, m[3], m[6]),
            (m[1], m[4] + 1.0, m[7]),
            (m[2], m[5], m[8] + 1.0),
        ]
        x, y, z = max(columns, key=lambda c: c[0] ** 2 + c[1] ** 2 + c[2] ** 2)
        # the sign of a half-turn axis is arbitrary: make its first non-zero component positive
        first = next((v for v in (x, y, z) if abs(v) > 1e-12), 1.0)
        if first < 0:
            x, y, z = -x, -y, -z
    norm = math.sqrt(x * x + y * y + z * z)
    if norm < 1e-12:
        return None, 0.0
    return (x / norm, y / norm, z / norm), math.degrees(angle)
