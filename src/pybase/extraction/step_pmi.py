"""AP242 semantic PMI (dimensions, geometric tolerances, datums) from the Part 21 entities.

Read with our own Part 21 reader (:mod:`pybase.extraction.step_part21`), not with OCCT's
``XCAFDoc_DimTolTool``: with OCP 8.0 (``SetGDTMode``) the XCAF transfer of the NIST test files
is incomplete and hard to map back (nist_ftc_10: 35 of its 40 geometric tolerances; one datum
label per tolerance that references it, 77 for the file's 11 DATUMs; presentation-only
dimension labels mixed in, 9 'DGT:Dimension' in nist_ctc_01), and its values carry no unit.
Reading the entities keeps every instance, each value in the unit the file gives it, and works
when OCCT transfers no geometry at all.

Entities (ISO 10303-47 shape_tolerance / shape_dimension schemas as used by AP242, and the
CAx-IF "Recommended Practices for the Representation and Presentation of PMI (AP242)"):

* geometric tolerances: instances of ANGULARITY_, CIRCULAR_RUNOUT_, COAXIALITY_,
  CONCENTRICITY_, CYLINDRICITY_, FLATNESS_, LINE_PROFILE_, PARALLELISM_, PERPENDICULARITY_,
  POSITION_, ROUNDNESS_, STRAIGHTNESS_, SURFACE_PROFILE_, SYMMETRY_, TOTAL_RUNOUT_TOLERANCE,
  simple or complex (with GEOMETRIC_TOLERANCE(name, description, magnitude,
  toleranced_shape_aspect), GEOMETRIC_TOLERANCE_WITH_DATUM_REFERENCE(datum_system),
  GEOMETRIC_TOLERANCE_WITH_MODIFIERS(modifiers), GEOMETRIC_TOLERANCE_WITH_DEFINED_UNIT(unit_size),
  UNEQUALLY_DISPOSED_GEOMETRIC_TOLERANCE, MODIFIED_GEOMETRIC_TOLERANCE (AP214)). The zone shape
  comes from TOLERANCE_ZONE(..., defining_tolerance, form) / TOLERANCE_ZONE_FORM
  ('cylindrical or circular' = Ø, 'spherical' = SØ), a projected zone from
  PROJECTED_ZONE_DEFINITION(zone, boundaries, projection_end, projected_length), composite
  frames from GEOMETRIC_TOLERANCE_RELATIONSHIP('composite', '', upper, lower).
* datums: DATUM(..., identification) -> :class:`DatumFeature`; a tolerance's datum references
  come from DATUM_SYSTEM(..., constituents) in order (primary, secondary, tertiary), each a
  DATUM_REFERENCE_COMPARTMENT(..., base, modifiers) whose base is a DATUM or a
  COMMON_DATUM_LIST of DATUM_REFERENCE_ELEMENTs (common datum ``A-B``); AP214's
  DATUM_REFERENCE(precedence, referenced_datum) is read too.
* dimensions: DIMENSIONAL_SIZE(applies_to, name), ANGULAR_SIZE, DIMENSIONAL_LOCATION(name,
  description, relating, related), ANGULAR_LOCATION (and their _WITH_PATH forms); values from
  DIMENSIONAL_CHARACTERISTIC_REPRESENTATION -> SHAPE_DIMENSION_REPRESENTATION items named
  'nominal value', 'upper limit', 'lower limit'; tolerances from PLUS_MINUS_TOLERANCE(range,
  toleranced_dimension) with TOLERANCE_VALUE(lower_bound, upper_bound) or LIMITS_AND_FITS
  (form_variance, zone_variance, grade, source) -> ISO 286 class.

Presentation ("graphical") PMI, ANNOTATION_OCCURRENCE and its subtypes, is counted, not
interpreted; TEXT_LITERAL strings become ``result.text``.

Issue codes written here: ``pmi_reference_unresolved`` (a PMI entity points to an instance that
is not in the file or of another type), ``pmi_unreadable`` (an entity that could not be
interpreted), ``pmi_unknown_modifier`` (info: a modifier the notation models have no value for),
``pmi_dimension_without_value`` (info), ``presentation_pmi`` (info).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pybase.extraction.notation.dimensions import format_dimension
from pybase.extraction.notation.gdt import CHARACTERISTIC_SYMBOLS
from pybase.extraction.notation.models import (
    Characteristic,
    DatumFeature,
    DatumReference,
    DimensionKind,
    FeatureControlFrame,
    GdtModifier,
    ParsedDimension,
    Tolerance,
)
from pybase.extraction.notation.tolerances import parse_fit
from pybase.extraction.result import Dimension, ExtractionResult, Issue, NotationSource, TextItem
from pybase.extraction.step_part21 import Entity, Enum, Part21File, Ref, Typed
from pybase.extraction.step_report import MM_PER_UNIT
from pybase.extraction.step_units import Measure, measure

__all__ = ["TOLERANCE_CHARACTERISTICS", "read_pmi"]

#: STEP geometric tolerance entity -> characteristic (ASME Y14.5 / ISO 1101 name).
TOLERANCE_CHARACTERISTICS: dict[str, Characteristic] = {
    "ANGULARITY_TOLERANCE": "angularity",
    "CIRCULAR_RUNOUT_TOLERANCE": "circular_runout",
    "COAXIALITY_TOLERANCE": "concentricity",
    "CONCENTRICITY_TOLERANCE": "concentricity",
    "CYLINDRICITY_TOLERANCE": "cylindricity",
    "FLATNESS_TOLERANCE": "flatness",
    "LINE_PROFILE_TOLERANCE": "profile_of_a_line",
    "PARALLELISM_TOLERANCE": "parallelism",
    "PERPENDICULARITY_TOLERANCE": "perpendicularity",
    "POSITION_TOLERANCE": "position",
    "ROUNDNESS_TOLERANCE": "circularity",
    "STRAIGHTNESS_TOLERANCE": "straightness",
    "SURFACE_PROFILE_TOLERANCE": "profile_of_a_surface",
    "SYMMETRY_TOLERANCE": "symmetry",
    "TOTAL_RUNOUT_TOLERANCE": "total_runout",
}

# geometric_tolerance_modifier (ISO 10303-47) -> notation modifier.
_TOLERANCE_MODIFIERS: dict[str, GdtModifier] = {
    "MAXIMUM_MATERIAL_REQUIREMENT": "mmc",
    "LEAST_MATERIAL_REQUIREMENT": "lmc",
    "FREE_STATE": "free_state",
    "TANGENT_PLANE": "tangent_plane",
    "STATISTICAL_TOLERANCE": "statistical",
    "COMMON_ZONE": "combined_zone",
    # AP214 MODIFIED_GEOMETRIC_TOLERANCE limit_condition
    "MAXIMUM_MATERIAL_CONDITION": "mmc",
    "LEAST_MATERIAL_CONDITION": "lmc",
    "REGARDLESS_OF_FEATURE_SIZE": "rfs",
}
# simple_datum_reference_modifier -> notation modifier.
_DATUM_MODIFIERS: dict[str, GdtModifier] = {
    "MAXIMUM_MATERIAL_REQUIREMENT": "mmc",
    "LEAST_MATERIAL_REQUIREMENT": "lmc",
    "FREE_STATE": "free_state",
    "TRANSLATION": "translation",
    "MAXIMUM_MATERIAL_CONDITION": "mmc",
    "LEAST_MATERIAL_CONDITION": "lmc",
    "REGARDLESS_OF_FEATURE_SIZE": "rfs",
}
_DIAMETER_ZONES = frozenset({"cylindrical or circular", "within a circle", "within a cylinder"})
_SPHERICAL_ZONES = frozenset({"spherical", "within a sphere"})

_SIZE_TYPES = ("DIMENSIONAL_SIZE", "ANGULAR_SIZE", "DIMENSIONAL_SIZE_WITH_PATH")
_LOCATION_TYPES = (
    "DIMENSIONAL_LOCATION",
    "ANGULAR_LOCATION",
    "DIMENSIONAL_LOCATION_WITH_PATH",
    "DIRECTED_DIMENSIONAL_LOCATION",
)
_ANNOTATION_TYPES = (
    "ANNOTATION_OCCURRENCE",
    "ANNOTATION_CURVE_OCCURRENCE",
    "ANNOTATION_TEXT_OCCURRENCE",
    "ANNOTATION_SYMBOL_OCCURRENCE",
    "ANNOTATION_FILL_AREA_OCCURRENCE",
    "ANNOTATION_POINT_OCCURRENCE",
    "ANNOTATION_PLACEHOLDER_OCCURRENCE",
    "DRAUGHTING_ANNOTATION_OCCURRENCE",
    "TESSELLATED_ANNOTATION_OCCURRENCE",
)
_ANNOTATION_KINDS = {
    "ANNOTATION_CURVE_OCCURRENCE": "curve",
    "ANNOTATION_TEXT_OCCURRENCE": "text",
    "ANNOTATION_SYMBOL_OCCURRENCE": "symbol",
    "ANNOTATION_FILL_AREA_OCCURRENCE": "fill_area",
    "ANNOTATION_POINT_OCCURRENCE": "point",
    "ANNOTATION_PLACEHOLDER_OCCURRENCE": "placeholder",
    "TESSELLATED_ANNOTATION_OCCURRENCE": "tessellated",
}

#: Counted in ``stats["pmi"]["entity_counts"]`` (exact entity type names, as in the files).
_COUNTED = (
    "DATUM",
    "DATUM_SYSTEM",
    "DATUM_TARGET",
    *_SIZE_TYPES,
    *_LOCATION_TYPES,
    "PLUS_MINUS_TOLERANCE",
)


@dataclass
class _Reader:
    p21: Part21File
    default_unit: str
    issues: list[Issue] = field(default_factory=list)
    unknown_modifiers: Counter[str] = field(default_factory=Counter)

    def unresolved(self, owner: Entity, what: str, ref: Any) -> None:
        target = f"#{ref.id}" if isinstance(ref, Ref) else repr(ref)
        self.issues.append(
            Issue(
                code="pmi_reference_unresolved",
                message=f"{_describe(owner)}: its {what} {target} is not in the file or not "
                "what it should be; it is left out",
                location=f"#{owner.id}",
            )
        )

    def entity(self, owner: Entity, what: str, ref: Any, *types: str) -> Entity | None:
        """The entity ``ref`` points to when it is one of ``types``; an issue otherwise (``$``
        gives None quietly)."""
        if ref is None:
            return None
        target = self.p21.entity(ref)
        if target is None or (types and not target.is_a(*types)):
            self.unresolved(owner, what, ref)
            return None
        return target

    def measure(self, owner: Entity, what: str, ref: Any) -> Measure | None:
        if ref is None:
            return None
        found = measure(self.p21, ref)
        if found is None:
            self.unresolved(owner, what, ref)
        return found

    def length(self, owner: Entity, what: str, ref: Any) -> tuple[float, str] | None:
        """A length measure's value and unit name (the default unit when it has none)."""
        found = self.measure(owner, what, ref)
        if found is None:
            return None
        unit = found.unit.name if found.unit is not None and found.unit.is_length else None
        return found.value, unit or self.default_unit


