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
* spatial references: ``IfcRelReferencedInSpatialStructure`` (``ReferencesElements``);
* properties and quantities: ``IfcRelDefinesByProperties`` with ``IfcPropertySet`` /
  ``IfcElementQuantity``, type-inherited (see :mod:`pybase.extraction.ifc_properties`);
* materials: ``IfcRelAssociatesMaterial`` (see :mod:`pybase.extraction.ifc_materials`);
* classifications, openings, fillings: see :mod:`pybase.extraction.ifc_relations`.

Every record read here also feeds the :class:`~pybase.extraction.ifc_summary.ModelSummary`
(take-off, per-storey counts, property coverage), so the model is walked once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import ifcopenshell
import ifcopenshell.util.element as ifc_element

from pybase.extraction.ifc_materials import MaterialReader, material_names
from pybase.extraction.ifc_properties import ObjectSets, PropertyReader, attribute_types
from pybase.extraction.ifc_relations import classifications, fills, openings
from pybase.extraction.ifc_summary import ModelSummary
from pybase.extraction.ifc_units import NO_UNIT, ProjectUnits
from pybase.extraction.result import IfcElement, MaterialSet, Quantity, SpatialNode

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

__all__ = ["ModelReader", "clean_text", "global_id", "is_spatial", "plain"]

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


def global_id(obj: entity_instance) -> str:
    """GlobalId of ``obj``, or ``#id`` when the file leaves it empty or damaged."""
    gid = getattr(obj, "GlobalId", None)
    return clean_text(gid) if isinstance(gid, str) and gid else f"#{obj.id()}"


_gid = global_id

#: ``__pydantic_fields_set__`` shared by every record built here with ``model_construct``
#: (all fields are passed): one set object instead of a ~2 KB set per element. Pydantic only
#: ever adds field names to it, which it already holds.
_ALL_FIELDS: set[str] = set(IfcElement.model_fields)

