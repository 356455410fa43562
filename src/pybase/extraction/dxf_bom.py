"""Parts lists (BOM) and revision tables of a DXF drawing, in one shape
(:class:`~pybase.extraction.result.BomLine` / a ``revisions``
:class:`~pybase.extraction.result.Table`), whatever the drawing used:

* attributed INSERTs, one per row (``ITEM``/``PART_NO``/``DESCRIPTION``/``QTY``/``MATERIAL``
  tags and their synonyms, e.g. CAXA's ``序号``/``代号``/``名称``/``数量``/``材料``)
  -> :func:`rows_from_references`;
* ACAD_TABLE entities whose header row names the columns -> :func:`bom_from_table`;
* a grid of TEXT/MTEXT inside LINEs, found by its header row (``ITEM | PART NO | QTY``,
  ``Pos. | Benennung | Menge``, ``序号 | 代号 | 名称 | 数量 | 材料``) -> :func:`read_grids`;
* one MTEXT whose lines are columns separated by runs of spaces or tabs, under a header line
  -> :func:`mtext_table`;
* standard-part callouts of Chinese drawings: a name with a count prefix ``n-``
  (``8-螺栓 M16x130``: 8 bolts M16x130) over its standard number (``GB30-76``) ->
  :func:`standard_part_callouts`.

Header and tag synonyms are compared with
:func:`~pybase.extraction.dxf_titleblock.label_key` (case, accents, punctuation ignored).
A parts-list header needs an item or quantity column and a part-number or description
column; a revision header a revision column and a description or date column.
Quantities: a number and an optional unit word (``2组`` -> 2, unit ``组``; ``1,5 m``).
An item ``2.1`` has the parent item ``2``. No ezdxf import here.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from pybase.extraction.bom import parse_quantity
from pybase.extraction.dxf_titleblock import label_key
from pybase.extraction.notation import decode_mtext, normalize
from pybase.extraction.result import BlockReference, BomLine, Table

if TYPE_CHECKING:
    from pybase.extraction.dxf_sheet import Sheet, SheetText

__all__ = [
    "BOM_HEADERS",
    "REVISION_HEADERS",
    "Grid",
    "bom_field",
    "bom_from_rows",
    "bom_from_table",
    "latest_revision",
    "mtext_table",
    "read_grids",
    "revision_field",
    "rows_from_references",
    "standard_part_callouts",
]

# fmt: off
#: BomLine field -> column headers / ATTRIB tags meaning it (EN, DE, FR, RU, ZH).
BOM_HEADERS: dict[str, tuple[str, ...]] = {
    "item": ("ITEM", "ITEM NO", "ITEM NUMBER", "POS", "POSITION", "POS NO", "Pos.-Nr.",
             "FIND NO", "BALLOON", "NO", "Nr", "Repère", "Rep", "Поз", "Позиция", "序号",
             "件号"),
    "part_number": ("PART NO", "PART NUMBER", "PARTNO", "P/N", "PN", "DWG NO", "DRAWING NO",
                    "CODE", "Sachnummer", "Sach-Nr.", "Teilenummer", "Teile-Nr.",
                    "Artikelnummer", "Artikel-Nr.", "Zeichnungsnummer", "Référence", "Réf",
                    "Обозначение", "代号", "图号", "零件号"),
    "description": ("DESCRIPTION", "DESC", "NAME", "PART NAME", "TITLE", "PART", "Benennung",
                    "Bezeichnung", "Désignation", "Наименование", "名称"),
    "quantity": ("QTY", "QUANTITY", "Q'TY", "Menge", "Anz", "Anzahl", "Stück", "Stk", "Qté",
                 "Qtité", "Quantité", "Nb", "Кол", "Количество", "数量", "件数"),
    "material": ("MATERIAL", "MATL", "MAT", "Werkstoff", "Matière", "Matériau", "Материал",
                 "材料"),
    "unit": ("UNIT", "UOM", "U/M", "Einheit", "Unité", "Ед", "单位"),
    "parent": ("PARENT", "PARENT ITEM", "ASSEMBLY", "ASSY", "Baugruppe", "部件"),
}

#: Revision-table column -> headers / ATTRIB tags meaning it.
REVISION_HEADERS: dict[str, tuple[str, ...]] = {
    "revision": ("REV", "REVISION", "REV NO", "Index", "Indice", "Rév", "Изм", "版次", "标记"),
    "description": ("DESCRIPTION", "DESC", "CHANGE", "CHANGES", "REVISION DESCRIPTION",
                    "Änderung", "Beschreibung", "Modification", "Objet", "更改文件号",
                    "更改内容", "N докум"),
    "date": ("DATE", "Datum", "Дата", "日期"),
    "by": ("BY", "DRAWN", "APPROVED", "APPD", "Name", "Visa", "Подп", "签字", "签名"),
    "eco": ("ECO", "ECN", "ECO NO", "ZONE", "Zone"),
}
# fmt: on


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, words in table.items():
        for word in words:
            keys.setdefault(label_key(word), name)
    return keys


_BOM_KEYS = _index(BOM_HEADERS)
_REVISION_KEYS = _index(REVISION_HEADERS)
_SUB_ITEM_RE = re.compile(r"^(\d+(?:\.\d+)*)\.\d+$")


def bom_field(header: str) -> str | None:
    """The BomLine field a column header or ATTRIB tag names (:data:`BOM_HEADERS`), or None."""
    return _BOM_KEYS.get(label_key(header))


def revision_field(header: str) -> str | None:
    """The revision-table column a header or tag names (:data:`REVISION_HEADERS`), or None."""
    return _REVISION_KEYS.get(label_key(header))


def _is_bom_header(fields: set[str]) -> bool:
    return bool(fields & {"item", "quantity"}) and bool(fields & {"part_number", "description"})


def _is_revision_header(fields: set[str]) -> bool:
    return "revision" in fields and bool(fields & {"description", "date"})


def bom_from_rows(
    header: Sequence[str | None],
    rows: Sequence[Sequence[str | None]],
    sources: Sequence[str],
) -> list[BomLine]:
    """BomLines from a table whose ``header`` names its columns (:func:`bom_field`); rows
    without any mapped value are skipped. ``sources`` is one location per row."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(header):
        name = bom_field(cell) if cell else None
        if name is not None and name not in mapping.values():
            mapping[i] = name
    lines: list[BomLine] = []
    for row, source in zip(rows, sources, strict=False):
        values: dict[str, str] = {}
        for i, name in mapping.items():
            cell = row[i] if i < len(row) else None
            if cell and cell.strip():
                values[name] = cell.strip()
        line = _bom_line(values, source)
        if line is not None:
            lines.append(line)
    return lines


