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
engineering/scientific, DIMDEC/DIMADEC, DIMRND, DIMZIN, DIMDSEP, DIMPOST (prefix/suffix around
``<>``, a suffix without it); decimal formatting by
ezdxf's dimension renderer; Ø / R prefixed for diameter / radius dimensions as AutoCAD does).
A single space override suppresses the text (``""``).

Parsed (``Dimension.parsed``): what the drawing displays, parsed with
:func:`pybase.extraction.notation.parse_dimension` in the drawing's length unit: the override
(``<>`` replaced as above), or without one the formatted measurement (so ``parsed.nominal`` is
measured x DIMLFAC rounded per DIMDEC/DIMRND). A text that is no dimension (``FRAME SIZE``)
gives None. Tolerance, in order: the text's own (``±0.1``, ``+0.1/-0.05``, stacked
``\\S+0.1^-0.05;``, ISO 286 ``H7``/``f9`` resolved from the tables; a hole/shaft fit ``H7/f9``
keeps both classes in ``parsed.fit`` and sets no single deviation), else the DIMSTYLE's:
DIMTOL on -> deviations +DIMTP / -DIMTM (``symmetric`` when equal), DIMLIM on -> limits
nominal+DIMTP / nominal-DIMTM (``parsed.nominal`` is then their mean, as for written
limits), rounded to DIMTDEC places. ``upper_deviation``/``lower_deviation`` are the text's
deviations, or +DIMTP/-DIMTM relative to the displayed size. Reference ``(25)`` and basic
``[25]`` dimensions get no DIMSTYLE tolerance.

Alternate units (``Dimension.alternate``): with DIMALT on, measured x DIMLFAC x DIMALTF,
rounded per DIMALTRND/DIMALTD, its unit the one DIMALTF converts the drawing unit to (25.4:
inch -> mm) or ``unitless``.

DIMLFAC scales lengths (not angles); a negative DIMLFAC applies only in paper space.
``measured`` stays the geometric value before DIMLFAC.

Every DIMSTYLE value is read from the entity's override (XDATA ACAD DSTYLE), then the DIMSTYLE
table entry, then the header variable ($DIMDEC ...) when the entity's DIMSTYLE is the current
one ($DIMSTYLE), then the default of AutoCAD's imperial or metric template ($MEASUREMENT). A
DIMSTYLE missing from the table is read as ``Standard`` (issue ``dxf_dimstyle_missing``).

An override whose number differs from the displayed measurement by more than the rounding of
the written number (and DIMRND) gives the info issue ``dimension_text_differs`` (a drawing
dimensioned "not to scale", or an edited value).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from ezdxf.math import Vec3, intersection_line_line_2d
from ezdxf.render.dim_base import format_text

from pybase.extraction.dxf_document import Severity
from pybase.extraction.dxf_text import mtext_plain_text
from pybase.extraction.notation import ParsedDimension, Tolerance, parse_dimension
from pybase.extraction.notation.numeric import format_number
from pybase.extraction.notation.tolerances import limits_tolerance
from pybase.extraction.result import Dimension, Quantity

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.entities import Dimension as DxfDimension
    from ezdxf.sections.header import HeaderSection

