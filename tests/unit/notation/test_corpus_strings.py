"""Real strings from the corpus drawings (MANIFEST.tsv) through the notation parsers.

The first tests use strings quoted in MANIFEST.tsv and need no files. The corpus tests read
the raw strings with the format library (ezdxf DIMENSION group 1 / MTEXT, pypdfium2 page
text) because what is under test is the notation module, not an extractor; they skip when
../shared/corpus is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pybase.extraction.notation import (
    GeneralTolerance,
    ParsedDimension,
    SheetMetalBend,
    SurfaceTexture,
    Thread,
    parse_dimension,
    parse_notation,
)


@pytest.mark.parametrize(
    ("text", "kind", "nominal", "upper", "lower"),
    [
        # openamr__MMP.03.00.00.004_Drive_shaft.PDF: fits/tolerances
        ("150 h11", "linear", 150, 0, -0.25),
        ("8 H9", "linear", 8, 0.036, 0),
        ("12 H12", "linear", 12, 0.18, 0),
        ("Ø30 h7", "diameter", 30, 0, -0.021),
        # nist__nist_ftc_10_asme1_rb.pdf
        ("Ø6 ±0.15", "diameter", 6, 0.15, -0.15),
        ("8X Ø2.5 ±0.15", "diameter", 2.5, 0.15, -0.15),
        ("Ø5.5 ±0.08", "diameter", 5.5, 0.08, -0.08),
        ("15 ±0.2", "linear", 15, 0.2, -0.2),
    ],
)
def test_manifest_dimensions(
    text: str, kind: str, nominal: float, upper: float, lower: float
) -> None:
    result = parse_dimension(text)
    assert result is not None
    assert (result.kind, result.nominal) == (kind, nominal)
    assert result.tolerance is not None
    assert (result.tolerance.upper, result.tolerance.lower) == (upper, lower)


def test_manifest_other_notations() -> None:
    count = parse_notation("8 X 0.75")  # nist ftc 10
    assert isinstance(count, ParsedDimension) and (count.count, count.nominal) == (8, 0.75)
    bend = parse_notation("Up 90° R 1.5")  # openamr Center bracket flat pattern
    assert isinstance(bend, SheetMetalBend) and (bend.angle, bend.radius) == (90, 1.5)
    texture = parse_notation("Ra 3.2")
    assert isinstance(texture, SurfaceTexture) and texture.value == 3.2
    general = parse_notation("DIN ISO 2768-m")
    assert isinstance(general, GeneralTolerance) and general.linear_class == "m"


@pytest.fixture(scope="module")
def egghunters(corpus_file: Callable[[str], Path]) -> Any:
    """The egghunters reducer assembly drawing, read once (ezdxf Drawing)."""
    ezdxf = pytest.importorskip("ezdxf")
    return ezdxf.readfile(corpus_file("dxf/egghunters__dxf_3.dxf"))


@pytest.fixture(scope="module")
def egghunters_dimensions(egghunters: Any) -> dict[str, float]:
    doc = egghunters
    return {
        entity.dxf.get("text", ""): entity.get_measurement()
        for entity in doc.modelspace().query("DIMENSION")
    }


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("suffix", "fit", "fit_type", "hole", "shaft"),
    [
        # CAXA fit stacks 'φ130%&H7%/f9' (MANIFEST); ISO 286-2: H7 @130 +40/0, f9 -43/-143
        ("φ130%&H7%/f9", "H7/f9", "clearance", (0.04, 0), (-0.043, -0.143)),
        # H7 @45 +25/0, r6 @45 +50/+34
        ("φ45%&H7%/r6", "H7/r6", "interference", (0.025, 0), (0.05, 0.034)),
        # H7 @65 +30/0, r6 @65 +60/+41
        ("φ65%&H7%/r6", "H7/r6", "interference", (0.03, 0), (0.06, 0.041)),
    ],
)
def test_egghunters_fit_overrides(
    egghunters_dimensions: dict[str, float],
    suffix: str,
    fit: str,
    fit_type: str,
    hole: tuple[float, float],
    shaft: tuple[float, float],
) -> None:
    (text,) = [t for t in egghunters_dimensions if t.endswith(suffix)]
    result = parse_dimension(text)
    assert result is not None and result.kind == "diameter" and result.fit is not None
    assert (result.fit.designation, result.fit.fit_type) == (fit, fit_type)
    assert result.fit.hole is not None and result.fit.shaft is not None
    assert (result.fit.hole.upper, result.fit.hole.lower) == hole
    assert (result.fit.shaft.upper, result.fit.shaft.lower) == shaft


@pytest.mark.corpus
def test_egghunters_every_dimension_override_parses(
    egghunters_dimensions: dict[str, float],
) -> None:
    parsed = {text: parse_dimension(text) for text in egghunters_dimensions}
    assert len(parsed) >= 15 and all(result is not None for result in parsed.values())
    # MANIFEST: override text 445 where the measured length is 458
    (long_side,) = [t for t in parsed if t.endswith(";445")]
    result = parsed[long_side]
    assert result is not None and result.nominal == 445
    assert round(egghunters_dimensions[long_side]) == 458
    (holes,) = [t for t in parsed if t.endswith("4-φ28")]
    hole = parsed[holes]
    assert hole is not None and (hole.count, hole.kind, hole.nominal) == (4, "diameter", 28)
    shaft = next(parsed[t] for t in parsed if t.endswith("φ50k6"))
    assert shaft is not None and shaft.tolerance is not None
    assert (shaft.tolerance.upper, shaft.tolerance.lower) == (0.018, 0.002)  # k6 @50


@pytest.mark.corpus
def test_egghunters_parts_list_threads(egghunters: Any) -> None:
    texts = [e.text for e in egghunters.modelspace().query("MTEXT")]
    threads = {text: parse_notation(text) for text in texts if "螺栓" in text}
    bolts = {
        (t.designation, t.length.value if t.length else None)
        for t in threads.values()
        if isinstance(t, Thread)
    }
    # MANIFEST: '8-螺栓 M16x130'; the parts list also has M10x30, M8x25, M12x45, M10x40 bolts
    assert ("M16", 130) in bolts
    assert ("M10", 30) in bolts
    assert all(isinstance(t, Thread) for t in threads.values())


@pytest.mark.corpus
def test_ezdxf_uncommon_dimension_texts(corpus_file: Callable[[str], Path]) -> None:
    ezdxf = pytest.importorskip("ezdxf")
    doc = ezdxf.readfile(corpus_file("dxf/ezdxf__uncommon.dxf"))
    kinds: dict[str, int] = {}
    # the dimension blocks (*D..) hold the rendered texts as MTEXT
    texts = {e.text for e in doc.entitydb.values() if e.dxftype() == "MTEXT"}
    for text in sorted(texts):
        if not text.startswith("\\A1;"):
            continue
        result = parse_dimension(text, "inch")
        assert result is not None, text
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
    # '\A1;∅6.1788' (U+2205 as diameter), '\A1;R3.0894', '\A1;126°' ...
    assert kinds["diameter"] == 2 and kinds["radius"] == 3 and kinds["angle"] >= 4


@pytest.mark.corpus
def test_drive_shaft_pdf_text(corpus_file: Callable[[str], Path]) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(corpus_file("pdf/openamr__MMP.03.00.00.004_Drive_shaft.PDF"))
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    found = [parse_notation(line) for line in text.splitlines()]
    fits = {
        (d.nominal, d.fit.designation)
        for d in found
        if isinstance(d, ParsedDimension) and d.fit is not None
    }
    assert {(150, "h11"), (8, "H9"), (12, "H12"), (30, "h7")} <= fits
    textures = {(t.parameter, t.value) for t in found if isinstance(t, SurfaceTexture)}
    assert {("Ra", 2.5), ("Rz", 20)} <= textures
    notes = [g for g in found if isinstance(g, GeneralTolerance)]
    assert [(g.standard, g.linear_class) for g in notes] == [("DIN ISO 2768", "m")]
