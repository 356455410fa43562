"""Text runs with coordinates, read from PDFium's text page: the input of the drawing readers
(title block, dimensions, BOM tables without ruling).

Why PDFium and not pdfplumber's ``extract_words``: PDFium keeps the characters in content-stream
order, which is the order the CAD system wrote each string in, so rotated and mirrored text
comes out as written (pdfplumber sorts characters by position and so reads text that runs
bottom-to-top backwards: ``'810,0+'`` for ``+0,018`` on the OpenAMR drive shaft, and splits
``0.543`` into ``0.5`` ``43``); and it is about 50 times faster (8 ms against 400 ms for the
drive-shaft sheet). Measured in ``bench/bench_pdf.py``.

A :class:`TextRun` is a maximal sequence of characters that share one baseline direction and
font size and follow each other along the baseline without a wide gap; PDFium's own spaces
(real or generated) become single spaces inside a run. A gap wider than
:data:`RUN_GAP_EM` (distance between character origins, in em) or a change of direction, size
or baseline starts a new run.

Frame: the page as displayed (after /Rotate, ISO 32000-1 §8.3.2.3 and Table 30), in PDF points
(1/72 inch) from the top-left corner, y downwards, the frame pdfplumber reports tables in.
``angle`` is the reading direction in degrees, counter-clockwise as seen on the displayed page:
0 reads left-to-right, 90 bottom-to-top, 180 upside down, 270 top-to-bottom.

Along a run, ``u`` is the coordinate along the reading direction and ``v`` the one towards the
top of the glyphs (both in points): :func:`local` gives them for any display point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "RUN_GAP_EM",
    "DisplayFrame",
    "Label",
    "TextRun",
    "group_labels",
    "local",
    "read_runs",
    "runs_text",
]

#: A new run starts when the next character's origin is more than this many em past the
#: previous one's along the baseline (a word space is about 0.25-0.35 em plus the glyph).
RUN_GAP_EM = 1.6
#: ... or when its baseline is off by more than this many em across the baseline ...
_BASELINE_EM = 0.4
#: ... or when its size differs by more than this share (stacked tolerances are smaller).
_SIZE_CHANGE = 0.18
#: Directions within this many degrees are the same direction.
ANGLE_TOLERANCE = 2.0

_UNMAPPED = {0x0000: "\ufffd", 0xFFFE: "\ufffd", 0xFFFF: "\ufffd"}


@dataclass(slots=True)
class TextRun:
    """Characters on one baseline, in the displayed page frame (module docstring).

    ``x0, top, x1, bottom``: axis-aligned box in points from the top-left; ``angle``: reading
    direction in degrees (0 left-to-right, 90 bottom-to-top ...); ``size``: font size in points;
    ``u0``/``u1``: extent along the reading direction and ``v``: baseline position across it
    (points, see :func:`local`); ``source``: ``"text"`` (the PDF's text layer) or ``"ocr"``;
    ``confidence``: OCR word confidence 0..100 (None for the text layer).
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    angle: float
    size: float
    u0: float
    u1: float
    v: float
    page: int
    source: Literal["text", "ocr"] = "text"
    confidence: float | None = None

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the box (x, y) in points from the top-left."""
        return ((self.x0 + self.x1) / 2, (self.top + self.bottom) / 2)

    @property
    def upright(self) -> bool:
        """True when the run reads left-to-right (within :data:`ANGLE_TOLERANCE`)."""
        return same_direction(self.angle, 0.0)


@dataclass(slots=True)
class Label:
    """One piece of drawing text as a reader sees it: a main run plus the smaller runs stacked
    after it (an upper and a lower deviation ``+0,018``/``-0,007``, or one tolerance in a
    smaller font). ``text`` joins them as ``main upper/lower`` so that the notation parser
    reads a stacked tolerance like a written ``+a/-b``."""

    text: str
    main: TextRun
    parts: list[TextRun] = field(default_factory=list)

    @property
    def position(self) -> tuple[float, float]:
        """Centre of the main run's box (x, y), points from the top-left."""
        return self.main.center


def same_direction(a: float, b: float) -> bool:
    """True when directions ``a`` and ``b`` (degrees) differ by at most ANGLE_TOLERANCE."""
    diff = abs((a - b + 180.0) % 360.0 - 180.0)
    return diff <= ANGLE_TOLERANCE


def local(angle: float, x: float, y: float) -> tuple[float, float]:
    """(u, v) of the display point (x, y) for text reading in direction ``angle`` (degrees):
    ``u`` along the reading direction, ``v`` towards the top of the glyphs; points."""
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)
    return (x * cos - y * sin, -x * sin - y * cos)


