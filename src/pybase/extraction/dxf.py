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
  5 cm, 6 m ...; 0 "unitless" and a missing variable give None), ``angle`` ``"deg"``. The
  length unit of every length in the result (dimensions, extents, viewports) is that unit;
  for a unitless drawing the one $MEASUREMENT implies (0 inch, 1 mm), recorded as
  ``metadata["assumed_length_unit"]`` with the info issue ``dxf_units_assumed``.
* ``metadata["layouts"]``: every layout in tab order with paper size and the model-space
  VIEWPORTs of paper-space layouts with their scales (see :mod:`.dxf_layouts`).
* ``layers``: every LAYER table entry with ACI colour, true colour, linetype, on/frozen/locked
  and how many entities of model space and all paper-space layouts are on it.
* ``blocks``: block definitions except layout blocks (*Model_Space, *Paper_Space...) and
  anonymous blocks no INSERT references (*D dimension and *T table graphics).
  ``insert_count`` counts INSERTs in all layouts plus INSERTs nested in block definitions
  (each definition counted once, not once per place it is inserted).
* ``block_references``: every INSERT that has ATTRIBs, in model space and every paper-space
  layout (tag -> plain value); ``effective_name`` for anonymous dynamic-block references.
* ``text``: TEXT, MTEXT and MULTILEADER text as plain text (see :mod:`.dxf_text`), in
  layouts; empty strings skipped; none when ``options.include_text`` is False. East Asian
  text stored as Latin-1 mojibake is decoded again (issue ``dxf_text_mojibake_repaired``).
* ``dimensions``: DIMENSION, ARC_DIMENSION and LARGE_RADIAL_DIMENSION in layouts, with the
  displayed text parsed, DIMSTYLE tolerances, alternate units (see :mod:`.dxf_dimensions`).
* ``gdt``, ``datums``, ``threads``, ``surface_textures`` (located by
  ``notation_sources``) and the general-tolerance note: TOLERANCE entities, notes and
  symbol blocks (see :mod:`.dxf_notation`). Untoleranced dimensions get the ISO 2768-1
  deviation of the general-tolerance note in ``parsed.tolerance`` (kind ``general``).
* ``tables``: ACAD_TABLE cell contents (a first row with a single non-empty cell is the
  title); parts lists drawn as text (title ``parts list``) and revision tables (title
  ``revisions``) from ATTRIB rows or text grids (see :mod:`.dxf_bom`).
* ``bom``: parts-list lines from attributed rows, ACAD_TABLEs, text grids, MTEXT tables and
  standard-part callouts, each with its ``source`` (see :mod:`.dxf_bom`).
* ``title_block``: from the attributed INSERT that looks most like a title block (tags and
  block name), else from label texts and their values (see :mod:`.dxf_titleblock`);
  ``revision`` from the revision table when the title block has none. A title block whose
  labels have no identifying value gives the info issue ``title_block_empty``.
* ``stats``: ``entity_counts`` (DXF type -> n over model space and all paper-space layouts;
  block definitions not included), ``layout_entity_counts`` (layout -> type -> n),
  ``layouts`` (tab order), ``extents`` (model space; from $EXTMIN/$EXTMAX, or computed with
  ezdxf.bbox when those are missing or degenerate).

Problems: a file ezdxf.readfile rejects is read again with ``ezdxf.recover`` (issue
``dxf_recovered`` plus one ``dxf_audit_<auditerror>`` issue per Auditor fix or error); when
that fails too, or recovers no entity in any layout (a file truncated inside its ENTITIES
section loses the whole section), :class:`CorruptFileError` is raised. Everything else that
is odd is an issue: a malformed entity (``dxf_entity_unreadable``), a DIMENSION whose
DIMSTYLE is missing (``dxf_dimstyle_missing``), a TOLERANCE without a known symbol
(``dxf_tolerance_unreadable``), broken MTEXT formatting (``dxf_mtext_malformed``), a
heuristic that failed (``dxf_drawing_analysis_failed``).
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
    BomLine,
    Dimension,
    ExtractionResult,
    Layer,
    Table,
    TextItem,
    TitleBlock,
)

try:
    from ezdxf.entities import DXFTagStorage
    from ezdxf.lldxf.validator import is_binary_dxf_file
    from ezdxf.tools.codepage import toencoding
