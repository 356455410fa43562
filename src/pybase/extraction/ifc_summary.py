"""Summaries of an IFC model a user asks for first, accumulated while elements stream by.

* ``quantity_takeoff``: storey name -> exact IFC class -> quantity name -> ``{"value": sum,
  "unit": u}``: the sums of the IfcQuantityLength/Area/Volume/Weight values found in the
  quantity sets (IfcElementQuantity: Qto_*BaseQuantities, BaseQuantities, exporter sets) of
  every element occurrence and every IfcSpace. Values are in the project unit of their kind
  (a quantity with its own Unit is converted); a quantity name present in two quantity sets of
  one object is counted once (first set wins), so ``BaseQuantities`` next to
  ``Qto_WallBaseQuantities`` does not double the sum. Objects in no storey are under
  :data:`NO_STOREY`. A name whose values come in incompatible units gets one entry per unit,
  the later ones as ``"Name [unit]"``.
* ``class_counts_per_storey``: storey name -> exact class -> number of element occurrences
  (IfcElement, openings excluded) located in it, directly or through the element they are
  part of. Exact classes: an IfcWallStandardCase is never also counted as IfcWall.
* ``property_coverage``: exact class -> ``{"count": n, "psets": {name: n}, "qsets":
  {name: n}}`` over element occurrences, type objects and spatial elements: which sets exist
  on which classes and on how many of their instances (type-inherited sets included).
"""

from __future__ import annotations

from typing import Any

__all__ = ["NO_STOREY", "ModelSummary"]

#: Storey key of objects that are in no IfcBuildingStorey.
NO_STOREY = "(no storey)"


class ModelSummary:
    """Accumulates take-off, per-storey counts and property coverage; read with
    :meth:`stats`."""

    def __init__(self) -> None:
        self._takeoff: dict[str, dict[str, dict[str, list[Any]]]] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._coverage: dict[str, dict[str, Any]] = {}
        self._storeys: list[str] = []

    def storeys(self, names: list[str]) -> None:
        """The storey names in spatial-tree order; the per-storey summaries follow it."""
        self._storeys = list(dict.fromkeys(names))

    def _ordered(self, keys: list[str]) -> list[str]:
        known = [k for k in self._storeys if k in keys]
        return known + [k for k in keys if k not in known]

    def add_quantities(
        self, storey: str | None, ifc_class: str, measured: dict[str, tuple[float, str]]
    ) -> None:
        """Add one object's length/area/volume/weight quantities (name -> (value, unit))."""
        if not measured:
            return
        sums = self._takeoff.setdefault(storey or NO_STOREY, {}).setdefault(ifc_class, {})
        for name, (value, unit) in measured.items():
            key = name
            entry = sums.get(key)
            if entry is not None and entry[1] != unit:
                key = f"{name} [{unit}]"
                entry = sums.get(key)
            if entry is None:
                sums[key] = [value, unit]
            else:
                entry[0] += value

    def count(self, storey: str | None, ifc_class: str) -> None:
        """Count one element occurrence of ``ifc_class`` in ``storey``."""
        counts = self._counts.setdefault(storey or NO_STOREY, {})
        counts[ifc_class] = counts.get(ifc_class, 0) + 1

    def cover(self, ifc_class: str, psets: dict[str, Any], qsets: dict[str, Any]) -> None:
        """Record which property and quantity sets one instance of ``ifc_class`` has."""
        entry = self._coverage.get(ifc_class)
        if entry is None:
            entry = self._coverage[ifc_class] = {"count": 0, "psets": {}, "qsets": {}}
        entry["count"] += 1
        for key, sets in (("psets", psets), ("qsets", qsets)):
            seen = entry[key]
            for name in sets:
                seen[name] = seen.get(name, 0) + 1

    def stats(self) -> dict[str, Any]:
        """``quantity_takeoff``, ``class_counts_per_storey`` and ``property_coverage``; storeys
        in spatial-tree order (then the ones met only through elements), other keys sorted."""
        takeoff = {
            storey: {
                cls: {
                    name: {"value": value, "unit": unit}
                    for name, (value, unit) in sorted(sums.items())
                }
                for cls, sums in sorted(self._takeoff[storey].items())
            }
            for storey in self._ordered(list(self._takeoff))
        }
        counts = {
            storey: dict(sorted(self._counts[storey].items()))
            for storey in self._ordered(list(self._counts))
        }
        coverage = {
            cls: {
                "count": entry["count"],
                "psets": dict(sorted(entry["psets"].items())),
                "qsets": dict(sorted(entry["qsets"].items())),
            }
            for cls, entry in sorted(self._coverage.items())
        }
        return {
            "quantity_takeoff": takeoff,
            "class_counts_per_storey": counts,
            "property_coverage": coverage,
        }
