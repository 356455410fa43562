"""Tolerances of size: ISO 286 tolerance classes and fits, and written deviations.

* :func:`tolerance_class` / :func:`parse_fit`: ``H7``, ``g6``, ``H7/g6`` for a nominal size,
  resolved with :func:`~pybase.extraction.notation.iso286.limit_deviations_um` (ISO 286-1:2010).
  ISO 286 is metric: an inch nominal is converted to mm for the table look-up and the
  deviations back to inch.
* :func:`parse_tolerance`: a written tolerance on its own, ``±0.1``, ``+0.1/-0.05``,
  ``+0.1 -0.05``, ``+0.1/0``, ``0/-0.05``, limits ``12.00/11.95``; values in the caller's unit.

Fit type (ISO 286-1:2010 definitions): clearance when the minimum clearance EI - es >= 0,
interference when the maximum clearance ES - ei <= 0, transition otherwise.
"""

from __future__ import annotations

import re

from pybase.extraction.notation.encodings import decode_mtext, normalize
from pybase.extraction.notation.iso286 import HOLE_LETTERS, SHAFT_LETTERS, limit_deviations_um
from pybase.extraction.notation.models import Fit, Tolerance, ToleranceClass
from pybase.extraction.notation.numeric import NUMBER, convert_length, parse_number

__all__ = [
    "CLASS_PATTERN",
    "FIT_PATTERN",
    "deviations_tolerance",
    "limits_tolerance",
    "parse_fit",
    "parse_tolerance",
    "tolerance_class",
]

_GRADE = r"(?:01|0|1[0-8]|[1-9])"
_HOLE = "|".join(sorted(HOLE_LETTERS, key=len, reverse=True))
_SHAFT = "|".join(sorted(SHAFT_LETTERS, key=len, reverse=True))

#: Regex fragment: one ISO 286 tolerance class (``H7``, ``js6``, ``ZC11``, ``Js9``).
CLASS_PATTERN = rf"(?:(?:{_HOLE}|Js){_GRADE}|(?:{_SHAFT}){_GRADE})"
#: Regex fragment: a hole class, a shaft class, or hole/shaft (``H7/g6``, ``H7-g6``).
FIT_PATTERN = rf"(?:(?:{_HOLE}|Js){_GRADE}\s*[/-]?\s*(?:{_SHAFT}){_GRADE}|{CLASS_PATTERN})"

_CLASS_RE = re.compile(rf"(?P<letter>{_HOLE}|Js|{_SHAFT})(?P<grade>{_GRADE})")
_FIT_RE = re.compile(
    rf"^(?:(?P<hole>(?:{_HOLE}|Js){_GRADE})\s*(?:[/-]\s*|\s*)(?P<shaft>(?:{_SHAFT}){_GRADE})"
    rf"|(?P<single>(?:{_HOLE}|Js){_GRADE}|(?:{_SHAFT}){_GRADE}))$"
)


def _round(value: float, unit: str) -> float:
    return round(value, 7 if unit in ("inch", "foot") else 6)


def tolerance_class(designation: str, nominal: float, unit: str = "mm") -> ToleranceClass | None:
    """Resolve one ISO 286 tolerance class (``H7``, ``g6``, ``JS11``) for a nominal size in
    ``unit``; limit deviations in ``unit``. None when the text is not a tolerance class;
    ``upper``/``lower`` None when ISO 286 has no value for that size."""
    match = _CLASS_RE.fullmatch(designation.strip())
    if match is None:
        return None
    letter, grade = match.group("letter"), match.group("grade")
    if letter == "Js":
        letter = "JS"
    feature = "hole" if letter[0].isupper() else "shaft"
    nominal_mm = convert_length(nominal, unit, "mm")
    upper = lower = None
    if nominal_mm is not None:
        deviations = limit_deviations_um(letter, grade, nominal_mm)
        if deviations is not None:
            up = convert_length(deviations[0] / 1000.0, "mm", unit)
            lo = convert_length(deviations[1] / 1000.0, "mm", unit)
            if up is not None and lo is not None:
                upper, lower = _round(up, unit), _round(lo, unit)
    return ToleranceClass(
        designation=f"{letter}{grade}",
        letter=letter,
        grade=grade,
        feature=feature,
        upper=upper,
        lower=lower,
        unit=unit,
    )


