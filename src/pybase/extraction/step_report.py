"""Units and issues of a STEP extraction: what the Part 21 reader and OCCT noticed, as data.

Issue codes of the STEP extractor (all recoverable; the file was still read). Written here:

* ``part21_syntax_error``: our Part 21 reader stopped on malformed DATA (OCCT read it anyway).
* ``empty_data_section``: the DATA section holds no entity instance.
* ``non_ascii_strings_decoded`` (info): strings held raw non-ASCII bytes that were decoded.
* ``unresolved_reference``: an instance refers to ``#n``, which is not in the file.
* ``step_entity_check_failed`` (info): other load failures OCCT reported (summarised).
* ``length_unit_missing`` (info), ``unknown_length_unit``, ``mixed_length_units``: see
  :func:`file_units`.
* ``external_reference_missing``: a DOCUMENT_FILE holding part geometry is not beside the file.
* ``geometry_unavailable``: no B-rep solid or face (message from :func:`no_geometry_reason`).

Written by :mod:`pybase.extraction.step` per part: ``mass_properties_failed`` (OCCT raised
measuring it) and ``solid_orientation_reversed`` (negative volume, reported as absolute); and
``step_data_unreadable`` when damaged data stops one of the Part 21 readers below (the rest of
the result is kept).

Written elsewhere: ``pmi_reference_unresolved``, ``pmi_unreadable``, ``pmi_unknown_modifier``
(info), ``pmi_dimension_without_value`` (info), ``presentation_pmi`` (info) by
:mod:`pybase.extraction.step_pmi`; ``density_unit_inconsistent`` and ``density_unit_missing`` by
:mod:`pybase.extraction.step_materials`; ``validation_property_mismatch`` by
:mod:`pybase.extraction.step_validation`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pybase.extraction.result import ExtractionResult, Issue, Units
from pybase.extraction.step_part21 import Part21File

if TYPE_CHECKING:
    from pybase.extraction.step_occt import XcafModel

__all__ = [
    "LENGTH_UNIT_NAMES",
    "MM_PER_UNIT",
    "check_issues",
    "document_issues",
    "file_units",
    "no_geometry_reason",
    "part21_issues",
]

#: OCCT FileUnits length names (lower-cased) -> result unit names (``result.LENGTH_UNITS``).
#: SI units come as prefix + "metre" (ISO 10303-41 si_unit), others as the
#: CONVERSION_BASED_UNIT name.
LENGTH_UNIT_NAMES: dict[str, str] = {
    "millimetre": "mm",
    "millimeter": "mm",
    "mm": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "decimetre": "dm",
    "metre": "m",
    "meter": "m",
    "kilometre": "km",
    "micrometre": "um",
    "micron": "um",
    "nanometre": "nm",
    "inch": "inch",
    "in": "inch",
    "foot": "foot",
    "feet": "foot",
    "ft": "foot",
    "yard": "yard",
    "mile": "mile",
    "mil": "mil",
    "thou": "mil",
    "microinch": "microinch",
}

#: Millimetres per unit (exact definitions; inch = 25.4 mm by the 1959 agreement).
MM_PER_UNIT: dict[str, float] = {
    "mm": 1.0,
    "cm": 10.0,
    "dm": 100.0,
    "m": 1000.0,
    "km": 1.0e6,
    "um": 1.0e-3,
    "nm": 1.0e-6,
    "inch": 25.4,
    "foot": 304.8,
    "yard": 914.4,
    "mile": 1_609_344.0,
    "mil": 0.0254,
    "microinch": 2.54e-5,
}

_ANGLE_UNIT_NAMES = {"radian": "rad", "degree": "deg", "grad": "grad"}
_ENTITY_ID_IN_MESSAGE = re.compile(r"Ent\.Id\.#(\d+)")
_MISSING_ID_IN_MESSAGE = re.compile(r"\(Id\.#(\d+)\)")


def file_units(model: XcafModel, result: ExtractionResult) -> str:
    """Fill ``result.units`` from the length units of the file's shape representation contexts
    (ISO 10303-41 GLOBAL_UNIT_ASSIGNED_CONTEXT, as OCCT's FileUnits names them) and return the
    length unit (a :data:`MM_PER_UNIT` key) that part properties are converted to.

    The most frequent unit wins (``mixed_length_units`` when several differ). No declared unit:
    ``units.length`` stays None and values are in mm, OCCT's default (``length_unit_missing``);
    an unknown name gives ``unknown_length_unit`` and mm as well.
    """
    raw = [name.strip() for name in model.length_units if name.strip()]
    mapped = [LENGTH_UNIT_NAMES.get(name.lower()) for name in raw]
    known = [u for u in mapped if u is not None]
    angles = [_ANGLE_UNIT_NAMES.get(a.strip().lower()) for a in model.angle_units]
    angle = next((a for a in angles if a), None)
    if not raw:
        result.units = Units(angle=angle)
        result.issues.append(
            Issue(
                code="length_unit_missing",
                severity="info",
                message="no shape representation declares a length unit; OCCT's default (mm) "
                "is assumed for part properties",
            )
        )
        return "mm"
    if not known:
        result.issues.append(
            Issue(
                code="unknown_length_unit",
                message=f"length unit {raw[0]!r} is not known; values are given in mm",
            )
        )
        result.units = Units(angle=angle, source=f"STEP length unit {raw[0]!r}")
        return "mm"
    unit = Counter(known).most_common(1)[0][0]
    if len(set(known)) > 1:
        result.issues.append(
            Issue(
                code="mixed_length_units",
                message="shape representations use different length units "
                f"({', '.join(sorted(set(known)))}); values are given in {unit}",
            )
        )
    result.units = Units(
        length=unit,
        area=f"{unit}2",
        volume=f"{unit}3",
        angle=angle,
        source=f"STEP GLOBAL_UNIT_ASSIGNED_CONTEXT length unit {raw[mapped.index(unit)]!r}",
    )
    return unit


def part21_issues(p21: Part21File, result: ExtractionResult) -> None:
    """Issues from our own Part 21 reading: syntax problems, an empty DATA section, decoded
    raw non-ASCII strings."""
    if p21.syntax_error:
        result.issues.append(
            Issue(
                code="part21_syntax_error",
                message=f"Part 21 syntax problem (OCCT read the file anyway): {p21.syntax_error}",
            )
        )
    if p21.instance_count == 0:
        result.issues.append(
            Issue(code="empty_data_section", message="the DATA section has no entity instance")
        )
    if p21.decoded_encodings:
        used = ", ".join(sorted(p21.decoded_encodings))
        result.issues.append(
            Issue(
                code="non_ascii_strings_decoded",
                severity="info",
                message="strings hold raw non-ASCII bytes instead of \\X2\\ escapes; each run "
                f"of such bytes was decoded as the most plausible of UTF-8/cp1252/cp1251/cp866 "
                f"(used: {used})",
            )
        )


def check_issues(model: XcafModel, p21: Part21File, result: ExtractionResult) -> None:
    """OCCT load failures: unresolved references one by one, the rest summarised."""
    other: list[str] = []
    ids = p21.entity_ids if len(p21.entity_ids) == model.entity_count else []
    for rank, message in model.check_fails:
        where = f"#{ids[rank - 1]}" if 0 < rank <= len(ids) else None
        if "Unresolved Reference" in message:
            entity = _ENTITY_ID_IN_MESSAGE.search(message)
            missing = _MISSING_ID_IN_MESSAGE.search(message)
            result.issues.append(
                Issue(
                    code="unresolved_reference",
                    message=f"reference to #{missing.group(1)}, which is not in the file"
                    if missing
                    else message,
                    location=f"#{entity.group(1)}" if entity else where,
                )
            )
        elif "unresolved" not in message.lower():
            other.append(f"{where}: {message}" if where else message)
    if other:
        shown = "; ".join(other[:3])
        result.issues.append(
            Issue(
                code="step_entity_check_failed",
                severity="info",
                message=f"OCCT reported {len(other)} entity check failure(s), e.g. {shown}",
            )
        )


def document_issues(path: Path, p21: Part21File, result: ExtractionResult) -> None:
    """``external_reference_missing`` for each DOCUMENT_FILE not found beside the file."""
    for document in p21.documents:
        name = document.file_name.replace("\\", "/").rsplit("/", 1)[-1]
        if name and (path.parent / name).is_file():
            continue
        owners = [
            p.display_name
            for pd in document.product_definitions
            if (p := p21.product_of_definition(pd)) is not None
        ]
        owner = f" (geometry of {', '.join(repr(o) for o in owners)})" if owners else ""
        result.issues.append(
            Issue(
                code="external_reference_missing",
                message=f"external file {document.file_name!r}{owner} is referenced "
                "but not present next to this file",
                location=f"#{document.entity_id}",
            )
        )


def no_geometry_reason(model: XcafModel, p21: Part21File) -> str:
    """The message of ``geometry_unavailable``: why there is no B-rep in the result."""
    if model.transfer_error:
        return (
            f"no shape transfer by OCCT ({model.transfer_error}); the product structure was "
            "read from the Part 21 data"
        )
    if p21.documents:
        return (
            "no B-rep geometry: the parts' shapes are in external files "
            "(DOCUMENT_FILE references) that are not available"
        )
    if not model.transferred:
        return (
            "OCCT transferred no shape from this file; the product structure was read from "
            "the Part 21 data"
        )
    return (
        "no B-rep solids or faces in this file (e.g. an analysis model or an assembly skeleton); "
        "the product structure is still reported"
    )
