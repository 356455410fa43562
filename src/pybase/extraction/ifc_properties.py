"""Property sets, quantity sets and entity attributes of IFC objects, every number with its unit.

Sets are found as :func:`ifcopenshell.util.element.get_psets` finds them
(``IfcRelDefinesByProperties`` for occurrences, ``HasPropertySets`` for type objects), one
definition at a time so that one damaged definition does not hide the others. Property sets
are read with :func:`ifcopenshell.util.element.get_property_definition`; quantity sets
(IfcElementQuantity) are read here, because the library's verbose reader fails on
IfcPhysicalComplexQuantity (IfcOpenShell 0.9: ``KeyError: 'class'``).

Type inheritance (IFC4 IfcRelDefinesByType: the type's property sets apply to all its
occurrences; an occurrence set of the same name overrides the type's values property by
property) is applied here: a type's sets are read **once** and cached; an occurrence without
its own set of that name gets the type's dict object itself, not a copy. Treat the returned
dicts as read-only: several records may share them (this keeps memory flat for models with
thousands of occurrences of one type).

Values (IFC4 IfcUnitAssignment supplies the unit a value does not carry itself):

* IfcQuantityLength/Area/Volume/Weight/Time/Count: ``{"value": v, "unit": u}`` always
  (see :mod:`pybase.extraction.ifc_units` for ``u``); IfcPhysicalComplexQuantity: a dict of its
  sub-quantities.
* IfcPropertySingleValue: the value; a ``{"value", "unit"}`` dict when its measure type takes
  a unit (IfcLengthMeasure, IfcPlaneAngleMeasure, IfcThermalTransmittanceMeasure ...): the
  property's ``Unit``, else the project unit, else ``"unitless"``.
* IfcPropertyListValue / IfcPropertyEnumeratedValue: a list of such values.
* IfcPropertyBoundedValue: ``{"upper": .., "lower": .., "set_point": ..}`` (those present).
* IfcComplexProperty: a dict of its member properties.
* IfcPreDefinedPropertySet (IfcDoorLiningProperties ...): its attributes, measures with units.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

import ifcopenshell
import ifcopenshell.util.element as ifc_element

from pybase.extraction.ifc_units import COUNT_UNIT, NO_UNIT, QUANTITY_UNIT_TYPES, ProjectUnits

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

__all__ = ["TAKEOFF_UNIT_TYPES", "ObjectSets", "PropertyReader", "attribute_types"]

#: Quantity classes summed in the quantity take-off, with the IfcUnitEnum type of each.
TAKEOFF_UNIT_TYPES: dict[str, str] = {
    "IfcQuantityLength": "LENGTHUNIT",
    "IfcQuantityArea": "AREAUNIT",
    "IfcQuantityVolume": "VOLUMEUNIT",
    "IfcQuantityWeight": "MASSUNIT",
}

_EMPTY: dict[str, Any] = {}
#: What reading a damaged set raises inside the library (a None where a definition belongs).
_DAMAGED = (RuntimeError, ValueError, TypeError, AttributeError, KeyError, IndexError)


class ObjectSets(NamedTuple):
    """The sets of one object. ``measured`` maps quantity name -> (value, unit) of its
    length/area/volume/weight quantities (first quantity set wins for a name), values in the
    project unit of their kind when the project declares one (for take-off sums)."""

    psets: dict[str, dict[str, Any]]
    qsets: dict[str, dict[str, Any]]
    measured: dict[str, tuple[float, str]]


def attribute_types(obj: entity_instance) -> list[tuple[int, str, str | None]]:
    """(index, attribute name, declared type name or None) of every explicit attribute of
    ``obj``'s class (IfcDoor: ..., (8, 'OverallHeight', 'IfcPositiveLengthMeasure')). The
    declared type is None for entity references, aggregates and selects."""
    result = []
    declaration: Any = obj.declaration
    for index, attribute in enumerate(declaration.all_attributes()):
        declared: str | None = None
        kind = attribute.type_of_attribute()
        if type(kind).__name__ == "named_type":
            target = kind.declared_type()
            if type(target).__name__ in ("type_declaration", "enumeration_type"):
                declared = str(target.name())
        result.append((index, str(attribute.name()), declared))
    return result


def _clean(text: Any) -> str:
    """A set or property name as clean text, interned: the same few names repeat on every
    element of a large model, so one string object each keeps memory flat."""
    from pybase.extraction.ifc_model import clean_text

    return sys.intern(clean_text(str(text)))


def _plain(value: Any) -> Any:
    from pybase.extraction.ifc_model import plain

    return plain(value)


def _instances(values: Any) -> list[entity_instance]:
    """The entity instances of an aggregate attribute (a damaged file may hold other values)."""
    if not isinstance(values, tuple | list):
        return []
    return [v for v in values if isinstance(v, ifcopenshell.entity_instance) and v.id()]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class PropertyReader:
    """Reads the property and quantity sets of objects of one model (see module docstring)."""

    def __init__(self, model: file, units: ProjectUnits) -> None:
        self.model = model
        self.units = units
        self._types: dict[int, ObjectSets] = {}
        self._declared: dict[str, dict[str, str | None]] = {}
        #: GlobalIds / #ids of objects whose set relationships are damaged (dangling
        #: definition, wrong type); their readable sets are still returned.
        self.damaged: list[str] = []

    def read(
        self,
        obj: entity_instance,
        type_obj: entity_instance | None = None,
        *,
        type_known: bool = False,
    ) -> ObjectSets:
        """Sets of ``obj`` (occurrence, type object or spatial element); an occurrence's
        sets include those of its type ``type_obj`` (IfcRelDefinesByType; looked up unless
        ``type_known``), the occurrence winning per property."""
        own = self._own(obj)
        if obj.is_a("IfcTypeObject"):
            return own
        if not type_known:
            type_obj = ifc_element.get_type(obj)
        if type_obj is None or type_obj.id() == obj.id():
            return own
        key = type_obj.id()
        typed = self._types.get(key)
        if typed is None:
            typed = self._types[key] = self._own(type_obj)
        if not (typed.psets or typed.qsets):
            return own
        return ObjectSets(
            _merge(typed.psets, own.psets),
            _merge(typed.qsets, own.qsets),
            {**typed.measured, **own.measured} if own.measured else typed.measured,
        )

    def type_sets(self, type_obj: entity_instance) -> ObjectSets:
        """Sets of a type object, from the same cache occurrences inherit from."""
        key = type_obj.id()
        if key not in self._types:
            self._types[key] = self._own(type_obj)
        return self._types[key]

    # -- one object's own sets ----------------------------------------------------------------

    def _own(self, obj: entity_instance) -> ObjectSets:
        psets: dict[str, dict[str, Any]] = {}
        qsets: dict[str, dict[str, Any]] = {}
        measured: dict[str, tuple[float, str]] = {}
        for definition in self._definitions(obj):
            set_name = _clean(definition.Name or f"#{definition.id()}")
            if definition.is_a("IfcElementQuantity"):
                values = qsets.setdefault(set_name, {})
                for quantity in _instances(definition.Quantities):
                    name = _clean(quantity.Name)
                    values[name] = self._quantity(quantity, name, measured)
                continue
            try:  # IfcPropertySet, IfcPreDefinedPropertySet (IFC2X3: IfcDoorLiningProperties..)
                props = ifc_element.get_property_definition(definition, verbose=True)
            except _DAMAGED:
                self._damaged(obj)
                continue
            values = psets.setdefault(set_name, {})
            predefined = None
            for prop_name, entry in (props or _EMPTY).items():
                if prop_name == "id":
                    continue
                name = _clean(prop_name)
                if isinstance(entry, dict) and "class" in entry and "id" in entry:
                    values[name] = self._property(entry, str(entry["class"]))
                else:  # an attribute of an IfcPreDefinedPropertySet
                    if predefined is None:
                        predefined = self._predefined_types(definition)
                    values[name] = self._typed(entry, predefined.get(str(prop_name)), None)
        return ObjectSets(psets, qsets, measured)

    def _damaged(self, obj: entity_instance) -> None:
        from pybase.extraction.ifc_model import global_id

        gid = global_id(obj)
        if not self.damaged or self.damaged[-1] != gid:
            self.damaged.append(gid)

    def _definitions(self, obj: entity_instance) -> list[entity_instance]:
        """The property set definitions of ``obj`` in file order, as
        :func:`ifcopenshell.util.element.get_psets` finds them (type objects:
        HasPropertySets; objects: IfcRelDefinesByProperties, IFC4 IfcPropertySetDefinitionSet
        unpacked). A missing or wrong definition notes ``obj`` in ``damaged``."""
        if obj.is_a("IfcTypeObject"):
            found = list(getattr(obj, "HasPropertySets", None) or ())
        else:
            found = []
            for rel in _instances(getattr(obj, "IsDefinedBy", None)):
                if rel.is_a("IfcRelDefinesByProperties"):
                    definition = rel.RelatingPropertyDefinition
                    if isinstance(definition, tuple | list):  # IfcPropertySetDefinitionSet
                        found.extend(definition)
                    elif hasattr(definition, "wrappedValue"):
                        found.extend(definition.wrappedValue or ())
                    else:
                        found.append(definition)
        definitions = []
        for definition in found:
            if isinstance(definition, ifcopenshell.entity_instance) and definition.id():
                definitions.append(definition)
            else:
                self._damaged(obj)
        return definitions

    # -- quantities ---------------------------------------------------------------------------

    def _quantity(
        self,
        quantity: entity_instance,
        name: str,
        measured: dict[str, tuple[float, str]] | None,
    ) -> Any:
        """One IfcPhysicalQuantity: a simple one as ``{"value", "unit"}``, a complex one as a
        dict of its members (IFC4 §8.11.3 IfcPhysicalComplexQuantity.HasQuantities)."""
        cls = quantity.is_a()
        if quantity.is_a("IfcPhysicalComplexQuantity"):
            return {
                _clean(member.Name): self._quantity(member, _clean(member.Name), None)
                for member in _instances(quantity.HasQuantities)
            }
        if not quantity.is_a("IfcPhysicalSimpleQuantity"):
            return None
        value = quantity[3]  # LengthValue, AreaValue, VolumeValue, CountValue, ...
        number = _number(value)
        if number is None:
            return _plain(value)
        own = quantity.Unit
        unit_type = QUANTITY_UNIT_TYPES.get(cls)
        if own is not None:
            unit = self.units.name(own)
        elif unit_type is not None:
            unit = self.units.for_type(unit_type) or NO_UNIT
        else:  # IfcQuantityCount
            unit = COUNT_UNIT
        if measured is not None and name not in measured and cls in TAKEOFF_UNIT_TYPES:
            measured[name] = (number, unit)
            if own is not None:  # converted to the project unit of its kind, when possible
                kind = TAKEOFF_UNIT_TYPES[cls]
                converted = self.units.to_project(number, own, kind)
                project_unit = self.units.for_type(kind)
                if converted is not None and project_unit is not None:
                    measured[name] = (converted, project_unit)
        return {"value": number, "unit": unit}

    # -- properties ---------------------------------------------------------------------------

    def _property(self, entry: dict[str, Any], cls: str) -> Any:
        value = entry.get("value")
        if cls == "IfcPropertySingleValue":
            measure = entry.get("value_type")
            if _number(value) is None or not measure:
                return _plain(value)
            return self._typed(value, str(measure), lambda: self._own_unit(entry))
        if cls in ("IfcPropertyListValue", "IfcPropertyEnumeratedValue"):
            prop = self.model.by_id(int(entry["id"]))
            attribute = "ListValues" if cls == "IfcPropertyListValue" else "EnumerationValues"
            items = getattr(prop, attribute, None) or ()
            unit = getattr(prop, "Unit", None)
            return [self._wrapped(item, unit) for item in items]
        if cls == "IfcPropertyBoundedValue":
            prop = self.model.by_id(int(entry["id"]))
            unit = getattr(prop, "Unit", None)
            bounds = {}
            for key, attribute in (
                ("upper", "UpperBoundValue"),
                ("lower", "LowerBoundValue"),
                ("set_point", "SetPointValue"),
            ):
                item = getattr(prop, attribute, None)
                if item is not None:
                    bounds[key] = self._wrapped(item, unit)
            return bounds
        if cls == "IfcComplexProperty" and isinstance(value, dict):
            members = value.get("properties") or _EMPTY
            return {
                _clean(k): self._property(v, str(v.get("class", "")))
                if isinstance(v, dict) and "class" in v
                else _plain(v)
                for k, v in members.items()
            }
        if isinstance(value, dict):  # IfcPropertyTableValue, IfcPropertyReferenceValue
            return {
                str(k): _plain(v)
                for k, v in value.items()
                if k not in ("id", "type", "Name") and v is not None
            }
        return _plain(value)

    def _own_unit(self, entry: dict[str, Any]) -> entity_instance | None:
        unit: entity_instance | None = getattr(self.model.by_id(int(entry["id"])), "Unit", None)
        return unit

    def _wrapped(self, item: Any, unit: entity_instance | None) -> Any:
        """A typed value (IfcLengthMeasure(2.5)) as a Quantity dict when it takes a unit."""
        if isinstance(item, ifcopenshell.entity_instance) and hasattr(item, "wrappedValue"):
            return self._typed(item.wrappedValue, item.is_a(), lambda: unit)
        return _plain(item)

    def _typed(self, value: Any, measure: str | None, own_unit: Any) -> Any:
        """``value`` of measure type ``measure`` with its unit: ``own_unit()`` (the property's
        Unit) when it gives one, else the project unit of the measure."""
        number = _number(value)
        if number is None or not measure:
            return _plain(value)
        unit_entity = own_unit() if own_unit is not None else None
        unit = (
            self.units.name(unit_entity)
            if unit_entity is not None
            else self.units.measure_unit(measure)
        )
        if unit is None:
            return _plain(value)
        return {"value": number, "unit": unit}

    def _predefined_types(self, definition: entity_instance) -> dict[str, str | None]:
        """Attribute name -> declared type of an IfcPreDefinedPropertySet, cached by class."""
        cls = definition.is_a()
        if cls not in self._declared:
            self._declared[cls] = {name: t for _, name, t in attribute_types(definition)}
        return self._declared[cls]


def _merge(
    inherited: dict[str, dict[str, Any]], own: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Type sets overridden by the occurrence's: same-named sets are merged (occurrence values
    win), other type sets are shared as they are."""
    if not inherited:
        return own
    merged: dict[str, dict[str, Any]] = {}
    for name, values in inherited.items():
        mine = own.get(name)
        merged[name] = values if mine is None else {**values, **mine}
    for name, values in own.items():
        if name not in merged:
            merged[name] = values
    return merged