__all__ = ["ANGULAR_KINDS", "DIMENSION_TYPES", "Problem", "dimension_kind", "read_dimension"]

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
    one ($DIMSTYLE), then the AutoCAD default (imperial or metric template by $MEASUREMENT).

    A DIMSTYLE name missing from the table (``missing`` holds it) falls back to the
    ``Standard`` entry (when there is one) with the entity's own overrides still applied."""

    def __init__(
        self, entity: DxfDimension, header: HeaderSection, doc: Drawing | None = None
    ) -> None:
        self.missing: str | None = None
        self._header = header
        name = str(entity.dxf.get("dimstyle", "Standard"))
        self._lookup: Any
        try:
            override = entity.override()
            self._lookup = override.get
        except Exception:  # DXFTableEntryError: the DIMSTYLE is not in the table
            self.missing = name
            self._lookup = self._fallback_lookup(entity, doc)
        current = str(header.get("$DIMSTYLE", "")).casefold()
        self._use_header = name.casefold() == current or self.missing is not None
        self._defaults = _METRIC if header.get("$MEASUREMENT", 0) == 1 else _IMPERIAL

    @staticmethod
    def _fallback_lookup(entity: DxfDimension, doc: Drawing | None) -> Any:
        fallback = None
        if doc is not None:
            for entry in doc.dimstyles:
                if entry.dxf.name.casefold() == "standard":
                    fallback = entry
                    break
        overrides: dict[str, Any] = {}
        if fallback is not None:
            try:
                overrides = entity.get_acad_dstyle(fallback)
            except Exception:  # malformed XDATA: no overrides
                overrides = {}

        def lookup(attribute: str, default: Any = None) -> Any:
            if attribute in overrides:
                return overrides[attribute]
            if fallback is not None:
                try:
                    return fallback.dxf.get(attribute, default)
                except Exception:  # attribute unknown to this DXF version
                    return default
            return default

        return lookup

    def get(self, name: str, default: Any) -> Any:
        value = self._lookup(name, None)
        if value is None and self._use_header:
            value = self._header.get("$" + name.upper(), None)
        if value is None:
            value = self._defaults.get(name, default)
        return value

    def number(self, name: str, default: float) -> float:
        """A numeric variable; ``default`` for a missing or non-numeric value."""
        value = self.get(name, default)
        try:
            result = float(value)
        except (TypeError, ValueError):
            return default
        return result if math.isfinite(result) else default


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


def _lfac(style: _Style, layout_is_paper: bool) -> float:
    """DIMLFAC for this dimension: a negative value applies (as its magnitude) only to
    dimensions in paper space, 1 in model space (AutoCAD DIMLFAC reference)."""
    factor = style.number("dimlfac", 1.0)
    if factor < 0:
        return -factor if layout_is_paper else 1.0
    return factor or 1.0


def _separator(style: _Style) -> str:
    separator = style.get("dimdsep", ".")
    if isinstance(separator, int):
        separator = chr(separator) if separator else "."
    return str(separator)


def _format(value: float, kind: str, style: _Style, lfac: float = 1.0) -> str:
    """The measurement as the CAD application would display it (see module docstring)."""
    separator = _separator(style)
    if kind in ANGULAR_KINDS:
        return format_text(value, None, style.get("dimadec", 0), 0, separator) + "°"
    text = _format_length(value * lfac, style, separator)
    post = style.get("dimpost", "")
    if isinstance(post, str) and post:
        # DIMPOST: "<>" marks where the measurement goes; without it the text is a suffix
        text = post.replace("<>", text, 1) if "<>" in post else text + post
    return text


_PREFIX = {"diameter": "Ø", "radius": "R", "large_radial": "R"}


def _measurement_text(value: float, kind: str, style: _Style, lfac: float, before: str) -> str:
    """What ``<>`` stands for: the formatted measurement, with the Ø / R prefix AutoCAD adds
    to diameter and radius dimensions unless the text right before ``<>`` already has it."""
    if kind == "ordinate":
        value = abs(value)
    text = _format(value, kind, style, lfac)
    prefix = _PREFIX.get(kind)
    if prefix and not before.rstrip().endswith((prefix, "%%c", "%%C", "⌀", "∅")):
        text = prefix + text
    return text


#: Length-unit factors to millimetres for naming the DIMALT alternate unit.
_ALT_UNITS_MM: dict[str, float] = {
    "mm": 1.0,
    "cm": 10.0,
    "m": 1000.0,
    "inch": 25.4,
    "foot": 304.8,
}


def _alternate_unit(primary: str | None, factor: float) -> str:
    """The unit of DIMALT values: the unit whose ratio to ``primary`` is DIMALTF (an inch
    drawing with DIMALTF 25.4 shows millimetres); ``unitless`` when none matches."""
    candidates = [primary] if primary in _ALT_UNITS_MM else ["inch", "mm"]
    for base in candidates:
        base_mm = _ALT_UNITS_MM[str(base)]
        for unit, unit_mm in _ALT_UNITS_MM.items():
            if unit != base and math.isclose(base_mm / unit_mm, factor, rel_tol=1e-4):
                return unit
    return "unitless"


