"""DXF DIMENSION, ARC_DIMENSION and LARGE_RADIAL_DIMENSION -> :class:`Dimension`.

Part of the DXF extractor (:mod:`pybase.extraction.dxf`).

Kind, from the DIMENSION group code 70 type (low 4 bits; DXF reference, "DIMENSION", common
group codes): 0 rotated/horizontal/vertical -> ``linear``, 1 ``aligned``, 2 ``angular``
(two lines), 3 ``diameter``, 4 ``radius``, 5 ``angular3p``, 6 ``ordinate`` (bit 64 set: X-type,
else Y-type). The entity types ARC_DIMENSION -> ``arc_length`` and LARGE_RADIAL_DIMENSION
(jogged radius) -> ``large_radial`` whatever their type code says.

Measured value (``Dimension.measured``), in drawing units for lengths, degrees for angles,
before DIMLFAC scaling:

* linear, aligned, radius, diameter: ezdxf ``Dimension.get_measurement()`` (from the
  definition points).
* ordinate: the X or Y component (by bit 64) of ``get_measurement()``, the vector from the
  origin (group 10) to the feature (group 13).
* angular (two lines): the angle between the two lines (groups 13-14 and 15-10) that opens
  towards the dimension arc location (group 16), always < 180°. ezdxf's ``get_measurement()``
  returns the counter-clockwise angle from the first to the second line's direction, which
  is one of the four angles the lines form but not necessarily the dimensioned one (AutoCAD's
  stored group 42 value agrees with the arc-location rule, e.g. 90° where ezdxf says 270°).
* angular3p: the angle at the vertex (group 15) between groups 13 and 14, on the side of the
  dimension arc location (group 10): θ or 360° - θ.
* arc_length: radius (group 15 centre -> group 13) x swept angle (same rule as angular3p).
* large_radial: the stored actual measurement (group 42); there is no geometry rule for it.

Displayed text (``Dimension.text``): None when the DIMENSION has no override text (group 1
empty or just ``<>``: the CAD application shows the measurement); otherwise the override as
plain text (MTEXT codes removed, ``%%c`` -> ``Ø``) with the first ``<>`` replaced by the
measurement formatted as the DIMSTYLE says (DIMLFAC, DIMLUNIT decimal/fractional/architectural/
engineering/scientific, DIMDEC/DIMADEC, DIMRND, DIMZIN, DIMDSEP, DIMPOST; decimal formatting by
ezdxf's dimension renderer). A single space override suppresses the text (``""``).

Deviations: when DIMTOL is on, ``upper_deviation`` = +DIMTP and ``lower_deviation`` = -DIMTM.
Every DIMSTYLE value is read from the entity's override (XDATA ACAD DSTYLE), then the DIMSTYLE
table entry, then the header variable ($DIMDEC ...) when the entity's DIMSTYLE is the current
one ($DIMSTYLE), then the default of AutoCAD's imperial or metric template ($MEASUREMENT).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ezdxf.math import Vec3, intersection_line_line_2d
from ezdxf.render.dim_base import format_text

from pybase.extraction.dxf_text import mtext_plain_text
from pybase.extraction.result import Dimension

if TYPE_CHECKING:
    from ezdxf.entities import Dimension as DxfDimension
    from ezdxf.sections.header import HeaderSection

__all__ = ["ANGULAR_KINDS", "DIMENSION_TYPES", "dimension_kind", "read_dimension"]

#: DXF entity types handled here.
DIMENSION_TYPES: frozenset[str] = frozenset(
    {"DIMENSION", "ARC_DIMENSION", "LARGE_RADIAL_DIMENSION"}
)
#: Kinds whose measurement is an angle in degrees.
ANGULAR_KINDS: frozenset[str] = frozenset({"angular", "angular3p"})

_KIND_BY_TYPE = {
    0: "linear",
    1: "aligned",
    2: "angular",
    3: "diameter",
    4: "radius",
    5: "angular3p",
    6: "ordinate",
}
_ORDINATE_X_TYPE = 64
# DIMSTYLE defaults of AutoCAD's metric (acadiso) and imperial (acad) templates.
_METRIC: dict[str, Any] = {"dimdec": 2, "dimzin": 8}
_IMPERIAL: dict[str, Any] = {"dimdec": 4, "dimzin": 0}
_ABS_TOL = 1e-9


def dimension_kind(entity: DxfDimension) -> str:
    """The kind name of a dimension entity (see the module docstring); ``unknown`` for a type
    code outside 0..6."""
    dxftype = entity.dxftype()
    if dxftype == "ARC_DIMENSION":
        return "arc_length"
    if dxftype == "LARGE_RADIAL_DIMENSION":
        return "large_radial"
    return _KIND_BY_TYPE.get(entity.dimtype, "unknown")


def _sector_angle(center: Vec3, start: Vec3, end: Vec3, location: Vec3) -> float:
    """Angle in degrees swept counter-clockwise from ``start`` to ``end`` around ``center``,
    or its complement to 360° when ``location`` lies outside that sweep (xy-plane)."""
    a_start = (start - center).angle_deg
    sweep = ((end - center).angle_deg - a_start) % 360.0
    to_location = ((location - center).angle_deg - a_start) % 360.0
    return sweep if to_location <= sweep else 360.0 - sweep


def _two_line_angle(entity: DxfDimension) -> float:
    dxf = entity.dxf
    line1 = (Vec3(dxf.defpoint2), Vec3(dxf.defpoint3))
    line2 = (Vec3(dxf.defpoint4), Vec3(dxf.defpoint))
    location = Vec3(dxf.defpoint5)
    center = intersection_line_line_2d(
        (line1[0].vec2, line1[1].vec2), (line2[0].vec2, line2[1].vec2)
    )
    if center is None:  # parallel lines: nothing better than ezdxf's value
        return float(entity.get_measurement())
    c = Vec3(center)
    towards = location - c
    dir1 = (line1[1] - line1[0]).normalize()
    dir2 = (line2[1] - line2[0]).normalize()
    if towards.magnitude < _ABS_TOL:
        return float(entity.get_measurement()) % 180.0
    for ray1 in (dir1, -dir1):
        for ray2 in (dir2, -dir2):
            span = ray1.angle_between(ray2)
            parts = ray1.angle_between(towards) + towards.angle_between(ray2)
            if math.isclose(parts, span, abs_tol=1e-9):
                return math.degrees(span)
    return float(entity.get_measurement())


def _measure(entity: DxfDimension, kind: str) -> float | None:
    dxf = entity.dxf
    if kind in ("linear", "aligned", "radius", "diameter"):
        return float(entity.get_measurement())
    if kind == "ordinate":
        vector = Vec3(entity.get_measurement())
        return vector.x if dxf.dimtype & _ORDINATE_X_TYPE else vector.y
    if kind == "angular":
        return _two_line_angle(entity)
    if kind == "angular3p":
        return _sector_angle(
            Vec3(dxf.defpoint4), Vec3(dxf.defpoint2), Vec3(dxf.defpoint3), Vec3(dxf.defpoint)
        )
    if kind == "arc_length":
        center, start = Vec3(dxf.defpoint4), Vec3(dxf.defpoint2)
        angle = _sector_angle(center, start, Vec3(dxf.defpoint3), Vec3(dxf.defpoint))
        return (start - center).magnitude * math.radians(angle)
    if kind == "large_radial":
        stored = dxf.get("actual_measurement")
        return float(stored) if stored is not None and stored >= 0 else None
    return None


class _Style:
    """DIMSTYLE variable lookup for one dimension: the entity's override (XDATA ACAD DSTYLE),
    then its DIMSTYLE table entry, then the header variable when that DIMSTYLE is the current
    one ($DIMSTYLE), then the AutoCAD default (imperial or metric template by $MEASUREMENT)."""

    def __init__(self, entity: DxfDimension, header: HeaderSection) -> None:
        self._override = entity.override()
        self._header = header
        current = str(header.get("$DIMSTYLE", "")).casefold()
        self._use_header = str(entity.dxf.get("dimstyle", "Standard")).casefold() == current
        self._defaults = _METRIC if header.get("$MEASUREMENT", 0) == 1 else _IMPERIAL

    def get(self, name: str, default: Any) -> Any:
        value = self._override.get(name, None)
        if value is None and self._use_header:
            value = self._header.get("$" + name.upper(), None)
        if value is None:
            value = self._defaults.get(name, default)
        return value


def _fraction(value: float, places: int) -> tuple[int, str]:
    """``value`` >= 0 rounded to 1/2**places -> (whole part, ``"n/d"`` or "")."""
    denominator = 2 ** max(0, min(int(places), 8))
    whole, numerator = divmod(round(value * denominator), denominator)
    if numerator == 0:
        return whole, ""
    divisor = math.gcd(numerator, denominator)
    return whole, f"{numerator // divisor}/{denominator // divisor}"


def _format_length(value: float, style: _Style, separator: str) -> str:
    """Format a (DIMLFAC-scaled) length as DIMLUNIT says: 1 scientific, 3 engineering,
    4 architectural (inches -> feet-inches with fractions), 5 fractional, else decimal."""
    unit_format = style.get("dimlunit", 2)
    places = style.get("dimdec", 4)
    sign = "-" if value < 0 else ""
    if unit_format == 1:
        return f"{value:.{places}E}"
    if unit_format == 5:
        whole, frac = _fraction(abs(value), places)
        return sign + (f"{whole} {frac}" if whole and frac else frac or str(whole))
    if unit_format in (3, 4):
        inches_total = abs(value)
        feet = int(inches_total // 12)
        inches = inches_total - 12 * feet
        if unit_format == 4:
            whole, frac = _fraction(inches, places)
            if whole == 12:
                feet, whole = feet + 1, 0
            inch_text = f"{whole} {frac}" if whole and frac else frac or str(whole)
        else:
            inch_text = f"{inches:.{places}f}"
        zeros = style.get("dimzin", 0) & 3
        if feet == 0 and zeros in (0, 3):
            return f'{sign}{inch_text}"'
        return f"{sign}{feet}'-{inch_text}\""
    return format_text(
        value, style.get("dimrnd", None) or None, places, style.get("dimzin", 0), separator
    )


def _format(value: float, kind: str, style: _Style) -> str:
    """The measurement as the CAD application would display it (see module docstring)."""
    separator = style.get("dimdsep", ".")
    if isinstance(separator, int):
        separator = chr(separator) if separator else "."
    if kind in ANGULAR_KINDS:
        return format_text(value, None, style.get("dimadec", 0), 0, separator) + "°"
    text = _format_length(value * style.get("dimlfac", 1.0), style, separator)
    post = style.get("dimpost", "")
    if isinstance(post, str) and "<>" in post:
        text = post.replace("<>", text, 1)
    return text


def read_dimension(
    entity: DxfDimension, *, layout: str, length_unit: str | None, header: HeaderSection
) -> tuple[Dimension, str | None]:
    """Read one dimension entity.

    Args:
        entity: a DIMENSION, ARC_DIMENSION or LARGE_RADIAL_DIMENSION (ezdxf entity).
        layout: name of the layout it is in.
        length_unit: the drawing's length unit name (``"mm"``...), or None when undeclared.
        header: the document's HEADER section (for $DIM... defaults).

    Returns:
        ``(dimension, problem)``: ``problem`` is a message when the measurement could not be
        computed (``dimension.measured`` is then None), else None.
    """
    kind = dimension_kind(entity)
    problem: str | None = None
    measured: float | None = None
    try:
        measured = _measure(entity, kind)
    except Exception as exc:  # any malformed definition point set
        problem = f"{type(exc).__name__}: {exc}"
    if measured is not None and not math.isfinite(measured):
        measured = None
    if measured is None and problem is None:
        if kind == "unknown":
            problem = f"DIMENSION type {entity.dimtype} is not defined by the DXF reference"
        else:
            problem = f"{entity.dxftype()} ({kind}) has no stored measurement (group 42)"
    style = _Style(entity, header)
    text: str | None = None
    raw = entity.dxf.get("text", "")
    if raw == " ":
        text = ""
    elif raw and raw != "<>":
        text = mtext_plain_text(raw)
        if "<>" in text and measured is not None:
            text = text.replace("<>", _format(measured, kind, style), 1)
    upper = lower = None
    if style.get("dimtol", 0):
        upper = float(style.get("dimtp", 0.0))
        lower = -float(style.get("dimtm", 0.0))
    return (
        Dimension(
            kind=kind,
            measured=measured,
            text=text,
            unit="deg" if kind in ANGULAR_KINDS else length_unit,
            upper_deviation=upper,
            lower_deviation=lower,
            layer=entity.dxf.get("layer", "0"),
            layout=layout,
        ),
        problem,
    )
