"""IFC units -> the canonical unit names of :mod:`pybase.extraction.result`.

An IFC model declares its default units once, in the ``IfcUnitAssignment`` of
``IfcProject.UnitsInContext`` (IFC4 §8.11.3.16): one ``IfcNamedUnit`` per ``IfcUnitEnum`` type
(LENGTHUNIT, AREAUNIT, VOLUMEUNIT, PLANEANGLEUNIT, MASSUNIT, ...) and ``IfcDerivedUnit`` for
compound ones (THERMALTRANSMITTANCEUNIT ...). A unit is one of

* ``IfcSIUnit``: ``Name`` (IfcSIUnitName, e.g. ``METRE``, ``SQUARE_METRE``) and an optional
  ``Prefix`` (IfcSIPrefix, e.g. ``MILLI``). The prefix applies to the base symbol, so
  ``MILLI SQUARE_METRE`` is mm² (IFC4 §8.11.3.19);
* ``IfcConversionBasedUnit``: a named unit (``'inch'``, ``'foot'``, ``'square foot'``,
  ``'degree'`` ...) defined by a factor to another unit (IFC4 §8.11.3.4, informal list of
  names);
* ``IfcContextDependentUnit``: a name only;
* ``IfcDerivedUnit``: a product of named units with exponents (IFC4 §8.11.3.7).

Names produced here: lengths use :data:`~pybase.extraction.result.LENGTH_UNITS` (``"mm"``,
``"m"``, ``"inch"``, ``"foot"`` ...); areas and volumes append ``2``/``3`` (``"mm2"``,
``"m3"``, ``"foot2"``, ``"inch3"``); angles are ``"rad"``/``"deg"``; masses ``"kg"``/``"g"``/
``"lb"``; other SI units their SI symbol with prefix (``"kN"``, ``"Pa"``, ``"MJ"``); derived
units a composed symbol (``"kg/m3"``, ``"W/(m2.K)"``).

Quantities (IfcPhysicalSimpleQuantity, IFC4 §8.11 / IFC2X3 §7.5.3.8): IfcQuantityLength/Area/
Volume/Weight/Time take the quantity's own ``Unit`` when set, else the project unit of their
IfcUnitEnum type (:data:`QUANTITY_UNIT_TYPES`), else :data:`NO_UNIT`; IfcQuantityCount is a
number of things: its own ``Unit`` or :data:`COUNT_UNIT`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import ifcopenshell.util.unit

from pybase.extraction.result import LENGTH_UNITS, Units

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

__all__ = ["COUNT_UNIT", "NO_UNIT", "QUANTITY_UNIT_TYPES", "ProjectUnits"]

#: Unit name of an IfcQuantityCount without its own Unit (a number of things).
COUNT_UNIT = "count"
#: Unit name of a value whose kind takes a unit the model does not declare (no LENGTHUNIT...).
NO_UNIT = "unitless"

#: IfcSIPrefix -> SI symbol (ASCII ``u`` for micro, as in LENGTH_UNITS ``"um"``).
_SI_PREFIX: dict[str, str] = {
    "EXA": "E",
    "PETA": "P",
    "TERA": "T",
    "GIGA": "G",
    "MEGA": "M",
    "KILO": "k",
    "HECTO": "h",
    "DECA": "da",
    "DECI": "d",
    "CENTI": "c",
    "MILLI": "m",
    "MICRO": "u",
    "NANO": "n",
    "PICO": "p",
    "FEMTO": "f",
    "ATTO": "a",
}

#: IfcSIUnitName -> SI symbol. SQUARE_METRE/CUBIC_METRE keep the exponent at the end so that
#: a prefix goes in front: MILLI + "m2" -> "mm2".
_SI_SYMBOL: dict[str, str] = {
    "METRE": "m",
    "SQUARE_METRE": "m2",
    "CUBIC_METRE": "m3",
    "GRAM": "g",
    "SECOND": "s",
    "AMPERE": "A",
    "KELVIN": "K",
    "MOLE": "mol",
    "CANDELA": "cd",
    "RADIAN": "rad",
    "STERADIAN": "sr",
    "HERTZ": "Hz",
    "NEWTON": "N",
    "PASCAL": "Pa",
    "JOULE": "J",
    "WATT": "W",
    "COULOMB": "C",
    "VOLT": "V",
    "FARAD": "F",
    "OHM": "ohm",
    "SIEMENS": "S",
    "WEBER": "Wb",
    "TESLA": "T",
    "HENRY": "H",
    "DEGREE_CELSIUS": "degC",
    "LUMEN": "lm",
    "LUX": "lx",
    "BECQUEREL": "Bq",
    "GRAY": "Gy",
    "SIEVERT": "Sv",
}

#: Conversion-based unit names (lower case, as written by exporters) -> canonical name.
_CONVERSION_NAMES: dict[str, str] = {
    # length (IFC4 §8.11.3.4 informal list: inch, foot, yard, mile)
    "inch": "inch",
    "inches": "inch",
    "in": "inch",
    "foot": "foot",
    "feet": "foot",
    "ft": "foot",
    "yard": "yard",
    "yd": "yard",
    "mile": "mile",
    "thou": "mil",
    "mil": "mil",
    "us survey foot": "us_survey_foot",
    "survey foot": "us_survey_foot",
    "microinch": "microinch",
    # area
    "square inch": "inch2",
    "square foot": "foot2",
    "square feet": "foot2",
    "square yard": "yard2",
    "square mile": "mile2",
    "acre": "acre",
    # volume
    "cubic inch": "inch3",
    "cubic foot": "foot3",
    "cubic feet": "foot3",
    "cubic yard": "yard3",
    "litre": "l",
    "liter": "l",
    "gallon us": "gal_us",
    "gallon uk": "gal_uk",
    "pint us": "pint_us",
    "pint uk": "pint_uk",
    "fluid ounce us": "floz_us",
    "fluid ounce uk": "floz_uk",
    # plane angle
    "degree": "deg",
    "degrees": "deg",
    "grad": "grad",
    "gon": "grad",
    "square degree": "deg2",
    "squaredegree": "deg2",
    # mass
    "pound": "lb",
    "ounce": "oz",
    "tonne": "t",
    "ton uk": "ton_uk",
    "ton us": "ton_us",
    # time
    "minute": "min",
    "hour": "h",
    "day": "d",
    "week": "week",
    "month": "month",
    "year": "year",
    # force, pressure, energy, temperature
    "pound-force": "lbf",
    "lbf": "lbf",
    "kip": "kip",
    "pound-force per square inch": "psi",
    "psi": "psi",
    "ksi": "ksi",
    "btu": "btu",
    "fahrenheit": "degF",
}

#: SI scale (metres per unit) of the non-metric length units in LENGTH_UNITS, used to name a
#: conversion-based length unit whose name is not recognised ('FOOT', 'Fuß' ...).
_LENGTH_SCALES: dict[str, float] = {
    "inch": 0.0254,
    "foot": 0.3048,
    "yard": 0.9144,
    "mile": 1609.344,
    "mil": 2.54e-5,
    "microinch": 2.54e-8,
    "us_survey_foot": 1200 / 3937,
}
_DEGREE = math.pi / 180

#: IfcUnitEnum type of each simple quantity class (IfcPhysicalSimpleQuantity subtypes).
QUANTITY_UNIT_TYPES: dict[str, str] = {
    "IfcQuantityLength": "LENGTHUNIT",
    "IfcQuantityArea": "AREAUNIT",
    "IfcQuantityVolume": "VOLUMEUNIT",
    "IfcQuantityWeight": "MASSUNIT",
    "IfcQuantityTime": "TIMEUNIT",
}

#: Measure-class prefixes that never take a unit or whose unit type is ambiguous
#: (IfcNumericMeasure -> USERDEFINED may name any of several derived units).
_UNITLESS_MEASURES = frozenset(
    {
        "IfcCountMeasure",
        "IfcNumericMeasure",
        "IfcRatioMeasure",
        "IfcNormalisedRatioMeasure",
        "IfcPositiveRatioMeasure",
        "IfcParameterValue",
        "IfcContextDependentMeasure",
        "IfcDescriptiveMeasure",
        "IfcMonetaryMeasure",
        "IfcComplexNumber",
    }
)


def _si_name(unit: entity_instance) -> str:
    name = str(unit.Name or "").upper().replace("METER", "METRE")
    symbol = _SI_SYMBOL.get(name, name.lower())
    return _SI_PREFIX.get(str(unit.Prefix or "").upper(), "") + symbol


def _scale_name(unit_type: str, scale: float) -> str | None:
    """Canonical name of a length/area/volume/angle unit from its SI scale (0.1 % tolerance,
    because exporters round factors: 'cubic inch' = 1.639E-5 m3)."""
    power = {"LENGTHUNIT": 1, "AREAUNIT": 2, "VOLUMEUNIT": 3}.get(unit_type)
    if power is not None:
        for name, metres in _LENGTH_SCALES.items():
            if math.isclose(scale, metres**power, rel_tol=1e-3):
                return name if power == 1 else f"{name}{power}"
        for symbol, factor in (("m", 1.0), ("mm", 1e-3), ("cm", 1e-2), ("km", 1e3)):
            if math.isclose(scale, factor**power, rel_tol=1e-6):
                return symbol if power == 1 else f"{symbol}{power}"
    if unit_type == "PLANEANGLEUNIT" and math.isclose(scale, _DEGREE, rel_tol=1e-3):
        return "deg"
    return None


class ProjectUnits:
    """The project's default units (``IfcProject.UnitsInContext``) and unit naming for one file.

    ``names[unit_type]`` is the canonical name of the project unit of each IfcUnitEnum /
    IfcDerivedUnitEnum type that the model declares (e.g. ``{"LENGTHUNIT": "mm", ...}``).
    Names of individual unit instances are cached by instance id.
    """

    def __init__(self, model: file, project: entity_instance | None) -> None:
        self._cache: dict[int, str] = {}
        self._scales: dict[int, float | None] = {}
        self.names: dict[str, str] = {}
        self.raw: dict[str, str] = {}
        self.entities: dict[str, entity_instance] = {}
        assignment = getattr(project, "UnitsInContext", None) if project is not None else None
        self.has_assignment = assignment is not None
        units = getattr(assignment, "Units", None) if assignment is not None else None
        for unit in units if isinstance(units, tuple | list) else ():
            if not hasattr(unit, "is_a") or unit.is_a("IfcMonetaryUnit"):
                continue  # a damaged reference, or a currency (no UnitType)
            unit_type = getattr(unit, "UnitType", None)
            if not isinstance(unit_type, str):
                continue
            if unit_type in self.names and unit_type != "USERDEFINED":
                continue  # IfcUnitAssignment WR01: one unit per type; the first one wins
            self.names[unit_type] = self.name(unit)
            self.raw[unit_type] = _describe(unit)
            self.entities[unit_type] = unit

    def name(self, unit: entity_instance) -> str:
        """Canonical name of one unit instance (IfcNamedUnit or IfcDerivedUnit)."""
        key = unit.id()
        cached = self._cache.get(key)
        if cached is None:
            try:
                cached = self._name_uncached(unit, depth=0)
            except (AttributeError, TypeError, ValueError, RuntimeError):
                cached = "unknown"  # a unit whose attributes are damaged
            if key:
                self._cache[key] = cached
        return cached

    def _name_uncached(self, unit: entity_instance, depth: int) -> str:
        if depth > 8:  # a unit defined through itself: broken file, stop naming
            return "unknown"
        if unit.is_a("IfcSIUnit"):
            return _si_name(unit)
        if unit.is_a("IfcDerivedUnit"):
            return self._derived_name(unit, depth)
        raw_name = _clean(str(getattr(unit, "Name", None) or "")).strip()
        if unit.is_a("IfcConversionBasedUnit"):
            known = _CONVERSION_NAMES.get(raw_name.lower())
            if known is not None:
                return known
            unit_type = str(getattr(unit, "UnitType", "") or "")
            try:
                scale = float(ifcopenshell.util.unit.get_unit_scale(unit))
            except (AttributeError, TypeError, ValueError, RuntimeError):
                scale = math.nan
            by_scale = _scale_name(unit_type, scale)
            if by_scale is not None:
                return by_scale
        return raw_name.lower().replace(" ", "_") or "unknown"

    def _derived_name(self, unit: entity_instance, depth: int) -> str:
        numerator: list[str] = []
        denominator: list[str] = []
        for element in getattr(unit, "Elements", None) or ():
            exponent = int(element.Exponent or 0)
            if exponent == 0 or element.Unit is None:
                continue
            symbol = self._name_uncached(element.Unit, depth + 1)
            if abs(exponent) != 1:
                separator = "^" if symbol[-1:].isdigit() else ""
                symbol = f"{symbol}{separator}{abs(exponent)}"
            (numerator if exponent > 0 else denominator).append(symbol)
        text = ".".join(numerator) or "1"
        if len(denominator) == 1:
            text += "/" + denominator[0]
        elif denominator:
            text += "/(" + ".".join(denominator) + ")"
        return text

    def si_scale(self, unit: entity_instance) -> float | None:
        """SI value of one ``unit`` (metres per foot = 0.3048), by
        :func:`ifcopenshell.util.unit.get_unit_scale`; None when the unit is damaged."""
        key = unit.id()
        if key not in self._scales:
            try:
                scale: float | None = float(ifcopenshell.util.unit.get_unit_scale(unit))
            except (AttributeError, TypeError, ValueError, RuntimeError, ZeroDivisionError):
                scale = None
            if scale is not None and not (math.isfinite(scale) and scale > 0):
                scale = None
            self._scales[key] = scale
        return self._scales[key]

    def to_project(self, value: float, unit: entity_instance, unit_type: str) -> float | None:
        """``value`` given in ``unit`` expressed in the project unit of ``unit_type``
        (a quantity whose own Unit is inch in a foot model: 12 -> 1.0); None when either unit
        has no known SI scale or the project declares no unit of that type."""
        project = self.entities.get(unit_type)
        if project is None:
            return None
        if project.id() == unit.id():
            return value
        own, target = self.si_scale(unit), self.si_scale(project)
        if own is None or target is None:
            return None
        return value * own / target

    def for_type(self, unit_type: str) -> str | None:
        """Project unit name for an IfcUnitEnum type (``"LENGTHUNIT"``), None if undeclared."""
        return self.names.get(unit_type)

    def for_measure(self, measure_class: str) -> str | None:
        """Project unit name for a measure class (``IfcLengthMeasure`` -> LENGTHUNIT -> ``"mm"``),
        None when the measure takes no unit or the model declares none for it."""
        if not measure_class.endswith("Measure") or measure_class in _UNITLESS_MEASURES:
            return None
        unit_type = ifcopenshell.util.unit.get_measure_unit_type(measure_class)  # type: ignore[arg-type]
        return self.names.get(unit_type)

    def measure_unit(self, measure_class: str) -> str | None:
        """Unit name for a value of ``measure_class``: the project unit of its type, or
        :data:`NO_UNIT` when the measure takes a unit the model does not declare (an
        IfcAreaMeasure in a model with no AREAUNIT); None when the measure takes no unit
        (IfcCountMeasure, IfcRatioMeasure, IfcLabel ...)."""
        if not measure_class.endswith("Measure") or measure_class in _UNITLESS_MEASURES:
            return None
        return self.for_measure(measure_class) or NO_UNIT

    def units(self) -> Units:
        """The :class:`Units` section: length/area/volume/angle/mass and where they came from.
        A length unit whose name is not one of LENGTH_UNITS is left out (None)."""
        length = self.names.get("LENGTHUNIT")
        source = self.raw.get("LENGTHUNIT")
        return Units(
            length=length if length in LENGTH_UNITS else None,
            area=self.names.get("AREAUNIT"),
            volume=self.names.get("VOLUMEUNIT"),
            angle=self.names.get("PLANEANGLEUNIT"),
            mass=self.names.get("MASSUNIT"),
            source=f"IfcUnitAssignment LENGTHUNIT = {source}" if source else None,
        )


def _describe(unit: entity_instance) -> str:
    """Short text of a unit as written in the file, e.g. ``IfcSIUnit .MILLI. .METRE.`` or
    ``IfcConversionBasedUnit 'inch'``."""
    if unit.is_a("IfcSIUnit"):
        prefix = f".{unit.Prefix}. " if unit.Prefix else ""
        return f"#{unit.id()} IfcSIUnit {prefix}.{unit.Name}."
    name: Any = getattr(unit, "Name", None)
    if not name:
        return f"#{unit.id()} {unit.is_a()}"
    return f"#{unit.id()} {unit.is_a()} '{_clean(str(name))}'"


def _clean(text: str) -> str:
    from pybase.extraction.ifc_model import clean_text

    return clean_text(text)
