"""Classification references, openings and fillings of IFC elements.

* Classifications: ``IfcRelAssociatesClassification`` (IFC4 §8.6 / IFC2X3 §7.5). The
  RelatingClassification is an ``IfcClassificationReference`` (IFC4 Identification, IFC2X3
  ItemReference; its ReferencedSource chain ends at the ``IfcClassification`` whose Name is the
  system), an ``IfcClassification`` itself, or in IFC2X3 an ``IfcClassificationNotation``
  (its facets' NotationValue). Found with
  :func:`ifcopenshell.util.classification.get_references`, which lets an occurrence inherit
  its type's references, replaced per classification system by the occurrence's own.
* Openings: ``IfcRelVoidsElement`` (element ``HasOpenings`` -> IfcOpeningElement /
  IfcVoidingFeature) and ``IfcRelFillsElement`` (opening ``HasFillings`` -> the door, window
  or other element in it; element ``FillsVoids`` -> the opening it fills).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ifcopenshell
import ifcopenshell.util.classification as ifc_classification

from pybase.extraction.result import ClassificationReference, Opening

if TYPE_CHECKING:
    from ifcopenshell import entity_instance

__all__ = ["classifications", "fills", "openings"]

_MAX_DEPTH = 16


def _text(value: Any) -> str | None:
    from pybase.extraction.ifc_model import clean_text

    return clean_text(str(value)) if isinstance(value, str) and value else None


def _gid(obj: entity_instance) -> str:
    from pybase.extraction.ifc_model import global_id

    return global_id(obj)


def _instances(values: Any) -> list[entity_instance]:
    if not isinstance(values, tuple | list):
        return []
    return [v for v in values if isinstance(v, ifcopenshell.entity_instance) and v.id()]


def _own_references(obj: entity_instance) -> list[entity_instance]:
    found = []
    for rel in _instances(getattr(obj, "HasAssociations", None)):
        if rel.is_a("IfcRelAssociatesClassification"):
            reference = rel.RelatingClassification
            if isinstance(reference, ifcopenshell.entity_instance) and reference.id():
                found.append(reference)
    return found


def classifications(
    obj: entity_instance, type_obj: entity_instance | None = None
) -> list[ClassificationReference]:
    """The classification references of ``obj``, sorted by system and identification;
    ``inherited`` marks those that come from its type object ``type_obj`` (pass the
    occurrence's type, or None when it has none: the library is then not asked)."""
    own = _own_references(obj)
    own_ids = {r.id() for r in own}
    found = own
    if type_obj is not None and type_obj.id() != obj.id() and _own_references(type_obj):
        try:
            found = list(ifc_classification.get_references(obj, should_inherit=True))
        except (AttributeError, TypeError, RuntimeError):  # e.g. an IFC2X3 notation
            found = own
    records = [_reference(r, r.id() not in own_ids) for r in found if r is not None]
    records.sort(key=lambda r: (r.system or "", r.identification or "", r.name or ""))
    return records


def _reference(reference: entity_instance, inherited: bool) -> ClassificationReference:
    if reference.is_a("IfcClassification"):
        return ClassificationReference(
            system=_text(reference.Name),
            edition=_text(getattr(reference, "Edition", None)),
            location=_text(getattr(reference, "Location", None))
            or _text(getattr(reference, "Specification", None)),
            inherited=inherited,
        )
    if reference.is_a("IfcClassificationNotation"):  # IFC2X3 only
        facets = [_text(f.NotationValue) for f in _instances(reference.NotationFacets)]
        return ClassificationReference(
            identification=", ".join(f for f in facets if f) or None, inherited=inherited
        )
    identification = getattr(reference, "Identification", None)
    if identification is None:
        identification = getattr(reference, "ItemReference", None)
    system: entity_instance | None = None
    source = getattr(reference, "ReferencedSource", None)
    for _ in range(_MAX_DEPTH):  # IFC4: references may nest before reaching the system
        if not isinstance(source, ifcopenshell.entity_instance):
            break
        if source.is_a("IfcClassification"):
            system = source
            break
        source = getattr(source, "ReferencedSource", None)
    return ClassificationReference(
        system=_text(system.Name) if system is not None else None,
        edition=_text(getattr(system, "Edition", None)) if system is not None else None,
        identification=_text(identification),
        name=_text(getattr(reference, "Name", None)),
        location=_text(getattr(reference, "Location", None)),
        inherited=inherited,
    )


def openings(element: entity_instance) -> list[Opening]:
    """The openings voiding ``element`` (IfcRelVoidsElement) with the GlobalIds of the
    elements filling each (IfcRelFillsElement)."""
    records = []
    for rel in _instances(getattr(element, "HasOpenings", None)):
        opening = rel.RelatedOpeningElement
        if not isinstance(opening, ifcopenshell.entity_instance) or not opening.id():
            continue
        filled_by = [
            _gid(fill.RelatedBuildingElement)
            for fill in _instances(getattr(opening, "HasFillings", None))
            if isinstance(fill.RelatedBuildingElement, ifcopenshell.entity_instance)
        ]
        records.append(
            Opening(
                global_id=_gid(opening),
                ifc_class=opening.is_a(),
                name=_text(opening.Name),
                predefined_type=_text(getattr(opening, "PredefinedType", None)),
                filled_by=filled_by,
            )
        )
    return records


def fills(element: entity_instance) -> tuple[str | None, str | None]:
    """(GlobalId of the opening ``element`` fills, GlobalId of the element that opening
    voids), each None when absent (IfcRelFillsElement, IfcRelVoidsElement)."""
    for rel in _instances(getattr(element, "FillsVoids", None)):
        opening = rel.RelatingOpeningElement
        if not isinstance(opening, ifcopenshell.entity_instance) or not opening.id():
            continue
        host = None
        for voids in _instances(getattr(opening, "VoidsElements", None)):
            building_element = voids.RelatingBuildingElement
            if isinstance(building_element, ifcopenshell.entity_instance):
                host = _gid(building_element)
                break
        return _gid(opening), host
    return None, None
