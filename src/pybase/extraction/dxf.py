"""DXF extractor: ASCII and binary DXF (R12 and older up to R2018) read with ezdxf.

What it returns (:class:`~pybase.extraction.result.ExtractionResult`):

* ``source.format_version``: $ACADVER as written in the file (``AC1027``); ezdxf upgrades
  R13/R14 to AC1015 and pre-R12 to AC1009 in memory, the original is what is reported.
* ``metadata``: header variables $ACADVER, $DWGCODEPAGE, $INSUNITS, $MEASUREMENT, $LUNITS,
  $AUNITS, $EXTMIN/$EXTMAX, $LIMMIN/$LIMMAX, $LASTSAVEDBY (when present) and $TDCREATE/
  $TDUPDATE as ISO 8601 local date-times (converted from the stored Julian dates, read from
  the file's HEADER directly because ezdxf resets $TDCREATE to "now" on load); plus
  ``release`` (R2013), ``encoding`` (Python codec used for strings), ``binary`` and
  ``reader`` (``ezdxf.readfile`` or ``ezdxf.recover``).
* ``units``: ``length`` from $INSUNITS (DXF reference, HEADER section: 1 inch, 2 foot, 4 mm,
  5 cm, 6 m ...; 0 "unitless" and a missing variable give None), ``angle`` ``"deg"``.
* ``layers``: every LAYER table entry with ACI colour, true colour, linetype, on/frozen/locked
  and how many entities of model space and all paper-space layouts are on it.
* ``blocks``: block definitions except layout blocks (*Model_Space, *Paper_Space...) and
  anonymous blocks no INSERT references (*D dimension and *T table graphics).
  ``insert_count`` counts INSERTs in all layouts plus INSERTs nested in block definitions
  (each definition counted once, not once per place it is inserted).
* ``block_references``: every INSERT that has ATTRIBs, in model space and every paper-space
  layout (tag -> plain value).
* ``text``: TEXT, MTEXT and MULTILEADER text as plain text (see :mod:`.dxf_text`), in
  layouts; empty strings skipped; none when ``options.include_text`` is False.
* ``dimensions``: DIMENSION, ARC_DIMENSION and LARGE_RADIAL_DIMENSION in layouts (see
  :mod:`.dxf_dimensions`).
* ``tables``: ACAD_TABLE cell contents; a first row with a single non-empty cell is the title.
* ``title_block``: from the attributed INSERT that looks most like a title block (see
  :mod:`.dxf_titleblock`).
* ``stats``: ``entity_counts`` (DXF type -> n over model space and all paper-space layouts;
  block definitions not included), ``layout_entity_counts`` (layout -> type -> n),
  ``layouts`` (tab order), ``extents`` (model space; from $EXTMIN/$EXTMAX, or computed with
  ezdxf.bbox when those are missing or degenerate).

Problems: a file ezdxf.readfile rejects is read again with ``ezdxf.recover`` (issue
``dxf_recovered`` plus one ``dxf_audit_<auditerror>`` issue per Auditor fix or error); when
that fails too, or recovers no entity in any layout (a file truncated inside its ENTITIES
section loses the whole section), :class:`CorruptFileError` is raised.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pybase.errors import CorruptFileError, DependencyMissingError
from pybase.extraction.base import ExtractionOptions, ProgressCallback, source_info
from pybase.extraction.result import (
    BlockDefinition,
    BlockReference,
    Dimension,
    ExtractionResult,
    Layer,
    Table,
    TextItem,
)

try:
    from ezdxf.entities import DXFTagStorage
    from ezdxf.lldxf.validator import is_binary_dxf_file
except ImportError as exc:  # pragma: no cover - ezdxf is a core dependency
    raise DependencyMissingError(f"the DXF extractor needs ezdxf: {exc}") from exc

from pybase.extraction.dxf_dimensions import DIMENSION_TYPES, read_dimension
from pybase.extraction.dxf_document import (
    IssueLog,
    document_extents,
    document_metadata,
    document_units,
    load_document,
)
from pybase.extraction.dxf_text import (
    acad_table_rows,
    attrib_plain_text,
    decode_escapes,
    mtext_plain_text,
    multileader_plain_text,
    text_plain_text,
)
from pybase.extraction.dxf_titleblock import title_block_from

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.entities import Dimension as DxfDimension
    from ezdxf.entities import DXFEntity

    from pybase.extraction.detect import DetectedFormat

__all__ = ["DxfExtractor"]

_PROGRESS_EVERY = 500
_TEXT_TYPES = frozenset({"TEXT", "MTEXT", "MULTILEADER"})


def _layer_of(entity: DXFEntity) -> str:
    """The entity's layer name; for entities ezdxf keeps as raw tags (unknown types), group
    code 8 of their AcDbEntity subclass."""
    try:
        if isinstance(entity, DXFTagStorage):
            return str(entity.xtags.get_subclass("AcDbEntity").get_first_value(8, "0"))
        return str(entity.dxf.get("layer", "0"))
    except Exception:  # no AcDbEntity subclass / no layer attribute: AutoCAD's default
        return "0"


def _position(point: Any) -> tuple[float, ...] | None:
    return None if point is None else tuple(float(v) + 0.0 for v in point)


def _table(rows: list[list[str | None]], layout: str) -> Table:
    title = None
    if len(rows) > 1 and sum(1 for cell in rows[0] if cell) == 1:
        title = next(cell for cell in rows[0] if cell)
        rows = rows[1:]
    return Table(layout=layout, title=title, header=rows[0] if rows else [], rows=rows[1:])


class _Walker:
    """One pass over the entities of every layout, collecting what the result needs."""

    def __init__(
        self, doc: Drawing, options: ExtractionOptions, unit: str | None, issues: IssueLog
    ) -> None:
        self.doc = doc
        self.options = options
        self.unit = unit
        self.issues = issues
        self.entity_counts: Counter[str] = Counter()
        self.layout_counts: dict[str, Counter[str]] = {}
        self.layer_counts: Counter[str] = Counter()  # casefolded layer name -> n
        self.layer_names: dict[str, str] = {}  # casefolded -> as first seen
        self.insert_counts: Counter[str] = Counter()  # casefolded block name -> n
        self.unknown: Counter[str] = Counter()
        self.text: list[TextItem] = []
        self.references: list[BlockReference] = []
        self.tables: list[Table] = []
        self.dimensions: list[Dimension] = []

    def visit(self, entity: DXFEntity, layout: str) -> None:
        dxftype = entity.dxftype()
        self.entity_counts[dxftype] += 1
        self.layout_counts.setdefault(layout, Counter())[dxftype] += 1
        handle = entity.dxf.get("handle")
        where = f"{layout} #{handle}" if handle else layout
        layer = _layer_of(entity)
        self.layer_counts[layer.casefold()] += 1
        self.layer_names.setdefault(layer.casefold(), layer)
        if isinstance(entity, DXFTagStorage) and dxftype != "ACAD_TABLE":
            self.unknown[dxftype] += 1
            return
        try:
            if dxftype == "INSERT":
                self._insert(entity, layout)
            elif dxftype in DIMENSION_TYPES:
                dim, problem = read_dimension(
                    cast("DxfDimension", entity),
                    layout=layout,
                    length_unit=self.unit,
                    header=self.doc.header,
                )
                self.dimensions.append(dim)
                if problem:
                    self.issues.add("dxf_dimension_unmeasured", problem, "warning", where)
            elif dxftype in _TEXT_TYPES and self.options.include_text:
                self._text(entity, dxftype, layout)
            elif dxftype == "ACAD_TABLE":
                self.tables.append(_table(acad_table_rows(entity), layout))
        except Exception as exc:  # a malformed entity must not stop the file
            self.issues.add(
                "dxf_entity_unreadable", f"{dxftype}: {type(exc).__name__}: {exc}", "warning", where
            )

    def _insert(self, entity: Any, layout: str) -> None:
        name = entity.dxf.get("name", "")
        self.insert_counts[name.casefold()] += 1
        if not entity.attribs:
            return
        attributes: dict[str, str] = {}
        for attrib in entity.attribs:
            attributes.setdefault(
                decode_escapes(attrib.dxf.get("tag", "")), attrib_plain_text(attrib)
            )
        if any("\ufffd" in value for value in attributes.values()):
            self._undecodable(entity, layout)
        self.references.append(
            BlockReference(
                block=decode_escapes(name),
                layout=layout,
                attributes=attributes,
                position=_position(entity.dxf.get("insert")),
                handle=entity.dxf.get("handle"),
            )
        )

    def _undecodable(self, entity: Any, layout: str) -> None:
        self.issues.add(
            "dxf_text_undecodable",
            f"{entity.dxftype()} text has bytes that are invalid in the file's code page "
            f"({self.doc.encoding}); shown as U+FFFD",
            "warning",
            f"{layout} #{entity.dxf.get('handle')}",
        )

    def _text(self, entity: Any, dxftype: str, layout: str) -> None:
        if dxftype == "TEXT":
            text: str | None = text_plain_text(entity)
            position, height = entity.dxf.get("insert"), entity.dxf.get("height")
        elif dxftype == "MTEXT":
            text = mtext_plain_text(entity.text)
            position, height = entity.dxf.get("insert"), entity.dxf.get("char_height")
        else:  # MULTILEADER
            text = multileader_plain_text(entity)
            mtext = entity.context.mtext
            position = mtext.insert if mtext is not None else None
            height = entity.context.char_height
        if not text or not text.strip():
            return
        if "\ufffd" in text:
            self._undecodable(entity, layout)
        self.text.append(
            TextItem(
                text=text,
                kind=dxftype,
                layer=decode_escapes(entity.dxf.get("layer", "0")),
                layout=layout,
                position=_position(position),
                height=float(height) if height is not None else None,
            )
        )


def _layers(
    doc: Drawing, counts: Counter[str], names: dict[str, str], issues: IssueLog
) -> list[Layer]:
    layers: list[Layer] = []
    for entry in doc.layers:
        name = entry.dxf.name
        rgb = entry.rgb
        color = entry.color
        layers.append(
            Layer(
                name=decode_escapes(name),
                color=color if 1 <= color <= 255 else None,
                true_color="#{:02x}{:02x}{:02x}".format(*rgb) if rgb else None,
                linetype=entry.dxf.get("linetype"),
                on=entry.is_on(),
                frozen=entry.is_frozen(),
                locked=entry.is_locked(),
                entity_count=counts.pop(name.casefold(), 0),
            )
        )
    for key, n in counts.items():
        name = decode_escapes(names.get(key, key))
        issues.add(
            "dxf_undefined_layer",
            f"{n} entities are on layer {name!r}, which has no LAYER table entry",
            "info",
        )
    return layers


def _blocks(doc: Drawing, inserts: Counter[str]) -> tuple[list[BlockDefinition], int]:
    """Block definitions (see module docstring) and how many anonymous ones were skipped.
    Adds INSERTs nested in block definitions to ``inserts``."""
    definitions = [block for block in doc.blocks if not block.is_any_layout]
    for block in definitions:
        for entity in block:
            if entity.dxftype() == "INSERT":
                inserts[entity.dxf.get("name", "").casefold()] += 1
    result: list[BlockDefinition] = []
    skipped = 0
    for block in definitions:
        count = inserts.get(block.name.casefold(), 0)
        if block.name.startswith("*") and count == 0:
            skipped += 1
            continue
        result.append(
            BlockDefinition(
                name=decode_escapes(block.name),
                insert_count=count,
                attribute_tags=[decode_escapes(a.dxf.get("tag", "")) for a in block.attdefs()],
                entity_count=len(block),
            )
        )
    return result, skipped


class DxfExtractor:
    """Extractor for DXF (see the module docstring for everything it reads)."""

    format: ClassVar[str] = "dxf"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Read the DXF file at ``path``.

        Raises:
            CorruptFileError: neither ezdxf.readfile nor ezdxf.recover can read it, or the
                recovered document has no entity in any layout.
            JobCancelledError: propagated from ``progress``.
        """
        issues = IssueLog()
        doc, reader = load_document(path, issues)
        binary = is_binary_dxf_file(str(path))
        units = document_units(doc.header, issues)
        layout_names = doc.layouts.names_in_taborder()
        layouts = [doc.layouts.get(name) for name in layout_names]
        total = sum(len(layout) for layout in layouts)
        if total == 0:
            if reader != "ezdxf.readfile":
                raise CorruptFileError(f"{path.name}: damaged DXF, no entity could be recovered")
            issues.add("dxf_no_entities", "model space and paper-space layouts are empty", "info")

        walker = _Walker(doc, options, units.length, issues)
        done = 0
        progress(0, total)
        for layout in layouts:
            for entity in layout:
                walker.visit(entity, layout.name)
                done += 1
                if done % _PROGRESS_EVERY == 0:
                    progress(done, total)
            progress(done, total)
        for dxftype, n in sorted(walker.unknown.items()):
            issues.add(
                "dxf_unsupported_entity",
                f"{n} {dxftype} entities are not interpreted (kept as raw DXF tags)",
                "info",
            )

        layers = _layers(doc, walker.layer_counts, walker.layer_names, issues)
        blocks, skipped = _blocks(doc, walker.insert_counts)
        order = {name: i for i, name in enumerate(layout_names)}
        stats: dict[str, Any] = {
            "entity_counts": dict(walker.entity_counts),
            "entity_counts_scope": "model space and all paper-space layouts",
            "layout_entity_counts": {
                n: dict(walker.layout_counts.get(n, {})) for n in layout_names
            },
            "layouts": layout_names,
            "anonymous_blocks_skipped": skipped,
            "extents": document_extents(doc, units.length, issues),
        }
        return ExtractionResult(
            source=source_info(
                path, detected, format_version=doc.loaded_dxfversion or doc.dxfversion
            ),
            units=units,
            metadata=document_metadata(doc, path, binary, reader),
            title_block=title_block_from(walker.references, order, doc.modelspace().name),
            dimensions=walker.dimensions,
            tables=walker.tables,
            text=walker.text,
            layers=layers,
            blocks=blocks,
            block_references=walker.references,
            issues=issues.finish(),
            stats=stats,
        )
