"""Werk24 answers -> the sections of :class:`~pybase.extraction.result.ExtractionResult`.

The answers are the werk24 v2 response models (``werk24.models.v2.responses``):
``ResponseDocumentProfile``, ``ResponseMetaDataComponentDrawing`` and
``ResponseFeaturesComponentDrawing``, read from the JSON as received. Each item is validated
with its werk24 model (``Dimension``, ``Bore``, ``GDnT``, ``ThreadUnion`` ...) and mapped
through the shared notation module, so a Werk24 dimension is the same
:class:`~pybase.extraction.notation.ParsedDimension` as one the PDF or DXF path reads:

* the item's ``label`` (``Ø6 H7 ↧13.4``, ``M5×0.8—6g``, ``|⌖|Ø0.1|A|B|``) is parsed with
  :func:`~pybase.extraction.notation.parse_dimension` / ``parse_thread`` /
  ``parse_feature_control_frame`` / ``parse_surface_texture``;
* the typed values (``Size`` with its ``Tolerance``: deviations, ISO 286 fit, general,
  theoretically exact, reference) are converted into our :class:`~notation.Tolerance` /
  :class:`~notation.Fit` (ISO 286 fits resolved from the standard's tables) and fill what the
  label does not say; when the label and the typed value disagree on the nominal size the
  typed value wins and the entry gets the issue ``werk24_label_differs``;
* items the notation module cannot express are built from the typed values alone.

Where things go: identifiers and designation -> ``title_block`` (part number: PART_NUMBER,
else DRAWING_NUMBER, else DOCUMENT_NUMBER; title: the first designation; every identifier in
``fields`` under its Werk24 type name); general tolerances (ISO 2768 / DIN 7168) ->
``title_block.general_tolerance``; general roughness and roughness callouts ->
``surface_textures``; material options -> ``title_block.material``; weight ->
``title_block.weight``; bill of material -> ``bom``; revision table -> ``tables`` (title
``revision table``) and ``title_block.revision`` (its last row); notes -> ``text``
(kind ``note``); dimensions, bores (with counterbore, countersink, counterdrill), chamfers and
radii -> ``dimensions``; GD&T -> ``gdt`` (datum symbols -> ``datums``); threads ->
``threads``; page count, paper size, page types, languages, projection method, unit system and
certifications -> ``metadata``. Page numbers are 1-based (Werk24 counts from 0).

Nothing is dropped silently: ``extras["werk24"]`` keeps every answer as received
(``answers``), lists the sections that have no place in the schema (``unmapped``: undercuts,
key slots, center holes, fasteners, keys the client does not know ...; each also gets an
``werk24_unmapped`` info issue) and, per mapped entry, its Werk24 ``reference_id``,
``confidence`` and any item fields the werk24 models do not declare (``references``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pybase.extraction.notation import (
    CHARACTERISTIC_SYMBOLS,
    DatumFeature,
    DatumReference,
    FeatureControlFrame,
    Fit,
    GdtModifier,
    GeneralTolerance,
    Length,
    ParsedDimension,
    SurfaceTexture,
    Thread,
    Tolerance,
    normalize,
    parse_datum_feature,
    parse_dimension,
    parse_feature_control_frame,
    parse_fit,
    parse_general_tolerance,
    parse_surface_texture,
    parse_thread,
)
from pybase.extraction.notation.numeric import convert_length
from pybase.extraction.result import (
    BomLine,
    Dimension,
    Issue,
    NotationSource,
    Quantity,
    Table,
    TextItem,
    TitleBlock,
    Units,
)
from pybase.extraction.werk24_client import ASK_TYPES, Answer

__all__ = ["Mapped", "map_answers"]

#: werk24 ``SizeType`` -> our notation ``DimensionKind``.
_SIZE_KINDS = {
    "LINEAR": "linear",
    "DIAMETER": "diameter",
    "SPHERICAL_DIAMETER": "spherical_diameter",
    "ANGULAR": "angle",
    "SQUARE": "square",
    "WIDTH_ACROSS_FLATS": "linear",
}
#: notation kind -> ``Dimension.kind`` (as the PDF path does).
_DIMENSION_KINDS = {
    "linear": "linear",
    "square": "linear",
    "chamfer": "linear",
    "diameter": "diameter",
    "spherical_diameter": "diameter",
    "radius": "radius",
    "controlled_radius": "radius",
    "spherical_radius": "radius",
    "angle": "angular",
}
#: Unit names the service writes (pint names and symbols) -> ours.
_UNITS = {
    "millimeter": "mm",
    "millimetre": "mm",
    "mm": "mm",
    "centimeter": "cm",
    "cm": "cm",
    "meter": "m",
    "metre": "m",
    "m": "m",
    "inch": "inch",
    "in": "inch",
    '"': "inch",
    "foot": "foot",
    "ft": "foot",
    "micrometer": "um",
    "micrometre": "um",
    "micron": "um",
    "µm": "um",
    "μm": "um",
    "um": "um",
    "microinch": "microinch",
    "µin": "microinch",
    "μin": "microinch",
    "degree": "deg",
    "deg": "deg",
    "°": "deg",
    "kilogram": "kg",
    "kg": "kg",
    "gram": "g",
    "g": "g",
    "pound": "lb",
    "lb": "lb",
    "piece": "pcs",
    "pieces": "pcs",
    "pcs": "pcs",
    "pc": "pcs",
    "dimensionless": "pcs",
}
_UNIT_SYSTEMS = {"METRIC": "mm", "IMPERIAL": "inch"}
_SYMBOL_CHARACTERISTIC = {symbol: name for name, symbol in CHARACTERISTIC_SYMBOLS.items()}
_MATERIAL_CONDITIONS: dict[str, GdtModifier] = {"Ⓜ": "mmc", "Ⓛ": "lmc"}
_ROUGHNESS_LIMITS = {"UPPER": "upper", "LOWER": "lower"}
_ROUGHNESS_PROCESS = {
    "REQUIRED": "material_removal_required",
    "PROHIBITED": "material_removal_prohibited",
    "UNSPECIFIED": "any",
}
_PART_NUMBER_TYPES = ("PART_NUMBER", "DRAWING_NUMBER", "DOCUMENT_NUMBER")
#: Top-level keys of each answer that are mapped (or are the answer's own framing).
_FRAMING = {"ask_version", "ask_type", "page_type"}
_MAPPED_META = {
    "identifiers",
    "designation",
    "general_tolerances",
    "general_roughness",
    "material_options",
    "weight",
    "bill_of_material",
    "notes",
    "revision_table",
    "languages",
    "projection_method",
    "unit_systems",
    "certifications",
}
_MAPPED_FEATURES = {"dimensions", "bores", "chamfers", "radii", "gdnts", "roughnesses", "threads"}
_MAPPED_PROFILE = {"page_count", "paper_size", "processing_time"}
_MAPPED = {
    "DOCUMENT_PROFILE": _MAPPED_PROFILE,
    "META_DATA": _MAPPED_META,
    "FEATURES": _MAPPED_FEATURES,
}


@dataclass
class Mapped:
    """The result sections filled from the answers (same names as in ``ExtractionResult``)."""

    title_block: TitleBlock | None = None
    units: Units = field(default_factory=Units)
    metadata: dict[str, Any] = field(default_factory=dict)
    dimensions: list[Dimension] = field(default_factory=list)
    gdt: list[FeatureControlFrame] = field(default_factory=list)
    datums: list[DatumFeature] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    surface_textures: list[SurfaceTexture] = field(default_factory=list)
    notation_sources: list[NotationSource] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bom: list[BomLine] = field(default_factory=list)
    text: list[TextItem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    pages_answered: set[int] = field(default_factory=set)
    page_count: int | None = None


# -- small conversions -------------------------------------------------------------------
def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _unit(name: Any, default: str = "mm") -> str:
    if not name:
        return default
    text = str(name).strip()
    return _UNITS.get(text.lower(), _UNITS.get(text, text))


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def _clean(label: str | None) -> str:
    """A Werk24 label as the notation module reads it: dashes unified (``M5×0.8—6g``)."""
    text = normalize(label or "")
    for dash in ("—", "–", "‒", "−"):
        text = text.replace(dash, "-")
    return " ".join(text.split())


def _dump(payload: Any) -> Any:
    """A payload as JSON-ready data (a werk24 model is dumped; a dict stays as it is)."""
    if hasattr(payload, "model_dump"):
        return payload.model_dump(mode="json")
    return payload


def _validate(model: Any, item: Any) -> Any:
    """``model`` (a werk24 pydantic model or TypeAdapter) validating ``item``, or None."""
    from pydantic import ValidationError

    try:
        if hasattr(model, "validate_python"):
            return model.validate_python(item)
        return model.model_validate(item)
    except (ValidationError, TypeError, ValueError):
        return None


def _quantity(value: Any, unit: Any, default_unit: str = "mm") -> Quantity | None:
    number = _float(value)
    if number is None:
        return None
    return Quantity(value=number, unit=_unit(unit, default_unit))


def _limits(parsed: ParsedDimension) -> ParsedDimension:
    """``parsed`` with its limits of size (nominal + deviations) when it has a tolerance."""
    if parsed.tolerance is None:
        return parsed
    return parsed.model_copy(
        update={
            "upper_limit": round(parsed.nominal + parsed.tolerance.upper, 9),
            "lower_limit": round(parsed.nominal + parsed.tolerance.lower, 9),
        }
    )


def _tolerance(
    tol: Any, nominal: float, unit: str
) -> tuple[Tolerance | None, Fit | None, dict[str, bool]]:
    """A werk24 ``Tolerance`` -> (our Tolerance, the ISO 286 fit when it names one, flags).

    Deviations come from the service; a fit without deviations is resolved from ISO 286-2
    (:func:`~pybase.extraction.notation.parse_fit`). ``is_general_tolerance`` gives kind
    ``general``; equal and opposite deviations ``symmetric``, else ``deviations``."""
    if tol is None:
        return None, None, {}
    flags = {
        "basic": bool(tol.is_theoretically_exact),
        "reference": bool(tol.is_reference),
        "approximate": bool(tol.is_approximation),
    }
    upper, lower = _float(tol.deviation_upper), _float(tol.deviation_lower)
    fit = parse_fit(tol.fit.strip(), nominal, unit) if tol.fit and unit != "deg" else None
    if fit is not None and (upper is None or lower is None):
        single = fit.hole if fit.shaft is None else fit.shaft if fit.hole is None else None
        if single is not None and single.upper is not None and single.lower is not None:
            upper, lower = single.upper, single.lower
    if upper is None and lower is None:
        return None, fit, flags
    up, low = upper or 0.0, lower or 0.0
    if tol.fit:
        tolerance = Tolerance(
            kind="tolerance_class", upper=up, lower=low, unit=unit, source=tol.fit.strip()
        )
    elif tol.is_general_tolerance:
        tolerance = Tolerance(
            kind="general", upper=up, lower=low, unit=unit, source="general tolerance"
        )
    else:
        kind = "symmetric" if up == -low and up != 0 else "deviations"
        tolerance = Tolerance(kind=kind, upper=up, lower=low, unit=unit)
    return tolerance, fit, flags


class _Builder:
    """Accumulates one read's mapping (see :func:`map_answers`)."""

    def __init__(self) -> None:
        from pydantic import TypeAdapter
        from werk24.models.v2 import models as w24

        self.w24 = w24
        self.thread_adapter = TypeAdapter(w24.ThreadUnion)
        self.out = Mapped()
        self.length_unit = "mm"
        self.general: GeneralTolerance | None = None
        self.tb: dict[str, Any] = {"fields": {}}

    # -- bookkeeping ---------------------------------------------------------------------
    def issue(
        self, code: str, message: str, page: int | None = None, severity: str = "warning"
    ) -> None:
        location = f"page {page + 1}" if page is not None else None
        self.out.issues.append(
            Issue(code=code, message=message, severity=severity, location=location)
        )

    def reference(self, section: str, index: int, page: int, item: Any, raw: Any) -> None:
        """Record where entry ``index`` of ``section`` came from: its Werk24 reference id and
        confidence, and the fields of ``raw`` that the item's werk24 model does not declare."""
        entry: dict[str, Any] = {"section": section, "index": index, "page": page + 1}
        if getattr(item, "reference_id", None) is not None:
            entry["reference_id"] = item.reference_id
        confidence = getattr(item, "confidence", None)
        if confidence is not None and _float(confidence.score) is not None:
            entry["confidence"] = _float(confidence.score)
        if isinstance(raw, dict):
            declared = set(type(item).model_fields)
            unknown = {k: v for k, v in raw.items() if k not in declared}
            if unknown:
                entry["unknown"] = unknown
        self.out.references.append(entry)

    def unmapped(self, ask_type: str, page: int, fields: dict[str, Any]) -> None:
        fields = {k: v for k, v in fields.items() if v not in (None, [], {})}
        if not fields:
            return
        self.out.unmapped.append({"ask_type": ask_type, "page": page + 1, "fields": fields})
        parts = [f"{len(v)} {k}" if isinstance(v, list) else k for k, v in sorted(fields.items())]
        self.issue(
            "werk24_unmapped",
            f"{ask_type}: {', '.join(parts)} kept in extras['werk24']['unmapped']",
            page,
            "info",
        )

    def items(
        self, ask_type: str, key: str, raw_items: Any, model: Any, page: int
    ) -> list[tuple[Any, Any]]:
        """Validated (item, raw) pairs of a list section; what does not validate is kept in
        ``unmapped`` with an issue."""
        if not isinstance(raw_items, list):
            raw_items = [raw_items] if raw_items is not None else []
        good, bad = [], []
        for raw in raw_items:
            item = _validate(model, raw)
            if item is None:
                bad.append(raw)
            else:
                good.append((item, raw))
        if bad:
            self.unmapped(ask_type, page, {key: bad})
        return good

    # -- document profile ----------------------------------------------------------------
    def profile(self, raw: dict[str, Any], page: int) -> None:
        count = raw.get("page_count")
        if isinstance(count, int) and count >= 1:
            self.out.page_count = count
            self.out.metadata["page_count"] = count
        if raw.get("paper_size") is not None:
            self.out.metadata["paper_size"] = raw["paper_size"]
        if isinstance(raw.get("processing_time"), dict):
            self.out.metadata["processing_time"] = raw["processing_time"]

    # -- metadata ------------------------------------------------------------------------
    def meta(self, raw: dict[str, Any], page: int) -> None:
        w24, ask = self.w24, "META_DATA"
        if raw.get("page_type") is not None:
            self.out.metadata.setdefault("page_types", []).append(raw["page_type"])
        for key in ("languages", "unit_systems", "certifications"):
            if raw.get(key):
                self.out.metadata.setdefault(key, []).extend(raw[key])
        if raw.get("projection_method") is not None:
            self.out.metadata.setdefault("projection_method", raw["projection_method"])
        for system, _raw in self.items(
            ask, "unit_systems", raw.get("unit_systems"), w24.UnitSystem, page
        ):
            unit = _UNIT_SYSTEMS.get(_enum(system.unit_system_type))
            if unit and self.out.units.length is None:
                self.out.units = Units(length=unit, angle="deg", source="werk24 unit_systems")
                self.length_unit = unit
        for ident, _raw in self.items(
            ask, "identifiers", raw.get("identifiers"), w24.Identifier, page
        ):
            self._field(str(_enum(ident.identifier_type)), ident.value, ident.period)
        for entry, _raw in self.items(ask, "designation", raw.get("designation"), w24.Entry, page):
            self.tb.setdefault("title", entry.value)
            language = _enum(entry.language)
            self._field("DESIGNATION" + (f" ({language})" if language else ""), entry.value, None)
        if raw.get("general_tolerances") is not None:
            self._general_tolerances(raw["general_tolerances"], page)
        if raw.get("general_roughness") is not None:
            for item, item_raw in self.items(
                ask, "general_roughness", raw["general_roughness"], w24.Roughness, page
            ):
                self.tb["fields"].setdefault("GENERAL_ROUGHNESS", item.label)
                self.roughness(item, item_raw, page, section_label="general roughness")
        materials = []
        for combo, _raw in self.items(
            ask, "material_options", raw.get("material_options"), w24.MaterialCombination, page
        ):
            names = [m.designation for m in combo.material_combination if m.designation]
            if names:
                materials.append(" + ".join(names))
            for material in combo.material_combination:
                if material.raw_ocr:
                    self.tb["fields"].setdefault("MATERIAL", material.raw_ocr)
        if materials:
            self.tb.setdefault("material", " / ".join(materials))
        if raw.get("weight") is not None:
            weight = _validate(w24.Weight, raw["weight"])
            quantity = _quantity(weight.value, weight.unit, "kg") if weight else None
            if quantity is None:
                self.unmapped(ask, page, {"weight": raw["weight"]})
            else:
                self.tb.setdefault("weight", quantity)
        if raw.get("bill_of_material") is not None:
            self._bom(raw["bill_of_material"], page)
        if raw.get("revision_table") is not None:
            self._revision_table(raw["revision_table"], page)
        for note, note_raw in self.items(ask, "notes", raw.get("notes"), w24.Note, page):
            self.out.text.append(TextItem(text=note.label, kind="note", page=page + 1))
            self.reference("text", len(self.out.text) - 1, page, note, note_raw)

    def _field(self, name: str, value: str, period: Any) -> None:
        fields: dict[str, str] = self.tb["fields"]
        period_name = _enum(period)
        key = (
            f"{name} ({period_name.lower()})" if period_name and period_name != "CURRENT" else name
        )
        number = 2
        while key in fields and fields[key] != value:
            key = f"{name} #{number}"
            number += 1
        fields[key] = value

    def _general_tolerances(self, raw: Any, page: int) -> None:
        item = _validate(self.w24.GeneralTolerances, raw)
        if item is None:
            self.unmapped("META_DATA", page, {"general_tolerances": raw})
            return
        standard = str(_enum(item.tolerance_standard))
        text = f"{standard}-{item.tolerance_class}" if item.tolerance_class else standard
        if item.principle is not None:
            self.tb["fields"]["GENERAL_TOLERANCES_PRINCIPLE"] = str(_enum(item.principle))
        self.tb["fields"].setdefault("GENERAL_TOLERANCES", text)
        parsed = parse_general_tolerance(text)
        if parsed is None:
            self.issue(
                "werk24_general_tolerance_unparsed",
                f"general tolerance {text!r} is not an ISO 2768 / DIN 7168 class we resolve",
                page,
                "info",
            )
        elif self.general is None:
            self.general = parsed

    def _bom(self, raw: Any, page: int) -> None:
        bom = _validate(self.w24.BillOfMaterial, raw)
        if bom is None:
            self.unmapped("META_DATA", page, {"bill_of_material": raw})
            return
        for row in bom.rows:
            materials = [
                " + ".join(m.designation for m in combo.material_combination if m.designation)
                for combo in row.material_options
            ]
            quantity = row.quantity
            self.out.bom.append(
                BomLine(
                    item=row.position,
                    part_number=row.part_number,
                    description=row.designation
                    or (row.fastener.designation if row.fastener else None),
                    quantity=_float(quantity.value) if quantity else None,
                    unit=_unit(quantity.unit, "pcs") if quantity else None,
                    material=" / ".join(m for m in materials if m) or None,
                    source=f"werk24 bill of material, page {page + 1}",
                )
            )

    def _revision_table(self, raw: Any, page: int) -> None:
        table = _validate(self.w24.RevisionTable, raw)
        if table is None:
            self.unmapped("META_DATA", page, {"revision_table": raw})
            return
        rows = [
            [
                row.revision_serial,
                row.description,
                row.revision_date.isoformat() if row.revision_date else None,
            ]
            for row in table.rows
        ]
        self.out.tables.append(
            Table(
                page=page + 1,
                title="revision table",
                header=["revision", "description", "date"],
                rows=rows,
            )
        )
        serials = [row[0] for row in rows if row[0]]
        if serials:
            self.tb.setdefault("revision", serials[-1])

    # -- features ------------------------------------------------------------------------
    def features(self, raw: dict[str, Any], page: int) -> None:
        w24, ask = self.w24, "FEATURES"
        for item, item_raw in self.items(
            ask, "dimensions", raw.get("dimensions"), w24.Dimension, page
        ):
            self._dimension(
                item,
                item_raw,
                page,
                label=item.label,
                size=item.size,
                count=item.quantity,
            )
        for item, item_raw in self.items(ask, "radii", raw.get("radii"), w24.Radius, page):
            self._dimension(
                item,
                item_raw,
                page,
                label=item.label,
                size=item.size,
                count=item.quantity,
                kind="radius",
            )
        for item, item_raw in self.items(ask, "chamfers", raw.get("chamfers"), w24.Chamfer, page):
            self._dimension(
                item,
                item_raw,
                page,
                label=item.label,
                size=item.size,
                count=item.quantity,
                kind="chamfer",
                chamfer_angle=_float(item.angle.value),
            )
        for item, item_raw in self.items(ask, "bores", raw.get("bores"), w24.Bore, page):
            self._bore(item, item_raw, page)
        for item, item_raw in self.items(ask, "gdnts", raw.get("gdnts"), w24.GDnT, page):
            self._gdnt(item, item_raw, page)
        for item, item_raw in self.items(
            ask, "threads", raw.get("threads"), self.thread_adapter, page
        ):
            self._thread(item, item_raw, page)
        for item, item_raw in self.items(
            ask, "roughnesses", raw.get("roughnesses"), w24.Roughness, page
        ):
            self.roughness(item, item_raw, page)

    def _dimension(
        self,
        item: Any,
        raw: Any,
        page: int,
        *,
        label: str | None,
        size: Any,
        count: Any = None,
        kind: str | None = None,
        chamfer_angle: float | None = None,
        feature: str | None = None,
        depth: Any = None,
        note: str | None = None,
        parse_label: bool = True,
        section_item: bool = True,
    ) -> None:
        """Map one sized feature (see the module docstring for label vs. typed values)."""
        nominal = _float(size.value)
        if nominal is None:  # "R PLANE" is an infinite radius; nothing to dimension
            self.unmapped("FEATURES", page, {"non_finite_sizes": [raw]})
            return
        size_kind = _SIZE_KINDS.get(str(_enum(size.size_type)), "linear")
        angular = size_kind == "angle"
        unit = "deg" if angular else _unit(size.unit, self.length_unit)
        tolerance, fit, flags = _tolerance(size.tolerance, nominal, unit)
        depth_value, through = self._depth(depth)
        typed = _limits(
            ParsedDimension(
                text=_clean(label) or f"{nominal:g}",
                kind=kind or size_kind,
                nominal=nominal,
                unit=unit,
                count=int(count) if count is not None and int(count) > 1 else None,
                chamfer_angle=chamfer_angle,
                tolerance=tolerance,
                fit=fit,
                reference=flags.get("reference", False),
                basic=flags.get("basic", False),
                feature=feature,
                depth=depth_value,
                through=through,
                note=note or ("approx." if flags.get("approximate") else None),
            )
        )
        parsed = None
        if label and parse_label:
            parse_unit = self.length_unit if angular else unit
            parsed = parse_dimension(_clean(label), parse_unit, general=self.general)
        if parsed is not None and not math.isclose(parsed.nominal, nominal, abs_tol=1e-9):
            self.issue(
                "werk24_label_differs",
                f"label {label!r} reads {parsed.nominal:g} but Werk24 gives {nominal:g}; "
                "Werk24's value is kept",
                page,
            )
            parsed = None
        if parsed is None:
            parsed = typed
        else:
            update: dict[str, Any] = {}
            own = parsed.tolerance is not None and parsed.tolerance.kind != "general"
            if typed.tolerance is not None and not own:
                update.update(tolerance=typed.tolerance, fit=parsed.fit or typed.fit)
            for name in ("count", "depth", "chamfer_angle"):
                if getattr(parsed, name) is None and getattr(typed, name) is not None:
                    update[name] = getattr(typed, name)
            for name in ("reference", "basic", "through"):
                if getattr(typed, name) and not getattr(parsed, name):
                    update[name] = True
            if update:
                parsed = _limits(parsed.model_copy(update=update))
        tol = parsed.tolerance
        self.out.dimensions.append(
            Dimension(
                kind=_DIMENSION_KINDS.get(parsed.kind, "unknown"),
                text=label,
                unit="deg" if parsed.kind == "angle" else parsed.unit,
                upper_deviation=tol.upper if tol else None,
                lower_deviation=tol.lower if tol else None,
                page=page + 1,
                parsed=parsed,
            )
        )
        if section_item:
            self.reference("dimensions", len(self.out.dimensions) - 1, page, item, raw)

    @staticmethod
    def _depth(depth: Any) -> tuple[float | None, bool]:
        if depth is None:
            return None, False
        if str(_enum(depth.depth_type)) in ("THROUGH", "THROUGH_ALL"):
            return None, True
        return (_float(depth.size.value) if depth.size is not None else None), False

    def _bore(self, item: Any, raw: Any, page: int) -> None:
        self._dimension(
            item,
            raw,
            page,
            label=item.label,
            size=item.diameter,
            count=item.quantity,
            depth=item.depth,
        )
        parts = (
            ("counterbore", item.counterbore, "counterbore", None),
            ("countersink", item.countersink, "countersink", "angle"),
            ("counterdrill", item.counterdrill, None, "angle"),
        )
        for name, part, feature, angle_field in parts:
            if part is None:
                continue
            angle = _float(getattr(getattr(part, angle_field or "", None), "value", None))
            note = name if feature is None else None
            if angle is not None:
                note = f"{name} {angle:g}°"
            self._dimension(
                item,
                raw,
                page,
                label=item.label,
                size=part.diameter,
                count=item.quantity,
                feature=feature,
                depth=getattr(part, "depth", None),
                note=note,
                parse_label=False,
                section_item=False,
            )
            self.reference("dimensions", len(self.out.dimensions) - 1, page, item, None)

    def _notation_source(self, section: str, index: int, label: str | None, page: int) -> None:
        self.out.notation_sources.append(
            NotationSource(section=section, index=index, text=label, page=page + 1)
        )

    def _gdnt(self, item: Any, raw: Any, page: int) -> None:
        symbol = str(_enum(item.characteristic))
        if symbol == "[DATUM]":
            label = item.datums[0].label if item.datums else None
            datum = parse_datum_feature(_clean(item.label)) or (
                DatumFeature(label=label) if label else None
            )
            if datum is None:
                self.unmapped("FEATURES", page, {"gdnts": [raw]})
                return
            self.out.datums.append(datum)
            self._notation_source("datums", len(self.out.datums) - 1, item.label, page)
            self.reference("datums", len(self.out.datums) - 1, page, item, raw)
            return
        frame = parse_feature_control_frame(_clean(item.label), self.length_unit)
        typed = self._typed_frame(item, symbol)
        if frame is None or (typed is not None and frame.characteristic != typed.characteristic):
            frame = typed
        elif typed is not None and typed.tolerance is not None and frame.tolerance is None:
            frame = frame.model_copy(update={"tolerance": typed.tolerance})
        if frame is None:
            self.unmapped("FEATURES", page, {"gdnts": [raw]})
            return
        self.out.gdt.append(frame)
        self._notation_source("gdt", len(self.out.gdt) - 1, item.label, page)
        self.reference("gdt", len(self.out.gdt) - 1, page, item, raw)

    def _typed_frame(self, item: Any, symbol: str) -> FeatureControlFrame | None:
        characteristic = _SYMBOL_CHARACTERISTIC.get(symbol)
        if characteristic is None:
            return None
        zone = item.zone
        tolerance = _float(zone.value.value) if zone is not None else None
        unit = _unit(zone.value.unit, self.length_unit) if zone is not None else self.length_unit
        shape = None
        if zone is not None:
            shape = {"DIAMETER": "diameter", "SPHERICAL_DIAMETER": "spherical_diameter"}.get(
                str(_enum(zone.value.size_type))
            )
        modifiers: list[GdtModifier] = []
        warnings: list[str] = []
        condition = _enum(item.material_condition) if item.material_condition else None
        if condition in _MATERIAL_CONDITIONS:
            modifiers.append(_MATERIAL_CONDITIONS[condition])
        elif condition:
            warnings.append(f"material condition {condition} (reciprocity) has no modifier here")
        if item.state is not None:
            modifiers.append("free_state")
        per_unit = _float(zone.extend.value) if zone is not None and zone.extend else None
        return FeatureControlFrame(
            characteristic=characteristic,
            symbol=CHARACTERISTIC_SYMBOLS[characteristic],
            tolerance=tolerance,
            unit=unit,
            zone_shape=shape,
            modifiers=modifiers,
            per_unit=per_unit,
            datums=[DatumReference(label=d.label) for d in item.datums],
            warnings=warnings,
        )

    def _thread(self, item: Any, raw: Any, page: int) -> None:
        thread = parse_thread(_clean(item.label), self.length_unit)
        if thread is None:
            thread = self._typed_thread(item)
        if thread is None:
            self.unmapped("FEATURES", page, {"threads": [raw]})
            return
        update: dict[str, Any] = {}
        if str(_enum(item.handedness)) == "LEFT":
            update["handedness"] = "left"
        count = _float(item.quantity)
        if thread.count is None and count is not None and count > 1:
            update["count"] = int(count)
        if item.depth is not None and thread.depth is None and not thread.through:
            value, through = self._depth(item.depth)
            if through:
                update["through"] = True
            elif value is not None and item.depth.size is not None:
                update["depth"] = Length(value=value, unit=_unit(item.depth.size.unit))
        if update:
            thread = thread.model_copy(update=update)
        self.out.threads.append(thread)
        self._notation_source("threads", len(self.out.threads) - 1, item.label, page)
        self.reference("threads", len(self.out.threads) - 1, page, item, raw)

    @staticmethod
    def _typed_thread(item: Any) -> Thread | None:
        """The designation written from the typed fields, parsed by the notation module (so it
        gets the same tables: coarse pitches, unified and NPT diameters)."""
        kind = str(_enum(item.thread_type))
        diameter = _float(item.diameter.value)
        tpi = _float(item.spacing.threads_per_inch) if item.spacing else None
        pitch = _float(item.spacing.pitch_in_mm) if item.spacing else None
        text = None
        if kind == "ISO_METRIC" and diameter is not None:
            classes = [
                t.fit
                for t in (item.female_pitch_diameter_tolerance, item.male_pitch_diameter_tolerance)
                if t is not None and t.fit
            ]
            text = f"M{diameter:g}" + (f"x{pitch:g}" if pitch else "")
            text += f"-{'/'.join(classes)}" if classes else ""
        elif kind == "UTS" and tpi:
            text = f"{item.uts_size}-{tpi:g} {item.uts_series}-{item.uts_tolerance_class}"
        elif kind == "NPT" and tpi:
            text = f"{item.npt_size}-{tpi:g} {item.npt_series}"
        return parse_thread(text) if text else None

    def roughness(self, item: Any, raw: Any, page: int, section_label: str | None = None) -> None:
        """Surface textures from one werk24 ``Roughness``: one per condition that has a
        parameter and a value (upper/lower limits, grade, material removal), else the label
        parsed by the notation module."""
        process = _ROUGHNESS_PROCESS.get(str(_enum(item.material_removal_type)))
        textures: list[SurfaceTexture] = []
        for condition in item.conditions:
            value = _float(condition.value.value) if condition.value is not None else None
            parameter = _enum(condition.parameter) if condition.parameter is not None else None
            if value is None or parameter is None:
                continue
            unit = _unit(condition.value.unit, "um")
            if unit not in ("um", "microinch"):
                converted = convert_length(value, unit, "um")
                if converted is None:
                    continue
                value, unit = converted, "um"
            textures.append(
                SurfaceTexture(
                    parameter=str(parameter),
                    value=value,
                    unit=unit,
                    limit=_ROUGHNESS_LIMITS.get(str(_enum(condition.condition_type))),
                    roughness_grade=condition.roughness_grade,
                    process=process,
                )
            )
        if not textures:
            parsed = parse_surface_texture(_clean(item.label))
            if parsed is not None:
                textures.append(parsed)
        if not textures:
            self.unmapped("FEATURES", page, {"roughnesses": [raw]})
            return
        for texture in textures:
            self.out.surface_textures.append(texture)
            index = len(self.out.surface_textures) - 1
            self._notation_source("surface_textures", index, section_label or item.label, page)
            self.reference("surface_textures", index, page, item, raw)

    # -- the title block -----------------------------------------------------------------
    def title_block(self) -> TitleBlock | None:
        fields: dict[str, str] = self.tb["fields"]
        part_number = next((fields[t] for t in _PART_NUMBER_TYPES if t in fields), None)
        if not fields and len(self.tb) == 1:
            return None
        return TitleBlock(
            part_number=part_number,
            title=self.tb.get("title"),
            revision=self.tb.get("revision"),
            material=self.tb.get("material"),
            weight=self.tb.get("weight"),
            general_tolerance=self.general,
            fields=fields,
            source="werk24 META_DATA",
        )


