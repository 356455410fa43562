"""Dimension strings: every written form, units, fits, and canonical round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pybase.extraction.notation import (
    ParsedDimension,
    Tolerance,
    format_dimension,
    parse_bend_note,
    parse_dimension,
    parse_tolerance,
)


def dim(text: str, unit: str = "mm", **kwargs: object) -> ParsedDimension:
    result = parse_dimension(text, unit, **kwargs)  # type: ignore[arg-type]
    assert result is not None, text
    return result


@pytest.mark.parametrize(
    ("text", "kind", "nominal"),
    [
        ("25", "linear", 25),
        ("12,5", "linear", 12.5),
        (".75", "linear", 0.75),
        ("Ø12", "diameter", 12),
        ("⌀12", "diameter", 12),
        ("%%c12", "diameter", 12),
        ("φ12", "diameter", 12),
        ("12 DIA", "diameter", 12),
        ("R5", "radius", 5),
        ("R=2,4", "radius", 2.4),
        ("CR 3", "controlled_radius", 3),
        ("SR10", "spherical_radius", 10),
        ("SØ8", "spherical_diameter", 8),
        ("□20", "square", 20),
        ("45°", "angle", 45),
        ("45%%d", "angle", 45),
        ("30°30'", "angle", 30.5),
        ("10°0'36\"", "angle", 10.01),
        ("90 deg", "angle", 90),
        ("1x45°", "chamfer", 1),
        ("1 X 45°", "chamfer", 1),
        ("45° x 2", "chamfer", 2),
        ("C0.5", "chamfer", 0.5),
    ],
)
def test_kinds_and_nominals(text: str, kind: str, nominal: float) -> None:
    result = dim(text)
    assert result.kind == kind
    assert result.nominal == pytest.approx(nominal)
    assert result.unit == ("deg" if kind == "angle" else "mm")


@pytest.mark.parametrize(
    ("text", "count", "kind", "nominal"),
    [
        ("4x Ø6", 4, "diameter", 6),
        ("4X Ø6", 4, "diameter", 6),
        ("4 x Ø6", 4, "diameter", 6),
        ("4xØ6", 4, "diameter", 6),
        ("4-Ø28", 4, "diameter", 28),
        ("8X Ø2.5 ±0.15", 8, "diameter", 2.5),
        ("8 X 0.75", 8, "linear", 0.75),
        ("2 x 0,3x45", 2, "chamfer", 0.3),
        ("Ø5 (2 PLACES)", 2, "diameter", 5),
    ],
)
def test_count_prefix(text: str, count: int, kind: str, nominal: float) -> None:
    result = dim(text)
    assert (result.count, result.kind, result.nominal) == (count, kind, nominal)


@pytest.mark.parametrize(
    ("text", "kind", "upper", "lower"),
    [
        ("25 ±0.1", "symmetric", 0.1, -0.1),
        ("25 +/-0.1", "symmetric", 0.1, -0.1),
        ("25%%p0.1", "symmetric", 0.1, -0.1),
        ("25 ± 0,1", "symmetric", 0.1, -0.1),
        ("25 +0.1/-0.05", "deviations", 0.1, -0.05),
        ("25 +0.1 -0.05", "deviations", 0.1, -0.05),
        ("25\\S+0.1^-0.05;", "deviations", 0.1, -0.05),
        ("25 +0.1/0", "deviations", 0.1, 0),
        ("25 0/-0.05", "deviations", 0, -0.05),
        ("25 -0.02/-0.05", "deviations", -0.02, -0.05),
        ("12.00/11.95", "limits", 0.025, -0.025),
        ("12.00-11.95", "limits", 0.025, -0.025),
        ("\\S12.00^11.95;", "limits", 0.025, -0.025),
        ("30° ±0°30'", "symmetric", 0.5, -0.5),
        ("Ø20 H7", "tolerance_class", 0.021, 0),
    ],
)
def test_tolerances(text: str, kind: str, upper: float, lower: float) -> None:
    result = dim(text)
    assert result.tolerance is not None
    assert result.tolerance.kind == kind
    assert result.tolerance.upper == pytest.approx(upper)
    assert result.tolerance.lower == pytest.approx(lower)


def test_limits_keep_the_written_sizes() -> None:
    result = dim("12.00/11.95")
    assert result.tolerance is not None
    assert (result.tolerance.upper_limit, result.tolerance.lower_limit) == (12.0, 11.95)
    assert (result.upper_limit, result.lower_limit) == (12.0, 11.95)
    assert result.nominal == pytest.approx(11.975)


@pytest.mark.parametrize(
    ("text", "designation", "fit_type", "max_clearance", "min_clearance"),
    [
        ("Ø20 H7/g6", "H7/g6", "clearance", 0.041, 0.007),
        ("φ130 H7/f9", "H7/f9", "clearance", 0.183, 0.043),
        ("Ø45 H7/r6", "H7/r6", "interference", -0.009, -0.05),
        ("Ø25 H7/k6", "H7/k6", "transition", 0.019, -0.015),
        ("Ø20 H7-g6", "H7/g6", "clearance", 0.041, 0.007),
    ],
)
def test_fits(
    text: str, designation: str, fit_type: str, max_clearance: float, min_clearance: float
) -> None:
    fit = dim(text).fit
    assert fit is not None
    assert fit.designation == designation
    assert fit.fit_type == fit_type
    assert fit.max_clearance == pytest.approx(max_clearance)
    assert fit.min_clearance == pytest.approx(min_clearance)


def test_fit_with_written_deviations_that_disagree() -> None:
    # Drive shaft drawing shows '10 H7 +0,018'; ISO 286 H7 at 10 mm is +0.015/0
    result = dim("10 H7 +0,018")
    assert result.tolerance is not None and result.tolerance.upper == 0.018
    assert any("disagree" in w for w in result.warnings)
    agreeing = dim("Ø10 H7 (+0.015/0)")
    assert not any("disagree" in w for w in agreeing.warnings)
    # display rounding (js6 at 25 mm is ±0.0065, the drawing shows 0,007) is not a conflict
    rounded = dim("25 js6 ±0,007")
    assert not any("disagree" in w for w in rounded.warnings)


def test_fit_in_inch_drawing_converts_through_mm() -> None:
    result = dim("Ø1 H7", "inch")  # 25.4 mm -> +0.021 mm
    assert result.tolerance is not None
    assert result.tolerance.upper == pytest.approx(0.021 / 25.4, abs=1e-7)


def test_undefined_fit_keeps_designation_and_warns() -> None:
    result = dim("Ø20 t6")  # t starts above 24 mm
    assert result.fit is not None and result.fit.shaft is not None
    assert result.fit.shaft.upper is None
    assert result.tolerance is None
    assert result.warnings


@pytest.mark.parametrize(
    ("text", "attribute", "value"),
    [
        ("(25)", "reference", True),
        ("25 REF", "reference", True),
        ("[25]", "basic", True),
        ("25 BSC", "basic", True),
        ("R0,2 max.**", "limit", "max"),
        ("4X R0.2 MAX", "limit", "max"),
        ("R1 MIN", "limit", "min"),
        ("⌴Ø10 ↧5", "feature", "counterbore"),
        ("⌴Ø10 ↧5", "depth", 5),
        ("⌵Ø12", "feature", "countersink"),
        ("SF Ø20", "feature", "spotface"),
        ("Ø6 THRU", "through", True),
        ("Ø6 12 DEEP", "depth", 12),
        ("10*", "note", "*"),
        ("50 TYP.", "note", "TYP."),
        ("12 EQ SP", "note", "EQ SP"),
    ],
)
def test_qualifiers(text: str, attribute: str, value: object) -> None:
    assert getattr(dim(text), attribute) == value


@pytest.mark.parametrize(
    ("text", "unit", "nominal", "text_unit"),
    [
        ('1/2"', "mm", 12.7, "inch"),
        ("25 mm", "inch", 25 / 25.4, "mm"),
        ("1 1/2", "inch", 1.5, None),
        ('2-1/2"', "inch", 2.5, "inch"),
        ("4'-0 1/4\"", "inch", 48.25, "inch"),
        ("4'-6\"", "inch", 54, "inch"),
        (".375", "inch", 0.375, None),
    ],
)
def test_units_and_inch_forms(text: str, unit: str, nominal: float, text_unit: str | None) -> None:
    result = dim(text, unit)
    assert result.nominal == pytest.approx(nominal)
    assert result.unit == unit
    assert result.text_unit == text_unit


def test_measured_placeholder() -> None:
    result = dim("<> typ.", measured=12.5)
    assert result.nominal == 12.5 and result.note == "typ."


@pytest.mark.parametrize(
    ("text", "count", "feature", "nominal", "upper"),
    [
        # NIST FTC-10 PDF text set in a GDT font: 'v' counterbore, 'x' depth
        ("4X vØ10 ±0.25", 4, "counterbore", 10, 0.25),
        ("x35 ±1", None, None, 35, 1),
    ],
)
def test_gdt_font_letters_in_pdf_text(
    text: str, count: int | None, feature: str | None, nominal: float, upper: float
) -> None:
    result = dim(text)
    assert (result.count, result.feature, result.nominal) == (count, feature, nominal)
    assert result.tolerance is not None and result.tolerance.upper == upper


@pytest.mark.parametrize(
    "text",
    [
        "",
        "DAYLIGHT OPENING",
        "FULL R.",
        "Ø",
        "±0.1",
        "Ø6 ±0.150.25 A B",
        "4.调整固定轴承时应留轴向间隙0.05。",
        "M8x1.25",
        "Ra 3.2",
        "12 H7 g6 f7",
    ],
)
def test_not_a_dimension(text: str) -> None:
    assert parse_dimension(text) is None


@pytest.mark.parametrize(
    ("text", "kind", "upper", "lower"),
    [
        ("±0.1", "symmetric", 0.1, -0.1),
        ("%%p0.05", "symmetric", 0.05, -0.05),
        ("+0.1/-0.05", "deviations", 0.1, -0.05),
        ("+0.1 -0.05", "deviations", 0.1, -0.05),
        ("+0.1/0", "deviations", 0.1, 0),
        ("0/-0.05", "deviations", 0, -0.05),
        ("+0,018", "deviations", 0.018, 0),
        ("12.00/11.95", "limits", 0.025, -0.025),
    ],
)
def test_parse_tolerance_alone(text: str, kind: str, upper: float, lower: float) -> None:
    tolerance = parse_tolerance(text)
    assert tolerance is not None
    assert (tolerance.kind, tolerance.upper, tolerance.lower) == pytest.approx((kind, upper, lower))


@pytest.mark.parametrize("text", ["0.1", "abc", "0/0", ""])
def test_parse_tolerance_rejects(text: str) -> None:
    assert parse_tolerance(text) is None


def test_bend_notes() -> None:
    # openamr Center bracket flat pattern (MANIFEST: 'Up 90° R 1.5')
    bend = parse_bend_note("Up 90° R 1.5")
    assert bend is not None
    assert (bend.direction, bend.angle, bend.radius) == ("up", 90, 1.5)
    down = parse_bend_note("DOWN 45%%d R 2")
    assert down is not None and (down.direction, down.angle) == ("down", 45)
    assert parse_bend_note("Up there") is None


# --- round trips: typed value -> canonical text -> parse -> same value ---------------------

_DECIMALS = st.integers(min_value=1, max_value=2_000_000).map(lambda n: n / 1000)
_SMALL = st.integers(min_value=1, max_value=5000).map(lambda n: n / 10000)
_LENGTH_KINDS = st.sampled_from(
    ["linear", "diameter", "radius", "controlled_radius", "spherical_radius",
     "spherical_diameter", "square"]
)  # fmt: skip


@st.composite
def _tolerances(draw: st.DrawFn) -> Tolerance | None:
    choice = draw(st.sampled_from(["none", "symmetric", "deviations"]))
    if choice == "none":
        return None
    if choice == "symmetric":
        value = draw(_SMALL)
        return Tolerance(kind="symmetric", upper=value, lower=-value, unit="mm")
    upper = draw(st.one_of(st.just(0.0), _SMALL, _SMALL.map(lambda v: -v)))
    lower = draw(st.one_of(st.just(0.0), _SMALL.map(lambda v: -v)))
    if upper == lower == 0.0 or upper < lower:
        upper, lower = abs(upper) or 0.01, lower
    return Tolerance(kind="deviations", upper=upper, lower=lower, unit="mm")


@st.composite
def _dimensions(draw: st.DrawFn) -> ParsedDimension:
    kind = draw(st.sampled_from(["length", "length", "length", "angle", "chamfer"]))
    count = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=99)))
    tolerance = draw(_tolerances())
    flag = draw(st.sampled_from(["", "", "reference", "basic", "max", "min"]))
    if flag:
        tolerance = None
    fields: dict[str, object] = {
        "count": count,
        "reference": flag == "reference",
        "basic": flag == "basic",
        "limit": flag if flag in ("max", "min") else None,
    }
    if kind == "angle":
        nominal = draw(st.integers(min_value=1, max_value=3599)) / 10
        if tolerance is not None:
            tolerance = tolerance.model_copy(update={"unit": "deg"})
        return ParsedDimension(
            text="", kind="angle", nominal=nominal, unit="deg", tolerance=tolerance, **fields
        )
    if kind == "chamfer":
        angle = draw(st.sampled_from([30.0, 45.0, 60.0]))
        return ParsedDimension(
            text="", kind="chamfer", nominal=draw(_DECIMALS), unit="mm", chamfer_angle=angle,
            count=count,
        )  # fmt: skip
    return ParsedDimension(
        text="", kind=draw(_LENGTH_KINDS), nominal=draw(_DECIMALS), unit="mm",
        tolerance=tolerance, **fields,
    )  # fmt: skip


def _same(a: object, b: object) -> bool:
    """Equal, floats to 1e-9 relative (nested dicts and lists)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and a == pytest.approx(b)
    return a == b


