"""ISO 286 limits and fits: standard tolerance grades and limit deviations, in micrometres.

Source: ISO 286-1:2010 "Geometrical product specifications (GPS) - ISO code system for
tolerances on linear sizes - Part 1": table 1 (standard tolerance grades IT01..IT18), the
tables of fundamental deviations of shafts a..zc and holes A..ZC (with the Δ values) and the
rules that combine them (ISO 286-2:2010 tabulates the results). Nominal sizes are in
millimetres, ranges "over a up to and including b". Values are the standard's tabulated
(rounded) values, not the formulas they were derived from; Δ is computed as IT(n) - IT(n-1)
from table 1, which is how the standard defines it and reproduces its Δ columns.

Rules implemented (ISO 286-1:2010, fundamental deviations and the reciprocal rules):

* shafts a..h: es = fundamental deviation, ei = es - IT; holes A..H: EI = -es(shaft), ES = EI + IT.
* js/JS: ±IT/2 (no rounding, as in the 2010 edition).
* j/J: tabulated for grades 5-8 (shafts) and 6-8 (holes) only.
* k: ei = tabulated value for IT4..IT7 and sizes 3..500 mm, else 0.
  K: ES = -k + Δ for grades <= 8 (0 for sizes <= 3 mm and > 500 mm); above IT8 only <= 3 mm.
* M: ES = -m + Δ for grades <= 8 (sizes 3..500), -m otherwise; special case M6 250-315 mm:
  ES = -9 µm. N: ES = -n + Δ for grades <= 8, and 0 above IT8 (sizes 3..500 mm). Above
  500 mm the standard gives one value for all grades: K 0, M -m, N -n.
* P..ZC: ES = -ei(shaft) + Δ for grades <= 7 (sizes 3..500 mm), ES = -ei otherwise.
* m..zc: ei = tabulated, es = ei + IT.

Where the standard gives no value (a..c and v..zc above 500 mm, t below 24 mm, IT01/IT0 above
500 mm, IT14..IT18 at 1 mm and below, cd/ef/fg above 50 mm ...) the functions return None.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

__all__ = [
    "GRADES",
    "HOLE_LETTERS",
    "MAX_NOMINAL_MM",
    "SHAFT_LETTERS",
    "delta_um",
    "limit_deviations_um",
    "standard_tolerance_um",
]

#: Largest nominal size the tables cover (mm).
MAX_NOMINAL_MM = 3150.0

#: Standard tolerance grades, finest first (IT01, IT0, IT1 .. IT18).
GRADES: tuple[str, ...] = ("01", "0", *(str(n) for n in range(1, 19)))

#: Upper bounds (mm) of the main size ranges of ISO 286-1 table 1.
_MAIN: tuple[int, ...] = (
    3, 6, 10, 18, 30, 50, 80, 120, 180, 250, 315, 400, 500,
    630, 800, 1000, 1250, 1600, 2000, 2500, 3150,
)  # fmt: skip

#: Upper bounds (mm) of the intermediate size ranges of the ISO 286-1 fundamental-deviation tables.
_FINE: tuple[int, ...] = (
    3, 6, 10, 14, 18, 24, 30, 40, 50, 65, 80, 100, 120, 140, 160, 180, 200, 225, 250, 280,
    315, 355, 400, 450, 500, 560, 630, 710, 800, 900, 1000, 1120, 1250, 1400, 1600, 1800,
    2000, 2240, 2500, 2800, 3150,
)  # fmt: skip

_X = None  # no value in the standard

# ISO 286-1:2010 table 1: standard tolerance values in µm, one row per grade, one column per
# main size range (_MAIN). IT01 and IT0 are given up to 500 mm only; IT14..IT18 are not used
# for nominal sizes <= 1 mm (handled in standard_tolerance_um).
_IT_UM: dict[str, tuple[float | None, ...]] = {
    "01": (0.3, 0.4, 0.4, 0.5, 0.6, 0.6, 0.8, 1, 1.2, 2, 2.5, 3, 4, *([_X] * 8)),
    "0": (0.5, 0.6, 0.6, 0.8, 1, 1, 1.2, 1.5, 2, 3, 4, 5, 6, *([_X] * 8)),
    "1": (0.8, 1, 1, 1.2, 1.5, 1.5, 2, 2.5, 3.5, 4.5, 6, 7, 8,
          9, 10, 11, 13, 15, 18, 22, 26),
    "2": (1.2, 1.5, 1.5, 2, 2.5, 2.5, 3, 4, 5, 7, 8, 9, 10,
          11, 13, 15, 18, 21, 25, 30, 36),
    "3": (2, 2.5, 2.5, 3, 4, 4, 5, 6, 8, 10, 12, 13, 15,
          16, 18, 21, 24, 29, 35, 41, 50),
    "4": (3, 4, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20,
          22, 25, 28, 33, 39, 46, 55, 68),
    "5": (4, 5, 6, 8, 9, 11, 13, 15, 18, 20, 23, 25, 27,
          32, 36, 40, 47, 55, 65, 78, 96),
    "6": (6, 8, 9, 11, 13, 16, 19, 22, 25, 29, 32, 36, 40,
          44, 50, 56, 66, 78, 92, 110, 135),
    "7": (10, 12, 15, 18, 21, 25, 30, 35, 40, 46, 52, 57, 63,
          70, 80, 90, 105, 125, 150, 175, 210),
    "8": (14, 18, 22, 27, 33, 39, 46, 54, 63, 72, 81, 89, 97,
          110, 125, 140, 165, 195, 230, 280, 330),
    "9": (25, 30, 36, 43, 52, 62, 74, 87, 100, 115, 130, 140, 155,
          175, 200, 230, 260, 310, 370, 440, 540),
    "10": (40, 48, 58, 70, 84, 100, 120, 140, 160, 185, 210, 230, 250,
           280, 320, 360, 420, 500, 600, 700, 860),
    "11": (60, 75, 90, 110, 130, 160, 190, 220, 250, 290, 320, 360, 400,
           440, 500, 560, 660, 780, 920, 1100, 1350),
    "12": (100, 120, 150, 180, 210, 250, 300, 350, 400, 460, 520, 570, 630,
           700, 800, 900, 1050, 1250, 1500, 1750, 2100),
    "13": (140, 180, 220, 270, 330, 390, 460, 540, 630, 720, 810, 890, 970,
           1100, 1250, 1400, 1650, 1950, 2300, 2800, 3300),
    "14": (250, 300, 360, 430, 520, 620, 740, 870, 1000, 1150, 1300, 1400, 1550,
           1750, 2000, 2300, 2600, 3100, 3700, 4400, 5400),
    "15": (400, 480, 580, 700, 840, 1000, 1200, 1400, 1600, 1850, 2100, 2300, 2500,
           2800, 3200, 3600, 4200, 5000, 6000, 7000, 8600),
    "16": (600, 750, 900, 1100, 1300, 1600, 1900, 2200, 2500, 2900, 3200, 3600, 4000,
           4400, 5000, 5600, 6600, 7800, 9200, 11000, 13500),
    "17": (1000, 1200, 1500, 1800, 2100, 2500, 3000, 3500, 4000, 4600, 5200, 5700, 6300,
           7000, 8000, 9000, 10500, 12500, 15000, 17500, 21000),
    "18": (1400, 1800, 2200, 2700, 3300, 3900, 4600, 5400, 6300, 7200, 8100, 8900, 9700,
           11000, 12500, 14000, 16500, 19500, 23000, 28000, 33000),
}  # fmt: skip


def _main_to_fine(values: Sequence[float | None]) -> tuple[float | None, ...]:
    """Spread values given per main size range over the intermediate ranges."""
    out: list[float | None] = []
    for upper in _FINE:
        index = bisect.bisect_left(_MAIN, upper)
        out.append(values[index] if index < len(values) else None)
    return tuple(out)


def _fine(values: Sequence[float | None]) -> tuple[float | None, ...]:
    return tuple(values) + (None,) * (len(_FINE) - len(values))


# ISO 286-1:2010, fundamental deviations: upper deviation es (µm, all <= 0) of shafts
# a..h, and by the reciprocal rule the lower deviation EI = -es of holes A..H. a, b, c: up
# to 500 mm only; cd, ef, fg: up to 50 mm (intermediate deviations, for precision mechanics).
_ES_UPPER_SHAFT: dict[str, tuple[float | None, ...]] = {
    "a": _fine((270, 270, 280, 290, 290, 300, 300, 310, 320, 340, 360, 380, 410, 460, 520,
                580, 660, 740, 820, 920, 1050, 1200, 1350, 1500, 1650)),
    "b": _fine((140, 140, 150, 150, 150, 160, 160, 170, 180, 190, 200, 220, 240, 260, 280,
                310, 340, 380, 420, 480, 540, 600, 680, 760, 840)),
    "c": _fine((60, 70, 80, 95, 95, 110, 110, 120, 130, 140, 150, 170, 180, 200, 210,
                230, 240, 260, 280, 300, 330, 360, 400, 440, 480)),
    "cd": _main_to_fine((34, 46, 56, 70, 85, 100)),
    "d": _main_to_fine((20, 30, 40, 50, 65, 80, 100, 120, 145, 170, 190, 210, 230,
                        260, 290, 320, 350, 390, 430, 480, 520)),
    "e": _main_to_fine((14, 20, 25, 32, 40, 50, 60, 72, 85, 100, 110, 125, 135,
                        145, 160, 170, 195, 220, 240, 260, 290)),
    "ef": _main_to_fine((10, 14, 18, 23, 28, 35)),
    "f": _main_to_fine((6, 10, 13, 16, 20, 25, 30, 36, 43, 50, 56, 62, 68,
                        76, 80, 86, 98, 110, 120, 130, 145)),
    "fg": _main_to_fine((4, 6, 8, 10, 12, 15)),
    "g": _main_to_fine((2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 18, 20,
                        22, 24, 26, 28, 30, 32, 34, 38)),
    "h": _main_to_fine((0,) * 21),
}  # fmt: skip

# ISO 286-1:2010, fundamental deviations: lower deviation ei (µm, >= 0) of shafts m..zc,
# and by the reciprocal rule (with Δ) the upper deviation ES of holes M..ZC.
_EI_LOWER_SHAFT: dict[str, tuple[float | None, ...]] = {
    "m": _main_to_fine((2, 4, 6, 7, 8, 9, 11, 13, 15, 17, 20, 21, 23,
                        26, 30, 34, 40, 48, 58, 68, 76)),
    "n": _main_to_fine((4, 8, 10, 12, 15, 17, 20, 23, 27, 31, 34, 37, 40,
                        44, 50, 56, 66, 78, 92, 110, 135)),
    "p": _main_to_fine((6, 12, 15, 18, 22, 26, 32, 37, 43, 50, 56, 62, 68,
                        78, 88, 100, 120, 140, 170, 195, 240)),
    "r": (10, 15, 19, 23, 23, 28, 28, 34, 34, 41, 43, 51, 54, 63, 65, 68, 77, 80, 84, 94,
          98, 108, 114, 126, 132, 150, 155, 175, 185, 210, 220, 250, 260, 300, 330, 370,
          400, 440, 460, 550, 580),
    "s": (14, 19, 23, 28, 28, 35, 35, 43, 43, 53, 59, 71, 79, 92, 100, 108, 122, 130, 140,
          158, 170, 190, 208, 232, 252, 280, 310, 340, 380, 430, 470, 520, 580, 640, 720,
          820, 920, 1000, 1100, 1250, 1350),
    "t": (_X, _X, _X, _X, _X, _X, 41, 48, 54, 66, 75, 91, 104, 122, 134, 146, 166, 180,
          196, 218, 240, 268, 294, 330, 360, 400, 450, 500, 560, 620, 680, 780, 840, 960,
          1050, 1200, 1350, 1500, 1650, 1900, 2100),
    "u": (18, 23, 28, 33, 33, 41, 48, 60, 70, 87, 102, 124, 144, 170, 190, 210, 236, 258,
          284, 315, 350, 390, 435, 490, 540, 600, 660, 740, 840, 940, 1050, 1150, 1300,
          1450, 1600, 1850, 2000, 2300, 2500, 2900, 3200),
    "v": _fine((_X, _X, _X, _X, 39, 47, 55, 68, 81, 102, 120, 146, 172, 202, 228, 252, 284,
                310, 340, 385, 425, 475, 530, 595, 660)),
    "x": _fine((20, 28, 34, 40, 45, 54, 64, 80, 97, 122, 146, 178, 210, 248, 280, 310, 350,
                385, 425, 475, 525, 590, 660, 740, 820)),
    "y": _fine((_X, _X, _X, _X, _X, 63, 75, 94, 114, 144, 174, 214, 254, 300, 340, 380, 425,
                470, 520, 580, 650, 730, 820, 920, 1000)),
    "z": _fine((26, 35, 42, 50, 60, 73, 88, 112, 136, 172, 210, 258, 310, 365, 415, 465,
                520, 575, 640, 710, 790, 900, 1000, 1100, 1250)),
    "za": _fine((32, 42, 52, 64, 77, 98, 118, 148, 180, 226, 274, 335, 400, 470, 535, 600,
                 670, 740, 820, 920, 1000, 1150, 1300, 1450, 1600)),
    "zb": _fine((40, 50, 67, 90, 108, 136, 160, 200, 242, 300, 360, 445, 525, 620, 700, 780,
                 880, 960, 1050, 1200, 1300, 1500, 1650, 1850, 2100)),
    "zc": _fine((60, 80, 97, 130, 150, 188, 218, 274, 325, 405, 480, 585, 690, 800, 900,
                 1000, 1150, 1250, 1350, 1550, 1700, 1900, 2100, 2400, 2600)),
}  # fmt: skip

# Shafts k (IT4..IT7, sizes up to 500 mm), lower deviation ei, µm.
_K_EI = (0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5)
# Shafts j, lower deviation ei (µm, <= 0) for grades 5 and 6, 7, 8; main ranges up to 500.
_J_EI: dict[str, tuple[float | None, ...]] = {
    "5": (-2, -2, -2, -3, -4, -5, -7, -9, -11, -13, -16, -18, -20),
    "6": (-2, -2, -2, -3, -4, -5, -7, -9, -11, -13, -16, -18, -20),
    "7": (-4, -4, -5, -6, -8, -10, -12, -15, -18, -21, -26, -28, -32),
    "8": (-6, *([_X] * 12)),
}
# Holes J, upper deviation ES (µm) for grades 6, 7, 8; main ranges up to 500.
_J_ES: dict[str, tuple[float | None, ...]] = {
    "6": (2, 5, 5, 6, 8, 10, 13, 16, 18, 22, 25, 29, 33),
    "7": (4, 6, 8, 10, 12, 14, 18, 22, 26, 30, 36, 39, 43),
    "8": (6, 10, 12, 15, 20, 24, 28, 34, 41, 47, 55, 60, 66),
}

SHAFT_LETTERS: tuple[str, ...] = (
    "a", "b", "c", "cd", "d", "e", "ef", "f", "fg", "g", "h", "js", "j", "k",
    "m", "n", "p", "r", "s", "t", "u", "v", "x", "y", "z", "za", "zb", "zc",
)  # fmt: skip
HOLE_LETTERS: tuple[str, ...] = tuple(letter.upper() for letter in SHAFT_LETTERS)


def _index(bounds: Sequence[int], nominal_mm: float) -> int | None:
    """Index of the range "over previous up to and including bound" holding the size."""
    if not 0 < nominal_mm <= MAX_NOMINAL_MM:
        return None
    return bisect.bisect_left(bounds, nominal_mm)


def standard_tolerance_um(grade: str, nominal_mm: float) -> float | None:
    """Standard tolerance IT<grade> in µm for a nominal size in mm (ISO 286-1:2010 table 1).

    ``grade`` is ``"01"``, ``"0"``, ``"1"`` .. ``"18"``. None outside the table (size <= 0 or
    > 3150 mm, IT01/IT0 above 500 mm, IT14..IT18 at or below 1 mm)."""
    row = _IT_UM.get(grade)
    index = _index(_MAIN, nominal_mm)
    if row is None or index is None:
        return None
    if grade in ("14", "15", "16", "17", "18") and nominal_mm <= 1:
        return None
    return row[index]


def delta_um(grade: str, nominal_mm: float) -> float:
    """Δ (µm) of the ISO 286-1:2010 hole table for holes K..ZC: IT(n) - IT(n-1) for grades 3..8 and
    sizes over 3 up to 500 mm, else 0."""
    if grade not in ("3", "4", "5", "6", "7", "8") or not 3 < nominal_mm <= 500:
        return 0.0
    this = standard_tolerance_um(grade, nominal_mm)
    previous = standard_tolerance_um(str(int(grade) - 1), nominal_mm)
    if this is None or previous is None:
        return 0.0
    return this - previous


def _shaft_deviations(
    letter: str, grade: str, size: float, it: float
) -> tuple[float, float] | None:
    main = _index(_MAIN, size)
    fine = _index(_FINE, size)
    if main is None or fine is None:
        return None
    if letter in _ES_UPPER_SHAFT:
        value = _ES_UPPER_SHAFT[letter][fine]
        if value is None:
            return None
        es = -value
        return es, es - it
    if letter == "js":
        return it / 2, -it / 2
    if letter == "j":
        row = _J_EI.get(grade)
        ei = row[main] if row is not None and main < len(row) else None
        return None if ei is None else (ei + it, ei)
    if letter == "k":
        ei = float(_K_EI[main]) if grade in ("4", "5", "6", "7") and size <= 500 else 0.0
        return ei + it, ei
    if letter in _EI_LOWER_SHAFT:
        ei_value = _EI_LOWER_SHAFT[letter][fine]
        return None if ei_value is None else (ei_value + it, ei_value)
    return None


def _hole_deviations(letter: str, grade: str, size: float, it: float) -> tuple[float, float] | None:
    main = _index(_MAIN, size)
    fine = _index(_FINE, size)
    if main is None or fine is None:
        return None
    shaft = letter.lower()
    number = int(grade) if grade not in ("01", "0") else 0
    if shaft in _ES_UPPER_SHAFT:
        value = _ES_UPPER_SHAFT[shaft][fine]
        if value is None:
            return None
        return value + it, value
    if shaft == "js":
        return it / 2, -it / 2
    if shaft == "j":
        row = _J_ES.get(grade)
        es = row[main] if row is not None and main < len(row) else None
        return None if es is None else (es, es - it)
    delta = delta_um(grade, size)
    if shaft == "k":
        if size <= 3 or size > 500:
            es = 0.0
        elif number <= 8:
            es = -_K_EI[main] + delta
        else:
            return None  # K above IT8 is defined for sizes up to 3 mm only
        return es, es - it
    if shaft == "m":
        m = _EI_LOWER_SHAFT["m"][fine] or 0
        if grade == "6" and 250 < size <= 315:
            es = -9.0  # ISO 286-1:2010 hole table, special case M6
        elif number <= 8 and 3 < size <= 500:
            es = -m + delta
        else:
            es = -m
        return es, es - it
    if shaft == "n":
        n = _EI_LOWER_SHAFT["n"][fine] or 0
        es = -n + delta if number <= 8 or size <= 3 or size > 500 else 0.0
        return es, es - it
    if shaft in _EI_LOWER_SHAFT:
        ei_value = _EI_LOWER_SHAFT[shaft][fine]
        if ei_value is None:
            return None
        es = -ei_value + (delta if number <= 7 else 0.0)
        return es, es - it
    return None


def limit_deviations_um(letter: str, grade: str, nominal_mm: float) -> tuple[float, float] | None:
    """Upper and lower limit deviations in µm of tolerance class ``letter``+``grade`` at a
    nominal size in mm, e.g. ``("H", "7", 20)`` -> ``(21, 0)``, ``("g", "6", 20)`` ->
    ``(-7, -20)``.

    Upper-case letters are holes (ES, EI), lower-case shafts (es, ei); ``JS``/``js`` as
    written in ISO 286. Returns None when ISO 286 defines no such class for that size (unknown
    letter or grade, size outside 0 < size <= 3150 mm, or a gap in the standard's tables)."""
    it = standard_tolerance_um(grade, nominal_mm)
    if it is None:
        return None
    if letter in SHAFT_LETTERS:
        return _shaft_deviations(letter, grade, nominal_mm, it)
    if letter in HOLE_LETTERS:
        return _hole_deviations(letter, grade, nominal_mm, it)
    return None