def _answer_issues(builder: _Builder, answer: Answer) -> None:
    for exc in answer.exceptions:
        level = str(exc.get("level", "ERROR")).upper()
        detail = f"{answer.ask_type}: {exc.get('type')}"
        if exc.get("reason"):
            detail += f" ({exc['reason']})"
        if level == "ERROR":
            builder.issue("werk24_ask_failed", detail, answer.page, "error")
        elif exc.get("type") == "READ_INCOMPLETE":
            builder.issue("werk24_read_incomplete", detail, answer.page)
        else:
            builder.issue("werk24_notice", detail, answer.page, "info")


def map_answers(answers: list[Answer], warnings: list[dict[str, Any]] | None = None) -> Mapped:
    """Map the answers of one read (any order; pages may repeat an ask) into result sections.

    Document profile first, then metadata (it sets the drawing's length unit and its general
    tolerance, which the features need), then features; pages in order. ``warnings`` are the
    exceptions on the stream's PROGRESS messages (``READ_INCOMPLETE``). Never raises for an
    odd answer: what cannot be mapped is kept in ``unmapped`` with an issue.
    """
    builder = _Builder()
    out = builder.out
    order = {name: i for i, name in enumerate(ASK_TYPES)}
    for answer in sorted(answers, key=lambda a: (order.get(a.ask_type, 99), a.page)):
        raw = answer.raw if answer.raw is not None else _dump(answer.payload)
        out.answers.append(
            {
                "ask_type": answer.ask_type,
                "page": answer.page + 1,
                "payload": raw,
                "exceptions": answer.exceptions,
            }
        )
        _answer_issues(builder, answer)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            builder.unmapped(answer.ask_type, answer.page, {"payload": raw})
            continue
        out.pages_answered.add(answer.page)
        handler = {
            "DOCUMENT_PROFILE": builder.profile,
            "META_DATA": builder.meta,
            "FEATURES": builder.features,
        }.get(answer.ask_type)
        if handler is None:
            builder.unmapped(answer.ask_type, answer.page, dict(raw))
            continue
        handler(raw, answer.page)
        known = _FRAMING | _MAPPED.get(answer.ask_type, set())
        builder.unmapped(
            answer.ask_type, answer.page, {k: v for k, v in raw.items() if k not in known}
        )
    for warning in warnings or []:
        kind = "werk24_read_incomplete" if warning.get("type") == "READ_INCOMPLETE" else None
        detail = f"{warning.get('ask_type') or 'read'}: {warning.get('type')}"
        if warning.get("reason"):
            detail += f" ({warning['reason']})"
        builder.issue(kind or "werk24_notice", detail, None, "warning" if kind else "info")
    out.title_block = builder.title_block()
    if out.units.length is None and out.dimensions:
        lengths = [d.unit for d in out.dimensions if d.unit and d.unit != "deg"]
        if lengths:
            out.units = Units(length=lengths[0], angle="deg", source="werk24 dimension units")
    return out
