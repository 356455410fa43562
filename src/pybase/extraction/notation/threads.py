"""Screw-thread designations -> :class:`Thread`.

* ISO metric (ISO 261, ISO 965-1 designation): ``M8``, ``M8x1.25``, ``M8x1.25-6H``,
  ``M10x1 LH``, ``M6-6g``, ``M8-6H/6g``, ``M16x130`` (a second number that is no ISO 261
  pitch below 0.35·d is a fastener length), with ``4x``/``4X``/``4-`` counts and depth
  (``↧12``, ``12 DEEP``, ``x12 DEEP``) or ``THRU``. An omitted pitch is the ISO 261 coarse
  pitch.
* Unified (ASME B1.1-2019 designation): ``1/4-20 UNC-2B``, ``#10-32 UNF-2A``,
  ``0.250-20 UNC``, ``1/4"-20 UNC LH``; diameters in inch.
* Pipe: ISO 228-1 ``G1/2``, ``G 1/2 A`` (class A/B of the external thread), ISO 7-1 ``R 1/4``
  (fractional sizes only, since ``R1`` is a radius), ``Rp 1/2``, ``Rc 3/4``; ASME B1.20.1
  ``1/2-14 NPT``, ``1/2 NPT``, ``3/4 NPTF``.

The thread may sit inside other text (``8-Bolt M16x130``): the first designation found is
returned and the rest ignored.
"""

from __future__ import annotations

import re
from typing import Literal

from pybase.extraction.notation.encodings import decode_mtext, normalize
from pybase.extraction.notation.models import Length, Thread
from pybase.extraction.notation.numeric import NUMBER, format_number, parse_number
from pybase.extraction.notation.thread_tables import (
    ISO228_PIPE,
    ISO261_COARSE_PITCH,
    ISO261_PITCHES,
    NPT_PIPE,
    UNC_TPI,
    UNF_TPI,
    unified_number_diameter,
)

__all__ = ["format_thread", "parse_thread"]

_COUNT = r"(?:(?P<count>\d+)\s*(?:[xX]|-)\s*"
_ISO_CLASS = r"\d[GHdefgh](?:\d[GHdefgh])?"
_METRIC_RE = re.compile(
    rf"{_COUNT}|(?<![A-Za-z]))M\s?(?P<d>{NUMBER})(?![\d.,])"
    rf"(?:\s*[xX]\s*(?P<second>{NUMBER})(?![\d.,]))?"
    rf"(?:\s*[xX]\s*(?P<third>{NUMBER})(?![\d.,]))?"
    rf"(?:\s*-\s*(?P<cls>{_ISO_CLASS}(?:/{_ISO_CLASS})?)(?![A-Za-z0-9]))?"
)
_SIZE = r"(?:\d+[\s-]\d+/\d+|\d+/\d+|\d+)"
_UNIFIED_RE = re.compile(
    rf"{_COUNT}|(?<![\w/.]))(?P<size>#\d{{1,2}}|{_SIZE}|\d*\.\d+)\s*\"?\s*-\s*"
    r"(?P<tpi>\d+(?:\.\d+)?)\s*-?\s*"
    r"(?P<series>UNJEF|UNEF|UNJC|UNJF|UNRC|UNRF|UNC|UNF|UNS|UNR|UNJ|UN)(?![A-Za-z])"
    r"(?:\s*-\s*(?P<cls>[123][AB]))?"
)
_NPT_RE = re.compile(
    rf"{_COUNT}|(?<![\w/.]))(?P<size>{_SIZE})\s*\"?\s*(?:-\s*(?P<tpi>\d+(?:\.\d+)?)\s*)?-?\s*"
    r"(?P<series>NPTF|NPT|NPSM|NPSF|NPSC|NPSL|NPS)(?![A-Za-z])"
)
_PIPE_RE = re.compile(
    rf"{_COUNT}|(?<![A-Za-z]))(?:(?P<g>G)\s?(?P<gsize>{_SIZE})(?:\s*(?P<gcls>[AB])(?![A-Za-z0-9]))?"
    rf"|(?P<r>Rp|Rc|R)\s?(?P<rsize>{_SIZE}))(?![\d.,/])"
)
_DEPTH_RE = re.compile(
    rf"↧\s*(?P<a>{NUMBER})|(?P<b>{NUMBER})\s*(?:DEEP|DP|TIEF)\b|(?:DEEP|DP)\s*(?P<c>{NUMBER})",
    re.IGNORECASE,
)
#: A size value (optionally Ø-prefixed) right before a ``G<n>``: then G<n> is a tolerance class.
_SIZE_BEFORE_RE = re.compile(rf"(?:^|[\sØ]){NUMBER}\s+$")
_THRU_RE = re.compile(r"\b(?:THRU|THROUGH|DURCH)\b", re.IGNORECASE)
_LH_RE = re.compile(r"(?<![A-Za-z])LH(?![A-Za-z])")