except ImportError as exc:  # pragma: no cover - ezdxf is a core dependency
    raise DependencyMissingError(f"the DXF extractor needs ezdxf: {exc}") from exc

from pybase.extraction.bom import parse_quantity
from pybase.extraction.dxf_bom import (
    bom_from_rows,
    bom_from_table,
    latest_revision,
    mtext_table,
    read_grids,
    rows_from_references,
    standard_part_callouts,
)
from pybase.extraction.dxf_dimensions import DIMENSION_TYPES, read_dimension
from pybase.extraction.dxf_document import (
    IssueLog,
    document_extents,
    document_metadata,
    document_units,
    load_document,
)
from pybase.extraction.dxf_layouts import layout_details
from pybase.extraction.dxf_notation import Notations
from pybase.extraction.dxf_sheet import (
    Sheet,
    SheetText,
    block_content,
    block_text_index,
    segments_of,
    text_anchor,
)
from pybase.extraction.dxf_text import (
    CJK_CODECS,
    acad_table_rows,
    attrib_plain_text,
    decode_escapes,
    mtext_format_problem,
    mtext_plain_text,
    multileader_plain_text,
    repair_mojibake,
    text_plain_text,
)
from pybase.extraction.dxf_titleblock import (
    TextTitleBlock,
    normalise_tag,
    title_block_from,
    title_block_from_text,
)
from pybase.extraction.notation import parse_dimension, parse_general_tolerance

if TYPE_CHECKING:
    from ezdxf.document import Drawing
    from ezdxf.entities import Dimension as DxfDimension
    from ezdxf.entities import DXFEntity

    from pybase.extraction.detect import DetectedFormat

__all__ = ["DxfExtractor"]

_PROGRESS_EVERY = 500
_TEXT_TYPES = frozenset({"TEXT", "MTEXT", "MULTILEADER"})
_SEGMENT_TYPES = frozenset({"LINE", "LWPOLYLINE", "POLYLINE"})
#: Entities drawn by block references that are read for title blocks and tables, at most.
_MAX_BLOCK_ENTITIES = 50_000


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


def _cjk_codec(doc: Drawing) -> str | None:
    """Python codec of an East Asian $DWGCODEPAGE (text may hold mojibake of it), else None."""
    try:
        codec = toencoding(str(doc.header.get("$DWGCODEPAGE", "")))
    except Exception:
        return None
    return codec if codec in CJK_CODECS else None