@dataclass(frozen=True, slots=True)
class DisplayFrame:
    """Maps PDF user space of one page (after the crop box) to the displayed frame: points
    from the top-left, y down, after /Rotate (0, 90, 180 or 270, clockwise)."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int

    @property
    def width(self) -> float:
        """Displayed width in points."""
        w, h = self.right - self.left, self.top - self.bottom
        return h if self.rotation in (90, 270) else w

    @property
    def height(self) -> float:
        """Displayed height in points."""
        w, h = self.right - self.left, self.top - self.bottom
        return w if self.rotation in (90, 270) else h

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Display (x, y) of the user-space point (x, y)."""
        rot = self.rotation
        if rot == 90:
            return (y - self.bottom, x - self.left)
        if rot == 180:
            return (self.right - x, y - self.bottom)
        if rot == 270:
            return (self.top - y, self.right - x)
        return (x - self.left, self.top - y)

    def vector(self, dx: float, dy: float) -> tuple[float, float]:
        """Display vector of the user-space vector (dx, dy) (y down)."""
        rot = self.rotation
        if rot == 90:
            return (dy, dx)
        if rot == 180:
            return (-dx, dy)
        if rot == 270:
            return (-dy, -dx)
        return (dx, -dy)


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    angle: float
    size: float
    ox: float  # baseline origin, display frame
    oy: float
    space_before: bool


def _page_frame(page: Any) -> DisplayFrame:
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    return DisplayFrame(left, bottom, right, top, rotation if rotation in (90, 180, 270) else 0)


def _chars(textpage: Any, frame: DisplayFrame) -> list[_Char]:
    """Every visible character of the text page with its display geometry (spaces and
    PDFium's generated line breaks become ``space_before`` on the next character)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return []
    matrix = pdfium_c.FS_MATRIX()
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetCharBox
    get_matrix = pdfium_c.FPDFText_GetMatrix
    get_size = pdfium_c.FPDFText_GetFontSize
    get_origin = pdfium_c.FPDFText_GetCharOrigin
    width, height = frame.width, frame.height
    chars: list[_Char] = []
    pending_space = False
    for index in range(count):
        code = get_unicode(raw, index)
        if code in (0x20, 0x0A, 0x0D, 0x09, 0xA0):
            pending_space = True
            continue
        # PDFium marks a hyphen at the end of a line as U+0002; here it is a plain '-' ("-A-")
        text = "-" if code == 0x02 else (_UNMAPPED.get(code) or chr(code))
        if not get_box(raw, index, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom),
                       ctypes.byref(top)):  # fmt: skip
            continue
        get_matrix(raw, index, matrix)
        get_origin(raw, index, ctypes.byref(ox), ctypes.byref(oy))
        scale = get_size(raw, index) or 1.0
        size = scale * math.hypot(matrix.c, matrix.d)
        if size <= 0:
            size = scale * math.hypot(matrix.a, matrix.b)
        dx, dy = frame.vector(matrix.a, matrix.b)
        angle = math.degrees(math.atan2(-dy, dx)) % 360.0
        corners = [
            frame.point(x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)
        ]
        xs = [p[0] for p in corners]
        ys = [p[1] for p in corners]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if x1 < 0 or y1 < 0 or x0 > width or y0 > height:
            continue  # off the page: hidden text (the drive shaft's mojibake version string)
        px, py = frame.point(ox.value, oy.value)
        space = pending_space and bool(chars)
        chars.append(_Char(text, x0, y0, x1, y1, angle, max(size, 0.1), px, py, space))
        pending_space = False
    return chars


def _char_extent(char: _Char) -> tuple[float, float]:
    """(u_min, u_max) of a character's box along its reading direction."""
    us = [local(char.angle, x, y)[0] for x in (char.x0, char.x1) for y in (char.top, char.bottom)]
    if not (same_direction(char.angle % 90.0, 0.0) or same_direction(char.angle % 90.0, 90.0)):
        # the axis-aligned box of a glyph at an odd angle overstates its extent: use the origin
        u_origin = local(char.angle, char.ox, char.oy)[0]
        return (u_origin, u_origin + 0.6 * char.size)
    return (min(us), max(us))


def _build_runs(chars: Sequence[_Char], page: int) -> list[TextRun]:
    runs: list[TextRun] = []
    current: list[_Char] = []

    def flush() -> None:
        if not current:
            return
        first = current[0]
        pieces: list[str] = []
        for ch in current:
            if ch.space_before and pieces:
                pieces.append(" ")
            pieces.append(ch.text)
        text = "".join(pieces).strip()
        if text:
            extents = [_char_extent(ch) for ch in current]
            runs.append(
                TextRun(
                    text=text,
                    x0=round(min(ch.x0 for ch in current), 2),
                    top=round(min(ch.top for ch in current), 2),
                    x1=round(max(ch.x1 for ch in current), 2),
                    bottom=round(max(ch.bottom for ch in current), 2),
                    angle=round(first.angle, 1),
                    size=round(max(ch.size for ch in current), 2),
                    u0=min(e[0] for e in extents),
                    u1=max(e[1] for e in extents),
                    v=local(first.angle, first.ox, first.oy)[1],
                    page=page,
                )
            )
        current.clear()

    for ch in chars:
        if current:
            prev = current[-1]
            size = max(prev.size, ch.size)
            du, dv = local(prev.angle, ch.ox - prev.ox, ch.oy - prev.oy)
            if (
                not same_direction(prev.angle, ch.angle)
                or abs(ch.size - prev.size) > _SIZE_CHANGE * size
                or abs(dv) > _BASELINE_EM * size
                or du > RUN_GAP_EM * size
                or du < -0.3 * size
            ):
                flush()
        current.append(ch)
    flush()
    return runs


