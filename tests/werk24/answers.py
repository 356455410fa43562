"""Answers the fake Werk24 service replays, shaped like the werk24 v2 response models
(``werk24.models.v2.responses``) and validated against them in ``test_answers_match_models``.

They describe :func:`bracket_pdf`, a drawing generated here: bearing bracket PB-4711, the
same callouts in its text as in the answers. What a test asserts about the mapped result
comes from these answers (part number, ``Ø20 H7``...) and from the standards the mapping
resolves (ISO 286-2: H7 at 20 mm is +0.021/0; ISO 2768-1 class m: ±0.3 mm over 30 up to
120 mm).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

PART_NUMBER = "PB-4711"
DRAWING_NUMBER = "D-4711-01"
TITLE = "Bearing bracket"

#: Callouts drawn on the bracket and answered as features.
CALLOUTS = (
    "Ø20 H7",
    "25 ±0.1",
    "80",
    "(40)",
    "30°",
    "4x Ø6.6 ↧12",
    "R5",
    "1x45°",
    "M8x1.25-6H",
    "1/4-20 UNC-2B",
    "Ra 1.6",
    "ISO 2768-mK",
    PART_NUMBER,
)


def _conf(score: float = 0.93) -> dict[str, Any]:
    return {"score": score}


def size(value: float, size_type: str = "LINEAR", unit: str = "millimeter", **tol: Any) -> dict:
    """A werk24 ``Size``; keyword arguments become its ``Tolerance``."""
    out: dict[str, Any] = {"value": value, "unit": unit, "size_type": size_type}
    if tol:
        out["tolerance"] = tol
    return out


def roughness(ref: int, label: str, value: float, parameter: str = "Ra") -> dict[str, Any]:
    return {
        "reference_id": ref,
        "label": label,
        "confidence": _conf(),
        "standard": "ISO 1302:2002",
        "material_removal_type": "REQUIRED",
        "applies_all_around": False,
        "conditions": [
            {
                "condition_type": "UPPER",
                "filter_type": None,
                "parameter": parameter,
                "acceptance_criterion": "16%",
                "value": size(value, unit="micrometer"),
            }
        ],
    }


def document_profile(page_count: int = 1) -> dict[str, Any]:
    return {
        "ask_version": "v2",
        "ask_type": "DOCUMENT_PROFILE",
        "page_count": page_count,
        "paper_size": "A3",
        "processing_time": {"seconds_p50": 12.0, "seconds_p95": 31.5},
    }


def meta_data() -> dict[str, Any]:
    """``ResponseMetaDataComponentDrawing`` for the bracket, plus two keys the 2.8 client's
    model does not declare: ``revision_table`` (a documented ``RevisionTable``) and
    ``surface_treatment`` (unknown altogether)."""
    steel = {
        "raw_ocr": "1.4301 (X5CrNi18-10)",
        "standard": "EN 10088-3",
        "designation": "1.4301",
        "material_category": ["FERROUS_ALLOY", "STEEL", "STAINLESS_STEEL"],
        "origin": "TITLE_BLOCK",
    }
    return {
        "ask_version": "v2",
        "ask_type": "META_DATA",
        "page_type": "COMPONENT_DRAWING",
        "identifiers": [
            {
                "reference_id": 1,
                "value": PART_NUMBER,
                "identifier_type": "PART_NUMBER",
                "period": "CURRENT",
            },
            {"reference_id": 2, "value": DRAWING_NUMBER, "identifier_type": "DRAWING_NUMBER"},
        ],
        "designation": [{"reference_id": 3, "language": "ENG", "value": TITLE}],
        "general_tolerances": {
            "reference_id": 4,
            "tolerance_standard": "ISO 2768",
            "tolerance_class": "mK",
            "principle": "INDEPENDENCE",
        },
        "general_roughness": roughness(5, "Ra 3.2", 3.2),
        "material_options": [{"reference_id": 6, "material_combination": [steel]}],
        "weight": {"reference_id": 7, "value": 0.42, "unit": "kilogram"},
        "bill_of_material": {
            "reference_id": 8,
            "rows": [
                {
                    "position": "1",
                    "part_number": "PB-4711-1",
                    "designation": "Bracket body",
                    "material_options": [{"reference_id": 9, "material_combination": [steel]}],
                    "quantity": {"value": 1, "unit": "piece"},
                },
                {
                    "position": "2",
                    "designation": "Socket head cap screw",
                    "quantity": {"value": 4, "unit": "piece"},
                    "fastener": {
                        "fastener_type": "SCREW",
                        "designation": "ISO 4762 M6x20",
                        "standard": "ISO 4762",
                    },
                },
            ],
        },
        "certifications": [
            {"certification_type": "COC", "raw_ocr": "Certificate of Compliance required"}
        ],
        "languages": ["ENG"],
        "notes": [
            {
                "reference_id": 10,
                "label": "Deburr all edges",
                "confidence": _conf(),
                "note_type": "CANVAS_NOTE",
            }
        ],
        "projection_method": {"reference_id": 11, "projection_method": "FIRST_ANGLE"},
        "unit_systems": [{"reference_id": 12, "unit_system_type": "METRIC"}],
        "revision_table": {
            "reference_id": 13,
            "rows": [
                {
                    "revision_serial": "A",
                    "description": "First issue",
                    "revision_date": "2025-01-10",
                },
                {
                    "revision_serial": "B",
                    "description": "Bore tolerance changed",
                    "revision_date": "2025-03-02",
                },
            ],
        },
        "surface_treatment": {"label": "electropolished", "standard": "ASTM B912"},
    }


def features() -> dict[str, Any]:
    """``ResponseFeaturesComponentDrawing`` for the bracket (reference ids from 100)."""

    def feature(ref: int, label: str, **fields: Any) -> dict[str, Any]:
        return {"reference_id": ref, "label": label, "confidence": _conf(), **fields}

    return {
        "ask_version": "v2",
        "ask_type": "FEATURES",
        "page_type": "COMPONENT_DRAWING",
        "dimensions": [
            # a fit without deviations: the mapping resolves it from ISO 286-2
            feature(
                100,
                "Ø20 H7",
                quantity=1,
                size=size(20, "DIAMETER", fit="H7", tolerance_grade="IT7"),
                tolerance_note="fit agreed with customer",  # unknown to the client's model
            ),
            feature(
                101,
                "25 ±0.1",
                quantity=1,
                size=size(25, deviation_lower=-0.1, deviation_upper=0.1),
            ),
            feature(102, "80", quantity=1, size=size(80)),  # general tolerance applies
            feature(103, "(40)", quantity=1, size=size(40, is_reference=True)),
            feature(104, "30°", quantity=1, size=size(30, "ANGULAR", unit="degree")),
            # the label says 62, the typed value 60: Werk24's value wins, with an issue
            feature(105, "62", quantity=1, size=size(60)),
        ],
        "bores": [
            feature(
                110,
                "4x Ø6.6 ↧12",
                quantity=4,
                diameter=size(6.6, "DIAMETER"),
                depth={"depth_type": "SIZE", "size": size(12)},
                counterbore={
                    "diameter": size(11, "DIAMETER"),
                    "depth": {"depth_type": "SIZE", "size": size(6.8)},
                },
            )
        ],
        "chamfers": [
            feature(
                120, "1x45°", quantity=1, size=size(1), angle=size(45, "ANGULAR", unit="degree")
            )
        ],
        "radii": [feature(130, "R5", quantity=2, size=size(5))],
        "gdnts": [
            feature(
                140,
                "⌖ Ø0.1 A B",
                characteristic="⌖",
                zone={"value": size(0.1, "DIAMETER")},
                feature=None,
                reference=None,
                datums=[{"label": "A"}, {"label": "B"}],
            ),
            feature(
                141,
                "[A]",
                characteristic="[DATUM]",
                zone=None,
                feature=None,
                reference=None,
                datums=[{"label": "A"}],
            ),
            # a label the notation module cannot read: built from the typed values
            feature(
                142,
                "FL 0.05 (M)",
                characteristic="⏥",
                zone={"value": size(0.05)},
                feature=None,
                reference=None,
                material_condition="Ⓜ",
            ),
        ],
        "threads": [
            feature(
                150,
                "M8x1.25—6H",
                quantity=2,
                diameter=size(8, "DIAMETER"),
                spacing={"pitch_in_mm": 1.25, "threads_per_inch": 20.32},
                handedness="RIGHT",
                thread_type="ISO_METRIC",
                female_pitch_diameter_tolerance={"fit": "6H"},
            ),
            feature(
                151,
                "¼″-20 UNC 2B LH",  # not a notation the module reads: built from the types
                quantity=1,
                diameter=size(0.25, "DIAMETER", unit="inch"),
                spacing={"pitch_in_mm": 1.27, "threads_per_inch": 20},
                handedness="LEFT",
                thread_type="UTS",
                uts_size="1/4",
                uts_series="UNC",
                uts_tolerance_class="2B",
            ),
            feature(
                152,
                "Rd 40x1/6",
                quantity=1,
                diameter=size(40, "DIAMETER"),
                spacing={"pitch_in_mm": 4.233, "threads_per_inch": 6},
                handedness="RIGHT",
                thread_type="KNUCKLE",
                knuckle_size="40",
                knuckle_series="DIN 405",
            ),
        ],
        "roughnesses": [roughness(160, "Ra 1.6", 1.6)],
        "undercuts": [
            feature(
                170,
                "DIN 76-B",
                quantity=1,
                undercut_type="THREAD_UNDERCUT",
                standard="DIN 76",
                form="B",
            )
        ],
    }


def bracket_answers(pages: int = 1) -> list[tuple[str, int, dict[str, Any]]]:
    """(ask type, page number from 0, payload) in the order the service sends them."""
    out: list[tuple[str, int, dict[str, Any]]] = [("DOCUMENT_PROFILE", 0, document_profile(pages))]
    for page in range(pages):
        out.append(("META_DATA", page, meta_data()))
        out.append(("FEATURES", page, features()))
    return out


def bracket_pdf(path: Path, pages: int = 1) -> Path:
    """Write the bracket drawing (reportlab, A3 landscape): outline, the callouts, a title
    block with part number, title, material and general tolerance."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(A3)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    for page in range(pages):
        pdf.rect(200, 300, 400, 250)
        pdf.circle(400, 425, 60)
        for i, text in enumerate(CALLOUTS[:-2]):
            pdf.drawString(650, 700 - 22 * i, text)
        pdf.rect(width - 420, 20, 400, 120)
        pdf.drawString(width - 410, 120, f"Part number: {PART_NUMBER}   Sheet {page + 1}/{pages}")
        pdf.drawString(width - 410, 95, f"Title: {TITLE}")
        pdf.drawString(width - 410, 70, "Material: 1.4301 (X5CrNi18-10)")
        pdf.drawString(width - 410, 45, "General tolerances: ISO 2768-mK")
        pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def bracket_png(pdf: Path, path: Path) -> Path:
    """The first page of the bracket PDF rendered to a PNG (pypdfium2, 50 dpi): a scan."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=50 / 72).to_pil()
        image.save(path, format="PNG")
    finally:
        document.close()
    return path