class _Walker:
    """One pass over the entities of every layout, collecting what the result needs."""

    def __init__(
        self,
        doc: Drawing,
        options: ExtractionOptions,
        unit: str | None,
        issues: IssueLog,
        paper_layouts: set[str],
    ) -> None:
        self.doc = doc
        self.options = options
        self.unit = unit
        self.issues = issues
        self.paper_layouts = paper_layouts
        self.entity_counts: Counter[str] = Counter()
        self.layout_counts: dict[str, Counter[str]] = {}
        self.layer_counts: Counter[str] = Counter()  # casefolded layer name -> n
        self.layer_names: dict[str, str] = {}  # casefolded -> as first seen
        self.insert_counts: Counter[str] = Counter()  # casefolded block name -> n
        self.unknown: Counter[str] = Counter()
        self.text: list[TextItem] = []
        self.references: list[BlockReference] = []
        self.reference_texts: list[list[SheetText]] = []  # ATTRIB sheet texts per reference
        self.tables: list[tuple[Table, str]] = []  # (table, location)
        self.dimensions: list[Dimension] = []
        self.sheets: dict[str, Sheet] = {}
        self.notations = Notations(unit or "unitless")
        self.codec = _cjk_codec(doc)
        self.repaired = 0
        self.block_entities = 0
        self._block_index = block_text_index(doc)
        self._effective: dict[str, str | None] = {}

    def sheet(self, layout: str) -> Sheet:
        if layout not in self.sheets:
            self.sheets[layout] = Sheet(layout)
        return self.sheets[layout]

    def _repair(self, text: str) -> str:
        if self.codec is None:
            return text
        fixed = repair_mojibake(text, self.codec)
        if fixed is None:
            return text
        self.repaired += 1
        return fixed

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
            if dxftype in _SEGMENT_TYPES:
                sheet = self.sheet(layout)
                for segment in segments_of(entity):
                    sheet.add_segment(*segment)
            elif dxftype == "INSERT":
                self._insert(entity, layout)
            elif dxftype in DIMENSION_TYPES:
                self._dimension(cast("DxfDimension", entity), layout, where)
            elif dxftype in _TEXT_TYPES:
                self._text(entity, dxftype, layout)
            elif dxftype == "TOLERANCE":
                self.notations.tolerance_entity(
                    str(entity.dxf.get("content", "")),
                    layout,
                    handle,
                    _position(entity.dxf.get("insert")),
                )
            elif dxftype == "ACAD_TABLE":
                self.tables.append((_table(acad_table_rows(entity), layout), where))
        except Exception as exc:  # a malformed entity must not stop the file
            self.issues.add(
                "dxf_entity_unreadable", f"{dxftype}: {type(exc).__name__}: {exc}", "warning", where
            )

    def _dimension(self, entity: DxfDimension, layout: str, where: str) -> None:
        dim, problems = read_dimension(
            entity,
            layout=layout,
            length_unit=self.unit,
            header=self.doc.header,
            doc=self.doc,
            paper_space=layout in self.paper_layouts,
        )
        self.dimensions.append(dim)
        for code, message, severity in problems:
            self.issues.add(code, message, severity, where)
        raw = str(entity.dxf.get("text", "") or "")
        if dim.parsed is None and raw.strip() and raw != "<>":
            self.notations.dimension_text(raw, layout, dim.handle, dim.position)

    def _effective_name(self, name: str) -> str | None:
        """The dynamic block an anonymous ``*U`` block stands for (BLOCK_RECORD XDATA
        AcDbBlockRepBTag, group 1005: handle of the dynamic block's BLOCK_RECORD)."""
        if not name.startswith("*"):
            return None
        if name not in self._effective:
            found = None
            try:
                record = self.doc.block_records.get(name)
                if record is not None and record.has_xdata("AcDbBlockRepBTag"):
                    for tag in record.get_xdata("AcDbBlockRepBTag"):
                        if tag.code == 1005:
                            source = self.doc.entitydb.get(tag.value)
                            if source is not None:
                                found = decode_escapes(source.dxf.name)
                            break
            except Exception:  # malformed XDATA: no effective name
                found = None
            self._effective[name] = found
        return self._effective[name]

    def _insert(self, entity: Any, layout: str) -> None:
        name = entity.dxf.get("name", "")
        self.insert_counts[name.casefold()] += 1
        handle = entity.dxf.get("handle")
        self._block_content(entity, layout, handle, decode_escapes(name))
        if not entity.attribs:
            return
        attributes: dict[str, str] = {}
        texts: list[SheetText] = []
        sheet = self.sheet(layout)
        block = decode_escapes(name)
        for attrib in entity.attribs:
            tag = decode_escapes(attrib.dxf.get("tag", ""))
            value = self._repair(attrib_plain_text(attrib))
            attributes.setdefault(tag, value)
            if value.strip() and not attrib.is_invisible:
                anchor = text_anchor(attrib, value)
                if anchor is not None:
                    item = SheetText(
                        value,
                        str(attrib.dxf.get("text", "")),
                        "ATTRIB",
                        layout,
                        handle,
                        anchor[0],
                        anchor[1],
                        anchor[2],
                        block,
                        tag,
                    )
                    sheet.texts.append(item)
                    texts.append(item)
                    self.notations.attribute(
                        block, tag, value, layout, handle, (anchor[0], anchor[1])
                    )
        if any("\ufffd" in value for value in attributes.values()):
            self._undecodable(entity, layout)
        self.references.append(
            BlockReference(
                block=block,
                layout=layout,
                effective_name=self._effective_name(name),
                attributes=attributes,
                position=_position(entity.dxf.get("insert")),
                handle=handle,
            )
        )
        self.reference_texts.append(texts)

    def _block_content(self, entity: Any, layout: str, handle: str | None, block: str) -> None:
        """Text and segments the INSERT draws, for title blocks and tables (and notes)."""
        if self.block_entities > _MAX_BLOCK_ENTITIES:
            return
        sheet = self.sheet(layout)
        try:
            for virtual in block_content(self.doc, entity, self._block_index):
                self.block_entities += 1
                if self.block_entities > _MAX_BLOCK_ENTITIES:
                    self.issues.add(
                        "dxf_block_content_truncated",
                        f"more than {_MAX_BLOCK_ENTITIES} entities drawn by block references; "
                        "the rest is not searched for title blocks and tables",
                        "info",
                    )
                    return
                dxftype = virtual.dxftype()
                if dxftype in _SEGMENT_TYPES:
                    for segment in segments_of(virtual):
                        sheet.add_segment(*segment)
                    continue
                item: Any = virtual
                if dxftype == "TEXT":
                    plain, raw = text_plain_text(item), str(item.dxf.get("text", ""))
                else:
                    plain, raw = mtext_plain_text(item.text), str(item.text)
                plain = self._repair(plain)
                self._sheet_text(virtual, dxftype, plain, raw, layout, handle, block)
        except Exception as exc:  # a block that cannot be exploded: its content is skipped
            self.issues.add(
                "dxf_block_content_unreadable",
                f"content of block {block!r}: {type(exc).__name__}: {exc}",
                "info",
                f"{layout} #{handle}" if handle else layout,
            )

    def _sheet_text(
        self,
        entity: Any,
        kind: str,
        plain: str,
        raw: str,
        layout: str,
        handle: str | None,
        block: str | None = None,
    ) -> None:
        if not plain.strip():
            return
        anchor = text_anchor(entity, plain)
        if anchor is None:
            return
        self.sheet(layout).texts.append(
            SheetText(plain, raw, kind, layout, handle, anchor[0], anchor[1], anchor[2], block)
        )
        self.notations.note(raw, kind, layout, handle, (anchor[0], anchor[1]), block)

    def _undecodable(self, entity: Any, layout: str) -> None:
        self.issues.add(
            "dxf_text_undecodable",
            f"{entity.dxftype()} text has bytes that are invalid in the file's code page "
            f"({self.doc.encoding}); shown as U+FFFD",
            "warning",
            f"{layout} #{entity.dxf.get('handle')}",
        )

    def _text(self, entity: Any, dxftype: str, layout: str) -> None:
        handle = entity.dxf.get("handle")
        raw: str
        if dxftype == "TEXT":
            text: str | None = text_plain_text(entity)
            raw = str(entity.dxf.get("text", ""))
            position, height = entity.dxf.get("insert"), entity.dxf.get("height")
        elif dxftype == "MTEXT":
            raw = entity.text
            text = mtext_plain_text(raw)
            position, height = entity.dxf.get("insert"), entity.dxf.get("char_height")
        else:  # MULTILEADER
            text = multileader_plain_text(entity)
            mtext = entity.context.mtext
            raw = mtext.default_content if mtext is not None else ""
            position = mtext.insert if mtext is not None else None
            height = entity.context.char_height
        if dxftype != "TEXT" and raw:
            problem = mtext_format_problem(raw)
            if problem is not None:
                self.issues.add(
                    "dxf_mtext_malformed",
                    f"{dxftype} formatting: {problem}; read as far as it goes",
                    "warning",
                    f"{layout} #{handle}",
                )
        if not text or not text.strip():
            return
        text = self._repair(text)
        if "\ufffd" in text:
            self._undecodable(entity, layout)
        if dxftype == "MULTILEADER":
            if position is not None and text.strip():
                h = float(height or 1.0)
                self.sheet(layout).texts.append(
                    SheetText(text, raw, dxftype, layout, handle, position[0], position[1], h)
                )
                self.notations.note(raw, dxftype, layout, handle, _position(position))
        else:
            self._sheet_text(entity, dxftype, text, raw, layout, handle)
        if not self.options.include_text:
            return
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