def _describe(entity: Entity) -> str:
    params = entity.get("GEOMETRIC_TOLERANCE") or entity.parts.get(entity.type) or []
    name = params[0] if params and isinstance(params[0], str) and params[0] else ""
    kinds = [t for t in entity.parts if t in TOLERANCE_CHARACTERISTICS] or [entity.type]
    return f"{kinds[0]} {name!r}" if name else kinds[0]


def _convert(value: float, unit: str, to_unit: str) -> float:
    """A length in ``unit`` expressed in ``to_unit`` (unchanged when either is unknown)."""
    if unit == to_unit or unit not in MM_PER_UNIT or to_unit not in MM_PER_UNIT:
        return value
    return float(f"{value * MM_PER_UNIT[unit] / MM_PER_UNIT[to_unit]:.12g}")


# --------------------------------------------------------------------------------------------
# datums


def _datum_label(reader: _Reader, owner: Entity, ref: Any) -> str | None:
    datum = reader.entity(owner, "datum", ref, "DATUM")
    if datum is None:
        return None
    params = datum.get("DATUM") or []
    label = params[4] if len(params) > 4 and isinstance(params[4], str) else ""
    return label.strip() or None


def _datum_modifiers(
    reader: _Reader, owner: Entity, raw: Any, warnings: list[str]
) -> list[GdtModifier]:
    modifiers: list[GdtModifier] = []
    for item in raw if isinstance(raw, list) else []:
        name: str | None = None
        if isinstance(item, Typed) and item.params and isinstance(item.params[0], Enum):
            name = item.params[0].value
        elif isinstance(item, Ref):
            target = reader.entity(owner, "datum modifier", item)
            params = target.parts.get(target.type) if target is not None else None
            name = params[0].value if params and isinstance(params[0], Enum) else None
        elif isinstance(item, Enum):
            name = item.value
        if name is None:
            continue
        mapped = _DATUM_MODIFIERS.get(name)
        if mapped is None:
            reader.unknown_modifiers[name] += 1
            warnings.append(f"datum modifier {name} has no notation value; left out")
        elif mapped not in modifiers:
            modifiers.append(mapped)
    return modifiers


