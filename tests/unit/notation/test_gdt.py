"""GD&T feature control frames from symbols, words, GDT-font codes and DXF TOLERANCE text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pybase.extraction.notation import (
    CHARACTERISTIC_SYMBOLS,
    GDT_FONT,
    DatumReference,
    FeatureControlFrame,
    format_feature_control_frame,
    parse_datum_feature,
    parse_dxf_tolerance,
    parse_feature_control_frame,
)

# ASME Y14.5-2018 characteristic symbols: name, Unicode symbol, AutoCAD GDT-font letter, a word
CHARACTERISTICS = [
    ("straightness", "⏤", "u", "STRAIGHTNESS"),
    ("flatness", "⏥", "c", "FLATNESS"),
    ("circularity", "○", "e", "CIRCULARITY"),
    ("cylindricity", "⌭", "g", "CYLINDRICITY"),
    ("profile_of_a_line", "⌒", "k", "PROFILE OF A LINE"),
    ("profile_of_a_surface", "⌓", "d", "PROFILE OF A SURFACE"),
    ("angularity", "∠", "a", "ANGULARITY"),
    ("perpendicularity", "⟂", "b", "PERPENDICULARITY"),
    ("parallelism", "∥", "f", "PARALLELISM"),
    ("position", "⌖", "j", "POSITION"),
    ("concentricity", "◎", "r", "CONCENTRICITY"),
    ("symmetry", "⌯", "i", "SYMMETRY"),
    ("circular_runout", "↗", "h", "CIRCULAR RUNOUT"),
    ("total_runout", "⌰", "t", "TOTAL RUNOUT"),
]


def test_all_fourteen_characteristics_have_symbols() -> None:
    assert len(CHARACTERISTICS) == 14 == len(CHARACTERISTIC_SYMBOLS)


@pytest.mark.parametrize(("name", "symbol", "letter", "word"), CHARACTERISTICS)
def test_characteristic_from_symbol_word_and_gdt_font(
    name: str, symbol: str, letter: str, word: str
) -> None:
    assert GDT_FONT[letter] == symbol == CHARACTERISTIC_SYMBOLS[name]  # type: ignore[index]
    for text in (
        f"{symbol} 0.05 A",
        f"|{symbol}|0.05|A|",
        f"{word} 0.05 A",
        f"{word.lower()} 0.05 A",
        f"{{\\Fgdt;{letter}}}%%v0.05%%vA",
    ):
        frame = parse_feature_control_frame(text)
        assert frame is not None, text
        assert (frame.characteristic, frame.symbol, frame.tolerance) == (name, symbol, 0.05)
        assert [d.label for d in frame.datums] == ["A"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("⊕ Ø0.1 A", "position"),
        ("⊥ 0.05 A", "perpendicularity"),
        ("// 0.1 A", "parallelism"),
        ("‖ 0.1 A", "parallelism"),
        ("≡ 0.2 A", "symmetry"),
        ("◯ 0.01", "circularity"),
        ("▱ 0.05", "flatness"),
        ("⊚ Ø0.02 A", "concentricity"),
        ("— 0.02", "straightness"),
        ("TRUE POSITION Ø0.2 A B", "position"),
        ("ROUNDNESS 0.01", "circularity"),
        ("COAXIALITY Ø0.02 A", "concentricity"),
        ("SURFACE PROFILE 0.5 A B C", "profile_of_a_surface"),
    ],
)
def test_lookalikes_and_synonyms(text: str, name: str) -> None:
    frame = parse_feature_control_frame(text)
    assert frame is not None and frame.characteristic == name


@pytest.mark.parametrize(
    ("text", "zone", "modifiers", "datums"),
    [
        ("⌖ Ø0.1 Ⓜ A B C", "diameter", ["mmc"], [("A", []), ("B", []), ("C", [])]),
        ("|⌖|Ø0.1Ⓜ|A|BⓂ|C|", "diameter", ["mmc"], [("A", []), ("B", ["mmc"]), ("C", [])]),
        ("⌖ Ø0.1(M) A B(M)", "diameter", ["mmc"], [("A", []), ("B", ["mmc"])]),
        ("⌖ Ø0.1M A B", "diameter", ["mmc"], [("A", []), ("B", [])]),
        ("POSITION DIA 0.1 MMC A B C", "diameter", ["mmc"], [("A", []), ("B", []), ("C", [])]),
        ("⌖ SØ0.2 Ⓛ A", "spherical_diameter", ["lmc"], [("A", [])]),
        ("⌖ Ø0.05 Ⓢ A", "diameter", ["rfs"], [("A", [])]),
        ("⏥ 0.1 Ⓕ", None, ["free_state"], []),
        ("⏥ 0.1 Ⓣ", None, ["tangent_plane"], []),
        ("⌓ 0.3 Ⓤ 0.1 A", None, ["unequal"], [("A", [])]),
        ("⌖ Ø0.1 ⟨ST⟩ A", "diameter", ["statistical"], [("A", [])]),
        ("⌖ Ø0.1 CZ A", "diameter", ["combined_zone"], [("A", [])]),
        ("⌖ Ø0.1 m A B", "diameter", ["mmc"], [("A", []), ("B", [])]),  # GDT font as PDF text
        ("⌖ 0.1 A-B", None, [], [("A-B", [])]),
        ("⌖ Ø0.4 Ⓜ A BⓂ CⓁ", "diameter", ["mmc"], [("A", []), ("B", ["mmc"]), ("C", ["lmc"])]),
    ],
)
def test_zone_modifiers_and_datums(
    text: str, zone: str | None, modifiers: list[str], datums: list[tuple[str, list[str]]]
) -> None:
    frame = parse_feature_control_frame(text)
    assert frame is not None
    assert frame.zone_shape == zone
    assert frame.modifiers == modifiers
    assert [(d.label, d.modifiers) for d in frame.datums] == datums


def test_projected_zone_height_and_per_unit() -> None:
    projected = parse_feature_control_frame("⌖ Ø0.1 Ⓜ Ⓟ 12 A B")
    assert projected is not None
    assert projected.modifiers == ["mmc", "projected"] and projected.projected_height == 12
    per_unit = parse_feature_control_frame("⏤ 0.05/25")
    assert per_unit is not None and (per_unit.tolerance, per_unit.per_unit) == (0.05, 25)


def test_units_follow_the_caller() -> None:
    frame = parse_feature_control_frame("⌖ Ø.005 Ⓜ A B C", unit="inch")
    assert frame is not None and (frame.tolerance, frame.unit) == (0.005, "inch")


@pytest.mark.parametrize("text", ["0.2 A", "A B C", "⌖", "⌖ A B", "Ø20 H7", "POSITIONS 0.1", ""])
def test_not_a_frame(text: str) -> None:
    assert parse_feature_control_frame(text) is None


def test_dxf_tolerance_entity_rows() -> None:
    content = (
        "{\\Fgdt;j}%%v{\\Fgdt;n}0.5{\\Fgdt;m}%%v%%vA{\\Fgdt;m}%%vB%%vC"
        "^J%%v{\\Fgdt;n}0.1{\\Fgdt;m}%%v%%vA"
        "^J12{\\Fgdt;p}^JD"
    )
    upper, lower = parse_dxf_tolerance(content)
    assert (upper.characteristic, upper.tolerance, upper.zone_shape) == (
        "position",
        0.5,
        "diameter",
    )
    assert upper.modifiers == ["mmc"]
    assert upper.datums == [
        DatumReference(label="A", modifiers=["mmc"]),
        DatumReference(label="B"),
        DatumReference(label="C"),
    ]
    assert (upper.row, upper.composite) == (0, False)
    assert (lower.characteristic, lower.tolerance, lower.row, lower.composite) == (
        "position",
        0.1,
        1,
        True,
    )
    assert lower.projected_height == 12 and "projected" in lower.modifiers
    assert upper.datum_feature == lower.datum_feature == "D"


def test_dxf_tolerance_two_single_segment_frames() -> None:
    frames = parse_dxf_tolerance("{\\Fgdt;f}%%v0.1%%vA\n{\\Fgdt;c}%%v0.05")
    assert [(f.characteristic, f.tolerance, f.composite) for f in frames] == [
        ("parallelism", 0.1, False),
        ("flatness", 0.05, False),
    ]


def test_dxf_tolerance_with_unknown_code_keeps_what_it_can() -> None:
    frames = parse_dxf_tolerance("{\\Fgdt;j}%%v0.1%%vA^J{\\Fgdt;9}%%v0.2")
    assert len(frames) == 1 and frames[0].warnings
    assert parse_dxf_tolerance("") == []
    assert parse_dxf_tolerance("{\\Fgdt;%%v") == []


def test_dxf_tolerance_read_back_through_ezdxf(tmp_path: Path) -> None:
    ezdxf = pytest.importorskip("ezdxf")
    doc = ezdxf.new("R2010")
    content = "{\\Fgdt;b}%%v{\\Fgdt;n}0.02%%vA%%v%%v"
    doc.modelspace().new_entity(
        "TOLERANCE", dxfattribs={"content": content, "dimstyle": "Standard"}
    )
    path = tmp_path / "fcf.dxf"
    doc.saveas(path)
    entity = ezdxf.readfile(path).modelspace().query("TOLERANCE").first
    (frame,) = parse_dxf_tolerance(entity.dxf.content)
    assert (frame.characteristic, frame.zone_shape, frame.tolerance) == (
        "perpendicularity",
        "diameter",
        0.02,
    )
    assert [d.label for d in frame.datums] == ["A"]


@pytest.mark.parametrize(
    ("text", "label"),
    [("-A-", "A"), ("A", "A"), ("[B]", "B"), ("DATUM C", "C"), ("AA", "AA"), ("%%u-D-", "D")],
)
def test_datum_feature_symbols(text: str, label: str) -> None:
    feature = parse_datum_feature(text)
    assert feature is not None and feature.label == label


@pytest.mark.parametrize("text", ["I", "O", "Q", "-I-", "ABC", "A1 B", ""])
def test_not_a_datum_feature(text: str) -> None:
    assert parse_datum_feature(text) is None


_DATUM_MODIFIERS = st.lists(st.sampled_from(["mmc", "lmc"]), max_size=1)


@st.composite
def _frames(draw: st.DrawFn) -> FeatureControlFrame:
    characteristic = draw(st.sampled_from(list(CHARACTERISTIC_SYMBOLS)))
    modifiers = draw(
        st.lists(
            st.sampled_from(["mmc", "lmc", "free_state", "tangent_plane", "statistical"]),
            unique=True,
            max_size=2,
        )
    )
    labels = draw(st.lists(st.sampled_from(["A", "B", "C", "D", "AA", "A-B"]), max_size=3))
    return FeatureControlFrame(
        characteristic=characteristic,
        symbol=CHARACTERISTIC_SYMBOLS[characteristic],
        tolerance=draw(st.integers(min_value=1, max_value=99999)) / 10000,
        zone_shape=draw(st.sampled_from([None, "diameter", "spherical_diameter"])),
        modifiers=modifiers,
        per_unit=draw(st.sampled_from([None, 25.0, 100.0])),
        datums=[DatumReference(label=label, modifiers=draw(_DATUM_MODIFIERS)) for label in labels],
    )


@settings(max_examples=300, deadline=None)
@given(_frames())
def test_round_trip(original: FeatureControlFrame) -> None:
    text = format_feature_control_frame(original)
    assert parse_feature_control_frame(text) == original, text