def read_runs(page: Any, textpage: Any, number: int) -> list[TextRun]:
    """The text runs of one PDFium page (``page``: ``pypdfium2.PdfPage``, ``textpage`` its
    ``PdfTextPage``; ``number`` is the 1-based page number stored on each run). Characters
    outside the displayed page (hidden text) are dropped; unmapped glyphs become U+FFFD."""
    frame = _page_frame(page)
    return _build_runs(_chars(textpage, frame), number)


def runs_text(runs: Iterable[TextRun]) -> str:
    """Plain text of runs in reading order of upright lines (top to bottom, left to right);
    rotated runs follow, each on its own line. Used for OCR page text."""
    upright = sorted((r for r in runs if r.upright), key=lambda r: (r.top, r.x0))
    lines: list[list[TextRun]] = []
    for run in upright:
        if lines and abs(lines[-1][0].center[1] - run.center[1]) <= 0.5 * max(run.size, 1.0):
            lines[-1].append(run)
        else:
            lines.append([run])
    text_lines = [" ".join(r.text for r in sorted(line, key=lambda r: r.x0)) for line in lines]
    return "\n".join(text_lines)


def _stack_lines(parts: list[TextRun]) -> list[list[TextRun]]:
    """Group the small runs of a stack into lines by baseline (highest first)."""
    lines: list[list[TextRun]] = []
    for run in sorted(parts, key=lambda r: -r.v):
        if lines and abs(lines[-1][0].v - run.v) <= 0.45 * run.size:
            lines[-1].append(run)
        else:
            lines.append([run])
    return [sorted(line, key=lambda r: r.u0) for line in lines]


def group_labels(
    runs: Sequence[TextRun], keep: Callable[[TextRun], bool] | None = None
) -> list[Label]:
    """Join each run with the smaller runs stacked right after it along its baseline (a
    tolerance stack ``+0,018``/``-0,007`` next to ``Ø10 H7``) into :class:`Label` objects; runs
    that belong to no stack are labels of their own. ``keep`` filters the runs first.

    A small run (50-90 % of the main run's size, same direction) belongs to the stack when it
    starts no earlier than 0.3 em before the main run's end and no later than 1.2 em after it
    (or after the stack's previous run), and its baseline lies within -0.6 .. +1.0 em of the
    main baseline. One line of small runs gives ``main line``; two or more give
    ``main upper/lower`` (the highest and lowest line).
    """
    pool = [r for r in runs if keep is None or keep(r)]
    used: set[int] = set()
    labels: list[Label] = []
    order = sorted(range(len(pool)), key=lambda i: -pool[i].size)
    by_direction: dict[int, list[int]] = {}
    for i, run in enumerate(pool):
        by_direction.setdefault(round(run.angle) % 360, []).append(i)
    for i in order:
        if i in used:
            continue
        main = pool[i]
        used.add(i)
        em = main.size
        candidates = [
            j
            for key in {(round(main.angle) + d) % 360 for d in (-2, -1, 0, 1, 2)}
            for j in by_direction.get(key, [])
            if j not in used
            and 0.5 * em <= pool[j].size <= 0.9 * em
            and same_direction(pool[j].angle, main.angle)
            and -0.6 * em <= pool[j].v - main.v <= 1.0 * em
            and pool[j].u0 >= main.u1 - 0.3 * em
        ]
        candidates.sort(key=lambda j: pool[j].u0)
        parts: list[TextRun] = []
        reach = main.u1 + 1.2 * em
        for j in candidates:
            if pool[j].u0 > reach:
                break
            parts.append(pool[j])
            used.add(j)
            reach = max(reach, pool[j].u1 + 1.2 * pool[j].size)
        if not parts:
            labels.append(Label(main.text, main))
            continue
        lines = [" ".join(r.text for r in line).replace("+ ", "+").replace("- ", "-")
                 for line in _stack_lines(parts)]  # fmt: skip
        if len(lines) == 1:
            text = f"{main.text} {lines[0]}"
        else:
            text = f"{main.text} {lines[0]}/{lines[-1]}"
        labels.append(Label(text, main, parts))
    labels.sort(key=lambda label: (label.main.top, label.main.x0))
    return labels
