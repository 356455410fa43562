"""Georeferencing of an IFC model: ``result.metadata["georeference"]``.

Read, when present (each key only when the file gives it):

* IFC4 / IFC4X3 ``IfcMapConversion`` (IFC4 §8.18.3.1; IFC4X3 also
  ``IfcMapConversionScaled``) from the model's engineering CRS to an ``IfcProjectedCRS``:
  ``crs`` (Name, e.g. ``'EPSG:25832'``), ``epsg`` (the EPSG code parsed from the name, int),
  ``crs_description``, ``geodetic_datum``, ``vertical_datum``, ``map_projection``,
  ``map_zone``, ``map_unit``; ``eastings``, ``northings``, ``orthogonal_height`` as
  ``{"value", "unit"}`` in the CRS MapUnit, else the project length unit (IFC4: "if MapUnit is
  omitted, the unit is that of the project"); ``x_axis_abscissa``/``x_axis_ordinate`` (the
  direction of the model's x axis in map coordinates) and from them ``rotation``
  ``{"value", "unit": "deg"}`` = atan2(ordinate, abscissa), the angle from the map's easting
  axis to the model's x axis, anticlockwise positive; ``scale`` (1.0 when omitted, as the
  standard says) and IFC4X3 ``scale_y``/``scale_z`` (FactorY/FactorZ of the scaled
  conversion); ``source`` (``"IfcMapConversion #2"``).
* IFC2X3: the same keys from the property sets ``ePSet_MapConversion`` and
  ``ePSet_ProjectedCRS`` (buildingSMART "User Guide for Geo-referencing in IFC", IFC2x3
  level 50), looked up on the IfcProject and then the IfcSite; ``source`` names the set.
* ``site``: IfcSite RefLatitude/RefLongitude (IfcCompoundPlaneAngleMeasure: degrees, minutes,
  seconds, millionths of a second) as decimal degrees and RefElevation in the project length
  unit (georeferencing level 20).
* ``true_north``: the angle from the model's +y axis to true north, anticlockwise positive
  (IfcGeometricRepresentationContext.TrueNorth, via
  :func:`ifcopenshell.util.geolocation.yaxis2angle`), degrees.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import ifcopenshell
import ifcopenshell.util.element as ifc_element
import ifcopenshell.util.geolocation as ifc_geolocation

from pybase.extraction.ifc_units import NO_UNIT, ProjectUnits

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

__all__ = ["georeference"]

_EPSG = re.compile(r"EPSG\D{0,4}(\d{4,6})", re.IGNORECASE)
_CRS_KEYS = (
    ("crs", "Name"),
    ("crs_description", "Description"),
    ("geodetic_datum", "GeodeticDatum"),
    ("vertical_datum", "VerticalDatum"),
    ("map_projection", "MapProjection"),
    ("map_zone", "MapZone"),
)


def _plain(value: Any) -> Any:
    from pybase.extraction.ifc_model import plain

    return plain(value)


def _number(value: Any) -> float | None:
    if isinstance(value, dict):  # a property value with its unit
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def epsg_code(name: Any) -> int | None:
    """EPSG code in a CRS name: ``'EPSG:25832'``, ``'EPSG::3065'``,
    ``'urn:ogc:def:crs:EPSG::25832'`` -> the int; None when the name carries none."""
    match = _EPSG.search(name) if isinstance(name, str) else None
    return int(match.group(1)) if match else None


def georeference(
    model: file, units: ProjectUnits, project: entity_instance | None
) -> dict[str, Any] | None:
    """The georeference of ``model`` (see module docstring), or None when it has none.

    Raises:
        RuntimeError, AttributeError, TypeError, ValueError: a damaged IfcMapConversion or
        IfcSite; the caller turns it into a ``georeference_unreadable`` issue.
    """
    result: dict[str, Any] = {}
    if model.schema == "IFC2X3":
        result.update(_property_set_conversion(units, project, model))
    else:
        result.update(_map_conversion(model, units))
    site = _site_reference(model, units)
    if site:
        result["site"] = site
    north = _true_north(model)
    if north is not None:
        result["true_north"] = {"value": north, "unit": "deg"}
    return result or None


def _length(value: Any, unit: str | None) -> dict[str, Any] | None:
    number = _number(value)
    return None if number is None else {"value": number, "unit": unit or NO_UNIT}


def _conversion_values(get: Any, unit: str | None) -> dict[str, Any]:
    """The IfcMapConversion attributes read through ``get(attribute name)``."""
    values: dict[str, Any] = {
        "eastings": _length(get("Eastings"), unit),
        "northings": _length(get("Northings"), unit),
        "orthogonal_height": _length(get("OrthogonalHeight"), unit),
    }
    abscissa, ordinate = _number(get("XAxisAbscissa")), _number(get("XAxisOrdinate"))
    if abscissa is not None and ordinate is not None:
        values["x_axis_abscissa"], values["x_axis_ordinate"] = abscissa, ordinate
        if abscissa or ordinate:
            rotation = math.degrees(math.atan2(ordinate, abscissa))
            values["rotation"] = {"value": rotation, "unit": "deg"}
    scale = _number(get("Scale"))
    values["scale"] = 1.0 if scale is None else scale
    return {key: value for key, value in values.items() if value is not None}


def _map_conversion(model: file, units: ProjectUnits) -> dict[str, Any]:
    conversions = model.by_type("IfcMapConversion")
    if not conversions:
        return {}
    conversion = conversions[0]
    crs = conversion.TargetCRS
    result: dict[str, Any] = {}
    if isinstance(crs, ifcopenshell.entity_instance):
        for key, attribute in _CRS_KEYS:
            value = _plain(getattr(crs, attribute, None))
            if value is not None:
                result[key] = value
        result["crs_class"] = crs.is_a()
    map_unit = getattr(crs, "MapUnit", None) if crs is not None else None
    unit = units.name(map_unit) if map_unit is not None else units.for_type("LENGTHUNIT")
    if unit is not None:
        result["map_unit"] = unit
    code = epsg_code(result.get("crs"))
    if code is not None:
        result["epsg"] = code
    result.update(_conversion_values(lambda name: getattr(conversion, name, None), unit))
    if conversion.is_a("IfcMapConversionScaled"):
        result["scale"] = _number(conversion.FactorX) or result["scale"]
        result["scale_y"] = _number(conversion.FactorY)
        result["scale_z"] = _number(conversion.FactorZ)
    result["source"] = f"{conversion.is_a()} #{conversion.id()}"
    if len(conversions) > 1:
        result["conversion_count"] = len(conversions)
    return result


def _property_set_conversion(
    units: ProjectUnits, project: entity_instance | None, model: file
) -> dict[str, Any]:
    holders = [project] if project is not None else []
    holders.extend(model.by_type("IfcSite"))
    for holder in holders:
        conversion = ifc_element.get_pset(holder, "ePSet_MapConversion") or {}
        crs = ifc_element.get_pset(holder, "ePSet_ProjectedCRS") or {}
        if not (conversion or crs):
            continue
        result: dict[str, Any] = {}
        for key, prop in _CRS_KEYS:
            value = _plain(crs.get(prop))
            if value is not None:
                result[key] = value
        map_unit = _plain(crs.get("MapUnit"))
        unit = units.for_type("LENGTHUNIT")
        if map_unit is not None:
            result["map_unit_label"] = map_unit
        if unit is not None:
            result["map_unit"] = unit
        code = epsg_code(result.get("crs"))
        if code is not None:
            result["epsg"] = code
        if conversion:
            result.update(_conversion_values(conversion.get, unit))
        names = [
            n for n, s in (("ePSet_MapConversion", conversion), ("ePSet_ProjectedCRS", crs)) if s
        ]
        result["source"] = f"{' + '.join(names)} on {holder.is_a()} #{holder.id()}"
        return result
    return {}


def _degrees(value: Any) -> float | None:
    """IfcCompoundPlaneAngleMeasure (deg, min, sec[, millionths]) -> decimal degrees."""
    if not isinstance(value, tuple | list) or not 3 <= len(value) <= 4:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return None
    parts = [int(v) for v in value]
    try:
        return float(ifc_geolocation.dms2dd(*parts))
    except AssertionError:  # mixed signs: not a valid compound measure (IFC4 WR1)
        return None


def _site_reference(model: file, units: ProjectUnits) -> dict[str, Any]:
    sites = model.by_type("IfcSite")
    if not sites:
        return {}
    site = sites[0]
    result: dict[str, Any] = {}
    latitude, longitude = _degrees(site.RefLatitude), _degrees(site.RefLongitude)
    if latitude is not None:
        result["latitude"] = {"value": latitude, "unit": "deg"}
    if longitude is not None:
        result["longitude"] = {"value": longitude, "unit": "deg"}
    elevation = _length(site.RefElevation, units.for_type("LENGTHUNIT"))
    if elevation is not None and result:
        result["elevation"] = elevation
    if result:
        result["source"] = f"IfcSite #{site.id()}"
    return result


def _true_north(model: file) -> float | None:
    for context in model.by_type("IfcGeometricRepresentationContext", include_subtypes=False):
        north = getattr(context, "TrueNorth", None)
        ratios = getattr(north, "DirectionRatios", None) if north is not None else None
        if isinstance(ratios, tuple | list) and len(ratios) >= 2:
            x, y = _number(ratios[0]), _number(ratios[1])
            if x is not None and y is not None and (x or y):
                return float(ifc_geolocation.yaxis2angle(x, y))
    return None