def _bom_line(values: dict[str, str], source: str) -> BomLine | None:
    if not values:
        return None
    quantity, unit = parse_quantity(values.get("quantity"))
    item = values.get("item")
    parent = values.get("parent")
    if parent is None and item:
        sub = _SUB_ITEM_RE.match(item)
        if sub:
            parent = sub.group(1)
    return BomLine(
        item=item,
        part_number=values.get("part_number"),
        description=values.get("description"),
        quantity=quantity,
        unit=values.get("unit") or unit,
        material=values.get("material"),
        parent=parent,
        source=source,
    )


def bom_from_table(table: Table, source: str) -> list[BomLine]:
    """BomLines of an ACAD_TABLE (or any :class:`Table`) whose header row is a parts-list
    header; [] otherwise."""
    fields = {bom_field(cell) for cell in table.header if cell}
    if not _is_bom_header({f for f in fields if f}):
        return []
    sources = [f"{source}, row {n}" for n in range(1, len(table.rows) + 1)]
    return bom_from_rows(table.header, table.rows, sources)


def _item_order(line: BomLine) -> tuple[int, float, str]:
    try:
        return 0, float(line.item or ""), ""
    except ValueError:
        return 1, 0.0, line.item or ""


def rows_from_references(
    references: Sequence[BlockReference],
) -> tuple[list[BomLine], Table | None, set[int]]:
    """Parts-list lines and the revision table from attributed INSERTs.

    An INSERT is a parts-list row when its tags name an item or quantity and a part number
    or description; a revision row when they name a revision and a description or date
    (and no part number or quantity). Returns (BOM lines sorted by numeric item, else in
    drawing order; the ``revisions`` table or None; indexes of the INSERTs used)."""
    lines: list[BomLine] = []
    used: set[int] = set()
    revision_header: list[str] = []
    revision_rows: list[dict[str, str]] = []
    revision_layout: str | None = None
    for index, ref in enumerate(references):
        values: dict[str, str] = {}
        for tag, value in ref.attributes.items():
            name = bom_field(tag)
            if name is not None and name not in values and value.strip():
                values[name] = value.strip()
        bom_tags = {bom_field(tag) for tag in ref.attributes} - {None}
        if _is_bom_header({str(t) for t in bom_tags}):
            where = f"INSERT {ref.block} in {ref.layout}" + (
                f" #{ref.handle}" if ref.handle else ""
            )
            line = _bom_line(values, where)
            if line is not None:
                lines.append(line)
            used.add(index)
            continue
        rev_tags = {revision_field(tag) for tag in ref.attributes} - {None}
        if _is_revision_header({str(t) for t in rev_tags}) and not (
            bom_tags & {"part_number", "quantity"}
        ):
            used.add(index)
            revision_layout = revision_layout or ref.layout
            for tag in ref.attributes:
                if tag not in revision_header:
                    revision_header.append(tag)
            revision_rows.append(dict(ref.attributes))
    if lines and all(_item_order(line)[0] == 0 for line in lines):
        lines.sort(key=_item_order)
    table = None
    if revision_rows:
        table = Table(
            layout=revision_layout,
            title="revisions",
            header=list(revision_header),
            rows=[[row.get(tag) or None for tag in revision_header] for row in revision_rows],
        )
    return lines, table, used


