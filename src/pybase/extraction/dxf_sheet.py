"""The drawing sheet as geometry: texts with a point inside them and the axis-parallel line
segments of each layout, including what block references draw. Title blocks, parts lists and
revision tables drawn with LINEs and TEXT (no attributes) are read from this.

Part of the DXF extractor (:mod:`pybase.extraction.dxf`); imports ezdxf, so only the DXF
modules import it. Coordinates are WCS x/y in drawing units (model space) or paper-space
units (layouts).

* :class:`SheetText`: one TEXT, MTEXT, ATTRIB or MULTILEADER text. ``x``/``y`` is a point that
  lies inside the text whatever its alignment (for left-aligned text: one character height
  right of the insertion point, half a height above the baseline; centred text: its
  alignment point; right-aligned: mirrored), rotated with the text. Text widths are estimated
  (0.6 x height per character, 1.0 for East Asian wide characters), since fonts are not read.
* :class:`Sheet`: the texts and segments of one layout, with :meth:`Sheet.cell_at` (the box
  bounded by the nearest segments around a point) and :meth:`Sheet.texts_in`.
* :func:`block_content`: the TEXT/MTEXT and LINE/LWPOLYLINE/POLYLINE segments an INSERT
  draws (recursively through nested INSERTs and MINSERT arrays, at most :data:`MAX_DEPTH`
  levels), through ezdxf's ``virtual_entities()``; only blocks that contain text somewhere are
  expanded.
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ezdxf.math import Vec3

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.entities import DXFEntity

__all__ = [
    "MAX_DEPTH",
    "Box",
    "Sheet",
    "SheetText",
    "block_content",
    "block_text_index",
    "estimate_width",
    "segments_of",
    "text_anchor",
]

#: Nesting depth up to which block references are expanded.
MAX_DEPTH = 4
#: Tolerance, relative to a segment's length, for calling it horizontal or vertical.
_AXIS_TOLERANCE = 1e-3
_MTEXT_LINE_SPACING = 5 / 3  # AutoCAD's default MTEXT line spacing, in character heights

Box = tuple[float, float, float, float]
"""(left, bottom, right, top) in drawing units."""


@dataclass(slots=True)
class SheetText:
    """A piece of text on the sheet: ``text`` is plain (lines joined with ``\\n``), ``raw``
    the DXF string (codes kept). ``handle`` is the top-level entity's handle (the INSERT's
    for text inside a block); ``block`` the block name for block content and ATTRIBs."""

    text: str
    raw: str
    kind: str
    layout: str
    handle: str | None
    x: float
    y: float
    height: float
    block: str | None = None
    attrib_tag: str | None = None

    @property
    def location(self) -> str:
        return f"{self.layout} #{self.handle}" if self.handle else self.layout


@dataclass
class Sheet:
    """Texts and axis-parallel segments of one layout. ``horizontal`` holds ``(y, x0, x1)``,
    ``vertical`` ``(x, y0, y1)`` with ``x0 <= x1`` / ``y0 <= y1``.

    Queries sort the segments and texts once (on first use; add nothing afterwards) and
    search them by bisection, so a query costs about the number of nearby items."""

    layout: str
    texts: list[SheetText] = field(default_factory=list)
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)
    vertical: list[tuple[float, float, float]] = field(default_factory=list)
    _sorted: bool = field(default=False, repr=False)
    _h_keys: list[float] = field(default_factory=list, repr=False)
    _v_keys: list[float] = field(default_factory=list, repr=False)
    _by_y: list[SheetText] = field(default_factory=list, repr=False)
    _y_keys: list[float] = field(default_factory=list, repr=False)

    def add_segment(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Keep a segment when it is horizontal or vertical (others do not bound cells)."""
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        if length <= 0 or not math.isfinite(length):
            return
        if abs(dy) <= _AXIS_TOLERANCE * length:
            y = (y0 + y1) / 2
            self.horizontal.append((y, min(x0, x1), max(x0, x1)))
        elif abs(dx) <= _AXIS_TOLERANCE * length:
            x = (x0 + x1) / 2
            self.vertical.append((x, min(y0, y1), max(y0, y1)))

    def _index(self) -> None:
        if self._sorted:
            return
        self.horizontal.sort()
        self.vertical.sort()
        self._h_keys = [h[0] for h in self.horizontal]
        self._v_keys = [v[0] for v in self.vertical]
        self._by_y = sorted(self.texts, key=lambda t: t.y)
        self._y_keys = [t.y for t in self._by_y]
        self._sorted = True

    def extents(self) -> Box | None:
        """Box around every segment and text anchor, or None for an empty sheet."""
        xs: list[float] = []
        ys: list[float] = []
        for y, x0, x1 in self.horizontal:
            xs += (x0, x1)
            ys.append(y)
        for x, y0, y1 in self.vertical:
            xs.append(x)
            ys += (y0, y1)
        for t in self.texts:
            xs.append(t.x)
            ys.append(t.y)
        if not xs:
            return None
        return min(xs), min(ys), max(xs), max(ys)

    def horizontals_near(self, y: float, tolerance: float) -> list[tuple[float, float, float]]:
        """Horizontal segments at height ``y`` (within ``tolerance``)."""
        self._index()
        lo = bisect.bisect_left(self._h_keys, y - tolerance)
        hi = bisect.bisect_right(self._h_keys, y + tolerance)
        return self.horizontal[lo:hi]

    def horizontals_between(self, low: float, high: float) -> list[tuple[float, float, float]]:
        """Horizontal segments with ``low <= y <= high``."""
        self._index()
        lo = bisect.bisect_left(self._h_keys, low)
        hi = bisect.bisect_right(self._h_keys, high)
        return self.horizontal[lo:hi]

    def verticals_between(self, low: float, high: float) -> list[tuple[float, float, float]]:
        """Vertical segments with ``low <= x <= high``."""
        self._index()
        lo = bisect.bisect_left(self._v_keys, low)
        hi = bisect.bisect_right(self._v_keys, high)
        return self.vertical[lo:hi]

    def texts_between(self, low: float, high: float) -> list[SheetText]:
        """Texts whose anchor has ``low < y < high``."""
        self._index()
        lo = bisect.bisect_right(self._y_keys, low)
        hi = bisect.bisect_left(self._y_keys, high)
        return self._by_y[lo:hi]

    @staticmethod
    def _nearest(
        keys: list[float],
        segments: list[tuple[float, float, float]],
        at: float,
        across: float,
        step: int,
        eps: float,
    ) -> float | None:
        """Position of the nearest segment beyond ``at`` (``step`` -1: below, +1: above)
        whose span covers ``across``."""
        if step < 0:
            i = bisect.bisect_left(keys, at - eps) - 1
        else:
            i = bisect.bisect_right(keys, at + eps)
        while 0 <= i < len(keys):
            position, low, high = segments[i]
            if low - eps <= across <= high + eps:
                return position
            i += step
        return None

    def cell_at(self, x: float, y: float, eps: float = 1e-6) -> Box | None:
        """The cell around (x, y): the nearest vertical segments left and right of the point
        that span its y, and the nearest horizontal segments below and above that span its x.
        None when a side has no segment."""
        self._index()
        left = self._nearest(self._v_keys, self.vertical, x, y, -1, eps)
        right = self._nearest(self._v_keys, self.vertical, x, y, +1, eps)
        if left is None or right is None:
            return None
        bottom = self._nearest(self._h_keys, self.horizontal, y, x, -1, eps)
        top = self._nearest(self._h_keys, self.horizontal, y, x, +1, eps)
        if bottom is None or top is None:
            return None
        return left, bottom, right, top

    def texts_in(
        self, box: Box, accept: Callable[[SheetText], bool] | None = None
    ) -> list[SheetText]:
        """Texts whose anchor lies inside ``box``, top to bottom then left to right."""
        left, bottom, right, top = box
        found = [
            t
            for t in self.texts_between(bottom, top)
            if left < t.x < right and (accept is None or accept(t))
        ]
        found.sort(key=lambda t: (-round(t.y / max(t.height, 1e-9) * 2), t.x))
        return found