def _compartment(
    reader: _Reader, owner: Entity, compartment: Entity, warnings: list[str], depth: int = 0
) -> DatumReference | None:
    """One DATUM_REFERENCE_COMPARTMENT / DATUM_REFERENCE_ELEMENT (..., base, modifiers)."""
    params = compartment.parts.get(compartment.type) or []
    if len(params) < 5 or depth > 4:  # a common datum of common datums ... of itself
        return None
    base = params[4]
    modifiers = _datum_modifiers(
        reader, compartment, params[5] if len(params) > 5 else None, warnings
    )
    if isinstance(base, Typed) and base.name == "COMMON_DATUM_LIST":
        labels: list[str] = []
        elements = base.params[0] if base.params and isinstance(base.params[0], list) else []
        for element_ref in elements:
            element = reader.entity(compartment, "datum reference element", element_ref)
            if element is None:
                continue
            inner = _compartment(reader, owner, element, warnings, depth + 1)
            if inner is None:
                continue
            labels.append(inner.label)
            modifiers.extend(m for m in inner.modifiers if m not in modifiers)
        return DatumReference(label="-".join(labels), modifiers=modifiers) if labels else None
    label = _datum_label(reader, compartment, base)
    return DatumReference(label=label, modifiers=modifiers) if label else None


