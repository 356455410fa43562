"""Materials of IFC objects in full: what each ``IfcRelAssociatesMaterial`` assigns.

``RelatingMaterial`` (IFC4 §8.10.3 IfcMaterialSelect; IFC2X3 §7.4 IfcMaterialSelect) is one of

* ``IfcMaterial`` -> kind ``single``;
* ``IfcMaterialLayerSetUsage`` / ``IfcMaterialLayerSet`` -> ``layer_set``: the layers in
  order (IfcMaterialLayer.Material, LayerThickness in the project length unit, IsVentilated;
  IFC4 Name/Category), their total thickness, and for a usage LayerSetDirection,
  DirectionSense, OffsetFromReferenceLine;
* ``IfcMaterialProfileSetUsage`` / ``IfcMaterialProfileSet`` (IFC4+) -> ``profile_set``: each
  IfcMaterialProfile's material and its IfcProfileDef ProfileName; CardinalPoint of a usage;
* ``IfcMaterialConstituentSet`` (IFC4+) -> ``constituent_set``: each constituent's Name,
  material, Fraction;
* ``IfcMaterialList`` -> ``list``: its materials;
* a lone ``IfcMaterialLayer`` / ``IfcMaterialProfile`` / ``IfcMaterialConstituent`` (allowed by
  the IFC4 select) -> a set of that kind with one item.

An occurrence without an association of its own has its type object's
(:func:`ifcopenshell.util.element.get_type`), marked ``inherited``. Records are cached per
(relating material, inherited) and shared between elements: treat them as read-only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import ifcopenshell
import ifcopenshell.util.element as ifc_element

from pybase.extraction.ifc_units import NO_UNIT, ProjectUnits
from pybase.extraction.result import MaterialItem, MaterialSet, Quantity

if TYPE_CHECKING:
    from ifcopenshell import entity_instance

__all__ = ["MaterialReader", "material_names"]


def _text(value: Any) -> str | None:
    from pybase.extraction.ifc_model import clean_text

    return clean_text(str(value)) if isinstance(value, str) and value else None


def _instances(values: Any) -> list[entity_instance]:
    if not isinstance(values, tuple | list):
        return []
    return [v for v in values if isinstance(v, ifcopenshell.entity_instance) and v.id()]


def material_names(sets: list[MaterialSet]) -> list[str]:
    """Distinct IfcMaterial names of ``sets`` in set order (layers outside-in as stored)."""
    names: list[str] = []
    for material_set in sets:
        for item in material_set.items:
            if item.material and item.material not in names:
                names.append(item.material)
    return names


class MaterialReader:
    """Reads the material associations of objects of one model; lengths in ``units``' length
    unit."""

    def __init__(self, units: ProjectUnits) -> None:
        self.units = units
        self._cache: dict[tuple[int, bool], MaterialSet] = {}

    def sets(
        self,
        obj: entity_instance,
        type_obj: entity_instance | None = None,
        *,
        type_known: bool = False,
    ) -> list[MaterialSet]:
        """The material sets of ``obj`` (its own associations, else those of its type
        ``type_obj``, looked up unless ``type_known``).

        Raises:
            AttributeError, TypeError, ValueError, RuntimeError: a damaged material structure
            (e.g. a usage whose ForLayerSet is missing); the caller reports it.
        """
        own = _associated(obj)
        inherited = False
        if not own and not obj.is_a("IfcTypeObject"):
            if not type_known:
                type_obj = ifc_element.get_type(obj)
            if type_obj is not None and type_obj.id() != obj.id():
                own, inherited = _associated(type_obj), True
        return [self._cached(material, inherited) for material in own]

    def _cached(self, material: entity_instance, inherited: bool) -> MaterialSet:
        key = (material.id(), inherited)
        record = self._cache.get(key)
        if record is None:
            record = self._cache[key] = self._read(material, inherited)
        return record

    def _length(self, value: Any) -> Quantity | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not math.isfinite(value):
            return None
        return Quantity(value=float(value), unit=self.units.for_type("LENGTHUNIT") or NO_UNIT)

    def _read(self, material: entity_instance, inherited: bool) -> MaterialSet:
        cls = material.is_a()
        if material.is_a("IfcMaterialLayerSetUsage"):
            layer_set = material.ForLayerSet
            if layer_set is None:
                raise ValueError(f"#{material.id()} {cls} has no ForLayerSet")
            record = self._layer_set(layer_set, cls, inherited)
            record.layer_set_direction = _text(material.LayerSetDirection)
            record.direction_sense = _text(material.DirectionSense)
            record.offset_from_reference_line = self._length(material.OffsetFromReferenceLine)
            return record
        if material.is_a("IfcMaterialLayerSet"):
            return self._layer_set(material, cls, inherited)
        if material.is_a("IfcMaterialProfileSetUsage"):
            profile_set = material.ForProfileSet
            if profile_set is None:
                raise ValueError(f"#{material.id()} {cls} has no ForProfileSet")
            record = self._profile_set(profile_set, cls, inherited)
            point = getattr(material, "CardinalPoint", None)
            record.cardinal_point = point if isinstance(point, int) else None
            return record
        if material.is_a("IfcMaterialProfileSet"):
            return self._profile_set(material, cls, inherited)
        if material.is_a("IfcMaterialConstituentSet"):
            items = [self._constituent(c) for c in _instances(material.MaterialConstituents)]
            return MaterialSet(
                kind="constituent_set",
                ifc_class=cls,
                name=_text(material.Name),
                items=items,
                inherited=inherited,
            )
        if material.is_a("IfcMaterialList"):
            items = [self._material(m) for m in _instances(material.Materials)]
            return MaterialSet(kind="list", ifc_class=cls, items=items, inherited=inherited)
        if material.is_a("IfcMaterialLayer"):
            return MaterialSet(
                kind="layer_set",
                ifc_class=cls,
                name=_text(getattr(material, "Name", None)),
                items=[self._layer(material)],
                total_thickness=self._length(material.LayerThickness),
                inherited=inherited,
            )
        if material.is_a("IfcMaterialProfile"):
            return MaterialSet(
                kind="profile_set",
                ifc_class=cls,
                name=_text(material.Name),
                items=[self._profile(material)],
                inherited=inherited,
            )
        if material.is_a("IfcMaterialConstituent"):
            return MaterialSet(
                kind="constituent_set",
                ifc_class=cls,
                name=_text(material.Name),
                items=[self._constituent(material)],
                inherited=inherited,
            )
        if material.is_a("IfcMaterial"):
            return MaterialSet(
                kind="single",
                ifc_class=cls,
                name=_text(material.Name),
                items=[self._material(material)],
                inherited=inherited,
            )
        raise TypeError(f"#{material.id()} {cls} is not an IfcMaterialSelect")

    def _layer_set(self, layer_set: entity_instance, cls: str, inherited: bool) -> MaterialSet:
        layers = _instances(layer_set.MaterialLayers)
        items = [self._layer(layer) for layer in layers]
        thicknesses = [i.thickness.value for i in items if i.thickness is not None]
        return MaterialSet(
            kind="layer_set",
            ifc_class=cls,
            name=_text(layer_set.LayerSetName),
            items=items,
            total_thickness=self._length(sum(thicknesses)) if thicknesses else None,
            inherited=inherited,
        )

    def _profile_set(self, profile_set: entity_instance, cls: str, inherited: bool) -> MaterialSet:
        return MaterialSet(
            kind="profile_set",
            ifc_class=cls,
            name=_text(profile_set.Name),
            items=[self._profile(p) for p in _instances(profile_set.MaterialProfiles)],
            inherited=inherited,
        )

    def _material(self, material: entity_instance) -> MaterialItem:
        return MaterialItem(
            material=_text(material.Name), category=_text(getattr(material, "Category", None))
        )

    def _category(self, item: entity_instance, material: entity_instance | None) -> str | None:
        own = _text(getattr(item, "Category", None))
        if own is None and material is not None:
            return _text(getattr(material, "Category", None))
        return own

    def _layer(self, layer: entity_instance) -> MaterialItem:
        material = layer.Material
        ventilated = layer.IsVentilated
        return MaterialItem(
            material=_text(material.Name) if material is not None else None,
            name=_text(getattr(layer, "Name", None)),
            category=self._category(layer, material),
            thickness=self._length(layer.LayerThickness),
            is_ventilated=ventilated if isinstance(ventilated, bool) else None,
        )

    def _profile(self, profile: entity_instance) -> MaterialItem:
        material = profile.Material
        definition = profile.Profile
        return MaterialItem(
            material=_text(material.Name) if material is not None else None,
            name=_text(profile.Name),
            category=self._category(profile, material),
            profile=_text(definition.ProfileName) if definition is not None else None,
            profile_class=definition.is_a() if definition is not None else None,
        )

    def _constituent(self, constituent: entity_instance) -> MaterialItem:
        material = constituent.Material
        fraction = constituent.Fraction
        return MaterialItem(
            material=_text(material.Name) if material is not None else None,
            name=_text(constituent.Name),
            category=self._category(constituent, material),
            fraction=float(fraction) if isinstance(fraction, int | float) else None,
        )


def _associated(obj: entity_instance) -> list[entity_instance]:
    """RelatingMaterial of each IfcRelAssociatesMaterial of ``obj``, in file order."""
    found = []
    for rel in _instances(getattr(obj, "HasAssociations", None)):
        if rel.is_a("IfcRelAssociatesMaterial"):
            material = rel.RelatingMaterial
            if isinstance(material, ifcopenshell.entity_instance) and material.id():
                found.append(material)
    return found