def _alternate(
    measured: float, kind: str, style: _Style, lfac: float, unit: str | None
) -> Quantity | None:
    """DIMALT alternate-units value (lengths only): measured x DIMLFAC x DIMALTF, rounded to
    DIMALTRND and DIMALTD decimal places."""
    if kind in ANGULAR_KINDS or not style.get("dimalt", 0):
        return None
    factor = style.number("dimaltf", 25.4)
    value = abs(measured) * lfac * factor
    step = style.number("dimaltrnd", 0.0)
    if step > 0:
        value = round(value / step) * step
    places = int(style.number("dimaltd", 2))
    return Quantity(value=round(value, max(0, places)), unit=_alternate_unit(unit, factor))


def _style_tolerance(
    parsed: ParsedDimension, style: _Style, unit: str
) -> tuple[ParsedDimension, tuple[float, float] | None]:
    """Apply DIMTOL (deviations +DIMTP/-DIMTM, symmetric when equal) or DIMLIM (limits
    nominal+DIMTP / nominal-DIMTM) to a parsed dimension without a tolerance of its own.
    Values are rounded to DIMTDEC places. Returns the dimension and (upper, lower)
    deviations relative to the displayed size, or None when neither variable is on."""
    tolerance_on, limits_on = style.get("dimtol", 0), style.get("dimlim", 0)
    if not (tolerance_on or limits_on) or parsed.reference or parsed.basic:
        return parsed, None
    places = int(style.number("dimtdec", 6))
    upper = round(style.number("dimtp", 0.0), max(0, places)) + 0.0
    lower = round(-style.number("dimtm", 0.0), max(0, places)) + 0.0
    nominal = parsed.nominal
    if limits_on:
        high, low = nominal + upper, nominal + lower
        mean, tolerance = limits_tolerance(high, low, unit)
        update: dict[str, Any] = {
            "nominal": mean,
            "tolerance": tolerance,
            "upper_limit": tolerance.upper_limit,
            "lower_limit": tolerance.lower_limit,
        }
    else:
        kind = "symmetric" if math.isclose(upper, -lower) else "deviations"
        tolerance = Tolerance(kind=kind, upper=upper, lower=lower, unit=unit, source="DIMTOL")
        update = {
            "tolerance": tolerance,
            "upper_limit": round(nominal + upper, 7),
            "lower_limit": round(nominal + lower, 7),
        }
    return parsed.model_copy(update=update), (upper, lower)


_NUMBER_RE = re.compile(r"\d+(?:[.,](\d+))?")


def _written_step(text: str) -> float:
    """Half a unit of the last decimal place of the first number in ``text``."""
    match = _NUMBER_RE.search(text)
    decimals = len(match.group(1)) if match and match.group(1) else 0
    return 0.5 * 10.0**-decimals


def _text_differs(
    parsed: ParsedDimension, measured: float, kind: str, style: _Style, lfac: float
) -> float | None:
    """The displayed measurement when an override text's number differs from it by more than
    the rounding of the written number (and DIMRND); else None."""
    if parsed.kind == "chamfer":
        return None
    shown = parsed.nominal
    if parsed.tolerance is not None and parsed.tolerance.kind == "limits":
        return None  # written limits: the nominal is their mean
    expected = measured if kind in ANGULAR_KINDS else abs(measured) * lfac
    if kind == "ordinate":
        shown = abs(shown)
    slack = _written_step(parsed.text) + style.number("dimrnd", 0.0) / 2
    slack += 1e-9 * max(1.0, abs(expected))
    return expected if abs(shown - expected) > slack else None


Problem = tuple[str, str, Severity]
"""(issue code, message, severity)."""


