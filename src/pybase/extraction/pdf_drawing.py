"""Drawing facts from a PDF page's text: dimensions with tolerances and fits, GD&T feature
control frames, datum feature symbols, threads, surface texture, and the drawing's length unit.

Input: the page's :class:`~pybase.extraction.pdf_words.TextRun` list (text layer or OCR), with
the title block region and the tables left out by the caller. Runs are joined with the smaller
runs stacked after them (:func:`~pybase.extraction.pdf_words.group_labels`: a tolerance stack
``+0,018``/``-0,007`` set beside ``10 H7`` reads ``10 H7 +0,018/-0,007``), and every label goes
through :func:`pybase.extraction.notation.parse_notation`; all parsing rules are there.

What is kept, and what is not:

* a label that parses as a dimension but carries an unknown word (``400W``, ``1.27NM``: values
  with units of other quantities) is not a dimension;
* a count note alone (``16 places``, ``4x``) is no dimension;
* a bare number in the outer 3 % band of the sheet is a zone mark of the border (ISO 5457),
  not a dimension; text turned by 180° is the GOST extra column (the drawing number again);
* prose (notes) gives threads (``M8x1.25-6H`` inside a sentence) but no dimensions;
* datum feature symbols only in explicit forms (``-A-``, ``[A]``, ``DATUM A``): a boxed letter
  is a letter in a vector box, and a bare letter is as often a section or view name;
* symbols drawn as vector paths or in fonts without a Unicode map (the Ø of SOLIDWORKS
  drawings, GD&T characteristic symbols of AutoCAD PDFs) are not in the text, so such a
  dimension reads as linear and such a frame is not recognised.

Length unit: a note such as ``UNITS: INCHES``, ``ALL DIMENSIONS ARE IN MM``, ``Maße in mm``
(:func:`drawing_unit`); without one, millimetres (the ISO 129-1 convention). Surface texture on
an inch drawing is in microinches (ASME Y14.36).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pybase.extraction.notation import (
    DatumFeature,
    FeatureControlFrame,
    GeneralTolerance,
    ParsedDimension,
    SurfaceTexture,
    Thread,
    parse_dimension,
    parse_notation,
    parse_surface_texture,
    parse_thread,
)
from pybase.extraction.pdf_words import Label, TextRun, group_labels, same_direction
from pybase.extraction.result import Dimension, Issue, NotationSource

__all__ = ["DrawingFacts", "drawing_unit", "read_drawing_facts"]

_UNIT_PATTERNS = [
    re.compile(
        r"\bUNITS?\s*[:=]?\s*(?P<unit>INCH(?:ES)?|MILLIMET(?:ER|RE)S?|MM|METERS?|METRES?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bDIMENSIONS?\s+(?:ARE\s+)?(?:IN|ARE)\s+(?P<unit>MM|MILLIMET\w+|INCH(?:ES)?|METERS?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:MA(?:ß|SS)E|MA(?:ß|SS)ANGABEN|COTES|РАЗМЕРЫ)\s+(?:IN|EN|В)\s+(?P<unit>MM|ММ|INCH)",
        re.IGNORECASE,
    ),
]
_UNIT_NAMES = {"inch": "inch", "inches": "inch", "mm": "mm", "мм": "mm", "meter": "m"}

_PROSE_WORD = re.compile(r"[^\W\d_]{4,}")
_NOTATION_WORDS = frozenset(
    {"max", "min", "thru", "through", "deep", "typ", "typical", "places", "plcs", "holes",
     "hole", "slots", "slot", "bsc", "basic", "dia", "diam", "durch", "down", "up"}
)  # fmt: skip
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
_DATUM_FORM = re.compile(r"^(?:-[A-Z]{1,2}-|\[[A-Z]{1,2}\]|DATUM\s+[A-Z]{1,2})$")
_COUNT_TAIL = re.compile(r"\d+\s*[xX]$")
_COUNT_ONLY = re.compile(r"^\d+\s*(?:x|places|plcs|pl|stellen|fois)\.?$", re.IGNORECASE)
_DIMENSION_KINDS = {
    "linear": "linear",
    "square": "linear",
    "chamfer": "linear",
    "diameter": "diameter",
    "spherical_diameter": "diameter",
    "radius": "radius",
    "controlled_radius": "radius",
    "spherical_radius": "radius",
    "angle": "angular",
}


@dataclass(slots=True)
class DrawingFacts:
    """What :func:`read_drawing_facts` found on one page."""

    dimensions: list[Dimension] = field(default_factory=list)
    gdt: list[FeatureControlFrame] = field(default_factory=list)
    datums: list[DatumFeature] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    surface_textures: list[SurfaceTexture] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: where each gdt/datums/threads/surface_textures entry was read, in list order per
    #: section: (section, index in that section's list, text, page, position in points)
    sources: list[NotationSource] = field(default_factory=list)

    def add(self, section: str, item: object, label: Label) -> None:
        """Append ``item`` to ``section`` and record where it was read."""
        items: list[Any] = getattr(self, section)
        items.append(item)
        x, y = label.position
        self.sources.append(
            NotationSource(
                section=section,
                index=len(items) - 1,
                text=label.text,
                page=label.main.page,
                position=(round(x, 2), round(y, 2)),
            )
        )


def drawing_unit(runs: Iterable[TextRun]) -> tuple[str, str] | None:
    """(length unit name, the note that says it) from a units note on the page, or None."""
    for run in runs:
        for pattern in _UNIT_PATTERNS:
            match = pattern.search(run.text)
            if match is not None:
                word = match.group("unit").casefold()
                unit = _UNIT_NAMES.get(word)
                if unit is None:
                    unit = (
                        "inch" if word.startswith("inch")
                        else "mm" if word.startswith(("millim", "mm"))
                        else "m"
                    )  # fmt: skip
                return unit, run.text
    return None


def _is_prose(text: str) -> bool:
    words = [w for w in _PROSE_WORD.findall(text) if w.casefold() not in _NOTATION_WORDS]
    return len(words) >= 2 or (len(words) == 1 and len(text) > 25)


def _join_counts(runs: Sequence[TextRun]) -> list[TextRun]:
    """``6 x`` and ``16`` on one baseline (the Ø between them drawn as a vector symbol) become
    one run ``6 x 16``; everything else is returned as it is."""
    joined: list[TextRun] = []
    consumed: set[int] = set()
    for i, run in enumerate(runs):
        if i in consumed:
            continue
        if _COUNT_TAIL.search(run.text):
            best = None
            for j, other in enumerate(runs):
                if j == i or j in consumed or not same_direction(other.angle, run.angle):
                    continue
                gap = other.u0 - run.u1
                if (
                    abs(other.v - run.v) <= 0.3 * run.size
                    and -0.2 * run.size <= gap <= 3.0 * run.size
                    and (best is None or gap < best[0])
                ):
                    best = (gap, j)
            if best is not None:
                other = runs[best[1]]
                consumed.add(best[1])
                run = TextRun(
                    text=f"{run.text} {other.text}",
                    x0=min(run.x0, other.x0),
                    top=min(run.top, other.top),
                    x1=max(run.x1, other.x1),
                    bottom=max(run.bottom, other.bottom),
                    angle=run.angle,
                    size=run.size,
                    u0=run.u0,
                    u1=other.u1,
                    v=run.v,
                    page=run.page,
                    source=run.source,
                    confidence=run.confidence,
                )
        joined.append(run)
    return joined


def read_drawing_facts(
    runs: Sequence[TextRun],
    width: float,
    height: float,
    *,
    unit: str,
    general: GeneralTolerance | None = None,
) -> DrawingFacts:
    """Parse the notation in one page's runs (rules in the module docstring).

    ``width``/``height``: the displayed page in points; ``unit``: the drawing's length unit
    (every dimension, deviation and thread depth is in it); ``general``: the sheet's general
    tolerance, written into ``parsed.tolerance`` of dimensions without a tolerance of their
    own (ISO 2768-1). ``Dimension.position`` is the centre of the text in points from the
    page's top-left corner.

    Issues: ``dimension_tolerance_mismatch`` (info) when written deviations disagree with the
    ISO 286 fit they stand next to (``150 h11 -0,22``: h11 is 0/-0.25).
    """
    facts = DrawingFacts()
    margin_x, margin_y = 0.03 * width, 0.03 * height

    def keep(run: TextRun) -> bool:
        if same_direction(run.angle, 180.0):
            return False
        if _BARE_NUMBER.match(run.text):
            x, y = run.center
            if x < margin_x or x > width - margin_x or y < margin_y or y > height - margin_y:
                return False
        return True

    for label in group_labels(_join_counts([r for r in runs if keep(r)])):
        _read_label(label, unit, general, facts)
    return facts


def _read_label(
    label: Label, unit: str, general: GeneralTolerance | None, facts: DrawingFacts
) -> None:
    text = label.text.strip()
    if not text:
        return
    page = label.main.page
    if _COUNT_ONLY.match(text):
        return  # "16 places": a count note under a detail view, no size
    if _DATUM_FORM.match(text):
        datum = DatumFeature(label=re.sub(r"[^A-Z]", "", text.removeprefix("DATUM")))
        facts.add("datums", datum, label)
        return
    if _is_prose(text):
        thread = parse_thread(text, unit)
        if thread is not None:
            facts.add("threads", thread, label)
        return
    notation = parse_notation(text, unit)
    if (
        isinstance(notation, ParsedDimension)
        and general is not None
        and not (notation.tolerance or notation.fit)
    ):
        notation = parse_dimension(text, unit, general=general) or notation
    if isinstance(notation, FeatureControlFrame):
        facts.add("gdt", notation, label)
    elif isinstance(notation, Thread):
        facts.add("threads", notation, label)
    elif isinstance(notation, SurfaceTexture):
        if unit == "inch" and not re.search(r"µ|u(?:m|in)|micro", text, re.IGNORECASE):
            notation = parse_surface_texture(text, "microinch") or notation
        facts.add("surface_textures", notation, label)
    elif isinstance(notation, ParsedDimension):
        if any(w.startswith("unrecognised word") for w in notation.warnings):
            return
        facts.dimensions.append(_dimension(notation, label, unit))
        for warning in notation.warnings:
            if "disagree" in warning:
                facts.issues.append(
                    Issue(
                        code="dimension_tolerance_mismatch",
                        message=f"{text!r}: {warning}",
                        severity="info",
                        location=f"page {page}",
                    )
                )


def _dimension(parsed: ParsedDimension, label: Label, unit: str) -> Dimension:
    upper = lower = None
    if parsed.tolerance is not None:
        upper, lower = parsed.tolerance.upper, parsed.tolerance.lower
    elif parsed.fit is not None:
        single = parsed.fit.hole if parsed.fit.shaft is None else parsed.fit.shaft
        if parsed.fit.hole is None or parsed.fit.shaft is None:
            upper, lower = (single.upper, single.lower) if single is not None else (None, None)
    x, y = label.position
    return Dimension(
        kind=_DIMENSION_KINDS.get(parsed.kind, "unknown"),
        text=label.text,
        unit="deg" if parsed.kind == "angle" else unit,
        upper_deviation=upper,
        lower_deviation=lower,
        page=label.main.page,
        position=(round(x, 2), round(y, 2)),
        parsed=parsed,
    )
