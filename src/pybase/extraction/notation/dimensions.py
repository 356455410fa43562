"""Dimension strings -> :class:`ParsedDimension`; sheet-metal bend notes -> :class:`SheetMetalBend`.

Grammar (after :func:`~pybase.extraction.notation.encodings.decode_mtext` and
:func:`~pybase.extraction.notation.encodings.normalize`), in order:

1. ``(25)`` reference / auxiliary dimension (ASME Y14.5, ISO 129-1) or ``[25]`` basic /
   theoretically exact (ASME basic dimension, ISO 1101 TED; a boxed DXF dimension is the
   caller's to flag);
2. count ``4X``/``4x``/``4 x``/``4-Ø`` (ASME Y14.5 "places" notation);
3. chamfer ``1x45°``, ``1 X 45°``, ``0,3x45``, ``45° x 1``, ``C1`` (= 1 x 45°); the x is
   either glued on both sides or spaced on both sides, since ``4X 45°`` (glued count, ASME
   Y14.5) is four 45° angles; a chamfer without ° needs 45;
4. hole symbols ⌴ counterbore, ⌵ countersink, ``SF`` spotface, ↧ depth (ASME Y14.5
   dimensioning symbols);
5. kind prefix ``Ø`` diameter, ``R`` radius, ``CR`` controlled radius, ``SR`` spherical
   radius, ``SØ`` spherical diameter, ``□`` square; or a ``DIA`` suffix;
6. nominal: decimal (point or comma), proper fraction ``1/2``, mixed ``1 1/2``/``2-1/2``,
   feet-inches ``4'-0 1/4"``, angle ``30°``, ``30°15'20"``, ``45 deg``; optional unit
   (``mm``, ``in``, ``"``) converted to the caller's unit;
7. limits ``12.00/11.95`` / ``12.00-11.95`` (two sizes within 20 % of each other);
8. ISO 286 class or fit ``H7``, ``g6``, ``H7/g6``; tolerance ``±0.1``, ``+0.1/-0.05``,
   ``+0.1 -0.05``, ``+0.1/0``, a single ``+0.018`` (other side 0), optionally in brackets;
9. ``MAX``/``MIN``, ``REF``, ``BSC``, ``THRU``, depth ``↧5``/``5 DEEP``, ``*`` marks and
   other words (kept in ``note``).

Anything else (stray digits, non-Latin text) makes the string "not a dimension": None.
"""

from __future__ import annotations

import re
from typing import Literal, cast

from pybase.extraction.notation.encodings import decode_mtext, normalize
from pybase.extraction.notation.iso2768 import iso2768_deviation
from pybase.extraction.notation.models import (
    DimensionKind,
    GeneralTolerance,
    ParsedDimension,
    SheetMetalBend,
    Tolerance,
)
from pybase.extraction.notation.numeric import NUMBER, convert_length, format_number, parse_number
from pybase.extraction.notation.tolerances import (
    FIT_PATTERN,
    deviations_tolerance,
    limits_tolerance,
    parse_fit,
)

__all__ = ["format_dimension", "parse_bend_note", "parse_dimension"]

_FRACTION = r"(?:\d+(?:\s+|-))?\d+/\d+"
_VALUE = rf"(?:{_FRACTION}|{NUMBER})"
_ANGLE_VALUE = (
    rf"(?:{NUMBER}\s*°(?:\s*{NUMBER}\s*')?(?:\s*{NUMBER}\s*\")?"
    rf"|{NUMBER}\s*'(?:\s*{NUMBER}\s*\")?|{NUMBER}\s*\"|{NUMBER})"
)