class _Drawing:
    """The drawing-level facts read after the walk: title block, parts list, revisions."""

    def __init__(self, walker: _Walker, layout_names: list[str], model: str) -> None:
        self.walker = walker
        self.layout_names = layout_names
        self.model = model
        self.issues = walker.issues
        self.bom: list[BomLine] = []
        self.tables: list[Table] = [table for table, _ in walker.tables]

    def read(self) -> TitleBlock | None:
        walker = self.walker
        order = {name: i for i, name in enumerate(self.layout_names)}
        lines, revisions, used_refs = rows_from_references(walker.references)
        self.bom.extend(lines)
        if revisions is not None:
            self.tables.append(revisions)
        for table, where in walker.tables:
            self.bom.extend(bom_from_table(table, f"ACAD_TABLE in {where}"))
        used = {id(t) for i in used_refs for t in walker.reference_texts[i]}
        used |= self._grids(used)
        title_block = title_block_from(walker.references, order, self.model)
        if title_block is not None:
            self._attrib_tolerance(title_block)
            if not any(v.strip() for v in title_block.fields.values()):
                self.issues.add(
                    "title_block_empty",
                    "title block attributes are all empty (an unfilled template?)",
                    "info",
                    title_block.source,
                )
        else:
            title_block = self._text_title_block(used)
        return self._revision(title_block)

    def _grids(self, used: set[int]) -> set[int]:
        """Parts lists and revision tables drawn as text: grids, MTEXT tables, callouts."""
        consumed: set[int] = set()
        for name in self.layout_names:
            sheet = self.walker.sheets.get(name)
            if sheet is None or not sheet.texts:
                continue
            for grid in read_grids(sheet, used | consumed):
                consumed |= grid.used
                self.tables.append(grid.table())
                if grid.kind == "parts list":
                    self.bom.extend(bom_from_rows(grid.header, grid.rows, grid.sources))
            for text in sheet.texts:
                if text.kind != "MTEXT" or text.block is not None or "\n" not in text.text:
                    continue
                found = mtext_table(text)
                if found is None:
                    continue
                header, rows = found
                consumed.add(id(text))
                self.tables.append(
                    Table(layout=sheet.layout, title="parts list", header=header, rows=rows)
                )
                sources = [f"MTEXT in {text.location}, line {n}" for n in range(1, len(rows) + 1)]
                self.bom.extend(bom_from_rows(header, rows, sources))
            self.bom.extend(standard_part_callouts(sheet, used | consumed))
        return consumed

    def _attrib_tolerance(self, title_block: TitleBlock) -> None:
        for tag, value in title_block.fields.items():
            if "TOLERANCE" in normalise_tag(tag) and value.strip():
                title_block.general_tolerance = parse_general_tolerance(value)
                if title_block.general_tolerance is not None:
                    return

    def _text_title_block(self, used: set[int]) -> TitleBlock | None:
        """The best title block read from text: most named fields, then most values, paper
        space before model space (tab order)."""
        best: tuple[tuple[int, int, int], TextTitleBlock] | None = None
        paper = [n for n in self.layout_names if n != self.model] + [self.model]
        for rank, name in enumerate(paper):
            sheet = self.walker.sheets.get(name)
            if sheet is None:
                continue
            found = title_block_from_text(sheet, used)
            if found is None:
                continue
            block = found.title_block
            named = sum(
                1
                for key in TitleBlock.model_fields
                if key not in ("fields", "source") and getattr(block, key) is not None
            )
            key = (-named, -len(block.fields), rank)
            if best is None or key < best[0]:
                best = (key, found)
        if best is None:
            return None
        found = best[1]
        block = found.title_block
        if found.empty:
            filled = ", ".join(f"{k}={v!r}" for k, v in block.fields.items())
            self.issues.add(
                "title_block_empty",
                f"title-block labels ({', '.join(dict.fromkeys(found.labels))}) have no part "
                "number, title, revision, material, names or date"
                + (f" (only {filled})" if filled else "")
                + ": an unfilled template?",
                "info",
                block.source,
            )
        if found.quantity is not None and (block.part_number or block.title):
            quantity, unit = parse_quantity(found.quantity)
            self.bom.append(
                BomLine(
                    part_number=block.part_number,
                    description=block.title,
                    quantity=quantity,
                    unit=unit,
                    material=block.material,
                    source=f"title block {block.source}",
                )
            )
        return block

    def _revision(self, title_block: TitleBlock | None) -> TitleBlock | None:
        for table in self.tables:
            if table.title != "revisions":
                continue
            latest = latest_revision(table)
            if latest is None:
                continue
            if title_block is None:
                title_block = TitleBlock(source=f"revision table in {table.layout}")
            if title_block.revision is None:
                title_block.revision = latest
            elif title_block.revision != latest:
                self.issues.add(
                    "revision_mismatch",
                    f"title block revision {title_block.revision!r}, latest revision in the "
                    f"revision table {latest!r}",
                    "info",
                    title_block.source,
                )
            break
        return title_block