#: Attributes that IfcElement / IfcElementType records hold in their own fields (or that are
#: references), never repeated in ``attributes``.
_RECORD_ATTRIBUTES = frozenset(
    {
        "GlobalId",
        "OwnerHistory",
        "Name",
        "ObjectType",
        "ObjectPlacement",
        "Representation",
        "Tag",
        "ApplicableOccurrence",
        "HasPropertySets",
        "RepresentationMaps",
        "ElementType",
        "PredefinedType",
    }
)
#: Elevation attribute of each spatial class that has one (IFC4 §5.4.3 product extension).
_ELEVATION = (
    ("IfcBuildingStorey", "Elevation"),
    ("IfcSite", "RefElevation"),
    ("IfcBuilding", "ElevationOfRefHeight"),
)


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
    """Builds the spatial tree, the :class:`IfcElement` records of occurrences and types, and
    the model summary of one opened model.

    ``units`` gives the unit of every length/area/volume/... value; ``with_properties``
    False skips property and quantity sets (``ExtractionOptions.properties``).
    Problems met on the way are collected for the caller: ``uncontained`` (GlobalIds of
    elements in no spatial structure), ``unreadable_materials`` (GlobalIds).
    """

    def __init__(self, model: file, units: ProjectUnits, with_properties: bool = True) -> None:
        self.model = model
        self.units = units
        self.with_properties = with_properties
        self.properties = PropertyReader(model, units)
        self.materials = MaterialReader(units)
        self.summary = ModelSummary()
        self._storey_of: dict[int, tuple[str | None, str | None]] = {}
        self._attribute_plans: dict[str, list[tuple[int, str, str | None]]] = {}
        self.uncontained: list[str] = []
        self.unreadable_materials: list[str] = []

    # -- spatial structure -------------------------------------------------------------

    def spatial_tree(self, project: entity_instance) -> SpatialNode:
        """The spatial tree below ``project`` (IfcRelAggregates between spatial elements).

        ``elevation`` (storey Elevation, site RefElevation, building ElevationOfRefHeight) is
        in the project length unit. ``elements`` lists the GlobalIds directly contained
        (IfcRelContainedInSpatialStructure), ``aggregated_elements`` the non-spatial products
        aggregated (IfcRelAggregates), ``referenced_elements`` those referenced
        (IfcRelReferencedInSpatialStructure). ``psets``/``qsets`` as for elements.
        """
        storeys: list[str] = []
        tree = self._node(project, set(), 0, None, storeys)
        self.summary.storeys(storeys)
        return tree

    def _elevation(self, obj: entity_instance) -> Quantity | None:
        for cls, attribute in _ELEVATION:
            if obj.is_a(cls):
                value = getattr(obj, attribute, None)
                if isinstance(value, int | float) and math.isfinite(value):
                    unit = self.units.for_type("LENGTHUNIT") or NO_UNIT
                    return Quantity(value=float(value), unit=unit)
                return None
        return None

    def _node(
        self,
        obj: entity_instance,
        seen: set[int],
        depth: int,
        storey: str | None,
        storeys: list[str],
    ) -> SpatialNode:
        seen.add(obj.id())
        if obj.is_a("IfcBuildingStorey"):
            storey = _text(obj.Name) or _gid(obj)
            storeys.append(storey)
        contained = [
            _gid(e)
            for rel in _instances(getattr(obj, "ContainsElements", None))
            for e in _instances(getattr(rel, "RelatedElements", None))
        ]
        referenced = [
            _gid(e)
            for rel in _instances(getattr(obj, "ReferencesElements", None))
            for e in _instances(getattr(rel, "RelatedElements", None))
        ]
        children = []
        aggregated = []
        for rel in _instances(getattr(obj, "IsDecomposedBy", None)):
            if not rel.is_a("IfcRelAggregates"):
                continue
            # RelatedObjects is an unordered SET: storeys go bottom-up by Elevation, then name
            for child in sorted(_instances(getattr(rel, "RelatedObjects", None)), key=_tree_order):
                if not is_spatial(child):
                    if child.is_a("IfcProduct"):
                        aggregated.append(_gid(child))
                elif child.id() not in seen and depth < _MAX_DEPTH:
                    children.append(self._node(child, seen, depth + 1, storey, storeys))
        node = SpatialNode(
            global_id=_gid(obj),
            ifc_class=obj.is_a(),
            name=_text(getattr(obj, "Name", None)),
            long_name=_text(getattr(obj, "LongName", None)),
            elevation=self._elevation(obj),
            elements=contained,
            aggregated_elements=aggregated,
            referenced_elements=referenced,
            children=children,
        )
        if self.with_properties:
            sets = self.properties.read(obj)
            node.psets, node.qsets = sets.psets, sets.qsets
            self.summary.cover(node.ifc_class, sets.psets, sets.qsets)
            if storey is not None:
                self.summary.add_quantities(storey, node.ifc_class, sets.measured)
        return node

    # -- elements -------------------------------------------------------------------------

    def element(self, element: entity_instance) -> IfcElement:
        """The :class:`IfcElement` record of one IfcElement occurrence.

        ``predefined_type`` is the type object's PredefinedType when that is set and not
        NOTDEFINED (it then governs the occurrence, IFC4 IfcElementType informal proposition),
        else the occurrence's own; IFC2X3 classes without the attribute give None. ``parent``
        is the IfcRelAggregates whole (an element or, for IFC4 type parts, a type object).
        ``materials`` are distinct IfcMaterial names of ``material_sets`` in set order, which
        are the type's when the occurrence has none.

        Raises:
            RuntimeError, ValueError, TypeError, AttributeError, KeyError, IndexError: the
            instance is too damaged to read (the caller reports and skips it).
        """
        element_type = ifc_element.get_type(element)
        type_predefined = getattr(element_type, "PredefinedType", None) if element_type else None
        predefined = (
            type_predefined
            if type_predefined and type_predefined != "NOTDEFINED"
            else getattr(element, "PredefinedType", None)
        )
        aggregate = ifc_element.get_aggregate(element)
        storey, storey_key = self._locate(element)
        sets = self._sets(element, element_type)
        material_sets = self._material_sets(element, element_type)
        opening, host = fills(element)
        record = IfcElement.model_construct(
            _fields_set=_ALL_FIELDS,
            global_id=_gid(element),
            ifc_class=element.is_a(),
            name=_text(element.Name),
            object_type=_text(element.ObjectType),
            predefined_type=_text(predefined),
            tag=_text(getattr(element, "Tag", None)),
            storey=storey,
            type_name=_text(element_type.Name) if element_type else None,
            type_class=element_type.is_a() if element_type else None,
            materials=material_names(material_sets),
            psets=sets.psets,
            qsets=sets.qsets,
            parent=_gid(aggregate) if aggregate is not None else None,
            material_sets=material_sets,
            classifications=classifications(element, element_type),
            openings=openings(element),
            fills=opening,
            host=host,
            occurrence_count=None,
            attributes=self._attributes(element),
        )
        self.summary.count(storey_key, record.ifc_class)
        if self.with_properties:
            self.summary.cover(record.ifc_class, sets.psets, sets.qsets)
            self.summary.add_quantities(storey_key, record.ifc_class, sets.measured)
        return record

    def element_type(self, type_obj: entity_instance) -> IfcElement:
        """The :class:`IfcElement` record of one type object (IfcTypeProduct): its own
        property/quantity sets (HasPropertySets), materials and classifications;
        ``object_type`` is IfcElementType.ElementType; ``occurrence_count`` the number of
        occurrences it types. Raises like :meth:`element`."""
        sets = self._sets(type_obj)
        material_sets = self._material_sets(type_obj)
        record = IfcElement.model_construct(
            _fields_set=_ALL_FIELDS,
            global_id=_gid(type_obj),
            ifc_class=type_obj.is_a(),
            name=_text(type_obj.Name),
            object_type=_text(getattr(type_obj, "ElementType", None)),
            predefined_type=_text(getattr(type_obj, "PredefinedType", None)),
            tag=_text(getattr(type_obj, "Tag", None)),
            storey=None,
            type_name=None,
            type_class=None,
            materials=material_names(material_sets),
            psets=sets.psets,
            qsets=sets.qsets,
            parent=None,
            material_sets=material_sets,
            classifications=classifications(type_obj),
            openings=[],
            fills=None,
            host=None,
            occurrence_count=len(ifc_element.get_types(type_obj)),
            attributes=self._attributes(type_obj),
        )
        if self.with_properties:
            self.summary.cover(record.ifc_class, sets.psets, sets.qsets)
        return record

    def _sets(self, obj: entity_instance, type_obj: entity_instance | None = None) -> ObjectSets:
        if not self.with_properties:
            return ObjectSets({}, {}, {})
        if obj.is_a("IfcTypeObject"):
            return self.properties.type_sets(obj)
        return self.properties.read(obj, type_obj, type_known=True)

    def _material_sets(
        self, obj: entity_instance, type_obj: entity_instance | None = None
    ) -> list[MaterialSet]:
        try:
            return self.materials.sets(obj, type_obj, type_known=True)
        except (AttributeError, TypeError, ValueError, RuntimeError):
            self.unreadable_materials.append(_gid(obj))
            return []

    def _attributes(self, obj: entity_instance) -> dict[str, Any]:
        """Description and the class's own simple attributes, measures with units."""
        cls = obj.is_a()
        plan = self._attribute_plans.get(cls)
        if plan is None:
            plan = self._attribute_plans[cls] = [
                (index, name, declared)
                for index, name, declared in attribute_types(obj)
                if declared is not None and name not in _RECORD_ATTRIBUTES
            ]
        values: dict[str, Any] = {}
        for index, name, declared in plan:
            try:
                value = obj[index]
            except (RuntimeError, IndexError, TypeError):  # derived (*) or damaged
                continue
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                unit = self.units.measure_unit(declared) if declared else None
                if unit is not None and math.isfinite(value):
                    values[name] = {"value": float(value), "unit": unit}
                    continue
            values[name] = plain(value)
        return values

    def _locate(self, element: entity_instance) -> tuple[str | None, str | None]:
        """(Name, summary key) of the IfcBuildingStorey that holds ``element``, directly or
        through the element it is part of (aggregate, nest, filled opening, voided element).
        Records the GlobalId in ``uncontained`` when no spatial element holds it at all; parts
        of a type (aggregated into an IfcTypeObject, IFC4) are not occurrences and are not
        recorded."""
        current = element
        seen = {element.id()}
        for _ in range(_MAX_DEPTH):
            parent = ifc_element.get_parent(current)
            if parent is None or parent.id() in seen:
                break
            if parent.is_a("IfcTypeObject"):
                return None, None
            if is_spatial(parent):
                return self._storey(parent)
            seen.add(parent.id())
            current = parent
        self.uncontained.append(_gid(element))
        return None, None

    def _storey(self, container: entity_instance) -> tuple[str | None, str | None]:
        """(Name, summary key) of the storey holding ``container``; the key is the Name, or
        the GlobalId of an unnamed storey."""
        key = container.id()
        if key not in self._storey_of:
            found: tuple[str | None, str | None] = (None, None)
            node: entity_instance | None = container
            for _ in range(_MAX_DEPTH):
                if node is None or not is_spatial(node):
                    break
                if node.is_a("IfcBuildingStorey"):
                    name = _text(node.Name)
                    found = (name, name or _gid(node))
                    break
                node = ifc_element.get_aggregate(node)
            self._storey_of[key] = found
        return self._storey_of[key]


def _tree_order(obj: Any) -> tuple[float, str, int]:
    """Sort key for spatial children: Elevation (storeys; others 0), Name, then file id."""
    elevation = getattr(obj, "Elevation", None) if obj.is_a("IfcBuildingStorey") else None
    try:
        height = float(elevation) if elevation is not None else 0.0
    except (TypeError, ValueError):
        height = 0.0
    return (height, str(getattr(obj, "Name", None) or ""), obj.id())