_CHAMFER_RE = re.compile(
    rf"^(?:(?P<count>\d+)\s*[xX]\s+)?"
    rf"(?:(?P<leg>{_VALUE})(?:[xX]|\s+[xX]\s+)(?P<angle>{NUMBER})\s*(?P<deg>°)?"
    rf"|(?P<angle2>{NUMBER})\s*°\s*[xX]\s*(?P<leg2>{_VALUE})"
    rf"|C(?P<c>{NUMBER}))"
    rf"(?![\d.,/])"
)
_COUNT_RE = re.compile(r"^(?P<count>\d+)\s*(?:[xX]\s*(?=[^\s\d.,])|[xX]\s+|-(?=[Ø⌴⌵□RS]))")
_FEATURE_RE = re.compile(r"^(?:(?P<sym>[⌴⌵↧])|(?P<sf>SF)(?=\s*Ø)|(?P<gdt>[vw](?=Ø)|x(?=\d)))\s*")
_KIND_RE = re.compile(r"^(?P<kind>SØ|SR|CR|Ø|R|□)\s*(?:=\s*)?(?=[\d.,(])")
_FEET_INCH_RE = re.compile(rf"^(?P<ft>\d+)'\s*-?\s*(?:(?P<inch>{_VALUE})\s*\")?")
_ANGLE_RE = re.compile(
    rf"^(?P<deg>{NUMBER})\s*(?:°(?:\s*(?P<min>{NUMBER})\s*')?(?:\s*(?P<sec>{NUMBER})\s*\")?"
    rf"|\s*(?:deg|DEG|Deg)\b)"
)
_VALUE_RE = re.compile(
    rf"^(?P<val>{_VALUE})(?:\s*(?P<unit>mm|cm|µm|um|inches|inch|in\b\.?|m(?![\w]))|(?P<mark>\"))?"
)
_LIMITS_RE = re.compile(rf"^(?:\s*/\s*|-|\s+-\s+)(?P<low>{NUMBER})(?![\d.,/])")

_UNIT_NAMES: dict[str, str] = {
    "mm": "mm",
    "cm": "cm",
    "m": "m",
    "µm": "um",
    "um": "um",
    "in": "inch",
    "in.": "inch",
    "inch": "inch",
    "inches": "inch",
    '"': "inch",
}

_KIND_BY_PREFIX: dict[str, DimensionKind] = {
    "Ø": "diameter",
    "R": "radius",
    "CR": "controlled_radius",
    "SR": "spherical_radius",
    "SØ": "spherical_diameter",
    "□": "square",
}
_PREFIX_BY_KIND: dict[str, str] = {kind: prefix for prefix, kind in _KIND_BY_PREFIX.items()}


#: Words that often follow a dimension; kept in ``note`` without a warning.
_KNOWN_WORDS = (
    r"(?:TYP(?:ICAL)?|EQS|EQ\.?\s?SP(?:ACED)?\.?|NOM|ALL\s+AROUND|ALL\s+OVER|PLACES|PLCS"
    r"|SPACES|OD|ID|CBORE|CSK|CSINK|SFACE|HOLES?|SLOTS?)(?:\.|(?![A-Za-z]))"
)


def _tail_patterns(value: str) -> list[tuple[str, re.Pattern[str]]]:
    signed = rf"[+-]\s?{value}"
    zero = r"0(?:[.,]0+)?(?![\d.,])"
    return [
        ("fit", re.compile(rf"\(?(?P<fit>{FIT_PATTERN})\)?(?![A-Za-z0-9])")),
        ("sym", re.compile(rf"\(?±\s?(?P<sym>{value})\)?")),
        (
            "dev",
            re.compile(rf"\(?(?P<up>{signed}|{zero})\s*(?:/|\s)\s*(?P<lo>{signed}|{zero})\)?"),
        ),
        ("single", re.compile(rf"\(?(?P<single>{signed})\)?")),
        (
            "depth",
            re.compile(rf"(?:↧|DEEP|DP\.?)\s*(?P<depth>{_VALUE})|(?P<depth2>{_VALUE})\s*DEEP\b"),
        ),
        ("places", re.compile(r"\(?(?P<places>\d+)\s*(?:PLACES|PLCS|PL)\.?\)?(?![A-Za-z])", re.I)),
        ("limit", re.compile(r"(?P<limit>max|min)(?:\.|\b)", re.I)),
        ("thru", re.compile(r"(?:THRU|THROUGH|DURCH)\b", re.I)),
        ("ref", re.compile(r"REF(?:\.|\b)", re.I)),
        ("basic", re.compile(r"(?:BSC|BASIC)\b", re.I)),
        ("dia", re.compile(r"(?:DIA|DIAM)(?:\.|\b)", re.I)),
        ("marks", re.compile(r"\*+")),
        ("paren", re.compile(r"\((?P<paren>[A-Za-z .]{1,30})\)")),
        ("known", re.compile(_KNOWN_WORDS, re.I)),
        ("word", re.compile(r"(?P<word>[A-Za-z][A-Za-z.]{0,15})(?![A-Za-z0-9])")),
    ]


_LINEAR_TAIL = _tail_patterns(NUMBER)
_ANGULAR_TAIL = _tail_patterns(_ANGLE_VALUE)


