"""IFC extractor (IFC2X3, IFC4, IFC4X3; ``.ifc`` STEP physical files and ``.ifczip``), built on
IfcOpenShell.

What one extraction returns:

* ``source.format_version``: IfcOpenShell's schema (``IFC2X3``, ``IFC4``, ``IFC4X3``);
  ``source.schema_identifier``: the raw FILE_SCHEMA (``IFC4X3_ADD2``).
* ``metadata``: the ISO 10303-21 header (``file_name`` with name, time_stamp, author,
  organization, preprocessor_version, originating_system, authorization;
  ``file_description`` with description and implementation_level; ``file_schema``), the
  ``project`` (GlobalId, Name, LongName, Phase, Description) and the ``georeference``
  (IfcMapConversion / IfcProjectedCRS, IFC2X3 ePSet_MapConversion, site latitude/longitude;
  see :mod:`pybase.extraction.ifc_georef`).
* ``units``: project units from IfcUnitAssignment (see :mod:`pybase.extraction.ifc_units`);
  every quantity, property measure, attribute measure, layer thickness and elevation in the
  result is a ``{"value", "unit"}`` pair in those units (or the value's own Unit).
* ``spatial_structure``: the IfcProject tree of spatial elements with their property and
  quantity sets, contained / aggregated / referenced elements (see
  :mod:`pybase.extraction.ifc_model`).
* ``elements``: every IfcElement occurrence **except IfcFeatureElementSubtraction**
  (IfcOpeningElement, IfcVoidingFeature): those are voids cut out of another element, not
  material; they are listed in the ``openings`` of the element they void and counted in
  ``stats.class_counts``. Spatial elements, positioning elements (IfcGrid, IfcAlignment,
  IfcReferent) and annotations are not IfcElement and are not listed either.
* ``element_types``: every IfcTypeProduct (IfcElementType and the IFC2X3 IfcDoorStyle /
  IfcWindowStyle) in the same IfcElement shape, with ``occurrence_count``.
* ``stats``: ``class_counts`` (IfcProduct instances per exact class: an IfcWallStandardCase is
  counted as IfcWallStandardCase only), ``type_counts`` (IfcTypeObject per exact class),
  ``element_count`` (= len(elements)), ``element_type_count`` (= len(element_types)),
  ``storey_count``, ``space_count``, ``property_set_count``, ``quantity_set_count``,
  ``material_count``, and the summaries ``quantity_takeoff``, ``class_counts_per_storey``,
  ``property_coverage`` (see :mod:`pybase.extraction.ifc_summary`).

Memory: each record is built once, straight into the result list; property dicts inherited
from a type object are shared, not copied (:mod:`pybase.extraction.ifc_properties`), and
material set records are shared between the elements that use the same set. Progress is
reported after every ``PROGRESS_BATCH`` elements and types.

Errors raised (nothing else escapes for a bad file):

* ``UnsupportedFormatError``: not an ISO 10303-21 file or IFCZIP; a schema IfcOpenShell does
  not know (``FILE_SCHEMA(('IFC9'))``); an IFCZIP without an ``.ifc`` member.
* ``CorruptFileError``: unreadable header or syntax; a file cut short (no closing
  ``END-ISO-10303-21;``, ISO 10303-21 §5.2); a DATA section whose content yields no instance;
  a broken zip.
* ``EncryptedFileError``: an IFCZIP whose member is password-protected.

Issue codes (``result.issues``): ``duplicate_global_id``, ``missing_ifc_project``,
``multiple_ifc_projects``, ``missing_units``, ``unknown_length_unit``,
``elements_not_contained``, ``dangling_reference``, ``unknown_entity_type``,
``wrong_attribute_count``, ``parse_error``, ``parse_warning``, ``empty_model``,
``element_unreadable``, ``element_type_unreadable``, ``material_unreadable``,
``property_set_unreadable``,
``spatial_structure_unreadable``, ``georeference_unreadable``, ``ifczip_multiple_models``.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pybase.errors import CorruptFileError, DependencyMissingError
from pybase.extraction.base import source_info
from pybase.extraction.ifc_open import (
    check_exchange_structure,
    data_section_is_blank,
    log_issues,
    open_model,
    unzip_model,
)
from pybase.extraction.result import LENGTH_UNITS, ExtractionResult, Issue

if TYPE_CHECKING:
    from ifcopenshell import entity_instance, file

    from pybase.extraction.base import ExtractionOptions, ProgressCallback
    from pybase.extraction.detect import DetectedFormat
    from pybase.extraction.ifc_model import ModelReader
    from pybase.extraction.ifc_units import ProjectUnits
    from pybase.extraction.result import IfcElement

__all__ = ["IfcExtractor"]

#: Progress is reported after every this many elements and types.
PROGRESS_BATCH = 100
#: At most this many GlobalIds / examples are quoted in one aggregated issue.
_MAX_QUOTED = 10

#: What reading a damaged instance raises (an attribute of the wrong type, a reference that is
#: a string, a missing attribute); caught per element / per section and turned into an issue.
_DAMAGED = (RuntimeError, ValueError, TypeError, AttributeError, KeyError, IndexError)


class IfcExtractor:
    """Reads IFC2X3/IFC4/IFC4X3 models (``.ifc`` and ``.ifczip``) with IfcOpenShell.

    See the module docstring for what is extracted, the errors raised and the issue codes.
    """

    format: ClassVar[str] = "ifc"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Read ``path`` (an IFC STEP physical file or an IFCZIP) into an ExtractionResult.

        Raises:
            UnsupportedFormatError, CorruptFileError, EncryptedFileError: see module docstring.
            DependencyMissingError: ifcopenshell is not installed.
            JobCancelledError: propagated from ``progress``.
        """
        try:
            import ifcopenshell  # noqa: F401  (checks the dependency before any work)
        except ImportError as exc:
            raise DependencyMissingError(
                "reading IFC needs ifcopenshell (pip install ifcopenshell)"
            ) from exc
        with path.open("rb") as fh:
            is_zip = fh.read(4) == b"PK\x03\x04"
        if not (is_zip or detected.container == "zip"):
            return _Extraction(path, path, detected, options, progress, []).run()
        with tempfile.TemporaryDirectory(prefix="pybase-ifczip-") as tmp:
            spf, issues = unzip_model(path, Path(tmp))
            return _Extraction(path, spf, detected, options, progress, issues).run()