def estimate_width(text: str, height: float) -> float:
    """Estimated width of the longest line of ``text`` at character ``height``."""
    best = 0.0
    for line in text.split("\n"):
        units = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in line)
        best = max(best, units)
    return best * height


def _rotate(dx: float, dy: float, degrees: float) -> tuple[float, float]:
    if not degrees:
        return dx, dy
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return dx * c - dy * s, dx * s + dy * c


def _inside_offset(
    width: float, height: float, horizontal: str, vertical: str
) -> tuple[float, float]:
    """Offset from an alignment point to a point inside the text box (see module docstring).
    ``horizontal`` is left/center/right, ``vertical`` baseline/bottom/middle/top (``top`` and
    ``bottom`` of the whole box for multi-line text: height is then the box height)."""
    step = min(width / 2, height) if width > 0 else height / 2
    dx = {"left": step, "center": 0.0, "right": -step}[horizontal]
    dy = {"baseline": height / 2, "bottom": height / 2, "middle": 0.0, "top": -height / 2}[vertical]
    return dx, dy


_TEXT_HALIGN = {0: "left", 1: "center", 2: "right", 3: "center", 4: "center", 5: "center"}
_TEXT_VALIGN = {0: "baseline", 1: "bottom", 2: "middle", 3: "top"}
_MTEXT_H = {0: "left", 1: "center", 2: "right"}
_MTEXT_V = {0: "top", 1: "middle", 2: "bottom"}