_DMS_RE = re.compile(
    rf"(?:(?P<d>{NUMBER})°)?(?:(?P<m>{NUMBER})')?(?:(?P<s>{NUMBER})\")?|(?P<plain>{NUMBER})"
)
_DECIMALS_RE = re.compile(r"[.,](\d+)")


def _angle_degrees(text: str) -> float | None:
    """``30°15'20"`` / ``30'`` / ``0.5°`` / ``0.5`` -> decimal degrees."""
    text = text.replace(" ", "")
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    match = _DMS_RE.fullmatch(text)
    if match is None or not any(match.groups()):
        return None
    if match.group("plain"):
        plain = parse_number(match.group("plain"))
        return None if plain is None else sign * plain
    total = 0.0
    for key, factor in (("d", 1.0), ("m", 1 / 60), ("s", 1 / 3600)):
        if match.group(key):
            part = parse_number(match.group(key))
            if part is None:
                return None
            total += part * factor
    return sign * total


def _decimals(text: str) -> int:
    match = _DECIMALS_RE.search(text)
    return len(match.group(1)) if match else 0


class _State:
    """Mutable parse state for one dimension string."""

    def __init__(self, text: str, unit: str) -> None:
        self.text = text
        self.unit = unit
        self.kind: DimensionKind = "linear"
        self.nominal: float | None = None
        self.count: int | None = None
        self.chamfer_angle: float | None = None
        self.tolerance: Tolerance | None = None
        self.tolerance_decimals = 0
        self.fit_text: str | None = None
        self.reference = False
        self.basic = False
        self.limit: Literal["max", "min"] | None = None
        self.feature: Literal["counterbore", "countersink", "spotface"] | None = None
        self.depth: float | None = None
        self.through = False
        self.depth_callout = False  # text starts with the depth symbol: nominal is a depth
        self.text_unit: str | None = None
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def value(self, text: str, angular: bool = False) -> float | None:
        """A written length/angle value in the result unit (text unit converted)."""
        if angular:
            return _angle_degrees(text)
        value = parse_number(text.replace(" ", "") if "/" not in text else text)
        if value is None:
            return None
        if self.text_unit is not None and self.text_unit != self.unit:
            return convert_length(value, self.text_unit, self.unit)
        return value


def _parse_nominal(state: _State, s: str) -> str | None:
    """Consume the nominal value (and its unit) from ``s``; returns the rest or None."""
    match = _FEET_INCH_RE.match(s)
    if match and ("'" in match.group(0)):
        feet = int(match.group("ft"))
        inches = parse_number(match.group("inch")) if match.group("inch") else 0.0
        if inches is None:
            return None
        total = convert_length(feet * 12 + inches, "inch", state.unit)
        if total is None:
            return None
        state.nominal, state.text_unit = total, "inch"
        return s[match.end() :]
    match = _ANGLE_RE.match(s)
    if match and state.kind == "linear":
        degrees = 0.0
        for key, factor in (("deg", 1.0), ("min", 1 / 60), ("sec", 1 / 3600)):
            if match.group(key):
                part = parse_number(match.group(key))
                if part is None:
                    return None
                degrees += part * factor
        state.kind, state.nominal = "angle", degrees
        return s[match.end() :]
    match = _VALUE_RE.match(s)
    if match is None:
        return None
    raw = match.group("val")
    if "/" in raw:
        num, den = raw.replace("-", " ").split()[-1].split("/")
        if int(num) >= int(den):
            # not a proper fraction: "12/11" are limits, read the first number only
            match = _VALUE_RE.match(s[: s.index("/")])
            if match is None:
                return None
            raw = match.group("val")
    unit_word = match.group("unit") or match.group("mark")
    if unit_word:
        state.text_unit = _UNIT_NAMES.get(unit_word)
    state.nominal = state.value(raw)
    if state.nominal is None:
        return None
    rest = s[match.end() :]
    limits = _LIMITS_RE.match(rest)
    if limits:
        low = state.value(limits.group("low"))
        high = state.nominal
        if low is not None and abs(high - low) <= 0.2 * max(abs(high), abs(low)) and high != low:
            state.nominal, state.tolerance = limits_tolerance(high, low, state.unit)
            state.tolerance_decimals = max(_decimals(raw), _decimals(limits.group("low")))
            rest = rest[limits.end() :]
    return rest