def _quote(items: list[str]) -> str:
    more = f" (+{len(items) - _MAX_QUOTED} more)" if len(items) > _MAX_QUOTED else ""
    return ", ".join(items[:_MAX_QUOTED]) + more


class _Extraction:
    """One run of the IFC extractor over an opened STEP physical file."""

    def __init__(
        self,
        source: Path,
        spf: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
        issues: list[Issue],
    ) -> None:
        self.source = source
        self.spf = spf
        self.detected = detected
        self.options = options
        self.progress = progress
        self.issues = issues
        self.label = source.name

    def run(self) -> ExtractionResult:
        from pybase.extraction.ifc_model import ModelReader
        from pybase.extraction.ifc_units import ProjectUnits

        check_exchange_structure(self.spf, self.label)
        model, messages = open_model(self.spf, self.label)
        if not model.types():
            if not data_section_is_blank(self.spf):
                raise CorruptFileError(
                    f"{self.label}: the DATA section holds content but no entity instance "
                    "could be parsed from it"
                )
            self.issues.append(
                Issue(
                    code="empty_model",
                    message="the DATA section holds no entity instance",
                    severity="error",
                )
            )
        self.issues.extend(log_issues(messages))

        info = source_info(self.source, self.detected, format_version=str(model.schema))
        info.schema_identifier = ",".join(model.header.file_schema.schema_identifiers or ())
        projects = model.by_type("IfcProject")
        project = projects[0] if projects else None
        self._check_projects(projects)
        units = ProjectUnits(model, project)
        self._check_units(units, project)
        result = ExtractionResult(source=info, units=units.units())
        result.metadata = self._metadata(model, project, units)

        reader = ModelReader(model, units, with_properties=self.options.properties)
        if project is not None:
            try:
                result.spatial_structure = reader.spatial_tree(project)
            except _DAMAGED as exc:
                self.issues.append(
                    Issue(
                        code="spatial_structure_unreadable",
                        severity="error",
                        message=f"the spatial structure could not be read: {exc}",
                    )
                )
        result.elements, result.element_types = self._elements(model, reader)
        result.stats = self._stats(model, len(result.elements), len(result.element_types))
        result.stats.update(reader.summary.stats())
        self._check_global_ids(model)
        if reader.uncontained:
            self.issues.append(
                Issue(
                    code="elements_not_contained",
                    message=f"{len(reader.uncontained)} element(s) are in no spatial structure "
                    "(no IfcRelContainedInSpatialStructure, directly or through the element "
                    "they are part of)",
                    location=_quote(reader.uncontained),
                )
            )
        if reader.properties.damaged:
            self.issues.append(
                Issue(
                    code="property_set_unreadable",
                    message=f"{len(reader.properties.damaged)} object(s) have damaged property "
                    "or quantity set relationships (a missing or wrong definition); their "
                    "readable sets are kept",
                    location=_quote(reader.properties.damaged),
                )
            )
        if reader.unreadable_materials:
            self.issues.append(
                Issue(
                    code="material_unreadable",
                    message=f"the material of {len(reader.unreadable_materials)} element(s) "
                    "could not be read",
                    location=_quote(reader.unreadable_materials),
                )
            )
        result.issues = self.issues
        return result

    # -- parts of the result ---------------------------------------------------------------

    def _elements(
        self, model: file, reader: ModelReader
    ) -> tuple[list[IfcElement], list[IfcElement]]:
        """IfcElement records of occurrences, then of types, each in file order; progress
        after every PROGRESS_BATCH of both together."""
        occurrences = sorted(
            (e for e in model.by_type("IfcElement") if not e.is_a("IfcFeatureElementSubtraction")),
            key=lambda e: e.id(),
        )
        types = sorted(model.by_type("IfcTypeProduct"), key=lambda t: t.id())
        total = len(occurrences) + len(types)
        self.progress(0, total)
        records = self._read_all(occurrences, reader.element, 0, total, "element")
        type_records = self._read_all(
            types, reader.element_type, len(occurrences), total, "element_type"
        )
        return records, type_records

    def _read_all(
        self,
        objects: list[entity_instance],
        read: Callable[[entity_instance], IfcElement],
        offset: int,
        total: int,
        what: str,
    ) -> list[IfcElement]:
        records: list[IfcElement] = []
        failed: list[str] = []
        for done, obj in enumerate(objects, start=offset + 1):
            try:
                records.append(read(obj))
            except _DAMAGED as exc:
                failed.append(f"#{obj.id()} ({type(exc).__name__}: {exc})")
            if done % PROGRESS_BATCH == 0 or done == total:
                self.progress(done, total)
        if failed:
            noun = "element" if what == "element" else "type object"
            self.issues.append(
                Issue(
                    code=f"{what}_unreadable",
                    message=f"{len(failed)} {noun}(s) could not be read and are left out",
                    severity="error",
                    location=_quote(failed),
                )
            )
        return records

    def _metadata(
        self, model: file, project: entity_instance | None, units: ProjectUnits
    ) -> dict[str, Any]:
        from pybase.extraction import ifc_georef
        from pybase.extraction.ifc_model import plain

        header = model.header
        name = header.file_name
        description = header.file_description
        metadata: dict[str, Any] = {
            "file_description": {
                "description": plain(description.description),
                "implementation_level": plain(description.implementation_level),
            },
            "file_name": {
                key: plain(getattr(name, key, None))
                for key in (
                    "name",
                    "time_stamp",
                    "author",
                    "organization",
                    "preprocessor_version",
                    "originating_system",
                    "authorization",
                )
            },
            "file_schema": plain(header.file_schema.schema_identifiers),
        }
        if project is not None:
            metadata["project"] = {
                key: plain(getattr(project, attribute, None))
                for key, attribute in (
                    ("global_id", "GlobalId"),
                    ("name", "Name"),
                    ("long_name", "LongName"),
                    ("phase", "Phase"),
                    ("description", "Description"),
                )
            }
        try:
            georeference = ifc_georef.georeference(model, units, project)
        except _DAMAGED as exc:
            georeference = None
            self.issues.append(
                Issue(
                    code="georeference_unreadable",
                    message=f"the georeference (IfcMapConversion / IfcSite) is damaged: {exc}",
                )
            )
        if georeference:
            metadata["georeference"] = georeference
        return metadata

    def _stats(self, model: file, element_count: int, type_count: int) -> dict[str, Any]:
        def exact(cls: str) -> dict[str, int]:
            counts = Counter(e.is_a() for e in model.by_type(cls))
            return dict(sorted(counts.items()))

        class_counts = exact("IfcProduct")
        return {
            "class_counts": class_counts,
            "type_counts": exact("IfcTypeObject"),
            "element_count": element_count,
            "element_type_count": type_count,
            "storey_count": class_counts.get("IfcBuildingStorey", 0),
            "space_count": class_counts.get("IfcSpace", 0),
            "property_set_count": len(model.by_type("IfcPropertySet")),
            "quantity_set_count": len(model.by_type("IfcElementQuantity")),
            "material_count": len(model.by_type("IfcMaterial")),
        }

    # -- checks that become issues ---------------------------------------------------------

    def _check_projects(self, projects: Sequence[entity_instance]) -> None:
        if not projects:
            self.issues.append(
                Issue(
                    code="missing_ifc_project",
                    severity="error",
                    message="the model has no IfcProject: no spatial structure, no units "
                    "(every IFC model has exactly one, IFC4 §5.1.3.12 IfcProject)",
                )
            )
        elif len(projects) > 1:
            self.issues.append(
                Issue(
                    code="multiple_ifc_projects",
                    message=f"{len(projects)} IfcProject instances; the first one was used",
                    location=_quote([f"#{p.id()}" for p in projects]),
                )
            )

    def _check_units(self, units: ProjectUnits, project: entity_instance | None) -> None:
        if project is None:
            return
        length = units.for_type("LENGTHUNIT")
        if not units.has_assignment or length is None:
            what = "IfcUnitAssignment" if not units.has_assignment else "LENGTHUNIT"
            self.issues.append(
                Issue(
                    code="missing_units",
                    message=f"the IfcProject declares no {what}: lengths are given as 'unitless'",
                    location=f"#{project.id()}",
                )
            )
        elif length not in LENGTH_UNITS:
            self.issues.append(
                Issue(
                    code="unknown_length_unit",
                    message=f"length unit {units.raw.get('LENGTHUNIT')} is not a known "
                    f"length unit; values are labelled {length!r}",
                )
            )

    def _check_global_ids(self, model: file) -> None:
        from pybase.extraction.ifc_model import clean_text

        seen: dict[str, list[int]] = {}
        for root in model.by_type("IfcRoot"):
            seen.setdefault(clean_text(str(root.GlobalId)), []).append(root.id())
        duplicates = {gid: ids for gid, ids in seen.items() if len(ids) > 1}
        for gid, ids in list(duplicates.items())[:_MAX_QUOTED]:
            self.issues.append(
                Issue(
                    code="duplicate_global_id",
                    severity="error",
                    message=f"GlobalId {gid!r} is used by {len(ids)} instances "
                    "(IfcRoot.GlobalId must be unique, IFC4 §8.1.3.21 IfcRoot UR1)",
                    location=", ".join(f"#{i}" for i in ids),
                )
            )
        if len(duplicates) > _MAX_QUOTED:
            self.issues.append(
                Issue(
                    code="duplicate_global_id",
                    severity="error",
                    message=f"{len(duplicates) - _MAX_QUOTED} more GlobalIds are duplicated",
                )
            )
