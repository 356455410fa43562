"""DXF control codes, MTEXT formatting, the GDT font and look-alike folding."""

from __future__ import annotations

import pytest

from pybase.extraction.notation import GDT_FONT, decode_dxf_text, decode_mtext, normalize


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("%%c25", "Ø25"),
        ("%%C25", "Ø25"),
        ("45%%d", "45°"),
        ("25%%p0.1", "25±0.1"),
        ("35.00%%%", "35.00%"),
        ("%%uUNDER%%u and %%oOVER%%o", "UNDER and OVER"),
        ("%%177 %%176", "± °"),
        ("\\U+2300 12", "⌀ 12"),
        ("\\U+0414\\U+0430\\U+0442\\U+0430", "Дата"),
        ("\\M+5C4E3", "你"),
        ("row1^Jrow2", "row1\nrow2"),
        ("φ130%&H7%/f9", "φ130 H7/f9"),
        ("φ45%%&H7%%/r6", "φ45 H7/r6"),
        ("plain text", "plain text"),
    ],
)
def test_decode_dxf_text(raw: str, plain: str) -> None:
    assert decode_dxf_text(raw) == plain


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("\\A1;0.030", "0.030"),
        ("\\fFangSong_GB2312;φ40r6", "φ40r6"),
        ("{\\C1;\\fTimes New Roman|b0|i0;\\H1.4x;HEADLINE}", "HEADLINE"),
        ("LINE1\\PLINE2", "LINE1\nLINE2"),
        ("KONSEXPERT\\~&\\~RIBBONSOFT", "KONSEXPERT & RIBBONSOFT"),
        ("\\LUnder\\l \\OOver\\o \\KStrike\\k", "Under Over Strike"),
        ("a\\\\b \\{c\\}", "a\\b {c}"),
        ("25\\S+0.1^-0.05;", "25 +0.1/-0.05"),
        ("\\S12.00^11.95;", "12.00/11.95"),
        ('2{\\H0.7x;\\S1#2;}"x5', '2 1/2"x5'),
        ("{\\H0.7x;\\S1/2;}", "1/2"),
        ("x\\S^2;", "x2"),
        ("4-{%%C}28", "4-Ø28"),
        ("{\\Fgdt;j}%%v{\\Fgdt;n}0.1{\\Fgdt;m}%%vA", "⌖|Ø0.1Ⓜ|A"),
        ("\\Fgdt;u\\Fromans;u", "⏤u"),
        ("20\\X+0.1", "20\n+0.1"),
        ("\\U+0418\\U+0437\\U+043c.", "Изм."),
        # broken formatting: unclosed group, code without ';', stray '}' and a trailing '\'
        ("{\\H2.5x;25", "25"),
        ("\\H2.5x", ""),
        ("}25{", "25"),
        ("25\\", "25\\"),
    ],
)
def test_decode_mtext(raw: str, plain: str) -> None:
    assert decode_mtext(raw) == plain


def test_gdt_font_maps_every_autocad_tolerance_letter() -> None:
    assert set("abcdefghijklmnopqrstu") <= set(GDT_FONT)
    assert GDT_FONT["j"] == "⌖" and GDT_FONT["n"] == "Ø" and GDT_FONT["m"] == "Ⓜ"
    assert len(set(GDT_FONT.values())) == len(GDT_FONT)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("⌀20", "Ø20"),
        ("∅2.5999", "Ø2.5999"),
        ("φ130", "Ø130"),
        ("Φ130", "Ø130"),
        ("Ф20", "Ø20"),
        ("ø20", "Ø20"),
        ("25 +/- 0.1", "25 ± 0.1"),
        ("25 +-0.1", "25 ±0.1"),
        ("45º", "45°"),
        ("−0.05", "-0.05"),
        ("3×M6", "3xM6"),
        ("０.８ μm", "0.8 µm"),
        ("М8", "M8"),  # Cyrillic Em
        ("Sheet Size: А3", "Sheet Size: A3"),  # Cyrillic A (openamr title block)
        ("12\u00a0mm", "12 mm"),
        ("  a \t b\n", "a b"),
        ("ⓜ", "Ⓜ"),
    ],
)
def test_normalize(raw: str, normal: str) -> None:
    assert normalize(raw) == normal