def _general_tolerance(
    title_block: TitleBlock | None, notations: Notations, dimensions: list[Dimension]
) -> TitleBlock | None:
    """Put the general-tolerance note on the title block and give untoleranced dimensions
    its ISO 2768-1 deviation (``parsed.tolerance.kind == "general"``)."""
    general = notations.general_tolerance
    if general is not None:
        if title_block is None:
            title_block = TitleBlock(source=notations.general_tolerance_source)
        if title_block.general_tolerance is None:
            title_block.general_tolerance = general
    general = title_block.general_tolerance if title_block is not None else None
    if general is None:
        return title_block
    for dim in dimensions:
        parsed = dim.parsed
        if (
            parsed is None
            or parsed.tolerance is not None
            or parsed.fit is not None
            or parsed.kind == "angle"
        ):
            continue
        again = parse_dimension(parsed.text, parsed.unit, general=general)
        if again is not None and again.tolerance is not None:
            dim.parsed = again
    return title_block


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
        units, unit = document_units(doc.header, issues)
        layout_names = doc.layouts.names_in_taborder()
        layouts = [doc.layouts.get(name) for name in layout_names]
        total = sum(len(layout) for layout in layouts)
        if total == 0:
            if reader != "ezdxf.readfile":
                raise CorruptFileError(f"{path.name}: damaged DXF, no entity could be recovered")
            issues.add("dxf_no_entities", "model space and paper-space layouts are empty", "info")

        paper = {layout.name for layout in layouts if not layout.is_modelspace}
        walker = _Walker(doc, options, unit, issues, paper)
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
        if walker.repaired:
            issues.add(
                "dxf_text_mojibake_repaired",
                f"{walker.repaired} texts were {walker.codec} text stored as Latin-1 "
                "characters and were decoded again",
                "info",
            )

        model = doc.modelspace().name
        drawing = _Drawing(walker, layout_names, model)
        try:
            title_block = drawing.read()
        except Exception as exc:  # a heuristic must never cost the file: report and go on
            issues.add(
                "dxf_drawing_analysis_failed",
                f"title block / parts list analysis failed: {type(exc).__name__}: {exc}",
            )
            title_block = title_block_from(
                walker.references, {n: i for i, n in enumerate(layout_names)}, model
            )
        notations = walker.notations
        for code, message, location in notations.problems:
            issues.add(code, message, "warning" if code.startswith("dxf_") else "info", location)
        title_block = _general_tolerance(title_block, notations, walker.dimensions)

        layers = _layers(doc, walker.layer_counts, walker.layer_names, issues)
        blocks, skipped = _blocks(doc, walker.insert_counts)
        stats: dict[str, Any] = {
            "entity_counts": dict(walker.entity_counts),
            "entity_counts_scope": "model space and all paper-space layouts",
            "layout_entity_counts": {
                n: dict(walker.layout_counts.get(n, {})) for n in layout_names
            },
            "layouts": layout_names,
            "anonymous_blocks_skipped": skipped,
            "extents": document_extents(doc, unit, issues),
        }
        metadata = document_metadata(doc, path, binary, reader)
        metadata["layouts"] = layout_details(doc, unit)
        if unit is not None and units.length is None:
            metadata["assumed_length_unit"] = unit
        return ExtractionResult(
            source=source_info(
                path, detected, format_version=doc.loaded_dxfversion or doc.dxfversion
            ),
            units=units,
            metadata=metadata,
            title_block=title_block,
            dimensions=walker.dimensions,
            gdt=notations.gdt,
            datums=notations.datums,
            threads=notations.threads,
            surface_textures=notations.surface_textures,
            notation_sources=notations.sources,
            tables=drawing.tables,
            bom=drawing.bom,
            text=walker.text,
            layers=layers,
            blocks=blocks,
            block_references=walker.references,
            issues=issues.finish(),
            stats=stats,
        )