#: A revision code: 1-3 letters or digits (``A``, ``AB``, ``02``).
_REVISION_CODE_RE = re.compile(r"^\s*[A-Za-z0-9]{1,3}\s*$")
_REVISION_ORDER_RE = re.compile(r"^\s*(\d+)\s*$|^\s*([A-Za-z]{1,3})\s*$")


def latest_revision(table: Table) -> str | None:
    """The latest revision in a ``revisions`` table: the highest number, else the last
    letter code in alphabetic order (``AA`` after ``Z``); None when no cell is a revision."""
    column = None
    for i, cell in enumerate(table.header):
        if cell and revision_field(cell) == "revision":
            column = i
            break
    if column is None:
        return None
    best: tuple[int, int, str] | None = None
    best_value: str | None = None
    for row in table.rows:
        value = row[column] if column < len(row) else None
        if not value:
            continue
        match = _REVISION_ORDER_RE.match(value)
        if match is None:
            continue
        key = (
            (1, int(match.group(1)), "")
            if match.group(1)
            else (0, len(match.group(2)), match.group(2).upper())
        )
        if best is None or key > best:
            best, best_value = key, value.strip()
    return best_value


# --------------------------------------------------------------------------------------------
# Grids of TEXT inside lines


@dataclass
class Grid:
    """A table read from the sheet: ``kind`` ``parts list`` or ``revisions``."""

    kind: str
    layout: str
    header: list[str | None]
    rows: list[list[str | None]]
    sources: list[str]
    bbox: tuple[float, float, float, float]
    used: set[int] = field(default_factory=set)

    def table(self) -> Table:
        return Table(
            layout=self.layout, bbox=self.bbox, header=self.header, rows=self.rows, title=self.kind
        )


def _row_groups(texts: list[SheetText]) -> list[list[SheetText]]:
    """Texts grouped into rows: anchors within 0.6 character heights of the row's first."""
    groups: list[list[SheetText]] = []
    for t in sorted(texts, key=lambda t: -t.y):
        if groups and abs(groups[-1][0].y - t.y) <= 0.6 * max(groups[-1][0].height, t.height):
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def _merge_positions(values: list[float], tolerance: float) -> list[float]:
    merged: list[float] = []
    for v in sorted(values):
        if merged and v - merged[-1] <= tolerance:
            continue
        merged.append(v)
    return merged


def _horizontal_extent(
    sheet: Sheet, y: float, x_low: float, x_high: float, tol: float
) -> tuple[float, float] | None:
    """Extent of the horizontal segments at height ``y`` that overlap [x_low, x_high],
    joined where they touch."""
    spans = sorted((x0, x1) for _, x0, x1 in sheet.horizontals_near(y, tol))
    best: tuple[float, float] | None = None
    current: tuple[float, float] | None = None
    for x0, x1 in [*spans, (float("inf"), float("inf"))]:
        if current is not None and x0 <= current[1] + tol:
            current = (current[0], max(current[1], x1))
            continue
        if (
            current is not None
            and current[0] <= x_high
            and current[1] >= x_low
            and (best is None or current[1] - current[0] > best[1] - best[0])
        ):
            best = current
        current = (x0, x1)
    return best


