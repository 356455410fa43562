"""Reading the semantic IFC model: spatial structure, elements, property and quantity sets.

Relationships used (IFC4 / IFC4X3 names; IFC2X3 has the same ones unless noted):

* spatial decomposition: ``IfcRelAggregates`` (``IsDecomposedBy`` / ``Decomposes``) between
  spatial elements (IfcProject -> IfcSite -> IfcBuilding / IfcFacility -> IfcBuildingStorey /
  IfcFacilityPart -> IfcSpace);
* containment: ``IfcRelContainedInSpatialStructure`` (``ContainsElements`` /
  ``ContainedInStructure``);
* element parts: ``IfcRelAggregates``, ``IfcRelNests``, ``IfcRelFillsElement``,
  ``IfcRelVoidsElement`` (an element that is part of another is located through it);
* types: ``IfcRelDefinesByType`` (IFC4 ``IsTypedBy``; IFC2X3 through ``IsDefinedBy``);
* properties and quantities: ``IfcRelDefinesByProperties`` with ``IfcPropertySet`` /
  ``IfcElementQuantity`` (read with :func:`ifcopenshell.util.element.get_psets`, which also
  applies type inheritance: an occurrence's set overrides the same-named set of its type);
* materials: ``IfcRelAssociatesMaterial`` (read with
  :func:`ifcopenshell.util.element.get_materials`, layer/profile/constituent sets expanded).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import ifcopenshell
import ifcopenshell.util.element as ifc_element

from pybase.extraction.ifc_units import QUANTITY_UNIT_TYPES, ProjectUnits
from pybase.extraction.result import IfcElement, Quantity, SpatialNode

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

__all__ = ["ModelReader", "clean_text", "is_spatial", "plain"]

_MAX_DEPTH = 64  # deeper part/spatial chains than this only occur in cyclic (broken) files


def is_spatial(obj: entity_instance) -> bool:
    """True for spatial elements: IfcSpatialElement (IFC4+: site, building, storey, space,
    facility, facility part, spatial zone) or IfcSpatialStructureElement (IFC2X3)."""
    return bool(obj.is_a("IfcSpatialElement") or obj.is_a("IfcSpatialStructureElement"))


def clean_text(text: str) -> str:
    """``text`` as valid Unicode. ISO 10303-21 ``\\X2\\`` escapes carry UTF-16 code units
    (§6.4.3.3); writers that put a surrogate pair there, or a lone surrogate, yield Python
    strings that cannot be written as UTF-8/JSON. Pairs are joined into their code point, lone
    surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _text(value: Any) -> str | None:
    return None if value is None else clean_text(str(value))


def _instances(values: Any) -> list[entity_instance]:
    """The entity instances in an aggregate attribute; a damaged file may hold a string or a
    number where a reference belongs."""
    if not isinstance(values, tuple | list):
        return []
    return [v for v in values if isinstance(v, ifcopenshell.entity_instance) and v.id()]


def _gid(obj: entity_instance) -> str:
    """GlobalId of ``obj``, or ``#id`` when the file leaves it empty or damaged."""
    gid = getattr(obj, "GlobalId", None)
    return clean_text(gid) if isinstance(gid, str) and gid else f"#{obj.id()}"