def _size_key(size: str) -> str:
    """Canonical pipe/unified size key: ``1-1/2`` -> ``1 1/2``."""
    return re.sub(r"[\s-]+", " ", size.strip())


def _common_tail(thread: Thread, rest: str, unit: str) -> None:
    depth = _DEPTH_RE.search(rest)
    if depth:
        value = parse_number(depth.group("a") or depth.group("b") or depth.group("c"))
        if value is not None:
            thread.depth = Length(value=value, unit=unit)
    if _THRU_RE.search(rest):
        thread.through = True
    if _LH_RE.search(rest):
        thread.handedness = "left"


def _metric_designation(
    d: float, pitch: float | None, coarse: bool, cls: str | None, left: bool, length: float | None
) -> str:
    text = f"M{format_number(d)}"
    if pitch is not None and not coarse:
        text += f"x{format_number(pitch)}"
    if length is not None:
        text += f"x{format_number(length)}"
    if cls:
        text += f"-{cls}"
    if left:
        text += "-LH"
    return text


def _metric(match: re.Match[str], s: str, unit: str) -> Thread | None:
    d = parse_number(match.group("d"))
    if d is None or not 0.2 <= d <= 1000:
        return None
    warnings: list[str] = []
    pitch: float | None = None
    length: float | None = None
    coarse = False
    second = parse_number(match.group("second")) if match.group("second") else None
    third = parse_number(match.group("third")) if match.group("third") else None
    if second is not None and second in ISO261_PITCHES and second <= 0.35 * d:
        pitch, length = second, third
    else:
        length = second
        if third is not None:
            warnings.append(f"ignored third number {format_number(third)}")
    rest = s[match.end() :]
    if length is not None and re.match(r"\s*(?:DEEP|DP|TIEF)\b", rest, re.IGNORECASE):
        depth, length = length, None
    else:
        depth = None
    if pitch is None:
        pitch = ISO261_COARSE_PITCH.get(d)
        coarse = pitch is not None
        if pitch is None:
            warnings.append(f"no ISO 261 coarse pitch for M{format_number(d)}")
    cls = match.group("cls")
    internal = None
    if cls:
        letters = {ch for ch in cls if ch.isalpha()}
        if letters <= set("GH"):
            internal = True
        elif letters <= set("defgh"):
            internal = False
    thread = Thread(
        designation="",
        system="metric",
        series="M",
        size=format_number(d),
        nominal_diameter=Length(value=d, unit="mm"),
        pitch=Length(value=pitch, unit="mm") if pitch is not None else None,
        coarse_pitch=coarse,
        tolerance_class=cls,
        internal=internal,
        count=int(match.group("count")) if match.group("count") else None,
        length=Length(value=length, unit=unit) if length is not None else None,
        warnings=warnings,
    )
    _common_tail(thread, rest, unit)
    if depth is not None:
        thread.depth = Length(value=depth, unit=unit)
    thread.designation = _metric_designation(
        d, pitch, coarse, cls, thread.handedness == "left", None
    )
    return thread


def _unified(match: re.Match[str], s: str, unit: str) -> Thread | None:
    size = _size_key(match.group("size"))
    tpi = parse_number(match.group("tpi"))
    series = match.group("series")
    if tpi is None or tpi <= 0:
        return None
    warnings: list[str] = []
    if size.startswith("#"):
        number = int(size[1:])
        if number > 12:
            return None
        diameter: float | None = unified_number_diameter(number)
    else:
        diameter = parse_number(size)
    if diameter is None or diameter <= 0:
        return None
    table = {"UNC": UNC_TPI, "UNF": UNF_TPI}.get(series)
    if table is not None and table.get(size) not in (None, tpi):
        warnings.append(f"{size} {series} has {format_number(table[size])} threads per inch")
    cls = match.group("cls")
    thread = Thread(
        designation="",
        system="unified",
        series=series,
        size=size,
        nominal_diameter=Length(value=diameter, unit="inch"),
        pitch=Length(value=1 / tpi, unit="inch"),
        threads_per_inch=tpi,
        tolerance_class=cls,
        internal=None if cls is None else cls.endswith("B"),
        count=int(match.group("count")) if match.group("count") else None,
        warnings=warnings,
    )
    _common_tail(thread, s[match.end() :], unit)
    thread.designation = f"{size}-{format_number(tpi)} {series}" + (f"-{cls}" if cls else "")
    if thread.handedness == "left":
        thread.designation += " LH"
    return thread