def read_grids(sheet: Sheet, exclude: set[int] | None = None) -> list[Grid]:
    """Parts lists and revision tables drawn as text in a grid on ``sheet``.

    A header row is a row of texts (no trailing colon, gaps under 30 character heights) in
    which :data:`BOM_HEADERS` or :data:`REVISION_HEADERS` name enough columns (module
    docstring). Columns are bounded by the vertical lines crossing the header row (else
    halfway between header texts); rows by horizontal lines spanning at least half the
    table width (else by the text rows, each with at least two filled columns), read away
    from the header in the direction that has more rows, until a row is more than three
    header rows tall or the rows stop. Revision rows need a revision code (``A``, ``02``).
    ``exclude``: ``id()`` of texts not to use."""
    excluded = set(exclude or ())
    candidates = [
        t
        for t in sheet.texts
        if id(t) not in excluded
        and t.text.strip()
        and not t.text.rstrip().endswith(":")
        and len(t.text) <= 40
    ]
    grids: list[Grid] = []
    for group in _row_groups(candidates):
        for cluster in _clusters(group):
            cluster = [t for t in cluster if id(t) not in excluded]
            bom = {bom_field(t.text) for t in cluster} - {None}
            revision = {revision_field(t.text) for t in cluster} - {None}
            if _is_bom_header({str(f) for f in bom}):
                kind, lookup = "parts list", bom_field
            elif _is_revision_header({str(f) for f in revision}):
                kind, lookup = "revisions", revision_field
            else:
                continue
            headers = [t for t in cluster if lookup(t.text)]
            grid = _read_grid(sheet, kind, headers, excluded)
            if grid is not None:
                grids.append(grid)
                excluded |= grid.used
    return grids


def _clusters(group: list[SheetText]) -> list[list[SheetText]]:
    """A row of texts split where neighbours are more than 30 character heights apart."""
    ordered = sorted(group, key=lambda t: t.x)
    clusters: list[list[SheetText]] = []
    for t in ordered:
        if clusters and t.x - clusters[-1][-1].x <= 30 * max(t.height, clusters[-1][-1].height):
            clusters[-1].append(t)
        else:
            clusters.append([t])
    return clusters


def _read_grid(
    sheet: Sheet, kind: str, headers: list[SheetText], excluded: set[int]
) -> Grid | None:
    h = max(t.height for t in headers)
    y_mid = statistics.median(t.y for t in headers)
    x_low, x_high = min(t.x for t in headers), max(t.x for t in headers)
    tol = 0.05 * h
    cell = sheet.cell_at(headers[0].x, headers[0].y)
    if cell is not None and cell[3] - cell[1] <= 4 * h:
        band = (cell[1], cell[3])
    else:
        band = (y_mid - 0.75 * h, y_mid + 0.75 * h)
    extent = _horizontal_extent(sheet, band[0], x_low, x_high, tol) or _horizontal_extent(
        sheet, band[1], x_low, x_high, tol
    )
    row_texts = [t for t in sheet.texts_between(*band) if id(t) not in excluded]
    if extent is None:
        span = sorted(t.x for t in row_texts if x_low - 15 * h <= t.x <= x_high + 15 * h)
        extent = (min([*span, x_low]) - 2 * h, max([*span, x_high]) + 2 * h)
    left, right = extent
    crossing = [
        x
        for x, y0, y1 in sheet.verticals_between(left + tol, right - tol)
        if y0 - tol <= (band[0] + band[1]) / 2 <= y1 + tol
    ]
    header_row = sorted((t for t in row_texts if left < t.x < right), key=lambda t: t.x)
    bounds = [left, *_merge_positions(crossing, tol), right]
    if len(bounds) - 1 < len(headers):
        xs = [t.x for t in header_row]
        bounds = [left, *((a + b) / 2 for a, b in pairwise(xs)), right]
    columns = _Columns(bounds)
    header = columns.cells(header_row)
    reach = 40 * max(band[1] - band[0], h)  # rows further than this are another table
    above = [
        t
        for t in sheet.texts_between(band[1], band[1] + reach)
        if left < t.x < right and id(t) not in excluded
    ]
    below = [
        t
        for t in sheet.texts_between(band[0] - reach, band[0])
        if left < t.x < right and id(t) not in excluded
    ]
    geometry = _Geometry(sheet, band, left, right, tol, h, reach)
    rows_up = _rows(geometry, above, columns, upward=True)
    rows_down = _rows(geometry, below, columns, upward=False)
    rows = rows_up if len(rows_up) >= len(rows_down) else rows_down
    if kind == "revisions":
        rev_column = next(
            (i for i, c in enumerate(header) if c and revision_field(c) == "revision"), None
        )
        rows = [
            row
            for row in rows
            if rev_column is not None
            and _REVISION_CODE_RE.match(columns.cells(row)[rev_column] or "")
        ]
    if not any(columns.filled(row) >= 2 for row in rows):
        return None
    used = {id(t) for t in header_row}
    table_rows: list[list[str | None]] = []
    sources: list[str] = []
    top, bottom = band[1], band[0]
    for row in rows:
        used |= {id(t) for t in row}
        table_rows.append(columns.cells(row))
        first = min(row, key=lambda t: t.x)
        sources.append(f"TEXT grid in {first.location}")
        top, bottom = max(top, max(t.y for t in row)), min(bottom, min(t.y for t in row))
    keys = [_row_order(r, header) for r in table_rows]
    if kind == "parts list" and all(k is not None for k in keys):
        order = sorted(range(len(table_rows)), key=lambda i: keys[i] or 0.0)
        table_rows = [table_rows[i] for i in order]
        sources = [sources[i] for i in order]
    return Grid(kind, sheet.layout, header, table_rows, sources, (left, top, right, bottom), used)


