"""GD&T feature control frames and datum feature symbols.

Sources: ASME Y14.5-2018 (feature control frames, geometric characteristic and modifying
symbols); ISO 1101:2017 (tolerance indicators, symbols); ISO 5459:2011 (datums). The DXF
TOLERANCE entity (group 1) writes a frame as GDT-font codes: rows separated by ``^J`` (a
newline once read), compartments by ``%%v``; per row: symbol, tolerance 1, tolerance 2,
datum 1, 2, 3; further one-compartment rows are the projected-zone height
(``12{\\Fgdt;p}``) and the datum identifier (``A``).

Input forms:

* Unicode symbols (``⌖ Ø0.1 Ⓜ A B C``, ``|⌖|Ø0.1Ⓜ|A|BⓂ|C|``) and common look-alikes
  (⊕ position, ⊥ perpendicularity, // parallelism, ≡ symmetry, ◯ circularity, ▱ flatness,
  ⊚ concentricity, — straightness ...);
* words (``POSITION DIA 0.1 MMC A B C``, ``FLATNESS 0.05``, ISO ``COAXIALITY``/``ROUNDNESS``);
* DXF TOLERANCE content (:func:`parse_dxf_tolerance`) and MTEXT with ``{\\Fgdt;j}``.

Modifiers after the tolerance value or a datum letter: circled letters (Ⓜ Ⓛ Ⓢ Ⓟ Ⓕ Ⓣ Ⓤ Ⓔ),
``(M)``, ``MMC``/``LMC``/``RFS``, lowercase GDT-font letters (``m`` ``l`` ``s`` ``p`` ``f``
``t`` ``u``, as PDF text of drawings set in that font), a letter glued to the value
(``0.1M``), ``ST``/``⟨ST⟩`` statistical, ``CZ`` combined zone.
"""

from __future__ import annotations

import re

from pybase.extraction.notation.encodings import decode_mtext, normalize
from pybase.extraction.notation.models import (
    Characteristic,
    DatumFeature,
    DatumReference,
    FeatureControlFrame,
    GdtModifier,
)
from pybase.extraction.notation.numeric import NUMBER, format_number, parse_number

__all__ = [
    "CHARACTERISTIC_SYMBOLS",
    "format_feature_control_frame",
    "parse_datum_feature",
    "parse_dxf_tolerance",
    "parse_feature_control_frame",
]

#: Canonical Unicode symbol per characteristic (ASME Y14.5-2018).
CHARACTERISTIC_SYMBOLS: dict[Characteristic, str] = {
    "straightness": "⏤",
    "flatness": "⏥",
    "circularity": "○",
    "cylindricity": "⌭",
    "profile_of_a_line": "⌒",
    "profile_of_a_surface": "⌓",
    "angularity": "∠",
    "perpendicularity": "⟂",
    "parallelism": "∥",
    "position": "⌖",
    "concentricity": "◎",
    "symmetry": "⌯",
    "circular_runout": "↗",
    "total_runout": "⌰",
}

_SYMBOL_TO_CHARACTERISTIC: dict[str, Characteristic] = {
    symbol: name for name, symbol in CHARACTERISTIC_SYMBOLS.items()
}
_LOOKALIKES: dict[str, Characteristic] = {
    "—": "straightness",
    "―": "straightness",
    "─": "straightness",
    "▱": "flatness",
    "◯": "circularity",
    "⚪": "circularity",
    "◠": "profile_of_a_line",
    "∡": "angularity",
    "⊥": "perpendicularity",
    "┴": "perpendicularity",
    "‖": "parallelism",
    "//": "parallelism",
    "⊕": "position",
    "⨁": "position",
    "⌾": "concentricity",
    "⊚": "concentricity",
    "≡": "symmetry",
    "➚": "circular_runout",
    "⭧": "circular_runout",
    "⇗": "total_runout",
}
_SYMBOLS: dict[str, Characteristic] = {**_SYMBOL_TO_CHARACTERISTIC, **_LOOKALIKES}