def _datum_references(
    reader: _Reader, owner: Entity, systems: Any, warnings: list[str]
) -> list[DatumReference]:
    """Datum references of a tolerance in order: a DATUM_SYSTEM's compartments, or AP214
    DATUM_REFERENCE(precedence, referenced_datum) sorted by precedence."""
    out: list[DatumReference] = []
    legacy: list[tuple[int, DatumReference]] = []
    for ref in systems if isinstance(systems, list) else []:
        target = reader.entity(owner, "datum system", ref)
        if target is None:
            continue
        system = target.get("DATUM_SYSTEM")
        if system is not None and len(system) >= 5 and isinstance(system[4], list):
            for compartment_ref in system[4]:
                compartment = reader.entity(target, "datum reference compartment", compartment_ref)
                if compartment is None:
                    continue
                reference = _compartment(reader, owner, compartment, warnings)
                if reference is not None:
                    out.append(reference)
            continue
        legacy_params = target.get("DATUM_REFERENCE")
        if legacy_params is None and target.is_a("REFERENCED_MODIFIED_DATUM"):
            legacy_params = target.get("REFERENCED_MODIFIED_DATUM")
        if legacy_params is not None and len(legacy_params) >= 2:
            label = _datum_label(reader, target, legacy_params[1])
            if label is None:
                continue
            modifiers: list[GdtModifier] = []
            modified = target.get("REFERENCED_MODIFIED_DATUM")
            if modified is not None and modified and isinstance(modified[-1], Enum):
                mapped = _DATUM_MODIFIERS.get(modified[-1].value)
                if mapped is not None:
                    modifiers.append(mapped)
            precedence = legacy_params[0] if isinstance(legacy_params[0], int) else 99
            legacy.append((precedence, DatumReference(label=label, modifiers=modifiers)))
            continue
        reader.unresolved(owner, "datum system", ref)
    out.extend(reference for _, reference in sorted(legacy, key=lambda item: item[0]))
    return out


# --------------------------------------------------------------------------------------------
# geometric tolerances


def _characteristic(entity: Entity) -> tuple[str, Characteristic] | None:
    for part in entity.parts:
        characteristic = TOLERANCE_CHARACTERISTICS.get(part)
        if characteristic is not None:
            return part, characteristic
    return None


def _core(entity: Entity, kind: str) -> list[Any]:
    """GEOMETRIC_TOLERANCE's own attributes (name, description, magnitude, shape aspect)."""
    params = entity.get("GEOMETRIC_TOLERANCE")
    if params is not None:
        return params
    return (entity.get(kind) or [])[:4]


def _zone_forms(reader: _Reader) -> tuple[dict[int, str], dict[int, Entity]]:
    """Tolerance id -> TOLERANCE_ZONE_FORM name, and tolerance id -> its
    PROJECTED_ZONE_DEFINITION."""
    forms: dict[int, str] = {}
    zones: dict[int, list[int]] = {}
    for zone in reader.p21.entities_of("TOLERANCE_ZONE"):
        params = zone.get("TOLERANCE_ZONE") or []
        if len(params) < 6:
            continue
        defining = (
            [r.id for r in params[4] if isinstance(r, Ref)] if isinstance(params[4], list) else []
        )
        zones[zone.id] = defining
        form = reader.entity(zone, "form", params[5], "TOLERANCE_ZONE_FORM")
        form_params = form.get("TOLERANCE_ZONE_FORM") if form is not None else None
        if form_params and isinstance(form_params[0], str):
            for tolerance in defining:
                forms[tolerance] = form_params[0].strip().lower()
    projected: dict[int, Entity] = {}
    for definition in reader.p21.entities_of("PROJECTED_ZONE_DEFINITION"):
        params = definition.get("PROJECTED_ZONE_DEFINITION") or []
        zone_ref = params[0] if params else None
        if not isinstance(zone_ref, Ref) or zone_ref.id not in zones:
            # the zone is the supertype's first attribute in a complex instance
            zone_params = definition.get("TOLERANCE_ZONE_DEFINITION") or []
            zone_ref = zone_params[0] if zone_params else zone_ref
        if isinstance(zone_ref, Ref) and zone_ref.id in zones:
            for tolerance in zones[zone_ref.id]:
                projected[tolerance] = definition
        else:
            reader.unresolved(definition, "zone", zone_ref)
    return forms, projected


