"""Typed values of engineering notation: what :mod:`pybase.extraction.notation` parses into.

All models are pydantic (``extra="forbid"``), JSON-ready, and carry their units:

* lengths (nominal sizes, deviations, depths, GD&T tolerance values) are in ``unit``, a name
  from :data:`pybase.extraction.result.LENGTH_UNITS` (``"mm"``, ``"inch"`` ...), normally the
  unit the caller passed to the parse function;
* angles are in degrees (``unit="deg"`` on an angular :class:`ParsedDimension`);
* surface-texture values are in ``"um"`` (micrometre) or ``"microinch"``;
* threads use :class:`Length` fields (value + unit), since a thread's own system fixes its
  unit (ISO metric: mm; unified and NPT: inch; ISO 228 / ISO 7 pipe: mm).

This module imports nothing from the rest of pybase, so that
:mod:`pybase.extraction.result` can use these models without an import cycle.

Every model has ``warnings``: recoverable oddities found while parsing (an unknown suffix, a
deviation that disagrees with the ISO 286 table ...). Callers turn them into result issues.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Characteristic",
    "DatumFeature",
    "DatumReference",
    "DimensionKind",
    "FeatureControlFrame",
    "Fit",
    "GdtModifier",
    "GeneralTolerance",
    "Length",
    "ParsedDimension",
    "SheetMetalBend",
    "SurfaceTexture",
    "Thread",
    "Tolerance",
    "ToleranceClass",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Length(_Model):
    """A length with its unit, e.g. ``Length(value=1.25, unit="mm")``; the same JSON shape as
    :class:`pybase.extraction.result.Quantity`."""

    value: float
    unit: str


DimensionKind = Literal[
    "linear",
    "diameter",
    "radius",
    "controlled_radius",
    "spherical_radius",
    "spherical_diameter",
    "square",
    "angle",
    "chamfer",
]

#: The 14 geometric characteristics of ASME Y14.5-2018 / ISO 1101:2017
#: (``concentricity`` is ISO's "coaxiality/concentricity").
Characteristic = Literal[
    "straightness",
    "flatness",
    "circularity",
    "cylindricity",
    "profile_of_a_line",
    "profile_of_a_surface",
    "angularity",
    "perpendicularity",
    "parallelism",
    "position",
    "concentricity",
    "symmetry",
    "circular_runout",
    "total_runout",
]

#: Modifiers in a tolerance or datum compartment (ASME Y14.5-2018, ISO 1101:2017):
#: Ⓜ ``mmc``, Ⓛ ``lmc``, Ⓢ ``rfs`` (1982 and earlier), Ⓟ ``projected``, Ⓕ ``free_state``,
#: Ⓣ ``tangent_plane``, Ⓤ ``unequal``, ⟨ST⟩ ``statistical``, CZ ``combined_zone``,
#: Ⓔ ``envelope``, Ⓘ ``independency``, ▷ ``translation``.
GdtModifier = Literal[
    "mmc",
    "lmc",
    "rfs",
    "projected",
    "free_state",
    "tangent_plane",
    "unequal",
    "statistical",
    "combined_zone",
    "envelope",
    "independency",
    "translation",
]


class GeneralTolerance(_Model):
    """A general-tolerance note (ISO 2768-1 class for linear and angular sizes, optionally the
    ISO 2768-2 class for geometrical tolerances), e.g. ``ISO 2768-mK`` -> linear ``m``,
    geometric ``K``. Resolve deviations with :func:`~pybase.extraction.notation.iso2768_deviation`.
    """

    standard: str = Field(
        description="as cited, normalised: 'ISO 2768', 'DIN ISO 2768', 'DIN 7168'"
    )
    linear_class: Literal["f", "m", "c", "v"] = Field(
        description="ISO 2768-1 tolerance class: fine, medium, coarse, very coarse"
    )
    geometric_class: Literal["H", "K", "L"] | None = Field(
        None, description="ISO 2768-2 class for straightness, flatness, perpendicularity ..."
    )
    warnings: list[str] = Field(default_factory=list)


class ToleranceClass(_Model):
    """An ISO 286-1 tolerance class: fundamental deviation identifier + standard tolerance grade
    (``H7``, ``g6``, ``JS11``, ``zc9``), resolved for one nominal size.

    ``upper``/``lower`` are the upper and lower limit deviations (ES/EI for a hole, es/ei for
    a shaft) in ``unit``; None when ISO 286 defines no value for that letter, grade and size.
    """

    designation: str = Field(description="e.g. 'H7', 'g6', 'js11', 'IT01' grade written '01'")
    letter: str = Field(description="fundamental deviation identifier, e.g. 'H', 'js', 'ZC'")
    grade: str = Field(description="standard tolerance grade number: '01', '0', '1' .. '18'")
    feature: Literal["hole", "shaft"]
    upper: float | None = None
    lower: float | None = None
    unit: str = "mm"


class Fit(_Model):
    """An ISO 286 fit (``H7/g6``) or a single tolerance class (``H7``) for a nominal size.

    ``fit_type`` and the clearances are set when both hole and shaft are known and resolved:
    maximum clearance = ES - ei, minimum clearance = EI - es (negative values are
    interference), in ``unit``.
    """

    designation: str = Field(description="canonical, e.g. 'H7/g6' or 'H7'")
    nominal: float
    unit: str = "mm"
    hole: ToleranceClass | None = None
    shaft: ToleranceClass | None = None
    fit_type: Literal["clearance", "transition", "interference"] | None = None
    max_clearance: float | None = None
    min_clearance: float | None = None
    warnings: list[str] = Field(default_factory=list)


class Tolerance(_Model):
    """Permissible deviations of a size, in ``unit`` (degrees for angles).

    ``kind``: ``symmetric`` (±t), ``deviations`` (+a/-b, one side may be 0), ``limits``
    (12.00/11.95: ``upper_limit``/``lower_limit`` are the written sizes, deviations are from
    their mean), ``tolerance_class`` (an ISO 286 class such as H7), ``general`` (from an ISO
    2768 note; ``source`` names it).
    """

    kind: Literal["symmetric", "deviations", "limits", "tolerance_class", "general"]
    upper: float = Field(description="upper deviation (added to the nominal)")
    lower: float = Field(description="lower deviation (added to the nominal, usually <= 0)")
    unit: str = "mm"
    upper_limit: float | None = Field(None, description="only for kind='limits'")
    lower_limit: float | None = Field(None, description="only for kind='limits'")
    source: str | None = Field(None, description="e.g. 'H7', 'ISO 2768-m'")


class ParsedDimension(_Model):
    """A dimension as written on a drawing, e.g. ``4X Ø12 H7``, ``R5 ±0.1``, ``30°15'``,
    ``1x45°``, ``(25)``.

    ``nominal`` is in ``unit`` (the caller's length unit, or ``"deg"`` for angles). For a
    chamfer ``nominal`` is the leg length and ``chamfer_angle`` the angle in degrees.
    ``upper_limit``/``lower_limit`` (limits of size) are set whenever a tolerance is known.
    """

    text: str = Field(description="the input, decoded and normalised")
    kind: DimensionKind
    nominal: float
    unit: str
    count: int | None = Field(None, description="'4X' prefix: number of features")
    chamfer_angle: float | None = Field(None, description="degrees, chamfers only")
    tolerance: Tolerance | None = None
    fit: Fit | None = None
    upper_limit: float | None = None
    lower_limit: float | None = None
    reference: bool = Field(False, description="'(25)' or 'REF': auxiliary, not toleranced")
    basic: bool = Field(False, description="'[25]', boxed or 'BSC': theoretically exact")
    limit: Literal["max", "min"] | None = Field(None, description="'R0.2 MAX' single limit")
    feature: Literal["counterbore", "countersink", "spotface"] | None = None
    depth: float | None = Field(None, description="'↧5' / '5 DEEP', in unit")
    through: bool = False
    text_unit: str | None = Field(
        None, description="a unit written in the text ('25 mm', '1/2\"'), converted to unit"
    )
    note: str | None = Field(None, description="remaining words: 'TYP', 'EQ SP', '*' ...")
    warnings: list[str] = Field(default_factory=list)


class SheetMetalBend(_Model):
    """A sheet-metal bend note such as ``UP 90° R 1.5`` (flat-pattern bend lines):
    direction, bend angle in degrees, inside radius in ``unit``."""

    direction: Literal["up", "down"]
    angle: float
    radius: float | None = None
    unit: str = "mm"
    warnings: list[str] = Field(default_factory=list)


class Thread(_Model):
    """A screw-thread designation.

    ``system``: ``metric`` (ISO 261/965, ``M8x1.25-6H``), ``unified`` (ASME B1.1,
    ``1/4-20 UNC-2B``), ``pipe_parallel`` (ISO 228-1 ``G1/2 A``, ISO 7-1 ``Rp``),
    ``pipe_taper`` (ISO 7-1 ``R``/``Rc``), ``npt`` (ASME B1.20.1 ``1/2-14 NPT``).
    ``nominal_diameter`` is the basic major diameter (metric: mm; unified/NPT: inch; ISO 228 /
    ISO 7: mm, from their tables); ``pitch`` in the same unit. ``depth``/``length`` keep the
    unit they were read in (the caller's length unit unless the text says otherwise).
    """

    designation: str = Field(description="canonical designation, e.g. 'M8x1.25-6H'")
    system: Literal["metric", "unified", "pipe_parallel", "pipe_taper", "npt"]
    series: str | None = Field(None, description="'UNC', 'UNF', 'G', 'R', 'Rp', 'NPT' ...")
    size: str | None = Field(None, description="size designation as written: '1/4', '#10', '1/2'")
    nominal_diameter: Length | None = None
    pitch: Length | None = None
    threads_per_inch: float | None = None
    coarse_pitch: bool = Field(False, description="pitch taken from the ISO 261 coarse series")
    tolerance_class: str | None = Field(None, description="'6H', '6g', '2B', 'A' ...")
    internal: bool | None = Field(None, description="from the tolerance class when it says")
    handedness: Literal["right", "left"] = "right"
    count: int | None = None
    depth: Length | None = None
    through: bool = False
    length: Length | None = Field(None, description="'M16x130': fastener length")
    warnings: list[str] = Field(default_factory=list)


class SurfaceTexture(_Model):
    """A surface-texture requirement (ISO 1302:2002 / ISO 21920-1:2021, ASME Y14.36-2018):
    a parameter and its limit value, e.g. ``Ra 3.2`` -> parameter ``Ra``, value 3.2 ``um``.
    ``roughness_grade`` keeps an ISO 1302:1992 N-grade (``N7`` -> Ra 1.6 µm)."""

    parameter: str = Field(description="'Ra', 'Rz', 'Rq', 'Rt', 'Rmax', 'Wa' ...")
    value: float
    unit: Literal["um", "microinch"] = "um"
    limit: Literal["upper", "lower"] | None = Field(
        None, description="'U'/'max' upper (the default rule: 16 %), 'L'/'min' lower"
    )
    roughness_grade: str | None = None
    process: Literal["any", "material_removal_required", "material_removal_prohibited"] | None = (
        None
    )
    warnings: list[str] = Field(default_factory=list)


class DatumReference(_Model):
    """A datum reference in a feature control frame: label (``A``, or ``A-B`` for a common
    datum) and its modifiers (``mmc``, ``lmc`` ...)."""

    label: str
    modifiers: list[GdtModifier] = Field(default_factory=list)


class DatumFeature(_Model):
    """A datum feature symbol (``-A-`` in ANSI Y14.5M-1982, a boxed letter with a triangle in
    ASME Y14.5-2018 / ISO 5459)."""

    label: str


class FeatureControlFrame(_Model):
    """One row of a GD&T feature control frame (ASME Y14.5-2018 / ISO 1101:2017).

    ``tolerance`` is the tolerance value in ``unit``; ``zone_shape`` says whether it is a
    diameter (Ø) or spherical diameter (SØ) zone. ``datums`` are in order: primary, secondary,
    tertiary. A composite frame (one symbol, two rows) gives two frames, the second with
    ``row=1`` and ``composite=True``; two stacked single-segment frames give ``row=1`` and
    ``composite=False``. ``datum_feature`` is the datum identifier attached to the frame (DXF
    TOLERANCE entities carry one).
    """

    characteristic: Characteristic
    symbol: str = Field(description="canonical Unicode symbol, e.g. '⌖'")
    tolerance: float | None = None
    unit: str = "mm"
    zone_shape: Literal["diameter", "spherical_diameter"] | None = None
    modifiers: list[GdtModifier] = Field(default_factory=list)
    per_unit: float | None = Field(
        None, description="'0.05/25': the tolerance applies per this length, in unit"
    )
    projected_height: float | None = Field(None, description="Ⓟ height, in unit")
    datums: list[DatumReference] = Field(default_factory=list)
    row: int = 0
    composite: bool = False
    datum_feature: str | None = None
    warnings: list[str] = Field(default_factory=list)
