"""Werk24 answers -> ExtractionResult sections (pure: no client connection, no server).

The answers are the ones the fake service replays (tests/werk24/answers.py); the expected
values are what those answers say, resolved by the standards the mapping applies.
"""

from __future__ import annotations

from typing import Any

import pytest

from pybase.extraction.werk24_client import Answer
from pybase.extraction.werk24_map import Mapped, map_answers
from tests.werk24.answers import (
    DRAWING_NUMBER,
    PART_NUMBER,
    TITLE,
    bracket_answers,
    document_profile,
    features,
    meta_data,
)


def _answers(items: list[tuple[str, int, dict[str, Any]]]) -> list[Answer]:
    return [Answer(ask, page, None, payload) for ask, page, payload in items]


@pytest.fixture(scope="module")
def mapped() -> Mapped:
    return map_answers(_answers(bracket_answers()))


def _dimension(mapped: Mapped, text: str) -> Any:
    matches = [d for d in mapped.dimensions if d.text == text and d.parsed.feature is None]
    assert len(matches) == 1, [d.text for d in mapped.dimensions]
    return matches[0]


def test_answers_match_models() -> None:
    """The replayed answers are valid werk24 v2 responses (the client's own models)."""
    from werk24.models.v2.responses import (
        ResponseDocumentProfile,
        ResponseFeaturesComponentDrawing,
        ResponseMetaDataComponentDrawing,
    )

    ResponseDocumentProfile.model_validate(document_profile())
    meta = ResponseMetaDataComponentDrawing.model_validate(meta_data())
    feats = ResponseFeaturesComponentDrawing.model_validate(features())
    assert meta.identifiers[0].value == PART_NUMBER
    assert len(feats.dimensions) == 6 and len(feats.threads) == 3


def test_title_block(mapped: Mapped) -> None:
    tb = mapped.title_block
    assert tb is not None
    assert (tb.part_number, tb.title, tb.material) == (PART_NUMBER, TITLE, "1.4301")
    assert tb.fields["DRAWING_NUMBER"] == DRAWING_NUMBER
    assert tb.fields["MATERIAL"] == "1.4301 (X5CrNi18-10)"
    assert tb.weight is not None and (tb.weight.value, tb.weight.unit) == (0.42, "kg")
    gt = tb.general_tolerance
    assert gt is not None and (gt.standard, gt.linear_class, gt.geometric_class) == (
        "ISO 2768",
        "m",
        "K",
    )
    # the revision table is not in the 2.8 client's response model: read from the raw JSON
    assert tb.revision == "B"
    assert mapped.tables[0].title == "revision table"
    assert mapped.tables[0].rows[1] == ["B", "Bore tolerance changed", "2025-03-02"]


def test_units_metadata_notes_bom(mapped: Mapped) -> None:
    assert (mapped.units.length, mapped.units.angle) == ("mm", "deg")
    assert mapped.metadata["page_count"] == 1 and mapped.metadata["paper_size"] == "A3"
    assert mapped.metadata["projection_method"]["projection_method"] == "FIRST_ANGLE"
    assert mapped.metadata["certifications"][0]["certification_type"] == "COC"
    assert [(t.text, t.kind, t.page) for t in mapped.text] == [("Deburr all edges", "note", 1)]
    body, screw = mapped.bom
    assert (body.item, body.part_number, body.quantity, body.unit, body.material) == (
        "1",
        "PB-4711-1",
        1.0,
        "pcs",
        "1.4301",
    )
    assert (screw.description, screw.quantity) == ("Socket head cap screw", 4.0)


def test_fit_without_deviations_is_resolved_from_iso_286(mapped: Mapped) -> None:
    bore = _dimension(mapped, "Ø20 H7")
    assert bore.kind == "diameter" and bore.unit == "mm" and bore.page == 1
    assert (bore.upper_deviation, bore.lower_deviation) == (0.021, 0.0)  # ISO 286-2, H7 @ 20
    assert bore.parsed.fit is not None and bore.parsed.fit.designation == "H7"
    assert (bore.parsed.upper_limit, bore.parsed.lower_limit) == (20.021, 20.0)


def test_typed_and_general_tolerances(mapped: Mapped) -> None:
    sym = _dimension(mapped, "25 ±0.1")
    assert sym.parsed.tolerance.kind == "symmetric"
    assert (sym.parsed.upper_limit, sym.parsed.lower_limit) == (25.1, 24.9)
    general = _dimension(mapped, "80")  # ISO 2768-1 class m, over 30 up to 120 mm: ±0.3
    assert general.parsed.tolerance.kind == "general"
    assert (general.upper_deviation, general.lower_deviation) == (0.3, -0.3)
    reference = _dimension(mapped, "(40)")
    assert reference.parsed.reference and reference.parsed.tolerance is None
    angle = _dimension(mapped, "30°")
    assert (angle.kind, angle.unit, angle.parsed.nominal) == ("angular", "deg", 30.0)


def test_label_that_disagrees_keeps_werk24_value(mapped: Mapped) -> None:
    dim = _dimension(mapped, "62")
    assert dim.parsed.nominal == 60.0
    assert any(i.code == "werk24_label_differs" for i in mapped.issues)