def _parse_tail(state: _State, rest: str) -> bool:
    """Consume fits, tolerances and suffix words; False when unparseable text remains."""
    angular = state.kind == "angle"
    patterns = _ANGULAR_TAIL if angular else _LINEAR_TAIL
    pos = 0
    n = len(rest)
    while pos < n:
        if rest[pos] in " ,;":
            pos += 1
            continue
        for name, pattern in patterns:
            match = pattern.match(rest, pos)
            if match is None or match.end() == pos:
                continue
            if not _apply(state, name, match, angular):
                continue
            pos = match.end()
            break
        else:
            return False
    return True


def _apply(state: _State, name: str, match: re.Match[str], angular: bool) -> bool:
    """Apply one tail token; False to let the next pattern try."""
    if name == "fit":
        if state.fit_text is not None or angular:
            return False
        state.fit_text = match.group("fit")
    elif name in ("sym", "dev", "single"):
        if state.tolerance is not None and state.tolerance.kind != "tolerance_class":
            return False
        if name == "sym":
            value = state.value(match.group("sym"), angular)
            if value is None:
                return False
            state.tolerance = Tolerance(kind="symmetric", upper=value, lower=-value, unit="")
            state.tolerance_decimals = _decimals(match.group("sym"))
        elif name == "dev":
            up_text, lo_text = match.group("up"), match.group("lo")
            if up_text[0] not in "+-" and lo_text[0] not in "+-":
                return False
            up = state.value(up_text.replace(" ", ""), angular)
            lo = state.value(lo_text.replace(" ", ""), angular)
            if up is None or lo is None:
                return False
            state.tolerance = deviations_tolerance(up, lo, "", state.warnings)
            state.tolerance_decimals = max(_decimals(up_text), _decimals(lo_text))
        else:
            value = state.value(match.group("single").replace(" ", ""), angular)
            if value is None:
                return False
            state.tolerance = Tolerance(
                kind="deviations", upper=max(value, 0.0), lower=min(value, 0.0), unit=""
            )
            state.tolerance_decimals = _decimals(match.group("single"))
            state.warnings.append("one deviation written; the other taken as 0")
    elif name == "depth":
        depth = state.value(match.group("depth") or match.group("depth2"))
        if depth is None:
            return False
        state.depth = depth
    elif name == "places":
        if state.count is not None:
            return False
        state.count = int(match.group("places"))
    elif name == "limit":
        state.limit = cast(Literal["max", "min"], match.group("limit").lower())
    elif name == "thru":
        state.through = True
    elif name == "ref":
        state.reference = True
    elif name == "basic":
        state.basic = True
    elif name == "dia":
        if state.kind != "linear":
            return False
        state.kind = "diameter"
    elif name == "marks" or name in ("paren", "known"):
        state.notes.append(match.group(0))
    else:
        state.notes.append(match.group("word"))
        state.warnings.append(f"unrecognised word {match.group('word')!r} kept as note")
    return True


def _parse(
    text: str,
    unit: str,
    measured: float | None,
    general: GeneralTolerance | None,
) -> ParsedDimension | None:
    decoded = decode_mtext(text) if ("\\" in text or "%" in text or "{" in text) else text
    if measured is not None and "<>" in decoded:
        decoded = decoded.replace("<>", format_number(measured), 1)
    s = normalize(decoded)
    if not s or len(s) > 120:
        return None
    state = _State(s, unit)
    if len(s) > 2 and s[0] == "(" and s[-1] == ")" and s.count("(") == 1:
        state.reference, s = True, s[1:-1].strip()
    elif len(s) > 2 and s[0] == "[" and s[-1] == "]":
        state.basic, s = True, s[1:-1].strip()

    chamfer = _CHAMFER_RE.match(s)
    rest: str | None
    if chamfer and (
        chamfer.group("deg")
        or chamfer.group("angle2")
        or chamfer.group("c")
        or (chamfer.group("angle") and parse_number(chamfer.group("angle")) == 45)
    ):
        state.kind = "chamfer"
        if chamfer.group("count"):
            state.count = int(chamfer.group("count"))
        if chamfer.group("c"):
            state.nominal, state.chamfer_angle = state.value(chamfer.group("c")), 45.0
        elif chamfer.group("angle2"):
            state.nominal = state.value(chamfer.group("leg2"))
            state.chamfer_angle = parse_number(chamfer.group("angle2"))
        else:
            state.nominal = state.value(chamfer.group("leg"))
            state.chamfer_angle = parse_number(chamfer.group("angle"))
        if state.nominal is None or state.chamfer_angle is None:
            return None
        rest = s[chamfer.end() :]
    else:
        count = _COUNT_RE.match(s)
        if count:
            state.count = int(count.group("count"))
            s = s[count.end() :]
        feature = _FEATURE_RE.match(s)
        if feature:
            symbol = feature.group("sym") or feature.group("sf") or feature.group("gdt")
            if symbol in ("⌴", "v"):
                state.feature = "counterbore"
            elif symbol in ("⌵", "w"):
                state.feature = "countersink"
            elif symbol == "SF":
                state.feature = "spotface"
            else:
                state.depth_callout = True
            s = s[feature.end() :]
        kind = _KIND_RE.match(s)
        if kind:
            state.kind = _KIND_BY_PREFIX[kind.group("kind")]
            s = s[kind.end() :]
        rest = _parse_nominal(state, s)
        if rest is None:
            return None
    if not _parse_tail(state, rest):
        return None
    if state.depth_callout and state.depth is None:
        state.depth = state.nominal
    return _finish(state, general)


