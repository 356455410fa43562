"""Materials and densities of STEP products, from the Part 21 entities (no OCP).

Three ways files carry them, all read (first one found wins per product):

1. ``PROPERTY_DEFINITION('material property', <what>, <product definition or its shape>)``
   with a PROPERTY_DEFINITION_REPRESENTATION to a REPRESENTATION named ``'material name'``
   (DESCRIPTIVE_REPRESENTATION_ITEM(name, description): the name is the material) and/or
   ``'density'`` (MEASURE_REPRESENTATION_ITEM(name, value, unit) with a DERIVED_UNIT of mass x
   length^-3). This is what OCCT's STEPCAFControl_Writer and the CAx-IF "Recommended Practices
   for material properties" write.
2. ``MATERIAL_DESIGNATION(name, definitions)`` (ISO 10303-45) naming the material of the
   product definitions / shapes in ``definitions``; a 'material property' PROPERTY_DEFINITION
   whose definition is the MATERIAL_DESIGNATION gives its density.
3. AP214 "make from": ``MAKE_FROM_USAGE_OPTION(id, name, description, relating, related, ...)``
   says the product of PRODUCT_DEFINITION ``relating`` is made from the product of ``related``.
   When that product is a raw material (PRODUCT_RELATED_PRODUCT_CATEGORY 'raw material' or
   'material') or carries a density, it is the part's material: its PRODUCT.name is the material
   name (e.g. 'Greek Ascoloy'), its PRODUCT.id the specification (``material_id``, e.g.
   'AMS 5613'), and its own 'material property' density applies. Such products are material
   specifications, not components: they have no NEXT_ASSEMBLY_USAGE_OCCURRENCE and stay out of
   the assembly tree and the BOM.

Densities are converted to kg/m3 from the file's unit. OCCT 7.x/8.0 writes the density unit
as gram^3 x centimetre^2 (wrong exponents); a density unit of mass and length units with
other exponents than 1 and -3 is read as mass unit per length unit cubed, with the issue
``density_unit_inconsistent``. ``density_unit_missing``: a density without a readable unit
(left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pybase.extraction.result import Issue
from pybase.extraction.step_part21 import Entity, Part21File, Ref
from pybase.extraction.step_units import derived_elements, measure

__all__ = ["MaterialInfo", "definition_products", "property_representations", "read_materials"]

_RAW_MATERIAL_CATEGORIES = frozenset({"raw material", "material"})


@dataclass
class MaterialInfo:
    """The material of one product: ``name``, ``material_id`` (PRODUCT.id of a raw-material
    product), ``density`` in kg/m3, ``source`` (the entity it was read from, e.g. '#576')."""

    name: str | None = None
    material_id: str | None = None
    density: float | None = None
    source: str | None = None


def definition_products(p21: Part21File, ref: Any, depth: int = 0) -> list[int]:
    """PRODUCT entity ids behind a characterized definition: a PRODUCT_DEFINITION, a
    PRODUCT_DEFINITION_SHAPE (through its definition) or a SHAPE_ASPECT (through of_shape);
    empty for anything else (e.g. a NEXT_ASSEMBLY_USAGE_OCCURRENCE)."""
    entity = p21.entity(ref) if isinstance(ref, (Ref, int)) else None
    if entity is None or depth > 4:
        return []
    product = p21.product_of_definition(entity.id)
    if product is not None:
        return [product.entity_id]
    params = entity.parts.get(entity.type) or []
    if entity.is_a("PRODUCT_DEFINITION_SHAPE") and len(params) > 2:
        return definition_products(p21, params[2], depth + 1)
    if entity.type.endswith("SHAPE_ASPECT") and len(params) > 2:
        return definition_products(p21, params[2], depth + 1)
    return []


def property_representations(p21: Part21File) -> dict[int, list[Entity]]:
    """PROPERTY_DEFINITION id -> its representations (PROPERTY_DEFINITION_REPRESENTATION
    used_representation), in file order."""
    out: dict[int, list[Entity]] = {}
    for pdr in p21.entities_of("PROPERTY_DEFINITION_REPRESENTATION"):
        params = pdr.parts.get(pdr.type) or []
        if len(params) < 2 or not isinstance(params[0], Ref):
            continue
        representation = p21.entity(params[1])
        if representation is not None:
            out.setdefault(params[0].id, []).append(representation)
    return out


def representation_parts(representation: Entity) -> tuple[str, list[Any], Any]:
    """(name, items, context) of a REPRESENTATION, simple or complex."""
    params = representation.get("REPRESENTATION") if representation.complex else None
    if params is None:
        params = representation.parts.get(representation.type) or []
    name = params[0] if params and isinstance(params[0], str) else ""
    items = params[1] if len(params) > 1 and isinstance(params[1], list) else []
    context = params[2] if len(params) > 2 else None
    return name, items, context


def _density(
    p21: Part21File, representation: Entity, owner: str, issues: list[Issue]
) -> float | None:
    """kg/m3 from a 'density' representation's MEASURE_REPRESENTATION_ITEM."""
    for item in representation_parts(representation)[1]:
        found = measure(p21, item)
        if found is None:
            continue
        if found.unit is not None and found.unit.dims == (-3, 1, 0):
            return found.value * found.unit.factor
        elements = derived_elements(p21, found.unit_ref) if found.unit_ref else None
        masses = [u for u, _ in elements or [] if u.dims == (0, 1, 0)]
        lengths = [u for u, _ in elements or [] if u.is_length]
        if len(masses) == 1 and len(lengths) == 1:
            mass, length = masses[0], lengths[0]
            written = found.unit.name if found.unit else "?"
            issues.append(
                Issue(
                    code="density_unit_inconsistent",
                    message=f"the density of {owner} has the unit {written}, not mass per "
                    f"volume; read as {mass.name}/{length.name}3 (OCCT writes its densities "
                    "this way)",
                    location=f"#{representation.id}",
                )
            )
            return found.value * mass.factor / length.factor**3
        issues.append(
            Issue(
                code="density_unit_missing",
                message=f"the density of {owner} has no readable mass-per-volume unit; "
                "it is left out",
                location=f"#{representation.id}",
            )
        )
        return None
    return None


