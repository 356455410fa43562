"""Thread designations: ISO metric, unified, pipe; pitches from the standards' tables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pybase.extraction.notation import (
    ParsedDimension,
    Thread,
    format_thread,
    parse_notation,
    parse_thread,
)
from pybase.extraction.notation.thread_tables import ISO261_COARSE_PITCH, ISO261_PITCHES


def thread(text: str, unit: str = "mm") -> Thread:
    result = parse_thread(text, unit)
    assert result is not None, text
    return result


@pytest.mark.parametrize(
    ("size", "pitch"),
    # ISO 261:1998 table 1, coarse pitch
    [(1.6, 0.35), (2, 0.4), (2.5, 0.45), (3, 0.5), (4, 0.7), (5, 0.8), (6, 1), (8, 1.25),
     (10, 1.5), (12, 1.75), (14, 2), (16, 2), (20, 2.5), (24, 3), (30, 3.5), (36, 4),
     (42, 4.5), (48, 5), (56, 5.5), (64, 6)],
)  # fmt: skip
def test_coarse_pitch_from_iso261(size: float, pitch: float) -> None:
    result = thread(f"M{size:g}")
    assert result.pitch is not None and result.pitch.value == pitch
    assert result.coarse_pitch
    assert result.nominal_diameter is not None
    assert (result.nominal_diameter.value, result.nominal_diameter.unit) == (size, "mm")


@pytest.mark.parametrize(
    ("text", "designation", "pitch", "cls", "internal", "hand"),
    [
        ("M8", "M8", 1.25, None, None, "right"),
        ("M8x1.25", "M8x1.25", 1.25, None, None, "right"),
        ("M8x1.25-6H", "M8x1.25-6H", 1.25, "6H", True, "right"),
        ("M10x1 LH", "M10x1-LH", 1.0, None, None, "left"),
        ("M10x1-LH", "M10x1-LH", 1.0, None, None, "left"),
        ("M6-6g", "M6-6g", 1.0, "6g", False, "right"),
        ("M20x2-5g6g", "M20x2-5g6g", 2.0, "5g6g", False, "right"),
        ("M8-6H/6g", "M8-6H/6g", 1.25, "6H/6g", None, "right"),
        ("М12х1,5", "M12x1.5", 1.5, None, None, "right"),  # Cyrillic М and х, decimal comma
        ("%%c M5", "M5", 0.8, None, None, "right"),
    ],
)
def test_metric(
    text: str, designation: str, pitch: float, cls: str | None, internal: bool | None, hand: str
) -> None:
    result = thread(text)
    assert result.system == "metric"
    assert result.designation == designation
    assert result.pitch is not None and result.pitch.value == pitch
    assert (result.tolerance_class, result.internal, result.handedness) == (cls, internal, hand)


@pytest.mark.parametrize(
    ("text", "count", "depth", "through", "length"),
    [
        ("4x M6 ↧12", 4, 12, False, None),
        ("4X M6 ↧12", 4, 12, False, None),
        ("M6 THRU", None, None, True, None),
        ("M6x12 DEEP", None, 12, False, None),
        ("M6 12 DEEP", None, 12, False, None),
        ("2-M8x1", 2, None, False, None),
        ("8-螺栓 M16x130", None, None, False, 130),  # egghunters parts list
        ("12-螺栓M10x30", None, None, False, 30),
    ],
)
def test_count_depth_length(
    text: str, count: int | None, depth: float | None, through: bool, length: float | None
) -> None:
    result = thread(text)
    assert result.count == count
    assert (result.depth.value if result.depth else None) == depth
    assert result.through is through
    assert (result.length.value if result.length else None) == length


@pytest.mark.parametrize(
    ("text", "size", "diameter", "tpi", "series", "cls", "internal"),
    [
        # ASME B1.1-2019 tables: 1/4-20 UNC, #10-32 UNF (#10 = 0.190 in)
        ("1/4-20 UNC-2B", "1/4", 0.25, 20, "UNC", "2B", True),
        ("#10-32 UNF-2A", "#10", 0.19, 32, "UNF", "2A", False),
        ('1/4"-20UNC', "1/4", 0.25, 20, "UNC", None, None),
        ("1 1/2-6 UNC-2A", "1 1/2", 1.5, 6, "UNC", "2A", False),
        ("0.250-28 UNF", "0.250", 0.25, 28, "UNF", None, None),
        ("#4-40 UNC", "#4", 0.112, 40, "UNC", None, None),
    ],
)
def test_unified(
    text: str,
    size: str,
    diameter: float,
    tpi: float,
    series: str,
    cls: str | None,
    internal: bool | None,
) -> None:
    result = thread(text)
    assert result.system == "unified"
    assert (result.size, result.threads_per_inch, result.series) == (size, tpi, series)
    assert result.nominal_diameter is not None
    assert result.nominal_diameter.value == pytest.approx(diameter)
    assert result.nominal_diameter.unit == "inch"
    assert result.pitch is not None and result.pitch.value == pytest.approx(1 / tpi)
    assert (result.tolerance_class, result.internal) == (cls, internal)


def test_unified_pitch_that_disagrees_with_the_series_warns() -> None:
    assert thread("1/4-28 UNC").warnings


@pytest.mark.parametrize(
    ("text", "system", "series", "size", "diameter", "tpi"),
    [
        # ISO 228-1:2000 table 1 / ISO 7-1:1994 table 1 (major diameter mm, TPI)
        ("G1/2", "pipe_parallel", "G", "1/2", 20.955, 14),
        ("G 1/2 A", "pipe_parallel", "G", "1/2", 20.955, 14),
        ("G1", "pipe_parallel", "G", "1", 33.249, 11),
        ("G1 1/4", "pipe_parallel", "G", "1 1/4", 41.910, 11),
        ("R 1/4", "pipe_taper", "R", "1/4", 13.157, 19),
        ("Rc 3/4", "pipe_taper", "Rc", "3/4", 26.441, 14),
        ("Rp 1/2", "pipe_parallel", "Rp", "1/2", 20.955, 14),
        # ASME B1.20.1-2013 table 2 (OD inch, TPI)
        ("1/2-14 NPT", "npt", "NPT", "1/2", 0.840, 14),
        ("1/2 NPT", "npt", "NPT", "1/2", 0.840, 14),
        ("1-11.5 NPT", "npt", "NPT", "1", 1.315, 11.5),
        ("3/4 NPTF", "npt", "NPTF", "3/4", 1.050, 14),
    ],
)
def test_pipe(text: str, system: str, series: str, size: str, diameter: float, tpi: float) -> None:
    result = thread(text)
    assert (result.system, result.series, result.size) == (system, series, size)
    assert result.nominal_diameter is not None
    assert result.nominal_diameter.value == diameter
    assert result.threads_per_inch == tpi


def test_pipe_class_a_is_external() -> None:
    result = thread("G 1/2 A")
    assert (result.tolerance_class, result.internal) == ("A", False)


@pytest.mark.parametrize(
    "text",
    ["R1", "R5", "Ra 3.2", "MMP.03.00.00.004", "2-轴承7312", "ISO 2768-m", "Ø20 H7", "", "M"],
)
def test_not_a_thread(text: str) -> None:
    assert parse_thread(text) is None


def test_hole_class_g_after_a_size_is_not_a_pipe_thread() -> None:
    """Regression (nist__nist_ftc_10_asme1_rb.pdf page 3): ``Ø3.5 G6`` is a diameter with the
    ISO 286 hole class G6, not an ISO 228 G6 pipe thread."""
    assert parse_thread("Ø3.5 G6") is None
    assert parse_thread("12 G7") is None
    dimension = parse_notation("Ø3.5 G6")
    assert isinstance(dimension, ParsedDimension)
    assert dimension.kind == "diameter"
    assert dimension.fit is not None and dimension.fit.designation == "G6"
    assert thread("G6").series == "G"  # alone, or as a fraction, it is still a pipe thread
    assert thread("Ø3.5 G1/2").size == "1/2"


@st.composite
def _metric_text(draw: st.DrawFn) -> str:
    d = draw(st.sampled_from(sorted(ISO261_COARSE_PITCH)))
    pitches = sorted(p for p in ISO261_PITCHES if p <= 0.35 * d)
    text = f"M{d:g}"
    if draw(st.booleans()):
        text += f"x{draw(st.sampled_from(pitches)):g}"
    if draw(st.booleans()):
        text += "-" + draw(st.sampled_from(["6H", "6g", "4h", "5H", "6e", "5g6g", "6H/6g"]))
    if draw(st.booleans()):
        text += " LH"
    if draw(st.booleans()):
        text = f"{draw(st.integers(min_value=1, max_value=24))}X {text}"
    extra = draw(st.sampled_from(["", " THRU", " ↧12", " ↧7.5"]))
    return text + extra


@settings(max_examples=200, deadline=None)
@given(_metric_text())
def test_metric_round_trip(text: str) -> None:
    first = thread(text)
    again = thread(format_thread(first))
    assert again == first


@settings(max_examples=100, deadline=None)
@given(
    size=st.sampled_from(["#4", "#10", "1/4", "5/16", "1/2", "3/4", "1 1/2"]),
    series=st.sampled_from(["UNC", "UNF"]),
    cls=st.sampled_from(["", "-1A", "-2A", "-2B", "-3B"]),
    left=st.booleans(),
)
def test_unified_round_trip(size: str, series: str, cls: str, left: bool) -> None:
    from pybase.extraction.notation.thread_tables import UNC_TPI, UNF_TPI

    tpi = (UNC_TPI if series == "UNC" else UNF_TPI)[size]
    first = thread(f"{size}-{tpi:g} {series}{cls}" + (" LH" if left else ""))
    assert thread(format_thread(first)) == first
