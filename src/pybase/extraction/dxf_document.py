"""Document-level part of the DXF extractor: loading (readfile, then recover), header
metadata, units, extents, and the capped issue log. Imports ezdxf; only
:mod:`pybase.extraction.dxf` imports this module.

Sources: DXF reference, HEADER section group codes ($ACADVER, $DWGCODEPAGE, $INSUNITS,
$MEASUREMENT, $EXTMIN/$EXTMAX, $TDCREATE/$TDUPDATE as Julian dates); ezdxf ``recover`` and
``Auditor`` (AuditError codes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ezdxf
from ezdxf import bbox, recover
from ezdxf.audit import AuditError
from ezdxf.lldxf.const import acad_release
from ezdxf.lldxf.tagger import ascii_tags_loader, binary_tags_loader
from ezdxf.math import BoundingBox
from ezdxf.tools import calendardate

from pybase.errors import CorruptFileError
from pybase.extraction.result import Issue, Units

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.sections.header import HeaderSection

__all__ = [
    "INSUNITS",
    "MEASUREMENT_UNITS",
    "IssueLog",
    "Severity",
    "document_extents",
    "document_metadata",
    "document_units",
    "load_document",
]

Severity = Literal["info", "warning", "error"]
_MAX_ISSUES_PER_CODE = 50
#: Bytes invalid in the file's code page become U+FFFD. ezdxf's default, surrogateescape,
#: keeps them as lone surrogates, which cannot be written as UTF-8/JSON.
_DECODE_ERRORS = "replace"

# fmt: off
#: $INSUNITS code -> canonical length unit name (DXF reference, HEADER section variables).
#: 0 (unitless) is not listed: it declares no unit.
INSUNITS: dict[int, str] = {
    1: "inch", 2: "foot", 3: "mile", 4: "mm", 5: "cm", 6: "m", 7: "km", 8: "microinch",
    9: "mil", 10: "yard", 11: "angstrom", 12: "nm", 13: "um", 14: "dm", 15: "dam", 16: "hm",
    17: "Gm", 18: "au", 19: "ly", 20: "pc", 21: "us_survey_foot",
}

#: Header variables copied into ``metadata`` when the file has them.
_HEADER_VARS = (
    "$DWGCODEPAGE", "$INSUNITS", "$MEASUREMENT", "$LUNITS", "$AUNITS", "$EXTMIN", "$EXTMAX",
    "$LIMMIN", "$LIMMAX", "$LASTSAVEDBY",
)
# fmt: on
_DATE_VARS = ("$TDCREATE", "$TDUPDATE")


class IssueLog:
    """Issue list that keeps at most ``_MAX_ISSUES_PER_CODE`` entries per code and adds one
    ``<code>`` summary entry saying how many more were dropped."""

    def __init__(self) -> None:
        self.items: list[Issue] = []
        self._dropped: Counter[str] = Counter()
        self._seen: Counter[str] = Counter()

    def add(
        self, code: str, message: str, severity: Severity = "warning", location: str | None = None
    ) -> None:
        self._seen[code] += 1
        if self._seen[code] > _MAX_ISSUES_PER_CODE:
            self._dropped[code] += 1
            return
        self.items.append(Issue(code=code, message=message, severity=severity, location=location))

    def finish(self) -> list[Issue]:
        for code, n in self._dropped.items():
            self.items.append(
                Issue(code=code, message=f"{n} more {code} issues not listed", severity="info")
            )
        return self.items


def load_document(path: Path, issues: IssueLog) -> tuple[Drawing, str]:
    """Read ``path`` (ASCII or binary DXF) with ezdxf.readfile, falling back to
    ezdxf.recover.readfile when readfile raises anything.

    Strings are decoded with the file's code page ($DWGCODEPAGE; UTF-8 from R2007 on); bytes
    that are invalid in it become U+FFFD (the walker reports ``dxf_text_undecodable``).

    Returns:
        ``(document, reader)``, reader ``"ezdxf.readfile"`` or ``"ezdxf.recover"``. After a
        recovery ``issues`` holds ``dxf_recovered`` (with readfile's error) and one
        ``dxf_audit_<AuditError name>`` entry per Auditor fix (info) or error (warning).

    Raises:
        CorruptFileError: neither reader can read the file.
    """
    try:
        return ezdxf.readfile(path, errors=_DECODE_ERRORS), "ezdxf.readfile"
    except Exception as exc:  # any ezdxf/codec/structure error: try the recover reader
        failure = f"{type(exc).__name__}: {exc}"
    try:
        doc, auditor = recover.readfile(path, errors=_DECODE_ERRORS)
    except Exception as exc:
        raise CorruptFileError(
            f"{path.name}: not a readable DXF file ({failure}; recover: "
            f"{type(exc).__name__}: {exc})"
        ) from exc
    issues.add(
        "dxf_recovered",
        f"ezdxf.readfile failed ({failure}); read with ezdxf.recover, "
        f"{len(auditor.fixes)} fixes, {len(auditor.errors)} unfixed errors",
    )
    audit: tuple[tuple[list[Any], Severity], ...] = (
        (auditor.fixes, "info"),
        (auditor.errors, "warning"),
    )
    for entries, severity in audit:
        for entry in entries:
            try:
                name = AuditError(entry.code).name.lower()
            except ValueError:
                name = str(entry.code)
            handle = entry.entity.dxf.get("handle") if entry.entity is not None else None
            issues.add(
                f"dxf_audit_{name}", entry.message, severity, f"#{handle}" if handle else None
            )
    return doc, "ezdxf.recover"


def _raw_header_dates(path: Path, binary: bool) -> dict[str, float]:
    """$TDCREATE/$TDUPDATE Julian dates as stored in the file's HEADER section (empty when
    absent or unreadable: they are optional metadata)."""
    found: dict[str, float] = {}
    try:
        if binary:
            tags: Iterator[Any] = binary_tags_loader(path.read_bytes())
            found = _scan_header(tags)
        else:
            with path.open("rt", encoding="latin-1", errors="ignore") as fh:
                found = _scan_header(ascii_tags_loader(fh))
    except Exception:
        return {}
    return found


def _scan_header(tags: Iterator[Any]) -> dict[str, float]:
    found: dict[str, float] = {}
    if next(tags) != (0, "SECTION") or next(tags) != (2, "HEADER"):
        return found
    for tag in tags:
        if tag == (0, "ENDSEC"):
            break
        if tag.code == 9 and tag.value in _DATE_VARS:
            found[tag.value] = float(next(tags).value)
    return found


def _json_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    try:
        return [float(v) + 0.0 for v in value]  # Vec3 / tuple; + 0.0 turns -0.0 into 0.0
    except TypeError:
        return str(value)


def document_metadata(doc: Drawing, path: Path, binary: bool, reader: str) -> dict[str, Any]:
    """JSON-ready header facts: $ACADVER as written in the file (ezdxf upgrades R13/R14 and
    pre-R12 versions in memory), ``release`` (R2013), ``encoding`` (Python codec of the
    strings), ``binary``, ``reader``, the variables in ``_HEADER_VARS`` that are present
    (points as lists of floats in drawing units) and $TDCREATE/$TDUPDATE as ISO 8601 local
    date-times read from the file itself (ezdxf sets $TDCREATE to "now" on load)."""
    version = doc.loaded_dxfversion or doc.dxfversion
    meta: dict[str, Any] = {
        "$ACADVER": version,
        "release": acad_release.get(version),
        "encoding": doc.encoding,
        "binary": binary,
        "reader": reader,
    }
    for var in _HEADER_VARS:
        value = doc.header.get(var)
        if value is not None:
            meta[var] = _json_value(value)
    for var, julian in _raw_header_dates(path, binary).items():
        try:
            meta[var] = calendardate(julian).isoformat(timespec="seconds")
        except (ValueError, OverflowError):  # 0 or garbage: not a date
            continue
    return meta


#: $MEASUREMENT -> the length unit a unitless drawing is assumed to be drawn in (DXF reference,
#: HEADER section: 0 English/imperial, 1 metric; AutoCAD's acad/acadiso templates).
MEASUREMENT_UNITS: dict[int, str] = {0: "inch", 1: "mm"}


def document_units(header: HeaderSection, issues: IssueLog) -> tuple[Units, str | None]:
    """Declared units, and the length unit every length of the result is given in.

    ``Units.length`` comes from $INSUNITS (see :data:`INSUNITS`); it is None for 0 (unitless),
    a missing variable (R12 and older have none) or an unknown code. Angles are always degrees.

    The second value is the drawing's length unit: $INSUNITS when it names one; when it is
    0 or missing, the unit $MEASUREMENT implies (:data:`MEASUREMENT_UNITS`: 0 inch, 1 mm) with
    an info issue ``dxf_units_assumed``; None (issue ``dxf_units_unspecified``) when
    $MEASUREMENT is missing too. An unknown $INSUNITS code gives ``dxf_units_unknown`` and
    None: guessing would be wrong more often than right.
    """
    raw = header.get("$INSUNITS")
    measurement = header.get("$MEASUREMENT")
    if raw is None:
        units = Units(angle="deg")
        declared = "no $INSUNITS header variable"
    else:
        try:
            code = int(raw)
        except (TypeError, ValueError):
            issues.add("dxf_units_unknown", f"$INSUNITS={raw!r} is not an integer")
            return Units(angle="deg"), None
        length = INSUNITS.get(code)
        units = Units(length=length, angle="deg", source=f"$INSUNITS={code}")
        if length is not None:
            return units, length
        if code != 0:
            issues.add("dxf_units_unknown", f"$INSUNITS={code} has no canonical length unit")
            return units, None
        declared = "$INSUNITS=0 (unitless)"
    assumed = MEASUREMENT_UNITS.get(measurement) if isinstance(measurement, int) else None
    if assumed is None:
        issues.add(
            "dxf_units_unspecified",
            f"{declared}: drawing units are not declared ($MEASUREMENT={measurement})",
            "info",
        )
        return units, None
    issues.add(
        "dxf_units_assumed",
        f"{declared}: lengths are given in {assumed}, as $MEASUREMENT={measurement} "
        f"({'metric' if measurement == 1 else 'imperial'}) suggests",
        "info",
    )
    return units, assumed


def _valid_extents(low: Any, high: Any) -> bool:
    if low is None or high is None:
        return False
    try:
        lo, hi = [float(v) for v in low], [float(v) for v in high]
    except (TypeError, ValueError):
        return False
    if not all(math.isfinite(v) and abs(v) < 1e19 for v in lo + hi):
        return False
    if any(a > b for a, b in zip(lo[:2], hi[:2], strict=False)):
        return False
    return lo[:2] != hi[:2]  # a single point is what writers store when they did not compute it


def document_extents(doc: Drawing, unit: str | None, issues: IssueLog) -> dict[str, Any] | None:
    """Model-space extents ``{"min": [x, y(, z)], "max": [...], "unit", "source"}`` in drawing
    units: $EXTMIN/$EXTMAX when they are a real box (present, finite, min <= max, not one
    point), else computed with ezdxf.bbox (fast mode: curves by control points), else None.
    """
    low, high = doc.header.get("$EXTMIN"), doc.header.get("$EXTMAX")
    if _valid_extents(low, high):
        return {
            "min": _json_value(low),
            "max": _json_value(high),
            "unit": unit,
            "source": "$EXTMIN/$EXTMAX",
        }
    msp = doc.modelspace()
    if len(msp) == 0:
        return None
    # Entity by entity, so that one degenerate entity (a LEADER with one vertex) does not
    # lose the extents of the rest.
    box = BoundingBox()
    cache = bbox.Cache()
    failed = 0
    for entity in msp:
        try:
            part = bbox.extents([entity], fast=True, cache=cache)
        except Exception:
            failed += 1
            continue
        if part.has_data:
            box.extend([part.extmin, part.extmax])
    if failed:
        issues.add(
            "dxf_extents_partial",
            f"{failed} model-space entities have no computable bounding box and were left out "
            "of the extents",
            "info",
        )
    if not box.has_data:
        return None
    return {
        "min": _json_value(box.extmin),
        "max": _json_value(box.extmax),
        "unit": unit,
        "source": "computed (ezdxf.bbox)",
    }