def _material_name(p21: Part21File, representation: Entity) -> str | None:
    for item in representation_parts(representation)[1]:
        entity = p21.entity(item)
        params = entity.get("DESCRIPTIVE_REPRESENTATION_ITEM") if entity is not None else None
        if params:
            for value in params[:2]:
                if isinstance(value, str) and value.strip():
                    return value.strip()
    return None


def read_materials(p21: Part21File, issues: list[Issue]) -> dict[int, MaterialInfo]:
    """PRODUCT entity id -> :class:`MaterialInfo` for every product the file gives a material
    or density (see the module docstring). Never raises on bad data."""
    representations = property_representations(p21)
    direct: dict[int, MaterialInfo] = {}
    by_designation: dict[int, MaterialInfo] = {}
    for definition in p21.entities_of("PROPERTY_DEFINITION"):
        params = definition.get("PROPERTY_DEFINITION") or []
        if len(params) < 3 or str(params[0]).strip().lower() != "material property":
            continue
        target = p21.entity(params[2])
        if target is not None and target.is_a("MATERIAL_DESIGNATION"):
            infos = [by_designation.setdefault(target.id, MaterialInfo())]
            owner = f"material designation #{target.id}"
        else:
            products = definition_products(p21, params[2])
            infos = [direct.setdefault(product, MaterialInfo()) for product in products]
            owner = ", ".join(
                repr(p21.products[p].display_name) for p in products if p in p21.products
            )
        if not infos:
            continue
        for representation in representations.get(definition.id, []):
            name = representation_parts(representation)[0].strip().lower()
            for info in infos:
                if name == "material name" and info.name is None:
                    info.name = _material_name(p21, representation)
                    info.source = info.source or f"#{definition.id}"
                elif name == "density" and info.density is None:
                    info.density = _density(p21, representation, owner, issues)
                    info.source = info.source or f"#{definition.id}"
    out: dict[int, MaterialInfo] = {
        p: info for p, info in direct.items() if info.name or info.density
    }
    for designation in p21.entities_of("MATERIAL_DESIGNATION"):
        params = designation.get("MATERIAL_DESIGNATION") or []
        if len(params) < 2 or not isinstance(params[0], str):
            continue
        known = by_designation.get(designation.id, MaterialInfo())
        definitions = params[1] if isinstance(params[1], list) else [params[1]]
        for ref in definitions:
            for product in definition_products(p21, ref):
                info = out.setdefault(product, MaterialInfo())
                if info.name is None:
                    info.name = params[0].strip() or None
                    info.source = info.source or f"#{designation.id}"
                if info.density is None:
                    info.density = known.density
    raw_materials: set[int] = set()
    for category in p21.entities_of("PRODUCT_RELATED_PRODUCT_CATEGORY"):
        params = category.get("PRODUCT_RELATED_PRODUCT_CATEGORY") or []
        if len(params) >= 3 and str(params[0]).strip().lower() in _RAW_MATERIAL_CATEGORIES:
            raw_materials.update(r.id for r in params[2] if isinstance(r, Ref))
    for option in p21.entities_of("MAKE_FROM_USAGE_OPTION"):
        params = option.get("MAKE_FROM_USAGE_OPTION") or []
        if len(params) < 5:
            continue
        part = p21.product_of_definition(params[3].id) if isinstance(params[3], Ref) else None
        material = p21.product_of_definition(params[4].id) if isinstance(params[4], Ref) else None
        if part is None or material is None:
            continue
        material_info = direct.get(material.entity_id, MaterialInfo())
        if material.entity_id not in raw_materials and material_info.density is None:
            continue
        info = out.setdefault(part.entity_id, MaterialInfo())
        if info.name is None:
            info.name = material.name.strip() or material.id.strip() or None
            info.material_id = material.id.strip() or None
            info.source = f"#{option.id}"
        if info.density is None:
            info.density = material_info.density
    return out