class _Columns:
    """Column boundaries (x, ascending) of a grid."""

    def __init__(self, bounds: list[float]) -> None:
        self.bounds = bounds
        self.count = len(bounds) - 1

    def index(self, x: float) -> int:
        i = bisect.bisect_right(self.bounds, x) - 1
        return i if 0 <= i < self.count else -1

    def cells(self, row: list[SheetText]) -> list[str | None]:
        out: list[list[str]] = [[] for _ in range(self.count)]
        for t in sorted(row, key=lambda t: (-t.y, t.x)):
            i = self.index(t.x)
            if i >= 0:
                out[i].append(t.text.strip().replace("\n", " "))
        return [" ".join(parts) or None for parts in out]

    def filled(self, row: list[SheetText]) -> int:
        return len({self.index(t.x) for t in row} - {-1})


def _row_order(row: list[str | None], header: list[str | None]) -> float | None:
    """Sort key of a parts-list row by its numeric item, or None."""
    for i, cell in enumerate(header):
        if cell and bom_field(cell) == "item":
            value = row[i] if i < len(row) else None
            try:
                return float(value or "")
            except ValueError:
                return None
    return None


@dataclass
class _Geometry:
    sheet: Sheet
    band: tuple[float, float]
    left: float
    right: float
    tol: float
    h: float
    reach: float


def _rows(
    g: _Geometry, side: list[SheetText], columns: _Columns, *, upward: bool
) -> list[list[SheetText]]:
    """Rows of texts on one side of the header band (see :func:`read_grids`)."""
    if not side:
        return []
    band, tol, h = g.band, g.tol, g.h
    band_height = band[1] - band[0]
    width = g.right - g.left
    candidates = (
        g.sheet.horizontals_between(band[1] - tol, band[1] + g.reach)
        if upward
        else g.sheet.horizontals_between(band[0] - g.reach, band[0] + tol)
    )
    ys = _merge_positions(
        [sy for sy, x0, x1 in candidates if min(x1, g.right) - max(x0, g.left) >= 0.5 * width],
        tol,
    )
    if not upward:
        ys = ys[::-1]
    rows: list[list[SheetText]] = []
    edge = band[1] if upward else band[0]
    if len(ys) >= 2 and abs(ys[0] - edge) <= tol:  # a ruled table: rows between lines
        side_ids = {id(t) for t in side}
        empty = 0
        for a, b in pairwise(ys):
            low, high = min(a, b), max(a, b)
            if high - low > 3 * max(band_height, h):
                break
            row = [t for t in g.sheet.texts_between(low, high) if id(t) in side_ids]
            if not row:
                empty += 1
                if empty > 3:
                    break
                continue
            empty = 0
            rows.append(row)
        return rows
    pitch = max(band_height, 1.5 * h)
    previous = edge
    groups = _row_groups(side)
    for group in groups[::-1] if upward else groups:
        y = group[0].y
        gap = abs(y - previous)
        if gap > 2.5 * pitch or columns.filled(group) < 2:
            break
        if rows:
            pitch = max(pitch, gap) if gap < 2 * pitch else pitch
        rows.append(group)
        previous = y
    return rows


