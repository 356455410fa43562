"""Reference tables for thread designations (values as published in the cited standards).

* ISO 261:1998 table 1: coarse pitch (mm) by nominal diameter (mm) for M1 .. M68, and the
  pitches of the general-purpose series (coarse and fine) used to tell ``M8x1`` (pitch) from
  ``M8x25`` (fastener length).
* ASME B1.1-2019 tables 1 and 2: UNC/UNF threads per inch by size; number sizes #0..#12 have
  basic major diameter 0.060 + 0.013 x N inch.
* ISO 228-1:2000 table 1 (also ISO 7-1:1994 table 1 for R/Rp/Rc): threads per inch and major
  diameter at the gauge plane (mm) by size designation.
* ASME B1.20.1-2013 table 2: NPT threads per inch and outside diameter of the pipe (inch).
"""

from __future__ import annotations

__all__ = [
    "ISO228_PIPE",
    "ISO261_COARSE_PITCH",
    "ISO261_PITCHES",
    "NPT_PIPE",
    "UNC_TPI",
    "UNF_TPI",
    "unified_number_diameter",
]

#: ISO 261 coarse pitch (mm) by nominal diameter (mm), first and second choice sizes.
ISO261_COARSE_PITCH: dict[float, float] = {
    1: 0.25, 1.1: 0.25, 1.2: 0.25, 1.4: 0.3, 1.6: 0.35, 1.8: 0.35, 2: 0.4, 2.2: 0.45,
    2.5: 0.45, 3: 0.5, 3.5: 0.6, 4: 0.7, 4.5: 0.75, 5: 0.8, 6: 1, 7: 1, 8: 1.25, 9: 1.25,
    10: 1.5, 11: 1.5, 12: 1.75, 14: 2, 16: 2, 18: 2.5, 20: 2.5, 22: 2.5, 24: 3, 27: 3,
    30: 3.5, 33: 3.5, 36: 4, 39: 4, 42: 4.5, 45: 4.5, 48: 5, 52: 5, 56: 5.5, 60: 5.5,
    64: 6, 68: 6,
}  # fmt: skip

#: Every pitch (mm) of the ISO 261 general-purpose series, coarse and fine.
ISO261_PITCHES: frozenset[float] = frozenset(
    {0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.75, 0.8, 1, 1.25, 1.5, 1.75, 2, 2.5,
     3, 3.5, 4, 4.5, 5, 5.5, 6, 8}
)  # fmt: skip

#: UNC threads per inch by size designation (number sizes as '#N', fractions as written).
UNC_TPI: dict[str, float] = {
    "#1": 64, "#2": 56, "#3": 48, "#4": 40, "#5": 40, "#6": 32, "#8": 32, "#10": 24,
    "#12": 24, "1/4": 20, "5/16": 18, "3/8": 16, "7/16": 14, "1/2": 13, "9/16": 12,
    "5/8": 11, "3/4": 10, "7/8": 9, "1": 8, "1 1/8": 7, "1 1/4": 7, "1 3/8": 6, "1 1/2": 6,
    "1 3/4": 5, "2": 4.5, "2 1/4": 4.5, "2 1/2": 4, "2 3/4": 4, "3": 4, "3 1/4": 4,
    "3 1/2": 4, "3 3/4": 4, "4": 4,
}  # fmt: skip

#: UNF threads per inch by size designation.
UNF_TPI: dict[str, float] = {
    "#0": 80, "#1": 72, "#2": 64, "#3": 56, "#4": 48, "#5": 44, "#6": 40, "#8": 36,
    "#10": 32, "#12": 28, "1/4": 28, "5/16": 24, "3/8": 24, "7/16": 20, "1/2": 20,
    "9/16": 18, "5/8": 18, "3/4": 16, "7/8": 14, "1": 12, "1 1/8": 12, "1 1/4": 12,
    "1 3/8": 12, "1 1/2": 12,
}  # fmt: skip

#: ISO 228-1 / ISO 7-1 pipe threads: size -> (threads per inch, major diameter in mm).
ISO228_PIPE: dict[str, tuple[float, float]] = {
    "1/16": (28, 7.723), "1/8": (28, 9.728), "1/4": (19, 13.157), "3/8": (19, 16.662),
    "1/2": (14, 20.955), "5/8": (14, 22.911), "3/4": (14, 26.441), "7/8": (14, 30.201),
    "1": (11, 33.249), "1 1/8": (11, 37.897), "1 1/4": (11, 41.910), "1 1/2": (11, 47.803),
    "1 3/4": (11, 53.746), "2": (11, 59.614), "2 1/4": (11, 65.710), "2 1/2": (11, 75.184),
    "2 3/4": (11, 81.534), "3": (11, 87.884), "3 1/2": (11, 100.330), "4": (11, 113.030),
    "4 1/2": (11, 125.730), "5": (11, 138.430), "5 1/2": (11, 151.130), "6": (11, 163.830),
}  # fmt: skip

#: ASME B1.20.1 NPT: size -> (threads per inch, outside diameter of pipe in inch).
NPT_PIPE: dict[str, tuple[float, float]] = {
    "1/16": (27, 0.3125), "1/8": (27, 0.405), "1/4": (18, 0.540), "3/8": (18, 0.675),
    "1/2": (14, 0.840), "3/4": (14, 1.050), "1": (11.5, 1.315), "1 1/4": (11.5, 1.660),
    "1 1/2": (11.5, 1.900), "2": (11.5, 2.375), "2 1/2": (8, 2.875), "3": (8, 3.500),
    "3 1/2": (8, 4.000), "4": (8, 4.500), "5": (8, 5.563), "6": (8, 6.625), "8": (8, 8.625),
    "10": (8, 10.750), "12": (8, 12.750),
}  # fmt: skip


def unified_number_diameter(number: int) -> float:
    """Basic major diameter (inch) of a unified number size #0..#12: 0.060 + 0.013 x N."""
    return round(0.060 + 0.013 * number, 3)