_WORDS: list[tuple[str, Characteristic]] = [
    ("TRUE POSITION", "position"),
    ("POSITION", "position"),
    ("POSITIONAL", "position"),
    ("STRAIGHTNESS", "straightness"),
    ("FLATNESS", "flatness"),
    ("CIRCULARITY", "circularity"),
    ("ROUNDNESS", "circularity"),
    ("CYLINDRICITY", "cylindricity"),
    ("PROFILE OF A LINE", "profile_of_a_line"),
    ("LINE PROFILE", "profile_of_a_line"),
    ("PROFILE OF A SURFACE", "profile_of_a_surface"),
    ("SURFACE PROFILE", "profile_of_a_surface"),
    ("ANGULARITY", "angularity"),
    ("PERPENDICULARITY", "perpendicularity"),
    ("SQUARENESS", "perpendicularity"),
    ("PARALLELISM", "parallelism"),
    ("CONCENTRICITY", "concentricity"),
    ("COAXIALITY", "concentricity"),
    ("SYMMETRY", "symmetry"),
    ("CIRCULAR RUNOUT", "circular_runout"),
    ("TOTAL RUNOUT", "total_runout"),
    ("RUNOUT", "circular_runout"),
]
_WORD_RE = re.compile(
    r"^(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w, _ in _WORDS) + r")(?![A-Z])",
    re.IGNORECASE,
)
_WORD_LOOKUP = {w: c for w, c in _WORDS}

_CIRCLED: dict[str, GdtModifier] = {
    "Ⓜ": "mmc",
    "Ⓛ": "lmc",
    "Ⓢ": "rfs",
    "Ⓟ": "projected",
    "Ⓕ": "free_state",
    "Ⓣ": "tangent_plane",
    "Ⓤ": "unequal",
    "Ⓔ": "envelope",
    "Ⓘ": "independency",
    "▷": "translation",
}
_LETTER_MODIFIERS: dict[str, GdtModifier] = {
    "M": "mmc",
    "L": "lmc",
    "S": "rfs",
    "P": "projected",
    "F": "free_state",
    "T": "tangent_plane",
    "U": "unequal",
}
_WORD_MODIFIERS: dict[str, GdtModifier] = {
    "MMC": "mmc",
    "MMB": "mmc",
    "LMC": "lmc",
    "LMB": "lmc",
    "RFS": "rfs",
    "RMB": "rfs",
    "ST": "statistical",
    "⟨ST⟩": "statistical",
    "<ST>": "statistical",
    "CZ": "combined_zone",
    "FREE STATE": "free_state",
    "TANGENT PLANE": "tangent_plane",
    "PROJECTED": "projected",
}

_TOKEN_RE = re.compile(
    rf"(?P<zone>SØ|Ø|DIA\.?(?=\s*[\d.,]))\s*"
    rf"|(?P<value>{NUMBER})(?P<glued>[MLSPFTU](?![A-Za-z]))?"
    r"|\((?P<paren>[MLSPFTU])\)"
    r"|(?P<circled>[ⓂⓁⓈⓅⒻⓉⓊⒺⒾ▷])"
    r"|(?P<word>⟨ST⟩|<ST>|MMC|MMB|LMC|LMB|RFS|RMB|CZ|ST|FREE\s+STATE|TANGENT\s+PLANE)(?![A-Za-z])"
    r"|(?P<gdt>[mlspftu])(?![A-Za-z])"
    r"|(?P<datum>[A-Z]{1,2}\d?(?:\s?-\s?[A-Z]{1,2}\d?)*)(?![A-Za-z])"
    r"|(?P<slash>/)"
    r"|(?P<sep>\|)"
)


def _characteristic(s: str) -> tuple[Characteristic, str] | None:
    """Leading characteristic (symbol or words) and the rest of the text."""
    s = s.lstrip("| ")
    if s[:2] in _SYMBOLS:
        return _SYMBOLS[s[:2]], s[2:]
    if s[:1] in _SYMBOLS:
        return _SYMBOLS[s[:1]], s[1:]
    match = _WORD_RE.match(s)
    if match:
        key = re.sub(r"\s+", " ", match.group(0).upper())
        return _WORD_LOOKUP[key], s[match.end() :]
    return None


def _parse_frame(text: str, unit: str) -> FeatureControlFrame | None:
    s = normalize(decode_mtext(text) if ("\\" in text or "%" in text or "{" in text) else text)
    if not s or len(s) > 200:
        return None
    head = _characteristic(s)
    if head is None:
        return None
    characteristic, rest = head
    frame = FeatureControlFrame(
        characteristic=characteristic,
        symbol=CHARACTERISTIC_SYMBOLS[characteristic],
        unit=unit,
    )
    if not _read_compartments(frame, rest):
        return None
    return frame