def _frame(
    reader: _Reader,
    entity: Entity,
    kind: str,
    characteristic: Characteristic,
    forms: dict[int, str],
    projected: dict[int, Entity],
) -> FeatureControlFrame:
    core = _core(entity, kind)
    warnings: list[str] = []
    frame = FeatureControlFrame(
        characteristic=characteristic,
        symbol=CHARACTERISTIC_SYMBOLS[characteristic],
        unit=reader.default_unit,
        warnings=warnings,
    )
    if len(core) > 2:
        magnitude = reader.length(entity, "magnitude", core[2])
        if magnitude is not None:
            frame.tolerance, frame.unit = magnitude
    form = forms.get(entity.id)
    if form in _DIAMETER_ZONES:
        frame.zone_shape = "diameter"
    elif form in _SPHERICAL_ZONES:
        frame.zone_shape = "spherical_diameter"
    raw_modifiers: list[str] = []
    with_modifiers = entity.get("GEOMETRIC_TOLERANCE_WITH_MODIFIERS") or entity.get(
        "GEOMETRIC_TOLERANCE_WITH_MAXIMUM_TOLERANCE"
    )
    if with_modifiers and isinstance(with_modifiers[0], list):
        raw_modifiers.extend(m.value for m in with_modifiers[0] if isinstance(m, Enum))
    modified = entity.get("MODIFIED_GEOMETRIC_TOLERANCE")
    if modified and isinstance(modified[-1], Enum):
        raw_modifiers.append(modified[-1].value)
    for name in raw_modifiers:
        mapped = _TOLERANCE_MODIFIERS.get(name)
        if mapped is None:
            reader.unknown_modifiers[name] += 1
            warnings.append(f"tolerance modifier {name} has no notation value; left out")
        elif mapped not in frame.modifiers:
            frame.modifiers.append(mapped)
    maximum = entity.get("GEOMETRIC_TOLERANCE_WITH_MAXIMUM_TOLERANCE")
    if maximum:
        limit = reader.length(entity, "maximum upper tolerance", maximum[0])
        if limit is not None:
            warnings.append(f"maximum tolerance {limit[0]:g} {limit[1]}")
    if entity.is_a("UNEQUALLY_DISPOSED_GEOMETRIC_TOLERANCE"):
        frame.modifiers.append("unequal")
    unit_size = entity.get("GEOMETRIC_TOLERANCE_WITH_DEFINED_UNIT")
    if unit_size:
        per_unit = reader.length(entity, "unit size", unit_size[0])
        if per_unit is not None:
            frame.per_unit = _convert(per_unit[0], per_unit[1], frame.unit)
        if entity.is_a("GEOMETRIC_TOLERANCE_WITH_DEFINED_AREA_UNIT"):
            warnings.append("the tolerance applies per unit area; per_unit is its first side")
    definition = projected.get(entity.id)
    if definition is not None:
        frame.modifiers.append("projected")
        params = definition.get("PROJECTED_ZONE_DEFINITION") or []
        if params:
            height = reader.length(definition, "projected length", params[-1])
            if height is not None:
                frame.projected_height = _convert(height[0], height[1], frame.unit)
    datum_systems: Any = None
    with_datums = entity.get("GEOMETRIC_TOLERANCE_WITH_DATUM_REFERENCE")
    if with_datums:
        datum_systems = with_datums[0]
    elif not entity.complex:
        own = entity.get(kind) or []
        if len(own) > 4 and isinstance(own[4], list):
            datum_systems = own[4]
    frame.datums = _datum_references(reader, entity, datum_systems, warnings)
    return frame


def _tolerances(
    reader: _Reader, result: ExtractionResult
) -> tuple[Counter[str], list[tuple[Entity, FeatureControlFrame]]]:
    p21 = reader.p21
    forms, projected = _zone_forms(reader)
    by_characteristic: Counter[str] = Counter()
    frames: list[tuple[Entity, FeatureControlFrame]] = []
    for entity in p21.entities_of(*TOLERANCE_CHARACTERISTICS):
        found = _characteristic(entity)
        if found is None:  # pragma: no cover - entities_of guarantees one
            continue
        kind, characteristic = found
        try:
            frame = _frame(reader, entity, kind, characteristic, forms, projected)
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            reader.issues.append(
                Issue(
                    code="pmi_unreadable",
                    message=f"{_describe(entity)} could not be interpreted: {exc}",
                    location=f"#{entity.id}",
                )
            )
            continue
        by_characteristic[characteristic] += 1
        frames.append((entity, frame))
    by_id = {entity.id: frame for entity, frame in frames}
    for relation in p21.entities_of("GEOMETRIC_TOLERANCE_RELATIONSHIP"):
        params = relation.get("GEOMETRIC_TOLERANCE_RELATIONSHIP") or []
        if len(params) < 4 or str(params[0]).strip().lower() != "composite":
            continue
        upper, lower = params[2], params[3]
        if isinstance(lower, Ref) and lower.id in by_id and isinstance(upper, Ref):
            by_id[lower.id].row = 1
            by_id[lower.id].composite = True
    for entity, frame in frames:
        found = _characteristic(entity)
        core = _core(entity, found[0]) if found else []
        name = core[0] if core and isinstance(core[0], str) and core[0] else None
        result.notation_sources.append(
            NotationSource(section="gdt", index=len(result.gdt), text=name, entity=f"#{entity.id}")
        )
        result.gdt.append(frame)
    return by_characteristic, frames