def text_anchor(entity: Any, plain: str) -> tuple[float, float, float] | None:
    """(x, y, character height) of a point inside a TEXT/ATTRIB/MTEXT entity (WCS), or None
    when the entity has no usable insertion point."""
    dxftype = entity.dxftype()
    dxf = entity.dxf
    if dxftype in ("TEXT", "ATTRIB", "ATTDEF"):
        height = float(dxf.get("height", 1.0) or 1.0)
        halign, valign = int(dxf.get("halign", 0) or 0), int(dxf.get("valign", 0) or 0)
        insert = Vec3(dxf.get("insert", (0, 0, 0)))
        point = insert
        if halign or valign:
            align = dxf.get("align_point")
            if align is not None:
                point = (insert + Vec3(align)) / 2 if halign in (3, 5) else Vec3(align)
        horizontal = _TEXT_HALIGN.get(halign, "left")
        vertical = "middle" if halign == 4 else _TEXT_VALIGN.get(valign, "baseline")
        width = estimate_width(plain, height) * float(dxf.get("width", 1.0) or 1.0)
        dx, dy = _inside_offset(width, height, horizontal, vertical)
        dx, dy = _rotate(dx, dy, float(dxf.get("rotation", 0.0) or 0.0))
        try:
            point = entity.ocs().to_wcs(point + Vec3(dx, dy, 0))
        except Exception:  # a degenerate extrusion vector: stay in OCS
            point = point + Vec3(dx, dy, 0)
        return point.x, point.y, height
    if dxftype == "MTEXT":
        height = float(dxf.get("char_height", 1.0) or 1.0)
        attachment = int(dxf.get("attachment_point", 1) or 1)
        column, row = (attachment - 1) % 3, (attachment - 1) // 3
        lines = max(1, plain.count("\n") + 1)
        box_height = height * (1 + (lines - 1) * _MTEXT_LINE_SPACING)
        width = estimate_width(plain, height)
        dx, dy = _inside_offset(width, box_height, _MTEXT_H[column], _MTEXT_V.get(row, "top"))
        try:
            rotation = float(entity.get_rotation())
        except Exception:
            rotation = float(dxf.get("rotation", 0.0) or 0.0)
        dx, dy = _rotate(dx, dy, rotation)
        insert = Vec3(dxf.get("insert", (0, 0, 0)))
        return insert.x + dx, insert.y + dy, height
    return None


def segments_of(entity: Any) -> Iterator[tuple[float, float, float, float]]:
    """Straight segments (x0, y0, x1, y1) of a LINE, or of the straight edges of an
    LWPOLYLINE / 2D POLYLINE (bulged edges are arcs and skipped)."""
    dxftype = entity.dxftype()
    if dxftype == "LINE":
        s, e = entity.dxf.start, entity.dxf.end
        yield s[0], s[1], e[0], e[1]
        return
    if dxftype == "LWPOLYLINE":
        points = [(p[0], p[1], p[4]) for p in entity.get_points("xyseb")]
        closed = entity.closed
        ocs = entity.ocs()
        if ocs.transform:
            points = [(*ocs.to_wcs(Vec3(x, y, 0)).vec2, b) for x, y, b in points]
    elif dxftype == "POLYLINE" and entity.is_2d_polyline:
        points = [
            (v.dxf.location[0], v.dxf.location[1], v.dxf.get("bulge", 0.0)) for v in entity.vertices
        ]
        closed = entity.is_closed
    else:
        return
    if closed and len(points) > 2:
        points.append(points[0])
    for (x0, y0, bulge), (x1, y1, _) in pairwise(points):
        if not bulge:
            yield x0, y0, x1, y1


class _BlockTextIndex:
    """Which block definitions contain (directly or through nested INSERTs) text."""

    def __init__(self, doc: Drawing) -> None:
        self._doc = doc
        self._cache: dict[str, bool] = {}

    def has_text(self, name: str, depth: int = 0) -> bool:
        key = name.casefold()
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = False  # guards against self-referencing blocks
        block = self._doc.blocks.get(name)
        found = False
        if block is not None and depth <= MAX_DEPTH:
            for entity in block:
                dxftype = entity.dxftype()
                if dxftype in ("TEXT", "MTEXT"):
                    found = True
                    break
                if dxftype == "INSERT" and self.has_text(entity.dxf.get("name", ""), depth + 1):
                    found = True
                    break
        self._cache[key] = found
        return found


def block_content(
    doc: Drawing,
    insert: DXFEntity,
    index: _BlockTextIndex | None = None,
    depth: int = 0,
) -> Iterator[DXFEntity]:
    """Virtual TEXT, MTEXT, LINE, LWPOLYLINE and POLYLINE entities (WCS) drawn by ``insert``
    and by the INSERTs nested in its block, when the block contains text somewhere. ATTDEFs
    are templates and are not drawn; ATTRIBs belong to the INSERT itself, not its block."""
    index = index or _BlockTextIndex(doc)
    if depth > MAX_DEPTH or not index.has_text(insert.dxf.get("name", "")):
        return
    multi = getattr(insert, "mcount", 1) > 1
    inserts: Iterator[Any] = insert.multi_insert() if multi else iter([insert])  # type: ignore[attr-defined]
    for one in inserts:
        for entity in one.virtual_entities():
            dxftype = entity.dxftype()
            if dxftype == "INSERT":
                yield from block_content(doc, entity, index, depth + 1)
            elif dxftype in ("TEXT", "MTEXT", "LINE", "LWPOLYLINE", "POLYLINE"):
                yield entity


def block_text_index(doc: Drawing) -> _BlockTextIndex:
    """A fresh cache for :func:`block_content`."""
    return _BlockTextIndex(doc)