def _read_compartments(frame: FeatureControlFrame, rest: str) -> bool:
    """Tolerance value, zone, modifiers and datums from the text after the symbol."""
    pos = 0
    n = len(rest)
    state = "tolerance"  # then "per_unit", "datums"
    pending_unequal = False
    while pos < n:
        if rest[pos] == " ":
            pos += 1
            continue
        match = _TOKEN_RE.match(rest, pos)
        if match is None:
            frame.warnings.append(f"unread text {rest[pos:]!r}")
            return frame.tolerance is not None
        pos = match.end()
        kind = match.lastgroup
        if kind == "sep":
            if frame.tolerance is not None:
                state = "datums"
            continue
        if kind == "zone":
            if state == "tolerance" and frame.tolerance is None:
                frame.zone_shape = (
                    "spherical_diameter" if match.group(0).startswith("S") else "diameter"
                )
                continue
            return False
        if kind in ("value", "glued"):
            value = parse_number(match.group("value"))
            if value is None:
                return False
            if state == "tolerance" and frame.tolerance is None:
                frame.tolerance = value
            elif state == "tolerance" and pending_unequal:
                pending_unequal = False  # Ⓤ offset value; kept in warnings
                frame.warnings.append(f"unequally disposed offset {format_number(value)}")
            elif state == "per_unit":
                frame.per_unit = value
                state = "tolerance"
            elif "projected" in frame.modifiers and frame.projected_height is None:
                frame.projected_height = value
            else:
                frame.warnings.append(f"extra value {format_number(value)} ignored")
            if match.group("glued"):
                _add_modifier(frame, _LETTER_MODIFIERS[match.group("glued")])
            continue
        if kind == "slash":
            if frame.tolerance is not None and frame.per_unit is None and not frame.datums:
                state = "per_unit"
                continue
            return False
        modifier = _modifier(match)
        if modifier is not None:
            if frame.datums and (state == "datums" or kind != "word"):
                if modifier not in frame.datums[-1].modifiers:
                    frame.datums[-1].modifiers.append(modifier)
            else:
                _add_modifier(frame, modifier)
                pending_unequal = modifier == "unequal"
            continue
        if kind == "datum":
            if frame.tolerance is None:
                return False
            label = re.sub(r"\s+", "", match.group("datum"))
            frame.datums.append(DatumReference(label=label))
            state = "datums"
            continue
        return False
    if frame.tolerance is None:
        return False
    if len(frame.datums) > 3:
        frame.warnings.append(f"{len(frame.datums)} datum references (at most 3 expected)")
    return True


def _modifier(match: re.Match[str]) -> GdtModifier | None:
    if match.group("paren"):
        return _LETTER_MODIFIERS[match.group("paren")]
    if match.group("circled"):
        return _CIRCLED[match.group("circled")]
    if match.group("word"):
        return _WORD_MODIFIERS[re.sub(r"\s+", " ", match.group("word").upper())]
    if match.group("gdt"):
        return _LETTER_MODIFIERS[match.group("gdt").upper()]
    return None


def _add_modifier(frame: FeatureControlFrame, modifier: GdtModifier) -> None:
    if modifier not in frame.modifiers:
        frame.modifiers.append(modifier)


def parse_feature_control_frame(text: str, unit: str = "mm") -> FeatureControlFrame | None:
    """Parse one feature control frame row written as text (forms in the module docstring).
    ``unit`` is the drawing's length unit (tolerance values are in it). Returns None when
    the text does not start with a geometric characteristic or has no tolerance value;
    never raises."""
    try:
        return _parse_frame(text, unit)
    except (ValueError, ArithmeticError, IndexError, KeyError):
        return None


_DATUM_FEATURE_RE = re.compile(
    r"^(?:DATUM\s+)?(?:-(?P<a>[A-HJ-NPR-Z]{1,2})-|\[(?P<b>[A-HJ-NPR-Z]{1,2})\]|(?P<c>[A-HJ-NPR-Z]{1,2}))$"
)


def parse_datum_feature(text: str) -> DatumFeature | None:
    """Parse a datum feature symbol's label: ``-A-`` (ANSI Y14.5M-1982), ``A``, ``[A]``,
    ``DATUM A``. Letters I, O and Q are not used as datums (ASME Y14.5-2018): None."""
    match = _DATUM_FEATURE_RE.match(normalize(decode_mtext(text)))
    if match is None:
        return None
    return DatumFeature(label=match.group("a") or match.group("b") or match.group("c"))