# --------------------------------------------------------------------------------------------
# dimensions


def _dimension_name(entity: Entity) -> str:
    for size_type in _SIZE_TYPES:
        params = entity.get(size_type)
        if params is not None:
            return str(params[1]) if len(params) > 1 and isinstance(params[1], str) else ""
    params = entity.parts.get(entity.type) or []
    return str(params[0]) if params and isinstance(params[0], str) else ""


def _kinds(entity: Entity, name: str, angular: bool) -> tuple[str, DimensionKind]:
    """(Dimension.kind, ParsedDimension.kind) from the entity type and its name (CAx-IF PMI RP
    names: 'diameter', 'radius', 'spherical diameter', 'curve length', 'linear distance' ...)."""
    lowered = name.lower()
    if angular:
        return "angular", "angle"
    if "diameter" in lowered:
        return "diameter", "spherical_diameter" if "spherical" in lowered else "diameter"
    if "radius" in lowered:
        return "radius", "spherical_radius" if "spherical" in lowered else "radius"
    if "curve" in lowered or "curved" in lowered:
        return "arc_length", "linear"
    return "linear", "linear"


def _representation_items(reader: _Reader, owner: Entity, ref: Any) -> list[Measure | str]:
    """Measures of a SHAPE_DIMENSION_REPRESENTATION (and DESCRIPTIVE_REPRESENTATION_ITEM
    descriptions, e.g. 'theoretical'), compound items flattened."""
    representation = reader.entity(owner, "representation", ref)
    if representation is None:
        return []
    params = representation.parts.get(representation.type) or []
    if representation.complex:
        params = representation.get("REPRESENTATION") or params
    items = params[1] if len(params) > 1 and isinstance(params[1], list) else []
    out: list[Measure | str] = []
    stack = list(reversed(items))
    seen: set[int] = set()
    while stack:
        item_ref = stack.pop()
        if not isinstance(item_ref, Ref) or item_ref.id in seen:
            continue
        seen.add(item_ref.id)
        found = measure(reader.p21, item_ref)
        if found is not None:
            out.append(found)
            continue
        item = reader.p21.entity(item_ref)
        if item is None:
            reader.unresolved(representation, "item", item_ref)
            continue
        descriptive = item.get("DESCRIPTIVE_REPRESENTATION_ITEM")
        if descriptive is not None and len(descriptive) > 1 and isinstance(descriptive[1], str):
            out.append(descriptive[1].strip().lower())
            continue
        compound = item.get("COMPOUND_REPRESENTATION_ITEM") or item.get("VALUE_RANGE")
        if compound:
            inner = compound[-1]
            if isinstance(inner, Typed) and inner.params and isinstance(inner.params[0], list):
                stack.extend(reversed(inner.params[0]))
    return out


@dataclass
class _Values:
    nominal: Measure | None = None
    upper_limit: Measure | None = None
    lower_limit: Measure | None = None
    notes: list[str] = field(default_factory=list)


def _values(items: list[Measure | str]) -> _Values:
    values = _Values()
    for item in items:
        if isinstance(item, str):
            values.notes.append(item)
            continue
        name = (item.name or "").strip().lower()
        if name == "upper limit":
            values.upper_limit = item
        elif name == "lower limit":
            values.lower_limit = item
        elif name == "nominal value" or values.nominal is None:
            values.nominal = item
    return values


def _unit_of(item: Measure, angular: bool, default_unit: str) -> tuple[float, str]:
    """A dimension value in its result unit: degrees for angles, else the length unit."""
    unit = item.unit
    if angular:
        if unit is not None and unit.is_angle and unit.name != "deg":
            return float(f"{item.value * unit.factor * 180 / 3.141592653589793:.12g}"), "deg"
        return item.value, "deg"
    if unit is not None and unit.is_length:
        return item.value, unit.name
    return item.value, default_unit