def _finish(state: _State, general: GeneralTolerance | None) -> ParsedDimension | None:
    nominal = state.nominal
    if nominal is None:
        return None
    unit = "deg" if state.kind == "angle" else state.unit
    tolerance = state.tolerance
    if tolerance is not None:
        tolerance = tolerance.model_copy(update={"unit": unit})
    fit = None
    if state.fit_text is not None:
        fit = parse_fit(state.fit_text, nominal, state.unit)
        if fit is not None:
            state.warnings.extend(fit.warnings)
            single = fit.hole if fit.shaft is None else fit.shaft if fit.hole is None else None
            if single is not None and single.upper is not None and single.lower is not None:
                if tolerance is None:
                    tolerance = Tolerance(
                        kind="tolerance_class",
                        upper=single.upper,
                        lower=single.lower,
                        unit=unit,
                        source=single.designation,
                    )
                elif tolerance.kind != "limits":
                    slack = 0.6 * 10 ** -max(state.tolerance_decimals, 1) + 1e-9
                    if (
                        abs(tolerance.upper - single.upper) > slack
                        or abs(tolerance.lower - single.lower) > slack
                    ):
                        state.warnings.append(
                            f"written deviations {format_number(tolerance.upper)}/"
                            f"{format_number(tolerance.lower)} disagree with ISO 286 "
                            f"{single.designation} ({format_number(single.upper)}/"
                            f"{format_number(single.lower)})"
                        )
    if (
        tolerance is None
        and fit is None
        and general is not None
        and not (state.reference or state.basic or state.limit)
    ):
        tolerance = _general_tolerance(state, general, nominal)
    upper_limit = lower_limit = None
    if tolerance is not None:
        digits = 7 if unit in ("inch", "foot") else 6
        upper_limit = round(nominal + tolerance.upper, digits)
        lower_limit = round(nominal + tolerance.lower, digits)
    return ParsedDimension(
        text=state.text,
        kind=state.kind,
        nominal=nominal,
        unit=unit,
        count=state.count,
        chamfer_angle=state.chamfer_angle,
        tolerance=tolerance,
        fit=fit,
        upper_limit=upper_limit,
        lower_limit=lower_limit,
        reference=state.reference,
        basic=state.basic,
        limit=state.limit,
        feature=state.feature,
        depth=state.depth,
        through=state.through,
        text_unit=state.text_unit,
        note=" ".join(state.notes) or None,
        warnings=state.warnings,
    )


def _general_tolerance(
    state: _State, general: GeneralTolerance, nominal: float
) -> Tolerance | None:
    source = f"{general.standard}-{general.linear_class}"
    if state.kind == "angle":
        state.warnings.append(
            f"{source}: angular general tolerance needs the shorter leg length "
            "(use iso2768_angular_deviation)"
        )
        return None
    nominal_mm = convert_length(nominal, state.unit, "mm")
    if nominal_mm is None:
        return None
    kind: Literal["linear", "edge"] = (
        "edge" if state.kind in ("radius", "chamfer", "controlled_radius") else "linear"
    )
    deviation_mm = iso2768_deviation(general.linear_class, nominal_mm, kind)
    if deviation_mm is None:
        state.warnings.append(f"{source} gives no deviation for {format_number(nominal)}")
        return None
    deviation = convert_length(deviation_mm, "mm", state.unit)
    if deviation is None:
        return None
    return Tolerance(
        kind="general", upper=deviation, lower=-deviation, unit=state.unit, source=source
    )


