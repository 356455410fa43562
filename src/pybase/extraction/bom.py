"""Parts lists (bills of materials) in one shape: a :class:`~pybase.extraction.result.Table`
whose header names BOM columns -> :class:`~pybase.extraction.result.BomLine` objects.

Format-free (no PDF or DXF library): the PDF extractor gives it ruled tables and tables it
rebuilt from words or OCR, the DXF extractor ACAD_TABLE entities and TEXT grids.

Columns are recognised by header synonyms (:data:`HEADER_SYNONYMS`) in English, German,
French, Russian and Chinese, compared after :func:`normalize_header` (case folded, ``. : # _``
removed, spaces collapsed): ``Pos.``/``Item``/``Поз.``/``序号`` -> item,
``Part No.``/``Sachnummer``/``Обозначение``/``代号`` -> part number,
``Benennung``/``Désignation``/``Наименование``/``名称`` -> description, ``Qty``/``Menge``/
``Кол.``/``数量`` -> quantity, ``Werkstoff``/``Matière``/``Материал``/``材料`` -> material,
plus unit of measure and structure level. A table is a parts list when its header maps to a
quantity column and at least two other fields, or to a part number, a description and an item
or quantity column (a parameter table ``Item|Name|Parameter`` is not one, nor is the label row
``Benennung | Zeichnungsnummer | Werkstoff`` of an ISO 7200 title block).

The header is usually the first row; a title row above it is skipped, and a header in the last
row (parts lists drawn upwards from the title block, ISO 7573 / DIN 6771-2) reads the rows
bottom-up. Hierarchy (``BomLine.parent``): item numbers ``1.2.3`` have parent ``1.2``; a level
column (``Level``/``Ebene``: 1, 2, 3 ...) makes each line the child of the nearest line above
it one level up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pybase.extraction.result import BomLine, Table

__all__ = [
    "HEADER_SYNONYMS",
    "BomField",
    "header_field",
    "map_header",
    "normalize_header",
    "parse_quantity",
    "table_to_bom",
]

BomField = Literal["item", "part_number", "description", "quantity", "unit", "material", "level"]

#: Normalised header text (see :func:`normalize_header`) -> BOM field.
HEADER_SYNONYMS: dict[BomField, tuple[str, ...]] = {
    "item": (
        "item", "item no", "item number", "itm", "pos", "pos no", "position", "posnr", "nr",
        "no", "n°", "№", "find no", "find number", "balloon", "lfd nr", "rep", "repère",
        "поз", "позиция", "поз обозначение", "序号", "序", "件号",
    ),
    "part_number": (
        "part number", "part no", "part nr", "part #", "part", "pn", "p/n", "part id",
        "article number", "article no", "art nr", "artikelnummer", "artikel nr",
        "teilenummer", "teile nr", "teilenr", "sachnummer", "sach nr", "sachnr",
        "zeichnungsnummer", "zeichnungs nr", "zeichn nr", "ident nr", "identnummer",
        "drawing no", "drawing number", "dwg no", "document number", "doc no",
        "référence", "reference", "réf", "numéro de pièce", "n° de pièce",
        "обозначение", "децимальный номер", "代号", "图号", "零件号", "零件代号", "物料编码",
        "物料号", "material no", "material number", "materialnummer", "mat nr",
    ),
    "description": (
        "description", "desc", "name", "part name", "title", "designation", "benennung",
        "bezeichnung", "beschreibung", "désignation", "nom", "libellé",
        "наименование", "название", "名称", "零件名称", "描述", "品名",
    ),
    "quantity": (
        "qty", "quantity", "qty per", "quantity per", "menge", "anzahl", "anz", "stk",
        "stück", "stückzahl", "qté", "quantité", "nombre", "nb", "кол", "количество",
        "колво", "кол во", "数量", "件数", "用量", "pcs", "count", "no off",
    ),
    "material": (
        "material", "materials", "mat", "werkstoff", "matière", "matériau", "материал",
        "材料", "材质",
    ),
    "unit": ("unit", "uom", "u/m", "einheit", "me", "unité", "ед изм", "единица", "单位"),
    "level": ("level", "lvl", "ebene", "stufe", "niveau", "уровень", "层级", "层次"),
}  # fmt: skip

_LOOKUP: dict[str, BomField] = {
    name: field for field, names in HEADER_SYNONYMS.items() for name in names
}

_SPACES = re.compile(r"\s+")
_DROP = re.compile(r"[.:#_*\-]")
_NUMBER = re.compile(r"^\s*(?P<num>[+-]?\d+(?:[.,]\d+)?)\s*(?P<unit>[^\d\s].{0,9})?\s*$")
_DOTTED_ITEM = re.compile(r"^\d+(?:\.\d+)+$")


def normalize_header(text: str | None) -> str:
    """Header text for matching: case folded, ``. : # _ * -`` removed, whitespace (including
    line breaks of wrapped cells) collapsed to one space, trimmed."""
    if not text:
        return ""
    text = _DROP.sub(" ", text.casefold()).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def header_field(text: str | None) -> BomField | None:
    """The BOM field a header cell names (:data:`HEADER_SYNONYMS`), or None. Besides exact
    synonyms, a two-language header (``Pos./Item``, ``Menge Qty``) matches through any of its
    parts."""
    key = normalize_header(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    compact = key.replace(" ", "")
    if compact in _LOOKUP:
        return _LOOKUP[compact]
    for part in re.split(r"[/\n|()]| {1}", key):
        part = part.strip()
        if len(part) >= 2 and part in _LOOKUP and part not in ("no", "nr", "me", "nb"):
            return _LOOKUP[part]
    return None


def map_header(header: Sequence[str | None]) -> dict[int, BomField] | None:
    """Column index -> BOM field for a header row, or None when the row is not a parts-list
    header (rule in the module docstring). The first column naming a field wins."""
    mapping: dict[int, BomField] = {}
    seen: set[BomField] = set()
    for index, cell in enumerate(header):
        field = header_field(cell)
        if field is not None and field not in seen:
            mapping[index] = field
            seen.add(field)
    core = seen - {"unit", "level"}
    if "quantity" in core and len(core) >= 3:
        return mapping
    if {"part_number", "description"} <= core and core & {"item", "quantity"}:
        return mapping
    return None


def parse_quantity(text: str | None) -> tuple[float | None, str | None]:
    """``"4"`` -> (4.0, None); ``"2,5 m"`` -> (2.5, "m"); ``"4 Stk"`` -> (4.0, "Stk");
    ``"A/R"`` or empty -> (None, None). The unit is kept as written."""
    if not text:
        return None, None
    match = _NUMBER.match(text.replace("\n", " "))
    if match is None:
        return None, None
    value = float(match.group("num").replace(",", "."))
    unit = match.group("unit")
    return value, unit.strip() if unit else None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACES.sub(" ", text).strip()
    return text or None


def _find_header(rows: list[list[str | None]]) -> tuple[int, dict[int, BomField]] | None:
    """Index and mapping of the header row: among the first four rows, else the last row."""
    candidates = list(range(min(4, len(rows))))
    if len(rows) > 1:
        candidates.append(len(rows) - 1)
    for index in candidates:
        mapping = map_header(rows[index])
        if mapping is not None:
            return index, mapping
    return None


def table_to_bom(table: Table, source: str | None = None) -> list[BomLine]:
    """The parts-list lines of ``table`` ([] when it is not a parts list).

    Rows after the header (or above it, bottom-up, when the header is the last row) become
    lines; empty rows, repeated header rows and rows with none of item/part number/
    description/quantity are skipped. ``source`` is stored on every line with `` row N``
    appended (N counts the table's rows from 1, header included).
    """
    rows = [list(table.header), *[list(r) for r in table.rows]]
    found = _find_header(rows)
    if found is None:
        return []
    header_index, mapping = found
    if header_index == len(rows) - 1 and header_index > 0:
        body = [(i, rows[i]) for i in range(header_index - 1, -1, -1)]
    else:
        body = [(i, rows[i]) for i in range(header_index + 1, len(rows))]
    lines: list[BomLine] = []
    level_stack: list[tuple[int, str | None]] = []
    for index, row in body:
        if map_header(row) is not None:
            continue  # the header repeated (continued table)
        values: dict[BomField, str | None] = {
            field: _clean(row[col]) if col < len(row) else None for col, field in mapping.items()
        }
        if not any(values.get(f) for f in ("item", "part_number", "description", "quantity")):
            continue
        quantity, unit = parse_quantity(values.get("quantity"))
        item = values.get("item")
        parent = None
        if item and _DOTTED_ITEM.match(item):
            parent = item.rsplit(".", 1)[0]
        level_text = values.get("level")
        if level_text and level_text.isdigit():
            level = int(level_text)
            while level_stack and level_stack[-1][0] >= level:
                level_stack.pop()
            if level_stack and parent is None:
                parent = level_stack[-1][1]
            level_stack.append((level, item or values.get("part_number")))
        lines.append(
            BomLine(
                item=item,
                part_number=values.get("part_number"),
                description=values.get("description"),
                quantity=quantity,
                unit=values.get("unit") or unit,
                material=values.get("material"),
                parent=parent,
                source=f"{source} row {index + 1}" if source else f"row {index + 1}",
            )
        )
    return lines