def _dimension(
    reader: _Reader,
    entity: Entity,
    representation: Any,
    tolerance_range: Any,
) -> Dimension:
    name = _dimension_name(entity)
    values = _values(_representation_items(reader, entity, representation))
    angular = entity.is_a("ANGULAR_SIZE", "ANGULAR_LOCATION") or (
        values.nominal is not None
        and values.nominal.unit is not None
        and values.nominal.unit.is_angle
    )
    kind, parsed_kind = _kinds(entity, name, angular)
    dimension = Dimension(kind=kind, entity=f"#{entity.id}")
    nominal_item = values.nominal or values.upper_limit
    if nominal_item is None:
        return dimension
    nominal, unit = _unit_of(nominal_item, angular, reader.default_unit)
    if values.nominal is None and values.upper_limit and values.lower_limit:
        high = _unit_of(values.upper_limit, angular, unit)[0]
        low = _unit_of(values.lower_limit, angular, unit)[0]
        nominal = (high + low) / 2
    warnings: list[str] = []
    tolerance: Tolerance | None = None
    fit = None
    if values.upper_limit is not None and values.lower_limit is not None:
        high = _unit_of(values.upper_limit, angular, unit)[0]
        low = _unit_of(values.lower_limit, angular, unit)[0]
        high, low = max(high, low), min(high, low)
        tolerance = Tolerance(
            kind="limits",
            upper=_tidy(high - nominal),
            lower=_tidy(low - nominal),
            unit=unit,
            upper_limit=high,
            lower_limit=low,
        )
    range_entity = (
        reader.entity(entity, "tolerance range", tolerance_range)
        if tolerance_range is not None
        else None
    )
    if range_entity is not None and tolerance is None:
        tolerance, fit = _range_tolerance(reader, range_entity, nominal, unit, angular, warnings)
    parsed = ParsedDimension(
        text="",
        kind=parsed_kind,
        nominal=nominal,
        unit=unit,
        tolerance=tolerance,
        fit=fit,
        basic="theoretical" in values.notes,
        reference="auxiliary" in values.notes,
        warnings=warnings,
    )
    if tolerance is not None:
        parsed.upper_limit = _tidy(nominal + tolerance.upper)
        parsed.lower_limit = _tidy(nominal + tolerance.lower)
    parsed.text = format_dimension(parsed)
    dimension.measured = nominal
    dimension.unit = unit
    dimension.text = parsed.text
    dimension.parsed = parsed
    if tolerance is not None:
        dimension.upper_deviation = tolerance.upper
        dimension.lower_deviation = tolerance.lower
    return dimension


def _tidy(value: float) -> float:
    return float(f"{value:.12g}") + 0.0


def _range_tolerance(
    reader: _Reader,
    range_entity: Entity,
    nominal: float,
    unit: str,
    angular: bool,
    warnings: list[str],
) -> tuple[Tolerance | None, Any]:
    """PLUS_MINUS_TOLERANCE.range: TOLERANCE_VALUE(lower_bound, upper_bound) or
    LIMITS_AND_FITS(form_variance, zone_variance, grade, source)."""
    value = range_entity.get("TOLERANCE_VALUE")
    if value is not None and len(value) >= 2:
        lower = reader.measure(range_entity, "lower bound", value[0])
        upper = reader.measure(range_entity, "upper bound", value[1])
        if lower is None or upper is None:
            return None, None
        low = _unit_of(lower, angular, unit)[0]
        high = _unit_of(upper, angular, unit)[0]
        if not angular:
            low = _convert(low, _unit_of(lower, angular, unit)[1], unit)
            high = _convert(high, _unit_of(upper, angular, unit)[1], unit)
        high, low = max(high, low), min(high, low)
        kind = "symmetric" if high == -low and high != 0 else "deviations"
        return Tolerance(kind=kind, upper=high, lower=low, unit=unit), None
    fits = range_entity.get("LIMITS_AND_FITS")
    if fits is not None and len(fits) >= 3:
        form, zone, grade = (str(v).strip() if isinstance(v, str) else "" for v in fits[:3])
        designation = f"{form}{grade}"
        if zone.lower() == "shaft":
            designation = designation.lower()
        fit = parse_fit(designation, nominal, unit) if designation else None
        resolved = None
        if fit is not None:
            resolved = fit.hole or fit.shaft
        if resolved is None or resolved.upper is None or resolved.lower is None:
            warnings.append(f"LIMITS_AND_FITS {designation!r} is not a resolvable ISO 286 class")
            return None, fit
        return (
            Tolerance(
                kind="tolerance_class",
                upper=resolved.upper,
                lower=resolved.lower,
                unit=unit,
                source=resolved.designation,
            ),
            fit,
        )
    reader.unresolved(range_entity, "tolerance range", Ref(range_entity.id))
    return None, None


def _dimensions(reader: _Reader, result: ExtractionResult) -> int:
    p21 = reader.p21
    representations: dict[int, Any] = {}
    for dcr in p21.entities_of("DIMENSIONAL_CHARACTERISTIC_REPRESENTATION"):
        params = dcr.get("DIMENSIONAL_CHARACTERISTIC_REPRESENTATION") or []
        if len(params) >= 2 and isinstance(params[0], Ref):
            representations.setdefault(params[0].id, params[1])
    ranges: dict[int, Any] = {}
    for pmt in p21.entities_of("PLUS_MINUS_TOLERANCE"):
        params = pmt.get("PLUS_MINUS_TOLERANCE") or []
        if len(params) >= 2 and isinstance(params[1], Ref):
            if p21.entity(params[1]) is None:
                reader.unresolved(pmt, "toleranced dimension", params[1])
            ranges.setdefault(params[1].id, params[0])
    without_value = 0
    for entity in p21.entities_of(*_SIZE_TYPES, *_LOCATION_TYPES):
        try:
            dimension = _dimension(
                reader, entity, representations.get(entity.id), ranges.get(entity.id)
            )
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            reader.issues.append(
                Issue(
                    code="pmi_unreadable",
                    message=f"{entity.type} could not be interpreted: {exc}",
                    location=f"#{entity.id}",
                )
            )
            continue
        if dimension.measured is None:
            without_value += 1
        result.dimensions.append(dimension)
    return without_value