def _npt(match: re.Match[str], s: str, unit: str) -> Thread | None:
    size = _size_key(match.group("size"))
    row = NPT_PIPE.get(size)
    if row is None:
        return None
    tpi = parse_number(match.group("tpi")) if match.group("tpi") else row[0]
    if tpi is None or tpi <= 0:
        return None
    series = match.group("series")
    warnings = [] if tpi == row[0] else [f"{size} NPT has {format_number(row[0])} threads per inch"]
    thread = Thread(
        designation=f"{size}-{format_number(tpi)} {series}",
        system="npt",
        series=series,
        size=size,
        nominal_diameter=Length(value=row[1], unit="inch"),
        pitch=Length(value=1 / tpi, unit="inch"),
        threads_per_inch=tpi,
        count=int(match.group("count")) if match.group("count") else None,
        warnings=warnings,
    )
    _common_tail(thread, s[match.end() :], unit)
    return thread


def _pipe(match: re.Match[str], s: str, unit: str) -> Thread | None:
    if match.group("g"):
        series, size = "G", _size_key(match.group("gsize"))
        if (
            "/" not in size
            and not match.group("count")
            and _SIZE_BEFORE_RE.search(s[: match.start()])
        ):
            return None  # 'Ø3.5 G6': an ISO 286 hole class after a size, not ISO 228 G6
    else:
        series, size = match.group("r"), _size_key(match.group("rsize"))
        if series == "R" and "/" not in size:
            return None  # 'R1' is a radius
    row = ISO228_PIPE.get(size)
    if row is None:
        return None
    cls = match.group("gcls") if series == "G" else None
    system: Literal["pipe_parallel", "pipe_taper"] = (
        "pipe_parallel" if series in ("G", "Rp") else "pipe_taper"
    )
    internal = {"G": False if cls else None, "R": False, "Rp": True, "Rc": True}[series]
    thread = Thread(
        designation=f"{series}{size}" + (f" {cls}" if cls else ""),
        system=system,
        series=series,
        size=size,
        nominal_diameter=Length(value=row[1], unit="mm"),
        pitch=Length(value=25.4 / row[0], unit="mm"),
        threads_per_inch=row[0],
        tolerance_class=cls,
        internal=internal,
        count=int(match.group("count")) if match.group("count") else None,
    )
    _common_tail(thread, s[match.end() :], unit)
    return thread


def _parse(text: str, unit: str) -> Thread | None:
    s = normalize(decode_mtext(text) if ("\\" in text or "%" in text) else text)
    if not s:
        return None
    candidates: list[tuple[int, Thread]] = []
    for pattern, builder in (
        (_UNIFIED_RE, _unified),
        (_NPT_RE, _npt),
        (_METRIC_RE, _metric),
        (_PIPE_RE, _pipe),
    ):
        for match in pattern.finditer(s):
            thread = builder(match, s, unit)
            if thread is not None:
                candidates.append((match.start(), thread))
                break
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[0])[1]


def parse_thread(text: str, unit: str = "mm") -> Thread | None:
    """Parse the first thread designation in ``text`` (see the module docstring for the
    forms). ``unit`` is the drawing's length unit, used for depth and fastener length.
    Returns None when there is none; never raises."""
    try:
        return _parse(text, unit)
    except (ValueError, ArithmeticError, IndexError, KeyError):
        return None


def format_thread(thread: Thread) -> str:
    """Canonical text of a thread callout (count, designation, length, depth, THRU), which
    :func:`parse_thread` reads back to the same values: ``4X M6x1-6H ↧12``."""
    parts: list[str] = []
    if thread.count is not None:
        parts.append(f"{thread.count}X ")
    designation = thread.designation
    if thread.system == "metric" and thread.nominal_diameter is not None:
        designation = _metric_designation(
            thread.nominal_diameter.value,
            thread.pitch.value if thread.pitch is not None else None,
            thread.coarse_pitch,
            thread.tolerance_class,
            thread.handedness == "left",
            thread.length.value if thread.length is not None else None,
        )
    parts.append(designation)
    if thread.depth is not None:
        parts.append(f" ↧{format_number(thread.depth.value)}")
    if thread.through:
        parts.append(" THRU")
    return "".join(parts)