def parse_dimension(
    text: str,
    unit: str = "mm",
    *,
    measured: float | None = None,
    general: GeneralTolerance | None = None,
) -> ParsedDimension | None:
    """Parse a dimension string into a :class:`ParsedDimension` (grammar: module docstring).

    ``text`` may still carry DXF/MTEXT codes (``%%c``, ``\\S+0.1^-0.05;``). ``unit`` is the
    length unit of the drawing; results are in it (angles in degrees). ``measured`` replaces
    a DXF ``<>`` placeholder. ``general`` (from
    :func:`~pybase.extraction.notation.parse_general_tolerance`) supplies the ISO 2768-1
    deviation for a dimension that has no tolerance of its own (table 1, or table 2 for
    radii and chamfers; not for reference, basic or MAX/MIN dimensions).

    Returns None when the text is not a dimension; never raises.
    """
    try:
        return _parse(text, unit, measured, general)
    except (ValueError, ArithmeticError, IndexError):
        return None


def format_dimension(dimension: ParsedDimension) -> str:
    """Canonical text of a dimension, which :func:`parse_dimension` reads back to the same
    values: ``4X Ø12 H7``, ``R5 ±0.1``, ``[25]``, ``1x45°``, ``Ø12.02/11.98``."""
    parts: list[str] = []
    if dimension.count is not None:
        parts.append(f"{dimension.count}X ")
    if dimension.feature == "counterbore":
        parts.append("⌴")
    elif dimension.feature == "countersink":
        parts.append("⌵")
    elif dimension.feature == "spotface":
        parts.append("SF ")
    tolerance = dimension.tolerance
    if dimension.kind == "chamfer":
        parts.append(
            f"{format_number(dimension.nominal)}x{format_number(dimension.chamfer_angle or 45)}°"
        )
    elif dimension.kind == "angle":
        parts.append(f"{format_number(dimension.nominal)}°")
    else:
        parts.append(_PREFIX_BY_KIND.get(dimension.kind, ""))
        if tolerance is not None and tolerance.kind == "limits":
            parts.append(
                f"{format_number(tolerance.upper_limit or 0)}/"
                f"{format_number(tolerance.lower_limit or 0)}"
            )
        else:
            parts.append(format_number(dimension.nominal))
    if dimension.fit is not None:
        parts.append(f" {dimension.fit.designation}")
    if tolerance is not None:
        if tolerance.kind == "symmetric":
            parts.append(f" ±{format_number(tolerance.upper)}")
        elif tolerance.kind == "deviations":
            parts.append(f" {_signed(tolerance.upper)}/{_signed(tolerance.lower)}")
    if dimension.limit is not None:
        parts.append(f" {dimension.limit.upper()}")
    if dimension.depth is not None:
        parts.append(f" ↧{format_number(dimension.depth)}")
    if dimension.through:
        parts.append(" THRU")
    if dimension.note:
        parts.append(f" {dimension.note}")
    text = "".join(parts)
    if dimension.basic:
        text = f"[{text}]"
    elif dimension.reference:
        text = f"({text})"
    return text


def _signed(value: float) -> str:
    if value == 0:
        return "0"
    return f"+{format_number(value)}" if value > 0 else format_number(value)


_BEND_RE = re.compile(
    rf"^(?P<dir>UP|DOWN)\s+(?P<angle>{NUMBER})\s*°?\s*(?:R\s*=?\s*(?P<radius>{NUMBER}))?$",
    re.IGNORECASE,
)


def parse_bend_note(text: str, unit: str = "mm") -> SheetMetalBend | None:
    """Parse a sheet-metal bend note as SOLIDWORKS and Inventor write them on flat patterns:
    ``UP 90° R 1.5`` -> direction ``up``, angle 90°, inside radius 1.5 (in ``unit``). None
    when the text is not a bend note; never raises."""
    match = _BEND_RE.match(normalize(decode_mtext(text)))
    if match is None:
        return None
    angle = parse_number(match.group("angle"))
    radius = parse_number(match.group("radius")) if match.group("radius") else None
    if angle is None:
        return None
    return SheetMetalBend(
        direction=cast(Literal["up", "down"], match.group("dir").lower()),
        angle=angle,
        radius=radius,
        unit=unit,
    )
