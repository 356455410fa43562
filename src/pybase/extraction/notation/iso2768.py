"""General tolerances (ISO 2768-1:1989) and the notes that invoke them.

Tables (permissible deviations, mm; nominal sizes in mm, ranges "over a up to and including b"):

* table 1, linear dimensions: 0.5-3, 3-6, 6-30, 30-120, 120-400, 400-1000, 1000-2000,
  2000-4000; class v has no value for 0.5-3 and class f none above 2000;
* table 2, broken edges (external radii and chamfer heights): 0.5-3, 3-6, over 6;
* table 3, angular dimensions, by the length of the shorter leg: up to 10, 10-50, 50-120,
  120-400, over 400 (deviations in degrees).

Below 0.5 mm the standard says deviations shall be indicated next to the size: None.
Notes recognised: ``ISO 2768-m``, ``ISO 2768-mK``, ``ISO 2768-1 m``, ``DIN ISO 2768-m``,
``EN ISO 2768-f``, ``ISO 2768 medium``, ``DIN ISO 2768 - medium``, ``DIN 7168-m`` (the German
predecessor, whose linear values ISO 2768-1 adopted; its ``g`` coarse / ``sg`` very coarse map
onto ``c``/``v``).
"""

from __future__ import annotations

import bisect
import re
from typing import Literal, cast

from pybase.extraction.notation.encodings import normalize
from pybase.extraction.notation.models import GeneralTolerance

__all__ = [
    "iso2768_angular_deviation",
    "iso2768_deviation",
    "parse_general_tolerance",
]

LinearClass = Literal["f", "m", "c", "v"]

_LINEAR_BOUNDS = (3, 6, 30, 120, 400, 1000, 2000, 4000)
_LINEAR: dict[str, tuple[float | None, ...]] = {
    "f": (0.05, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, None),
    "m": (0.1, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0),
    "c": (0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 3.0, 4.0),
    "v": (None, 0.5, 1.0, 1.5, 2.5, 4.0, 6.0, 8.0),
}
_EDGE_BOUNDS = (3, 6)
_EDGE: dict[str, tuple[float, ...]] = {
    "f": (0.2, 0.5, 1.0),
    "m": (0.2, 0.5, 1.0),
    "c": (0.4, 1.0, 2.0),
    "v": (0.4, 1.0, 2.0),
}
_ANGLE_BOUNDS = (10, 50, 120, 400)
_ANGLE_DEG: dict[str, tuple[float, ...]] = {
    "f": (1.0, 0.5, 20 / 60, 10 / 60, 5 / 60),
    "m": (1.0, 0.5, 20 / 60, 10 / 60, 5 / 60),
    "c": (1.5, 1.0, 0.5, 15 / 60, 10 / 60),
    "v": (3.0, 2.0, 1.0, 0.5, 20 / 60),
}


def iso2768_deviation(
    linear_class: str,
    nominal_mm: float,
    kind: Literal["linear", "edge"] = "linear",
) -> float | None:
    """Permissible deviation ± (mm) for a nominal size in mm under ISO 2768-1 class ``f``,
    ``m``, ``c`` or ``v``: table 1 for ``kind="linear"``, table 2 (external radii and chamfer
    heights) for ``kind="edge"``. None below 0.5 mm, above 4000 mm, or where the table is
    empty."""
    if not 0.5 <= nominal_mm <= 4000:
        return None
    if kind == "edge":
        row = _EDGE.get(linear_class)
        return None if row is None else row[bisect.bisect_left(_EDGE_BOUNDS, nominal_mm)]
    linear = _LINEAR.get(linear_class)
    if linear is None:
        return None
    return linear[bisect.bisect_left(_LINEAR_BOUNDS, nominal_mm)]


def iso2768_angular_deviation(linear_class: str, shorter_leg_mm: float) -> float | None:
    """Permissible angular deviation ± in degrees (ISO 2768-1 table 3) for the length of the
    shorter leg of the angle in mm; None for an unknown class or a non-positive length."""
    row = _ANGLE_DEG.get(linear_class)
    if row is None or shorter_leg_mm <= 0:
        return None
    return row[bisect.bisect_left(_ANGLE_BOUNDS, shorter_leg_mm)]


_WORDS: dict[str, str] = {
    "fine": "f",
    "medium": "m",
    "middle": "m",
    "mittel": "m",
    "coarse": "c",
    "grob": "c",
    "very coarse": "v",
    "sehr grob": "v",
}
_GENERAL_RE = re.compile(
    r"(?P<std>(?:(?:DIN|EN|BS|NF|UNI|GB/T|CSN|PN|SS)\s*)?(?:EN\s*)?ISO\s*2768(?:\s*-\s*[12])?"
    r"|DIN\s*7168)"
    r"\s*(?:[-:/]\s*|\s)"
    r"(?:(?P<word>very coarse|sehr grob|fine|medium|middle|mittel|coarse|grob)\b"
    r"|(?P<cls>sg|[fmcvgFMCV])(?P<geo>[HKL])?\b)",
    re.IGNORECASE,
)


def parse_general_tolerance(text: str) -> GeneralTolerance | None:
    """Find a general-tolerance note in ``text`` (a title-block field or a numbered note):
    ``"General tolerance DIN ISO 2768 - medium."`` -> standard ``DIN ISO 2768``, class ``m``.
    Returns None when no ISO 2768 / DIN 7168 class is cited; never raises."""
    if "2768" not in text and "7168" not in text:
        text = normalize(text)  # full-width digits
        if "2768" not in text and "7168" not in text:
            return None
    match = _GENERAL_RE.search(normalize(text))
    if match is None:
        return None
    standard = re.sub(r"\s+", " ", match.group("std")).upper()
    standard = re.sub(r"\s*-\s*([12])$", "", standard)
    standard = re.sub(r"(ISO|DIN)(\d)", r"\1 \2", standard)
    warnings: list[str] = []
    geometric: str | None = None
    if match.group("word"):
        linear = _WORDS[match.group("word").lower()]
    else:
        cls = match.group("cls")
        geometric = match.group("geo")
        if cls in ("g", "G", "SG", "sg", "Sg", "sG"):
            linear = "c" if cls.lower() == "g" else "v"
            if not standard.startswith("DIN 7168"):
                warnings.append(f"class {cls!r} is DIN 7168 notation; read as ISO 2768 {linear}")
        else:
            linear = cls.lower()
    return GeneralTolerance(
        standard=standard,
        linear_class=cast(LinearClass, linear),
        geometric_class=cast(Literal["H", "K", "L"] | None, geometric),
        warnings=warnings,
    )