def read_dimension(
    entity: DxfDimension,
    *,
    layout: str,
    length_unit: str | None,
    header: HeaderSection,
    doc: Drawing | None = None,
    paper_space: bool = False,
) -> tuple[Dimension, list[Problem]]:
    """Read one dimension entity.

    Args:
        entity: a DIMENSION, ARC_DIMENSION or LARGE_RADIAL_DIMENSION (ezdxf entity).
        layout: name of the layout it is in.
        length_unit: the drawing's length unit name (``"mm"``...), or None when undeclared.
        header: the document's HEADER section (for $DIM... defaults).
        doc: the document (for the ``Standard`` DIMSTYLE when the entity's is missing).
        paper_space: the layout is a paper-space layout (negative DIMLFAC applies there).

    Returns:
        ``(dimension, problems)``; problems (issue code, message, severity):
        ``dxf_dimension_unmeasured`` (measurement not computable, ``measured`` None),
        ``dxf_dimstyle_missing`` (DIMSTYLE not in the table; ``Standard``/defaults used),
        ``dimension_text_differs`` (info: an override's number is not the measurement).
    """
    kind = dimension_kind(entity)
    problems: list[Problem] = []
    measured: float | None = None
    try:
        measured = _measure(entity, kind)
    except Exception as exc:  # any malformed definition point set
        problems.append(("dxf_dimension_unmeasured", f"{type(exc).__name__}: {exc}", "warning"))
    if measured is not None and not math.isfinite(measured):
        measured = None
    if measured is None and not problems:
        if kind == "unknown":
            message = f"DIMENSION type {entity.dimtype} is not defined by the DXF reference"
        else:
            message = f"{entity.dxftype()} ({kind}) has no stored measurement (group 42)"
        problems.append(("dxf_dimension_unmeasured", message, "warning"))
    style = _Style(entity, header, doc)
    if style.missing is not None:
        problems.append(
            (
                "dxf_dimstyle_missing",
                f"DIMSTYLE {style.missing!r} is not in the DIMSTYLE table; read with "
                "'Standard' and AutoCAD's defaults",
                "warning",
            )
        )
    lfac = _lfac(style, paper_space)
    unit = "deg" if kind in ANGULAR_KINDS else length_unit
    text: str | None = None
    raw = str(entity.dxf.get("text", "") or "")
    source: str | None = None  # the displayed text with codes, for the notation parser
    overridden = bool(raw) and raw not in ("<>", " ")
    if raw == " ":
        text = ""
    elif overridden:
        text = mtext_plain_text(raw)
        source = raw
        if "<>" in raw and measured is not None:
            before = raw[: raw.index("<>")]
            shown = _measurement_text(measured, kind, style, lfac, before)
            text = text.replace("<>", shown, 1)
            source = raw.replace("<>", shown, 1)
    elif measured is not None:
        source = _measurement_text(measured, kind, style, lfac, "")
    parsed = None
    if source:
        parse_unit = unit
        if parse_unit is None and style.get("dimlunit", 2) in (3, 4):
            parse_unit = "inch"  # engineering / architectural units are inches by definition
        parsed = parse_dimension(source, parse_unit or "unitless")
    deviations: tuple[float, float] | None = None
    if parsed is not None:
        own = parsed.tolerance
        if own is not None and own.kind != "general":
            deviations = (own.upper, own.lower)
        elif parsed.fit is None:
            parsed, deviations = _style_tolerance(parsed, style, parsed.unit)
        if overridden and "<>" not in raw and measured is not None:
            expected = _text_differs(parsed, measured, kind, style, lfac)
            if expected is not None:
                problems.append(
                    (
                        "dimension_text_differs",
                        f"{entity.dxftype()} text {text!r} differs from the measured "
                        f"{format_number(expected)}"
                        + (f" {unit}" if unit else "")
                        + (f" (DIMLFAC {format_number(lfac)})" if lfac != 1 else ""),
                        "info",
                    )
                )
    elif style.get("dimtol", 0) or style.get("dimlim", 0):
        deviations = (style.number("dimtp", 0.0), -style.number("dimtm", 0.0))
    text_point = entity.dxf.get("text_midpoint")
    return (
        Dimension(
            kind=kind,
            measured=measured,
            text=text,
            unit=unit,
            upper_deviation=deviations[0] if deviations else None,
            lower_deviation=deviations[1] if deviations else None,
            layer=entity.dxf.get("layer", "0"),
            layout=layout,
            handle=entity.dxf.get("handle"),
            position=None if text_point is None else tuple(float(v) + 0.0 for v in text_point),
            parsed=parsed,
            alternate=None
            if measured is None
            else _alternate(measured, kind, style, lfac, length_unit),
        ),
        problems,
    )
