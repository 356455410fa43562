"""No parser raises, whatever the text: unknown or malformed input gives None (or warnings).

The public functions guard a few exception types; these tests also call the unguarded
internals, so a bug shows up here instead of becoming a silent None."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from pybase.extraction import notation
from pybase.extraction.notation import dimensions, gdt, roughness, threads

# characters drawings use, so that random text reaches deep into the grammars
_CHARACTERS = "0123456789.,+-/±°'\"xX ()[]|*ØRSMCHhgfjksLAB↧⌴⌵□⌖⏥⟂∥ⓂⓁⓈⓅ^#;\\{}%&UNCFTPdpcv"
_TOKENS = ["%%c", "%%d", "%%p", "%%v", "\\S", "\\P", "{\\Fgdt;", "^J", "H7", "g6", "M8", "Ra"]
_ALPHABET = st.sampled_from([*_CHARACTERS, *_TOKENS])
_DRAWING_TEXT = st.lists(_ALPHABET, max_size=30).map("".join)
_ANY_TEXT = st.one_of(st.text(max_size=60), _DRAWING_TEXT)

_PARSERS: list[Callable[[str], object]] = [
    lambda s: dimensions._parse(s, "mm", None, None),
    lambda s: dimensions._parse(s, "inch", 12.5, notation.parse_general_tolerance("ISO 2768-m")),
    lambda s: threads._parse(s, "mm"),
    lambda s: roughness._parse(s, "um"),
    lambda s: gdt._parse_frame(s, "mm"),
    lambda s: gdt._parse_dxf_tolerance(s, "mm"),
    notation.parse_notation,
    notation.parse_tolerance,
    notation.parse_general_tolerance,
    notation.parse_datum_feature,
    notation.parse_bend_note,
    notation.decode_mtext,
    notation.decode_dxf_text,
    notation.normalize,
    lambda s: notation.parse_fit(s, 25.0),
    lambda s: notation.parse_fit(s, -1.0, "furlong"),
]


@settings(max_examples=400, deadline=None)
@given(text=_ANY_TEXT)
def test_parsers_never_raise(text: str) -> None:
    for parse in _PARSERS:
        parse(text)


@settings(max_examples=200, deadline=None)
@given(text=_DRAWING_TEXT)
def test_parsed_dimensions_are_consistent(text: str) -> None:
    result = notation.parse_dimension(text)
    if result is None:
        return
    if result.tolerance is not None:
        assert result.tolerance.upper >= result.tolerance.lower
        assert result.upper_limit is not None and result.lower_limit is not None
        assert result.upper_limit >= result.lower_limit
    assert result.unit == ("deg" if result.kind == "angle" else "mm")