@settings(max_examples=300, deadline=None)
@given(_dimensions())
def test_round_trip(original: ParsedDimension) -> None:
    text = format_dimension(original)
    parsed = parse_dimension(text)
    assert parsed is not None, text
    exclude = {"text", "warnings", "upper_limit", "lower_limit"}
    assert _same(parsed.model_dump(exclude=exclude), original.model_dump(exclude=exclude)), text


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["", "Ø"]),
    nominal=st.integers(min_value=1, max_value=3150),
    fit=st.sampled_from(["H7", "g6", "H7/g6", "JS9", "k6", "H8/f7", "P7/h6", "u6", "D10"]),
)
def test_fit_round_trip(kind: str, nominal: int, fit: str) -> None:
    first = parse_dimension(f"{kind}{nominal} {fit}")
    assert first is not None and first.fit is not None
    again = parse_dimension(format_dimension(first))
    assert again is not None
    assert again.model_dump(exclude={"text"}) == first.model_dump(exclude={"text"})


@settings(max_examples=150, deadline=None)
@given(high=_DECIMALS, gap=st.integers(min_value=1, max_value=500).map(lambda n: n / 1000))
def test_limits_round_trip(high: float, gap: float) -> None:
    low = round(high - gap, 3)
    if low <= 0 or gap > 0.2 * high:
        return
    first = parse_dimension(f"{high}/{low}")
    assert first is not None and first.tolerance is not None
    assert first.tolerance.kind == "limits"
    assert first.upper_limit == pytest.approx(high) and first.lower_limit == pytest.approx(low)
    again = parse_dimension(format_dimension(first))
    assert again is not None
    assert again.model_dump(exclude={"text"}) == first.model_dump(exclude={"text"})