def test_bore_chamfer_radius(mapped: Mapped) -> None:
    bore = _dimension(mapped, "4x Ø6.6 ↧12")
    assert (bore.parsed.nominal, bore.parsed.count, bore.parsed.depth) == (6.6, 4, 12.0)
    counterbore = next(d for d in mapped.dimensions if d.parsed.feature == "counterbore")
    assert (counterbore.parsed.nominal, counterbore.parsed.depth) == (11.0, 6.8)
    chamfer = _dimension(mapped, "1x45°")
    assert (chamfer.parsed.kind, chamfer.parsed.nominal, chamfer.parsed.chamfer_angle) == (
        "chamfer",
        1.0,
        45.0,
    )
    radius = _dimension(mapped, "R5")
    assert (radius.kind, radius.parsed.nominal, radius.parsed.count) == ("radius", 5.0, 2)


def test_gdt_and_datums(mapped: Mapped) -> None:
    position, flatness = mapped.gdt
    assert (position.characteristic, position.tolerance, position.zone_shape) == (
        "position",
        0.1,
        "diameter",
    )
    assert [d.label for d in position.datums] == ["A", "B"]
    # "FL 0.05 (M)" is no notation we read: built from the typed characteristic and zone
    assert (flatness.characteristic, flatness.tolerance, flatness.modifiers) == (
        "flatness",
        0.05,
        ["mmc"],
    )
    assert [d.label for d in mapped.datums] == ["A"]
    sources = [(s.section, s.index, s.text) for s in mapped.notation_sources]
    assert ("gdt", 0, "⌖ Ø0.1 A B") in sources and ("datums", 0, "[A]") in sources


def test_threads(mapped: Mapped) -> None:
    metric, unified = mapped.threads
    assert (metric.designation, metric.count, metric.internal) == ("M8x1.25-6H", 2, True)
    # built from the typed UTS fields through the notation module's tables
    assert unified.designation == "1/4-20 UNC-2B" and unified.handedness == "left"
    assert unified.nominal_diameter is not None and unified.nominal_diameter.unit == "inch"


def test_surface_textures(mapped: Mapped) -> None:
    general, callout = mapped.surface_textures
    assert (general.parameter, general.value, general.unit, general.limit) == (
        "Ra",
        3.2,
        "um",
        "upper",
    )
    assert general.process == "material_removal_required"
    assert (callout.parameter, callout.value) == ("Ra", 1.6)
    assert mapped.title_block is not None
    assert mapped.title_block.fields["GENERAL_ROUGHNESS"] == "Ra 3.2"


def test_nothing_is_dropped(mapped: Mapped) -> None:
    unmapped = {(u["ask_type"], key) for u in mapped.unmapped for key in u["fields"]}
    # unknown to the client, no place in the schema, a thread system we do not model
    assert unmapped == {
        ("META_DATA", "surface_treatment"),
        ("FEATURES", "undercuts"),
        ("FEATURES", "threads"),
    }
    knuckle = next(u for u in mapped.unmapped if "threads" in u["fields"])
    assert knuckle["fields"]["threads"][0]["label"] == "Rd 40x1/6"
    assert sum(i.code == "werk24_unmapped" for i in mapped.issues) == 3
    # every answer is kept as received, unknown fields included
    assert [a["ask_type"] for a in mapped.answers] == ["DOCUMENT_PROFILE", "META_DATA", "FEATURES"]
    dims = mapped.answers[2]["payload"]["dimensions"]
    assert dims[0]["tolerance_note"] == "fit agreed with customer"
    # and each mapped entry points back at its Werk24 reference id
    ref = next(r for r in mapped.references if r.get("reference_id") == 100)
    assert (ref["section"], ref["confidence"]) == ("dimensions", 0.93)
    assert ref["unknown"] == {"tolerance_note": "fit agreed with customer"}
    assert mapped.dimensions[ref["index"]].text == "Ø20 H7"


def test_pages_are_counted_and_numbered_from_one() -> None:
    mapped = map_answers(_answers(bracket_answers(pages=3)))
    assert mapped.page_count == 3 and mapped.pages_answered == {0, 1, 2}
    assert {d.page for d in mapped.dimensions} == {1, 2, 3}
    assert mapped.title_block is not None and mapped.title_block.part_number == PART_NUMBER


def test_odd_answers_become_issues_not_errors() -> None:
    broken = features()
    broken["dimensions"].append({"label": "Ø?", "size": "not a size"})  # fails validation
    broken["radii"].append(
        {
            "reference_id": 9,
            "label": "R PLANE",
            "confidence": None,
            "quantity": 1,
            "size": {"value": "Infinity", "unit": "millimeter", "size_type": "LINEAR"},
        }
    )
    answers = [
        Answer("FEATURES", 0, None, broken),
        Answer("META_DATA", 0, None, None, [{"level": "ERROR", "type": "X", "reason": None}]),
        Answer("INSIGHTS", 0, None, {"ask_type": "INSIGHTS", "volume_estimate": 1}),
    ]
    mapped = map_answers(answers, [{"type": "READ_INCOMPLETE", "ask_type": "FEATURES"}])
    codes = [i.code for i in mapped.issues]
    assert "werk24_ask_failed" in codes and "werk24_read_incomplete" in codes
    kept = {key for u in mapped.unmapped for key in u["fields"]}
    assert {"dimensions", "non_finite_sizes", "ask_type", "volume_estimate"} <= kept
    assert all(d.parsed.nominal != float("inf") for d in mapped.dimensions)