def _parse_dxf_tolerance(content: str, unit: str) -> list[FeatureControlFrame]:
    decoded = decode_mtext(content)
    rows = [row for row in decoded.replace("\r", "\n").split("\n") if row.strip()]
    frames: list[FeatureControlFrame] = []
    datum_feature: str | None = None
    for row in rows:
        cells = [normalize(cell) for cell in row.split("|")]
        symbol = cells[0]
        if len(cells) == 1:
            height = re.fullmatch(rf"({NUMBER})\s*Ⓟ|Ⓟ\s*({NUMBER})", symbol)
            if height and frames:
                frames[-1].projected_height = parse_number(height.group(1) or height.group(2))
                if "projected" not in frames[-1].modifiers:
                    frames[-1].modifiers.append("projected")
                continue
            feature = parse_datum_feature(symbol)
            if feature is not None:
                datum_feature = feature.label
                continue
        head = _characteristic(symbol) if symbol else None
        if head is None and not symbol and frames:
            previous = frames[-1]
            characteristic, composite = previous.characteristic, True
        elif head is not None and not head[1].strip():
            characteristic, composite = head[0], False
        else:
            if frames:
                frames[-1].warnings.append(f"unread TOLERANCE row {row!r}")
            continue
        frame = FeatureControlFrame(
            characteristic=characteristic,
            symbol=CHARACTERISTIC_SYMBOLS[characteristic],
            unit=unit,
            row=len(frames),
            composite=composite,
        )
        tolerance_cells = [c for c in cells[1:3] if c]
        datum_cells = [c for c in cells[3:6] if c]
        text = " ".join(tolerance_cells)
        if datum_cells:
            text += " | " + " | ".join(datum_cells)
        if not _read_compartments(frame, text) and frame.tolerance is None:
            frame.warnings.append(f"no tolerance value in TOLERANCE row {row!r}")
        frames.append(frame)
    if datum_feature is not None:
        for frame in frames:
            frame.datum_feature = datum_feature
    return frames


def parse_dxf_tolerance(content: str, unit: str = "mm") -> list[FeatureControlFrame]:
    """Decode the text of a DXF TOLERANCE entity (group 1), e.g.
    ``{\\Fgdt;j}%%v{\\Fgdt;n}0.1{\\Fgdt;m}%%vA%%vB%%vC`` -> one position frame, Ø0.1 Ⓜ, datums
    A, B, C. One frame per row; a row with an empty symbol compartment continues the frame
    above as a composite lower segment. A height row sets ``projected_height``; a datum
    identifier row sets ``datum_feature`` on every frame. Rows that cannot be read add a
    warning to the frame before them. Returns ``[]`` when nothing is readable; never
    raises."""
    try:
        return _parse_dxf_tolerance(content, unit)
    except (ValueError, ArithmeticError, IndexError, KeyError):
        return []


_MODIFIER_SYMBOLS: dict[str, str] = {
    "mmc": "Ⓜ",
    "lmc": "Ⓛ",
    "rfs": "Ⓢ",
    "projected": "Ⓟ",
    "free_state": "Ⓕ",
    "tangent_plane": "Ⓣ",
    "unequal": "Ⓤ",
    "envelope": "Ⓔ",
    "independency": "Ⓘ",
    "translation": "▷",
    "statistical": "⟨ST⟩",
    "combined_zone": "CZ",
}


def format_feature_control_frame(frame: FeatureControlFrame) -> str:
    """Canonical one-line text with ``|`` between compartments, read back by
    :func:`parse_feature_control_frame` to the same values: ``|⌖|Ø0.1Ⓜ|A|BⓂ|C|``."""
    zone = {"diameter": "Ø", "spherical_diameter": "SØ"}.get(frame.zone_shape or "", "")
    tolerance = f"{zone}{format_number(frame.tolerance or 0)}"
    if frame.per_unit is not None:
        tolerance += f"/{format_number(frame.per_unit)}"
    for modifier in frame.modifiers:
        tolerance += _MODIFIER_SYMBOLS[modifier]
        if modifier == "projected" and frame.projected_height is not None:
            tolerance += format_number(frame.projected_height)
    cells = [frame.symbol, tolerance]
    for datum in frame.datums:
        cells.append(datum.label + "".join(_MODIFIER_SYMBOLS[m] for m in datum.modifiers))
    return "|" + "|".join(cells) + "|"
