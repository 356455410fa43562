"""Numbers as drawings write them, and length-unit conversion.

Decimal comma (``12,5``), leading point (``.05``, ASME inch style), fractions (``1/2``), mixed
numbers (``1 1/2``, ``2-1/2``), feet-inches (``4'-0 1/4"``). Canonical formatting for round
trips. Pure functions; none raises on bad input (they return None).
"""

from __future__ import annotations

import math
import re

__all__ = [
    "LENGTH_FACTORS_MM",
    "NUMBER",
    "convert_length",
    "format_number",
    "parse_number",
]

#: Regex fragment: one unsigned decimal number, decimal point or comma (``12``, ``12.5``,
#: ``12,5``, ``.5``).
NUMBER = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"

#: Millimetres per unit, for the length units notation values are converted between.
LENGTH_FACTORS_MM: dict[str, float] = {
    "mm": 1.0,
    "cm": 10.0,
    "dm": 100.0,
    "m": 1000.0,
    "um": 0.001,
    "inch": 25.4,
    "foot": 304.8,
    "mil": 0.0254,
    "microinch": 0.0000254,
}

_FRACTION_RE = re.compile(r"^(?:(\d+)[\s-]+)?(\d+)/(\d+)$")
_DECIMAL_RE = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_number(text: str) -> float | None:
    """``"12,5"`` -> 12.5, ``".05"`` -> 0.05, ``"1/2"`` -> 0.5, ``"1 1/2"``/``"1-1/2"`` -> 1.5,
    ``"-0,02"`` -> -0.02; None when the text is not one number (or a zero denominator)."""
    text = text.strip()
    if not text:
        return None
    sign = 1.0
    if text[0] in "+-±":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:].strip()
    match = _FRACTION_RE.match(text)
    if match:
        whole, num, den = match.groups()
        if int(den) == 0:
            return None
        return sign * ((int(whole) if whole else 0) + int(num) / int(den))
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _DECIMAL_RE.fullmatch(text):
        return None
    value = float(text)
    return sign * value if math.isfinite(value) else None


def convert_length(value: float, from_unit: str, to_unit: str) -> float | None:
    """Convert a length between units of :data:`LENGTH_FACTORS_MM`; None for an unknown unit.
    The result is rounded to 12 significant digits so that 25.4 mm -> 1 inch exactly."""
    if from_unit == to_unit:
        return value
    a = LENGTH_FACTORS_MM.get(from_unit)
    b = LENGTH_FACTORS_MM.get(to_unit)
    if a is None or b is None:
        return None
    result = value * a / b
    return float(f"{result:.12g}")


def format_number(value: float) -> str:
    """Shortest plain decimal for a value: 12.0 -> ``"12"``, 0.0045 -> ``"0.0045"``,
    -0.5 -> ``"-0.5"`` (no exponent, no trailing zeros, at most 6 decimals)."""
    if value == 0:
        return "0"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