# --------------------------------------------------------------------------------------------
# MTEXT tables and standard-part callouts

_COLUMN_SPLIT_RE = re.compile(r"\t+| {3,}")


def mtext_table(text: SheetText) -> tuple[list[str], list[list[str | None]]] | None:
    """An MTEXT laid out as a table: a header line whose columns (separated by tabs or 3+
    spaces) are parts-list headers naming a part number or description and one more field,
    then one line per row with the same number of columns. Stacked fractions in the raw
    MTEXT (``\\\\S1#4;``) are read as ``1/4``. None when the MTEXT is no such table."""
    lines = [line.rstrip() for line in decode_mtext(text.raw).split("\n")]
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2:
        return None
    for start in range(min(2, len(lines) - 1)):
        cells = [c.strip() for c in _COLUMN_SPLIT_RE.split(lines[start].strip()) if c.strip()]
        fields = [bom_field(c) for c in cells]
        if len(cells) < 2 or None in fields or len(set(fields)) != len(fields):
            continue
        if not {"part_number", "description"} & set(f for f in fields if f):
            continue
        rows: list[list[str | None]] = []
        for line in lines[start + 1 :]:
            parts = [p.strip() for p in _COLUMN_SPLIT_RE.split(line.strip()) if p.strip()]
            if len(parts) != len(cells):
                return None if not rows else (cells, rows)
            rows.append([re.sub(r"\s{2,}", " ", p) for p in parts])
        return (cells, rows) if rows else None
    return None


_COUNT_PREFIX_RE = re.compile(r"^(\d{1,4})\s*-\s*(?=\D)(.+)$")
_STANDARD_RE = re.compile(
    r"^(?:GB/T|GB|JB/T|JB|HG|ZB|YB|QB|SH|DIN|ISO|EN|JIS|ANSI|ASME|ГОСТ|GOST)\s*[-\s]?\d",
    re.IGNORECASE,
)


_WORD_RE = re.compile(r"[^\W\d_]")


def _has_cjk(text: str) -> bool:
    return any(0x3040 <= ord(ch) <= 0x9FFF for ch in text)


def standard_part_callouts(sheet: Sheet, exclude: set[int] | None = None) -> list[BomLine]:
    """Standard-part callouts as Chinese assembly drawings write them next to the part: a
    name with a count prefix (``8-螺栓 M16x130``: quantity 8, description ``螺栓 M16x130``)
    and/or the standard number on the line below or above (``GB30-76``: the part number).
    A name without count needs its standard line; a count-prefixed name without one needs
    Chinese text (``4-HOLES`` is a note, not a part)."""
    exclude = exclude or set()
    texts = [t for t in sheet.texts if id(t) not in exclude and t.kind in ("TEXT", "MTEXT")]
    standards = [t for t in texts if _STANDARD_RE.match(normalize(t.text))]
    taken: set[int] = set()
    lines: list[BomLine] = []
    for t in texts:
        plain = normalize(t.text)
        if "\n" in t.text or _STANDARD_RE.match(plain) or not plain:
            continue
        match = _COUNT_PREFIX_RE.match(plain)
        quantity = float(match.group(1)) if match else None
        description = (match.group(2) if match else plain).strip()
        partner = None
        for s in standards:
            if id(s) in taken:
                continue
            h = max(t.height, s.height)
            near = abs(s.x - t.x) <= 3 * h and 0.5 * h < abs(s.y - t.y) <= 2.5 * h
            if near and (partner is None or abs(s.y - t.y) < abs(partner.y - t.y)):
                partner = s
        if not _WORD_RE.search(description):
            continue  # a bare number or mark
        if partner is None and not (match and _has_cjk(description)):
            continue
        if partner is not None:
            taken.add(id(partner))
        lines.append(
            BomLine(
                part_number=normalize(partner.text) if partner is not None else None,
                description=description,
                quantity=quantity,
                source=f"{t.kind} callout in {t.location}",
            )
        )
    return lines
