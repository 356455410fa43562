"""Units and measures of STEP Part 21 entities, read with our own reader (no OCP).

ISO 10303-41 measure_schema, as written by CAD systems:

* ``SI_UNIT(prefix, name)`` (in a complex instance with ``NAMED_UNIT(*)`` and ``LENGTH_UNIT()``,
  ``MASS_UNIT()``, ``PLANE_ANGLE_UNIT()`` ...; a simple ``SI_UNIT(*, prefix, name)`` also
  occurs): ``.MILLI.`` ``.METRE.`` is the millimetre. SI names: METRE, GRAM, RADIAN, STERADIAN,
  SQUARE_METRE, CUBIC_METRE, SECOND ... (ISO 10303-41 §4.2.x si_unit_name).
* ``CONVERSION_BASED_UNIT(name, conversion_factor)``: ``name`` (e.g. ``'INCH'``, ``'degree'``,
  ``'POUND'``) is one ``conversion_factor`` (a measure with unit: 25.4 mm, 0.01745 rad ...).
* ``DERIVED_UNIT((DERIVED_UNIT_ELEMENT(unit, exponent), ...))``: a product of powers, e.g.
  pound * inch^-3 for a density.
* a measure: ``MEASURE_WITH_UNIT(value_component, unit_component)`` and its subtypes
  (``LENGTH_MEASURE_WITH_UNIT`` ...), ``MEASURE_REPRESENTATION_ITEM(name, value, unit)``, or a
  complex instance holding ``MEASURE_WITH_UNIT(...)`` and ``REPRESENTATION_ITEM(name)``. The value
  is typed, e.g. ``LENGTH_MEASURE(35.)``.

Every unit resolves to a :class:`UnitInfo`: its factor to SI base units (metre, kilogram,
radian; so 1 inch = 0.0254, 1 g = 0.001) and its dimension (powers of length, mass, plane
angle), and a result name (``mm``, ``inch``, ``deg``, ``kg``, ``lb``, ``mm3``, ``kg/m3`` ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pybase.extraction.step_part21 import Entity, Enum, Part21File, Ref, Typed
from pybase.extraction.step_report import MM_PER_UNIT

__all__ = [
    "Measure",
    "UnitInfo",
    "context_units",
    "length_name",
    "measure",
    "unit_info",
]

#: ISO 10303-41 si_prefix -> power of ten.
SI_PREFIXES: dict[str, int] = {
    "EXA": 18,
    "PETA": 15,
    "TERA": 12,
    "GIGA": 9,
    "MEGA": 6,
    "KILO": 3,
    "HECTO": 2,
    "DECA": 1,
    "DECI": -1,
    "CENTI": -2,
    "MILLI": -3,
    "MICRO": -6,
    "NANO": -9,
    "PICO": -12,
    "FEMTO": -15,
    "ATTO": -18,
}

# ISO 10303-41 si_unit_name -> (factor of the unprefixed unit to SI base, (L, M, A) powers).
_SI_NAMES: dict[str, tuple[float, tuple[float, float, float]]] = {
    "METRE": (1.0, (1, 0, 0)),
    "GRAM": (1e-3, (0, 1, 0)),
    "RADIAN": (1.0, (0, 0, 1)),
    "SQUARE_METRE": (1.0, (2, 0, 0)),
    "CUBIC_METRE": (1.0, (3, 0, 0)),
    "STERADIAN": (1.0, (0, 0, 0)),
}

# Named unit partial types -> (L, M, A) powers (ISO 10303-41 named_unit subtypes).
_NAMED_KINDS: dict[str, tuple[float, float, float]] = {
    "LENGTH_UNIT": (1, 0, 0),
    "MASS_UNIT": (0, 1, 0),
    "PLANE_ANGLE_UNIT": (0, 0, 1),
    "AREA_UNIT": (2, 0, 0),
    "VOLUME_UNIT": (3, 0, 0),
    "SOLID_ANGLE_UNIT": (0, 0, 0),
    "RATIO_UNIT": (0, 0, 0),
}

_MASS_NAMES: dict[str, str] = {
    "pound": "lb",
    "lb": "lb",
    "lbm": "lb",
    "ounce": "oz",
    "gram": "g",
    "kilogram": "kg",
    "tonne": "t",
}
_MASS_FACTORS: dict[str, float] = {"kg": 1.0, "g": 1e-3, "mg": 1e-6, "t": 1e3}
_ANGLE_NAMES: dict[str, str] = {"degree": "deg", "degrees": "deg", "deg": "deg", "radian": "rad"}


@dataclass(frozen=True)
class UnitInfo:
    """A unit: ``factor`` converts a value in this unit to SI base units (m, kg, rad and their
    powers); ``dims`` are the powers of (length, mass, plane angle); ``name`` the result name
    (``mm``, ``inch``, ``deg``, ``kg``, ``lb``, ``inch3``, ``lb/inch3`` ...)."""

    name: str
    factor: float
    dims: tuple[float, float, float]

    @property
    def is_length(self) -> bool:
        """A length unit (dimension L^1)."""
        return self.dims == (1, 0, 0)

    @property
    def is_angle(self) -> bool:
        """A plane angle unit."""
        return self.dims == (0, 0, 1)


@dataclass(frozen=True)
class Measure:
    """A value with its unit as the file gives it: ``kind`` is the measure type
    (``LENGTH_MEASURE``, ``POSITIVE_LENGTH_MEASURE``, ``PLANE_ANGLE_MEASURE``, ``VOLUME_MEASURE``
    ...), ``unit`` None when the unit entity is missing or unreadable, ``name`` the
    REPRESENTATION_ITEM name (``'nominal value'``, ``'upper limit'``, ``'volume measure'``)."""

    value: float
    kind: str | None
    unit: UnitInfo | None
    name: str | None = None
    unit_ref: int | None = None


def length_name(factor_m: float, raw: str = "") -> str:
    """Result name of a length unit given its size in metres (and its written name for
    conversion-based units): ``mm``, ``inch``, ``m`` ... (``result.LENGTH_UNITS``); a unit
    of no known size is named after ``raw`` (lower-cased) or ``'<factor> m'``."""
    for name, mm in MM_PER_UNIT.items():
        if math.isclose(factor_m * 1000.0, mm, rel_tol=1e-6):
            return name
    return raw.strip().lower() or f"{factor_m:g} m"


def _power_name(base: str, power: float) -> str:
    if power == 1:
        return base
    return f"{base}{power:g}"


def _name_of(factor: float, dims: tuple[float, float, float], raw: str = "") -> str:
    lengths, masses, angles = dims
    if dims == (0, 0, 1):
        if math.isclose(factor, math.pi / 180, rel_tol=1e-6):
            return "deg"
        if math.isclose(factor, 1.0, rel_tol=1e-9):
            return "rad"
        return _ANGLE_NAMES.get(raw.strip().lower(), raw.strip().lower() or f"{factor:g} rad")
    if dims == (0, 1, 0):
        by_name = _MASS_NAMES.get(raw.strip().lower())
        if by_name:
            return by_name
        for name, kg in _MASS_FACTORS.items():
            if math.isclose(factor, kg, rel_tol=1e-9):
                return name
        return raw.strip().lower() or f"{factor:g} kg"
    if masses == 0 and angles == 0 and lengths > 0:
        return _power_name(length_name(factor ** (1 / lengths), raw), lengths)
    return raw.strip().lower() or f"{factor:g} SI"


def _named_dims(entity: Entity) -> tuple[float, float, float] | None:
    for part, dims in _NAMED_KINDS.items():
        if entity.is_a(part):
            return dims
    return None


def unit_info(p21: Part21File, ref: Any, depth: int = 0) -> UnitInfo | None:
    """The :class:`UnitInfo` of a unit entity (``Ref`` or id), None when it is missing or not
    a unit this module understands (ISO 10303-41 named_unit / derived_unit)."""
    entity = p21.entity(ref) if isinstance(ref, (Ref, int)) else None
    if entity is None or depth > 8:
        return None
    si = entity.get("SI_UNIT")
    if si is not None and len(si) >= 2:
        prefix, name = si[-2], si[-1]
        if not isinstance(name, Enum) or name.value not in _SI_NAMES:
            return None
        base, dims = _SI_NAMES[name.value]
        power = SI_PREFIXES.get(prefix.value, 0) if isinstance(prefix, Enum) else 0
        # a prefix of a square / cubic metre applies to the metre
        factor = base * (10.0**power) ** dims[0] if dims[0] > 1 else base * 10.0**power
        named = _named_dims(entity)
        dims = named if named is not None and name.value != "STERADIAN" else dims
        return UnitInfo(_name_of(factor, dims), factor, dims)
    conversion = entity.get("CONVERSION_BASED_UNIT")
    if conversion is not None and len(conversion) >= 2:
        raw = conversion[0] if isinstance(conversion[0], str) else ""
        factor_measure = measure(p21, conversion[1], depth + 1)
        if factor_measure is None or factor_measure.unit is None:
            return None
        factor = factor_measure.value * factor_measure.unit.factor
        dims = _named_dims(entity) or factor_measure.unit.dims
        return UnitInfo(_name_of(factor, dims, raw), factor, dims)
    derived = entity.get("DERIVED_UNIT")
    if derived is not None and derived and isinstance(derived[0], list):
        return _derived(p21, derived[0], depth)
    return None


def derived_elements(p21: Part21File, ref: Any) -> list[tuple[UnitInfo, float]] | None:
    """The (unit, exponent) elements of a DERIVED_UNIT entity, None when it is not one or an
    element is unreadable."""
    entity = p21.entity(ref) if isinstance(ref, (Ref, int)) else None
    derived = entity.get("DERIVED_UNIT") if entity is not None else None
    if not derived or not isinstance(derived[0], list):
        return None
    out: list[tuple[UnitInfo, float]] = []
    for element_ref in derived[0]:
        element = p21.entity(element_ref)
        params = element.get("DERIVED_UNIT_ELEMENT") if element is not None else None
        if not params or len(params) < 2 or not isinstance(params[1], (int, float)):
            return None
        unit = unit_info(p21, params[0], 1)
        if unit is None:
            return None
        out.append((unit, float(params[1])))
    return out


def _derived(p21: Part21File, elements: list[Any], depth: int) -> UnitInfo | None:
    factor = 1.0
    dims = [0.0, 0.0, 0.0]
    numerator: list[str] = []
    denominator: list[str] = []
    for element_ref in elements:
        element = p21.entity(element_ref)
        params = element.get("DERIVED_UNIT_ELEMENT") if element is not None else None
        if not params or len(params) < 2 or not isinstance(params[1], (int, float)):
            return None
        unit = unit_info(p21, params[0], depth + 1)
        if unit is None:
            return None
        exponent = float(params[1])
        factor *= unit.factor**exponent
        for i in range(3):
            dims[i] += unit.dims[i] * exponent
        if exponent > 0:
            numerator.append(_power_name(unit.name, exponent))
        elif exponent < 0:
            denominator.append(_power_name(unit.name, -exponent))
    name = "*".join(numerator) or "1"
    if denominator:
        name += "/" + "/".join(denominator)
    return UnitInfo(name, factor, (dims[0], dims[1], dims[2]))


def _value(component: Any) -> tuple[float, str | None] | None:
    if isinstance(component, Typed) and component.params:
        inner = component.params[0]
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return float(inner), component.name
        return None
    if isinstance(component, (int, float)) and not isinstance(component, bool):
        return float(component), None
    return None


def measure(p21: Part21File, ref: Any, depth: int = 0) -> Measure | None:
    """The value, measure type and unit of a measure entity (see the module docstring), None
    when ``ref`` is no such entity or holds no numeric value."""
    entity = p21.entity(ref) if isinstance(ref, (Ref, int)) else None
    if entity is None:
        return None
    name: str | None = None
    value_component: Any = None
    unit_ref: Any = None
    item = entity.get("REPRESENTATION_ITEM")
    if item and isinstance(item[0], str):
        name = item[0]
    mri = entity.get("MEASURE_REPRESENTATION_ITEM")
    if mri is not None and len(mri) >= 3:
        name = mri[0] if isinstance(mri[0], str) else name
        value_component, unit_ref = mri[1], mri[2]
    else:
        for part, params in entity.parts.items():
            if (part == "MEASURE_WITH_UNIT" or part.endswith("_MEASURE_WITH_UNIT")) and len(
                params
            ) >= 2:
                value_component, unit_ref = params[0], params[1]
                break
    found = _value(value_component)
    if found is None:
        return None
    unit = unit_info(p21, unit_ref, depth + 1) if isinstance(unit_ref, Ref) else None
    return Measure(
        found[0],
        found[1],
        unit,
        name,
        unit_ref.id if isinstance(unit_ref, Ref) else None,
    )


def context_units(p21: Part21File, ref: Any) -> list[UnitInfo]:
    """The units of a representation context's GLOBAL_UNIT_ASSIGNED_CONTEXT (ISO 10303-41),
    empty when it has none."""
    entity = p21.entity(ref) if isinstance(ref, (Ref, int)) else None
    if entity is None:
        return []
    assigned = entity.get("GLOBAL_UNIT_ASSIGNED_CONTEXT")
    if assigned is None or not assigned or not isinstance(assigned[-1], list):
        return []
    units = (unit_info(p21, u) for u in assigned[-1])
    return [u for u in units if u is not None]