def plain(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data: wrapped IFC values (IfcLabel('x')) become their value,
    references to other instances become ``"#id=IfcClass"``, tuples become lists, non-finite
    floats become None."""
    if depth > 16:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, tuple | list):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items() if k != "id"}
    is_a = getattr(value, "is_a", None)
    if is_a is not None:
        if value.id() == 0 and hasattr(value, "wrappedValue"):
            return plain(value.wrappedValue, depth + 1)
        return f"#{value.id()}={is_a()}"
    return clean_text(str(value))


class ModelReader:
    """Builds the spatial tree and :class:`IfcElement` records of one opened model.

    ``units`` gives the unit of every length/area/volume/... value; ``with_properties``
    False skips property and quantity sets (``ExtractionOptions.properties``).
    """

    def __init__(self, model: file, units: ProjectUnits, with_properties: bool = True) -> None:
        self.model = model
        self.units = units
        self.with_properties = with_properties
        self._storey_of: dict[int, str | None] = {}
        self.uncontained: list[str] = []
        self.unreadable_materials: list[str] = []

    # -- spatial structure -------------------------------------------------------------

    def spatial_tree(self, project: entity_instance) -> SpatialNode:
        """The spatial tree below ``project`` (IfcRelAggregates between spatial elements).

        Storey ``elevation`` is ``IfcBuildingStorey.Elevation`` in the project length unit.
        ``elements`` lists the GlobalIds directly contained (IfcRelContainedInSpatialStructure).
        """
        return self._node(project, set(), 0)

    def _node(self, obj: entity_instance, seen: set[int], depth: int) -> SpatialNode:
        seen.add(obj.id())
        elevation = None
        if obj.is_a("IfcBuildingStorey"):
            value = getattr(obj, "Elevation", None)
            if isinstance(value, int | float) and math.isfinite(value):
                unit = self.units.for_type("LENGTHUNIT") or "unitless"
                elevation = Quantity(value=float(value), unit=unit)
        contained = [
            _gid(e)
            for rel in _instances(getattr(obj, "ContainsElements", None))
            for e in _instances(getattr(rel, "RelatedElements", None))
        ]
        children = []
        if depth < _MAX_DEPTH:
            for rel in _instances(getattr(obj, "IsDecomposedBy", None)):
                if not rel.is_a("IfcRelAggregates"):
                    continue
                for child in _instances(getattr(rel, "RelatedObjects", None)):
                    if child.id() not in seen and is_spatial(child):
                        children.append(self._node(child, seen, depth + 1))
        return SpatialNode(
            global_id=_gid(obj),
            ifc_class=obj.is_a(),
            name=_text(getattr(obj, "Name", None)),
            long_name=_text(getattr(obj, "LongName", None)),
            elevation=elevation,
            elements=contained,
            children=children,
        )

    # -- elements -------------------------------------------------------------------------

    def element(self, element: entity_instance) -> IfcElement:
        """The :class:`IfcElement` record of one IfcElement occurrence.

        ``predefined_type`` is the type object's PredefinedType when that is set and not
        NOTDEFINED (it then governs the occurrence, IFC4 IfcElementType informal proposition),
        else the occurrence's own; IFC2X3 classes without the attribute give None. ``parent``
        is the IfcRelAggregates whole (an element or, for IFC4 type parts, a type object).
        ``materials`` are distinct IfcMaterial names, material sets expanded in set order,
        inherited from the type when the occurrence has none.
        """
        element_type = ifc_element.get_type(element)
        type_predefined = getattr(element_type, "PredefinedType", None) if element_type else None
        predefined = (
            type_predefined
            if type_predefined and type_predefined != "NOTDEFINED"
            else getattr(element, "PredefinedType", None)
        )
        aggregate = ifc_element.get_aggregate(element)
        record = IfcElement(
            global_id=_gid(element),
            ifc_class=element.is_a(),
            name=_text(element.Name),
            object_type=_text(element.ObjectType),
            predefined_type=_text(predefined),
            tag=_text(getattr(element, "Tag", None)),
            storey=self._locate(element),
            type_name=_text(element_type.Name) if element_type else None,
            type_class=element_type.is_a() if element_type else None,
            materials=self._materials(element),
            parent=_gid(aggregate) if aggregate is not None else None,
        )
        if self.with_properties:
            record.psets, record.qsets = self._property_sets(element)
        return record

    def _locate(self, element: entity_instance) -> str | None:
        """Name of the IfcBuildingStorey that holds ``element``, directly or through the
        element it is part of (aggregate, nest, filled opening, voided element). Records the
        GlobalId in ``uncontained`` when no spatial element holds it at all; parts of a type
        (aggregated into an IfcTypeObject, IFC4) are not occurrences and are not recorded."""
        current = element
        seen = {element.id()}
        for _ in range(_MAX_DEPTH):
            parent = ifc_element.get_parent(current)
            if parent is None or parent.id() in seen:
                break
            if parent.is_a("IfcTypeObject"):
                return None
            if is_spatial(parent):
                return self._storey_name(parent)
            seen.add(parent.id())
            current = parent
        self.uncontained.append(_gid(element))
        return None

    def _storey_name(self, container: entity_instance) -> str | None:
        key = container.id()
        if key not in self._storey_of:
            name = None
            node: entity_instance | None = container
            for _ in range(_MAX_DEPTH):
                if node is None or not is_spatial(node):
                    break
                if node.is_a("IfcBuildingStorey"):
                    name = _text(node.Name)
                    break
                node = ifc_element.get_aggregate(node)
            self._storey_of[key] = name
        return self._storey_of[key]

    def _materials(self, element: entity_instance) -> list[str]:
        try:
            materials = ifc_element.get_materials(element)
        except (AssertionError, AttributeError, RuntimeError):
            # a material select the library does not know (e.g. a usage without its set)
            self.unreadable_materials.append(_gid(element))
            return []
        names: list[str] = []
        for material in materials:
            name = getattr(material, "Name", None) if material is not None else None
            if isinstance(name, str) and name and clean_text(name) not in names:
                names.append(clean_text(name))
        return names

    # -- property and quantity sets ------------------------------------------------------

    def _property_sets(
        self, element: entity_instance
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        psets: dict[str, dict[str, Any]] = {}
        qsets: dict[str, dict[str, Any]] = {}
        for set_name, props in ifc_element.get_psets(element, verbose=True).items():
            values: dict[str, Any] = {}
            is_qset = False
            for prop_name, entry in props.items():
                if prop_name == "id" or not isinstance(entry, dict):
                    continue
                cls = str(entry.get("class", ""))
                is_qset = (
                    is_qset
                    or cls.startswith("IfcQuantity")
                    or (cls == "IfcPhysicalComplexQuantity")
                )
                values[clean_text(str(prop_name))] = self._value(entry, cls)
            (qsets if is_qset else psets)[clean_text(str(set_name))] = values
        return psets, qsets

    def _value(self, entry: dict[str, Any], cls: str) -> Any:
        """One property/quantity value, as a Quantity dict when its unit is known: the
        property's own ``Unit`` (IfcPropertySingleValue.Unit, IfcPhysicalSimpleQuantity.Unit)
        or else the project unit of its measure type (IFC4 §8.11.3.16 IfcUnitAssignment)."""
        value = plain(entry.get("value"))
        if not isinstance(value, int | float) or isinstance(value, bool):
            return value
        unit_type = QUANTITY_UNIT_TYPES.get(cls)
        measure = str(entry.get("value_type") or "")
        is_measure = cls == "IfcPropertySingleValue" and measure.endswith("Measure")
        if unit_type is None and not is_measure:
            return value
        own = getattr(self.model.by_id(int(entry["id"])), "Unit", None)
        unit: str | None
        if own is not None:
            unit = self.units.name(own)
        elif unit_type is not None:
            unit = self.units.for_type(unit_type)
        else:
            unit = self.units.for_measure(measure)
        if unit is None:
            return value
        return Quantity(value=float(value), unit=unit).model_dump()