def parse_fit(designation: str, nominal: float, unit: str = "mm") -> Fit | None:
    """Resolve ``H7/g6`` (also ``H7-g6``, ``H7 g6``), ``H7`` or ``g6`` at a nominal size in
    ``unit`` into a :class:`Fit`; None when the text is not a fit designation."""
    match = _FIT_RE.match(designation.strip())
    if match is None:
        return None
    warnings: list[str] = []
    hole = shaft = None
    if match.group("single"):
        single = tolerance_class(match.group("single"), nominal, unit)
        if single is None:
            return None
        if single.feature == "hole":
            hole = single
        else:
            shaft = single
    else:
        hole = tolerance_class(match.group("hole"), nominal, unit)
        shaft = tolerance_class(match.group("shaft"), nominal, unit)
    for part in (hole, shaft):
        if part is not None and part.upper is None:
            warnings.append(
                f"ISO 286 defines no limit deviations for {part.designation} at {nominal:g} {unit}"
            )
    fit = Fit(
        designation="/".join(p.designation for p in (hole, shaft) if p is not None),
        nominal=nominal,
        unit=unit,
        hole=hole,
        shaft=shaft,
        warnings=warnings,
    )
    if (
        hole is not None
        and shaft is not None
        and None not in (hole.upper, hole.lower, shaft.upper, shaft.lower)
    ):
        assert hole.upper is not None and hole.lower is not None
        assert shaft.upper is not None and shaft.lower is not None
        fit.max_clearance = _round(hole.upper - shaft.lower, unit)
        fit.min_clearance = _round(hole.lower - shaft.upper, unit)
        if fit.min_clearance >= 0:
            fit.fit_type = "clearance"
        elif fit.max_clearance <= 0:
            fit.fit_type = "interference"
        else:
            fit.fit_type = "transition"
    return fit


_SIGNED = rf"[+-]\s?{NUMBER}"
_ZERO = r"0(?:[.,]0+)?"
_TOLERANCE_RE = re.compile(
    rf"^\(?(?:±\s?(?P<sym>{NUMBER})"
    rf"|(?P<up>{_SIGNED}|{_ZERO})\s*(?:/|\s)\s*(?P<lo>{_SIGNED}|{_ZERO})"
    rf"|(?P<single>{_SIGNED})"
    rf"|(?P<hi>{NUMBER})\s*[/-]\s*(?P<lo_limit>{NUMBER}))\)?$"
)


def deviations_tolerance(
    first: float, second: float, unit: str, warnings: list[str] | None = None
) -> Tolerance:
    """A ``deviations`` tolerance from two written deviations in ``unit`` (either order; a
    note goes to ``warnings`` when the lower one was written first)."""
    upper, lower = max(first, second), min(first, second)
    if warnings is not None and first < second:
        warnings.append("deviations written lower first; read as upper/lower")
    return Tolerance(kind="deviations", upper=upper, lower=lower, unit=unit)


def limits_tolerance(high: float, low: float, unit: str) -> tuple[float, Tolerance]:
    """Limit dimensioning ``12.00/11.95`` (ISO 14405-1 / ASME Y14.5 limit dimensioning), sizes in
    ``unit``: returns (mean size, tolerance whose deviations are relative to the mean)."""
    high, low = max(high, low), min(high, low)
    mean = _round((high + low) / 2, unit)
    return mean, Tolerance(
        kind="limits",
        upper=_round(high - mean, unit),
        lower=_round(low - mean, unit),
        unit=unit,
        upper_limit=high,
        lower_limit=low,
    )


def parse_tolerance(text: str, unit: str = "mm") -> Tolerance | None:
    """Parse a tolerance written on its own (no nominal): ``±0.1``, ``+/-0.1``, ``%%p0.1``,
    ``\\S+0.1^-0.05;``, ``+0.1/-0.05``, ``+0.1 -0.05``, ``+0.1/0``, ``0/-0.05``, ``+0.018`` (the
    other deviation taken as 0), or limits ``12.00/11.95`` (deviations relative to their
    mean). Values in ``unit``. None when the text is not a tolerance; never raises."""
    match = _TOLERANCE_RE.match(normalize(decode_mtext(text)))
    if match is None:
        return None
    groups = match.groupdict()
    if groups["sym"] is not None:
        value = parse_number(groups["sym"])
        if value is None:
            return None
        return Tolerance(kind="symmetric", upper=value, lower=-value, unit=unit)
    if groups["up"] is not None:
        up = parse_number(groups["up"].replace(" ", ""))
        lo = parse_number(groups["lo"].replace(" ", ""))
        if up is None or lo is None or not (groups["up"][0] in "+-" or groups["lo"][0] in "+-"):
            return None
        return deviations_tolerance(up, lo, unit)
    if groups["single"] is not None:
        value = parse_number(groups["single"].replace(" ", ""))
        if value is None:
            return None
        return Tolerance(kind="deviations", upper=max(value, 0.0), lower=min(value, 0.0), unit=unit)
    high = parse_number(groups["hi"])
    low = parse_number(groups["lo_limit"])
    if high is None or low is None:
        return None
    return limits_tolerance(high, low, unit)[1]
