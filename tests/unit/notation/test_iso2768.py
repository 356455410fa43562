"""ISO 2768-1 general tolerances: table values and the notes that cite them."""

from __future__ import annotations

import pytest

from pybase.extraction.notation import (
    iso2768_angular_deviation,
    iso2768_deviation,
    parse_dimension,
    parse_general_tolerance,
)


@pytest.mark.parametrize(
    ("cls", "size", "deviation"),
    [
        # ISO 2768-1:1989 table 1 (linear dimensions), mm
        ("f", 2, 0.05),
        ("f", 100, 0.15),
        ("f", 1500, 0.5),
        ("m", 0.5, 0.1),
        ("m", 3, 0.1),
        ("m", 3.1, 0.1),
        ("m", 6, 0.1),
        ("m", 25, 0.2),
        ("m", 30, 0.2),
        ("m", 30.5, 0.3),
        ("m", 150, 0.5),
        ("m", 500, 0.8),
        ("m", 2000, 1.2),
        ("m", 4000, 2.0),
        ("c", 10, 0.5),
        ("c", 400, 1.2),
        ("c", 3000, 4.0),
        ("v", 5, 0.5),
        ("v", 60, 1.5),
        ("v", 800, 4.0),
    ],
)
def test_table_1_linear(cls: str, size: float, deviation: float) -> None:
    assert iso2768_deviation(cls, size) == deviation


@pytest.mark.parametrize(("cls", "size"), [("v", 2), ("f", 3000), ("m", 0.4), ("m", 4001)])
def test_table_1_gaps(cls: str, size: float) -> None:
    assert iso2768_deviation(cls, size) is None


@pytest.mark.parametrize(
    ("cls", "size", "deviation"),
    # ISO 2768-1:1989 table 2 (external radii and chamfer heights), mm
    [("f", 1, 0.2), ("m", 5, 0.5), ("m", 10, 1.0), ("c", 2, 0.4), ("v", 20, 2.0)],
)
def test_table_2_edges(cls: str, size: float, deviation: float) -> None:
    assert iso2768_deviation(cls, size, kind="edge") == deviation


@pytest.mark.parametrize(
    ("cls", "leg", "degrees"),
    # ISO 2768-1:1989 table 3 (angular dimensions) by shorter leg, ±degrees
    [("m", 8, 1.0), ("m", 30, 0.5), ("m", 100, 1 / 3), ("c", 5, 1.5), ("v", 500, 1 / 3)],
)
def test_table_3_angles(cls: str, leg: float, degrees: float) -> None:
    assert iso2768_angular_deviation(cls, leg) == pytest.approx(degrees)


@pytest.mark.parametrize(
    ("text", "standard", "linear", "geometric"),
    [
        ("ISO 2768-m", "ISO 2768", "m", None),
        ("ISO 2768-mK", "ISO 2768", "m", "K"),
        ("ISO 2768-fH", "ISO 2768", "f", "H"),
        ("DIN ISO 2768-m", "DIN ISO 2768", "m", None),
        ("EN ISO 2768-c", "EN ISO 2768", "c", None),
        ("ISO 2768-1 v", "ISO 2768", "v", None),
        ("TOLERANCES: ISO2768-mK", "ISO 2768", "m", "K"),
        # openamr Drive shaft / Center bracket note text (MANIFEST: 'DIN ISO 2768-m')
        ("2. General tolerance DIN ISO 2768 - medium.", "DIN ISO 2768", "m", None),
        ("DIN 7168-m", "DIN 7168", "m", None),
    ],
)
def test_general_tolerance_notes(
    text: str, standard: str, linear: str, geometric: str | None
) -> None:
    note = parse_general_tolerance(text)
    assert note is not None
    assert (note.standard, note.linear_class, note.geometric_class) == (
        standard,
        linear,
        geometric,
    )


@pytest.mark.parametrize("text", ["ISO 9001", "2768", "ISO 2768", "Tolerance class m", ""])
def test_not_a_general_tolerance_note(text: str) -> None:
    assert parse_general_tolerance(text) is None


def test_general_tolerance_resolves_untoleranced_dimensions() -> None:
    note = parse_general_tolerance("DIN ISO 2768-m")
    linear = parse_dimension("150", general=note)
    assert linear is not None and linear.tolerance is not None
    assert (linear.tolerance.kind, linear.tolerance.upper, linear.tolerance.lower) == (
        "general",
        0.5,
        -0.5,
    )
    assert linear.tolerance.source == "DIN ISO 2768-m"
    assert (linear.upper_limit, linear.lower_limit) == (150.5, 149.5)
    radius = parse_dimension("R5", general=note)  # table 2 for external radii
    assert radius is not None and radius.tolerance is not None
    assert radius.tolerance.upper == 0.5
    toleranced = parse_dimension("Ø6 ±0.15", general=note)
    assert toleranced is not None and toleranced.tolerance is not None
    assert toleranced.tolerance.kind == "symmetric"
    reference = parse_dimension("(25)", general=note)
    assert reference is not None and reference.tolerance is None
    inch = parse_dimension("2", "inch", general=note)  # 50.8 mm -> ±0.3 mm
    assert inch is not None and inch.tolerance is not None
    assert inch.tolerance.upper == pytest.approx(0.3 / 25.4)
    angle = parse_dimension("30°", general=note)
    assert angle is not None and angle.tolerance is None and angle.warnings