# --------------------------------------------------------------------------------------------
# entry point


def read_pmi(p21: Part21File, result: ExtractionResult, include_text: bool = True) -> None:
    """Fill ``result.dimensions``, ``gdt``, ``datums`` and their ``notation_sources`` from the
    semantic PMI of the file, count presentation PMI, and record ``stats["pmi"]`` (counts by
    characteristic and by entity type) and ``stats["presentation_pmi"]``. Lengths are in the
    unit each value carries in the file (``result.units.length``, else mm, when it has none);
    angles in degrees. Never raises for bad data: oddities become issues."""
    default_unit = result.units.length or "mm"
    reader = _Reader(p21, default_unit)
    by_characteristic, _ = _tolerances(reader, result)
    for entity in p21.entities_of("DATUM"):
        params = entity.get("DATUM") or []
        label = params[4] if len(params) > 4 and isinstance(params[4], str) else ""
        if not label.strip():
            reader.issues.append(
                Issue(
                    code="pmi_unreadable",
                    message="a DATUM has no identification (datum letter); it is left out",
                    location=f"#{entity.id}",
                )
            )
            continue
        result.notation_sources.append(
            NotationSource(
                section="datums",
                index=len(result.datums),
                text=params[0] if isinstance(params[0], str) and params[0] else None,
                entity=f"#{entity.id}",
            )
        )
        result.datums.append(DatumFeature(label=label.strip()))
    without_value = _dimensions(reader, result)
    counts = {name: len(p21.entities_of(name)) for name in _COUNTED}
    semantic = sum(by_characteristic.values()) + sum(counts.values())
    if semantic:
        result.stats["pmi"] = {
            "source": "part21",
            "geometric_tolerances": sum(by_characteristic.values()),
            "by_characteristic": dict(sorted(by_characteristic.items())),
            "datums": len(result.datums),
            "dimensions": len(result.dimensions),
            "entity_counts": {name: n for name, n in counts.items() if n},
        }
    if without_value:
        reader.issues.append(
            Issue(
                code="pmi_dimension_without_value",
                severity="info",
                message=f"{without_value} semantic dimension(s) carry no value "
                "(no DIMENSIONAL_CHARACTERISTIC_REPRESENTATION); they are listed without one",
            )
        )
    if reader.unknown_modifiers:
        names = ", ".join(sorted(reader.unknown_modifiers))
        reader.issues.append(
            Issue(
                code="pmi_unknown_modifier",
                severity="info",
                message=f"PMI modifiers without a notation value were left out: {names}",
            )
        )
    _presentation(p21, result, reader, semantic > 0, include_text)
    result.issues.extend(reader.issues)


def _presentation(
    p21: Part21File,
    result: ExtractionResult,
    reader: _Reader,
    has_semantic: bool,
    include_text: bool,
) -> None:
    occurrences = p21.ids_of(*_ANNOTATION_TYPES)
    callouts = p21.ids_of("DRAUGHTING_CALLOUT")
    if include_text:
        for literal in p21.entities_of("TEXT_LITERAL"):
            params = literal.get("TEXT_LITERAL") or []
            if len(params) > 1 and isinstance(params[1], str) and params[1].strip():
                result.text.append(TextItem(text=params[1], kind="TEXT_LITERAL"))
    if not occurrences and not callouts:
        return
    by_kind: Counter[str] = Counter()
    for entity_id in occurrences:
        entity = p21.entity(entity_id)
        if entity is None:
            continue
        kind = next((_ANNOTATION_KINDS[t] for t in entity.parts if t in _ANNOTATION_KINDS), "other")
        by_kind[kind] += 1
    result.stats["presentation_pmi"] = {
        "annotation_occurrences": len(occurrences),
        "by_kind": dict(sorted(by_kind.items())),
        "draughting_callouts": len(callouts),
    }
    detail = (
        "alongside the semantic PMI"
        if has_semantic
        else "and no semantic PMI, so no dimension or tolerance values can be read"
    )
    reader.issues.append(
        Issue(
            code="presentation_pmi",
            severity="info",
            message=f"the file has presentation (graphical) PMI: {len(occurrences)} annotation "
            f"occurrence(s), {len(callouts)} draughting callout(s), {detail}; it is counted, "
            "not interpreted",
        )
    )
