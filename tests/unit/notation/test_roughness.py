"""Surface texture callouts (ISO 1302 / ISO 21920 / ASME Y14.36)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pybase.extraction.notation import SurfaceTexture, format_surface_texture, parse_surface_texture


@pytest.mark.parametrize(
    ("text", "parameter", "value", "unit"),
    [
        ("Ra 3.2", "Ra", 3.2, "um"),
        ("Ra3,2", "Ra", 3.2, "um"),
        ("Rz 16", "Rz", 16, "um"),
        ("Rz6.3", "Rz", 6.3, "um"),
        ("Ra 0.8 µm", "Ra", 0.8, "um"),
        ("Ra 0.8 μm", "Ra", 0.8, "um"),
        ("Ra 0.8um", "Ra", 0.8, "um"),
        ("√Ra 1.6", "Ra", 1.6, "um"),
        ("Ra 32 µin", "Ra", 32, "microinch"),
        ("Ra 125 microinches", "Ra", 125, "microinch"),
        ("Rmax 10", "Rmax", 10, "um"),
        ("Rq 0.4", "Rq", 0.4, "um"),
        ("Wa 2", "Wa", 2, "um"),
        ("RA 3.2", "Ra", 3.2, "um"),
        ("Rz = 20", "Rz", 20, "um"),
        # openamr Drive shaft / Center bracket PDF text
        ("Ra 2,5", "Ra", 2.5, "um"),
        ("Ra 12,5", "Ra", 12.5, "um"),
        ("Rz 20", "Rz", 20, "um"),
    ],
)
def test_parameters_and_values(text: str, parameter: str, value: float, unit: str) -> None:
    result = parse_surface_texture(text)
    assert result is not None
    assert (result.parameter, result.value, result.unit) == (parameter, value, unit)


@pytest.mark.parametrize(
    ("grade", "ra"),
    # ISO 1302:1992 table A.1
    [("N1", 0.025), ("N5", 0.4), ("N6", 0.8), ("N7", 1.6), ("N8", 3.2), ("N9", 6.3),
     ("N10", 12.5), ("N12", 50.0)],
)  # fmt: skip
def test_roughness_grades(grade: str, ra: float) -> None:
    result = parse_surface_texture(grade)
    assert result is not None
    assert (result.parameter, result.value, result.roughness_grade) == ("Ra", ra, grade)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("U Ra 3.2", "upper"),
        ("L Ra 0.8", "lower"),
        ("Ra max 0.8", "upper"),
        ("Ra 0.8 min", "lower"),
    ],
)
def test_limits(text: str, limit: str) -> None:
    result = parse_surface_texture(text)
    assert result is not None and result.limit == limit


def test_caller_unit_for_inch_drawings() -> None:
    result = parse_surface_texture("Ra 63", unit="microinch")
    assert result is not None and result.unit == "microinch"


def test_transmission_band_and_sampling_lengths_are_noted() -> None:
    band = parse_surface_texture("0.8-25/Rz 6.3")
    assert band is not None and band.value == 6.3 and band.warnings
    sampling = parse_surface_texture("Rz3 6.3")
    assert sampling is not None and sampling.value == 6.3 and sampling.warnings


@pytest.mark.parametrize("text", ["Ra", "ra 3.2", "R5", "N13", "Radius 3", "Ra 3.2 A B", ""])
def test_not_a_surface_texture(text: str) -> None:
    assert parse_surface_texture(text) is None


@settings(max_examples=200, deadline=None)
@given(
    parameter=st.sampled_from(["Ra", "Rz", "Rq", "Rt", "Rmax", "Wa", "Pt"]),
    value=st.integers(min_value=1, max_value=100000).map(lambda n: n / 1000),
    unit=st.sampled_from(["um", "microinch"]),
    limit=st.sampled_from([None, "upper", "lower"]),
)
def test_round_trip(parameter: str, value: float, unit: str, limit: str | None) -> None:
    original = SurfaceTexture(parameter=parameter, value=value, unit=unit, limit=limit)
    assert parse_surface_texture(format_surface_texture(original)) == original
