"""Engineering notation: what drawings say, parsed into typed values with units.

One module for the DXF, PDF and Werk24 paths. Pure Python (``re`` and pydantic), no format
library. Every parse function takes the text as the drawing stores it (DXF/MTEXT codes
allowed), returns a typed model or None, and never raises on bad input; recoverable oddities
are in the model's ``warnings``.

========================================  =====================================================
:func:`parse_dimension`                   ``4X Ø12 H7``, ``R5 ±0.1``, ``30°15'``, ``1x45°``
:func:`parse_tolerance`                   ``±0.1``, ``+0.1/-0.05``, ``12.00/11.95``
:func:`parse_fit` / :func:`tolerance_class`  ``H7/g6`` / ``H7`` at a size, from ISO 286 tables
:func:`parse_general_tolerance`           ``ISO 2768-mK`` notes; :func:`iso2768_deviation`
:func:`parse_thread`                      ``M8x1.25-6H``, ``1/4-20 UNC-2B``, ``G1/2 A``, NPT
:func:`parse_surface_texture`             ``Ra 3.2``, ``Rz 16``, ``N7``
:func:`parse_feature_control_frame`       ``|⌖|Ø0.1Ⓜ|A|B|C|``, words, look-alikes
:func:`parse_dxf_tolerance`               DXF TOLERANCE ``{\\Fgdt;j}%%v...`` -> frames
:func:`parse_datum_feature`               ``-A-``, ``[A]``
:func:`parse_bend_note`                   ``UP 90° R 1.5``
:func:`parse_notation`                    any of the above, whichever the text is
:func:`decode_mtext` / :func:`decode_dxf_text` / :func:`normalize`  the encodings
========================================  =====================================================

Lengths are in the unit the caller passes (default ``"mm"``); angles in degrees; surface
texture in µm (``"um"``) or ``"microinch"``; threads carry :class:`Length` values in their
system's unit. ``format_*`` functions give each value's canonical text, which parses back to
the same value.
"""

from __future__ import annotations

import re

from pybase.extraction.notation.dimensions import (
    format_dimension,
    parse_bend_note,
    parse_dimension,
)
from pybase.extraction.notation.encodings import (
    GDT_FONT,
    decode_dxf_text,
    decode_mtext,
    normalize,
)
from pybase.extraction.notation.gdt import (
    CHARACTERISTIC_SYMBOLS,
    format_feature_control_frame,
    parse_datum_feature,
    parse_dxf_tolerance,
    parse_feature_control_frame,
)
from pybase.extraction.notation.iso286 import (
    limit_deviations_um,
    standard_tolerance_um,
)
from pybase.extraction.notation.iso2768 import (
    iso2768_angular_deviation,
    iso2768_deviation,
    parse_general_tolerance,
)
from pybase.extraction.notation.models import (
    Characteristic,
    DatumFeature,
    DatumReference,
    DimensionKind,
    FeatureControlFrame,
    Fit,
    GdtModifier,
    GeneralTolerance,
    Length,
    ParsedDimension,
    SheetMetalBend,
    SurfaceTexture,
    Thread,
    Tolerance,
    ToleranceClass,
)
from pybase.extraction.notation.roughness import (
    format_surface_texture,
    parse_surface_texture,
)
from pybase.extraction.notation.threads import format_thread, parse_thread
from pybase.extraction.notation.tolerances import parse_fit, parse_tolerance, tolerance_class

__all__ = [
    "CHARACTERISTIC_SYMBOLS",
    "GDT_FONT",
    "Characteristic",
    "DatumFeature",
    "DatumReference",
    "DimensionKind",
    "FeatureControlFrame",
    "Fit",
    "GdtModifier",
    "GeneralTolerance",
    "Length",
    "Notation",
    "ParsedDimension",
    "SheetMetalBend",
    "SurfaceTexture",
    "Thread",
    "Tolerance",
    "ToleranceClass",
    "decode_dxf_text",
    "decode_mtext",
    "format_dimension",
    "format_feature_control_frame",
    "format_surface_texture",
    "format_thread",
    "iso2768_angular_deviation",
    "iso2768_deviation",
    "limit_deviations_um",
    "normalize",
    "parse_bend_note",
    "parse_datum_feature",
    "parse_dimension",
    "parse_dxf_tolerance",
    "parse_feature_control_frame",
    "parse_fit",
    "parse_general_tolerance",
    "parse_notation",
    "parse_surface_texture",
    "parse_thread",
    "parse_tolerance",
    "standard_tolerance_um",
    "tolerance_class",
]

#: What :func:`parse_notation` can return.
Notation = (
    FeatureControlFrame
    | GeneralTolerance
    | Thread
    | SurfaceTexture
    | SheetMetalBend
    | ParsedDimension
)


def parse_notation(text: str, unit: str = "mm") -> Notation | None:
    """Parse one piece of drawing text as whichever notation it is, trying in order: feature
    control frame, general-tolerance note, thread, surface texture, bend note, dimension.
    ``unit`` is the drawing's length unit. None when it is none of them; never raises."""
    decoded = decode_mtext(text)
    if _DIGIT_RE.search(decoded) is None:
        return None  # every notation has a digit
    for attempt in (
        lambda: parse_feature_control_frame(decoded, unit),
        lambda: parse_general_tolerance(decoded),
        lambda: parse_thread(decoded, unit) if _looks_threaded(decoded) else None,
        lambda: parse_surface_texture(decoded),
        lambda: parse_bend_note(decoded, unit),
        lambda: parse_dimension(decoded, unit),
    ):
        result = attempt()
        if result is not None:
            return result
    return None


_DIGIT_RE = re.compile(r"\d")


def _looks_threaded(text: str) -> bool:
    """Cheap pre-check so that plain numbers skip the four thread patterns."""
    return any(marker in text for marker in ("M", "UN", "NP", "G", "R"))
