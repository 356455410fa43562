"""Parts-list tables -> BomLine: header synonyms in five languages, quantities, hierarchy,
header positions, and tables that are not parts lists."""

from __future__ import annotations

import pytest

from pybase.extraction.bom import header_field, map_header, parse_quantity, table_to_bom
from pybase.extraction.result import Table


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Item", "item"), ("Pos.", "item"), ("Position", "item"), ("Nr.", "item"),
        ("Поз.", "item"), ("序号", "item"), ("No.", "item"),
        ("Part number", "part_number"), ("Part No.", "part_number"),
        ("Teilenummer", "part_number"), ("Sachnummer", "part_number"),
        ("Обозначение", "part_number"), ("代号", "part_number"), ("图号", "part_number"),
        ("Material No.", "part_number"),
        ("Description", "description"), ("Benennung", "description"),
        ("Bezeichnung", "description"), ("Désignation", "description"),
        ("Наименование", "description"), ("名称", "description"),
        ("Qty", "quantity"), ("Quantity", "quantity"), ("Menge", "quantity"),
        ("Anzahl", "quantity"), ("Stk", "quantity"), ("Qté", "quantity"), ("Кол.", "quantity"),
        ("数量", "quantity"),
        ("Material", "material"), ("Werkstoff", "material"), ("Matière", "material"),
        ("Материал", "material"), ("材料", "material"),
        ("Unit", "unit"), ("Level", "level"),
        ("Part\nnumber", "part_number"), ("Pos./Item", "item"), ("Menge Qty", "quantity"),
        ("Remarks", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_header_synonyms(header: str | None, field: str | None) -> None:
    assert header_field(header) == field


def test_parameter_and_title_block_rows_are_not_parts_list_headers() -> None:
    assert map_header(["Item", "Name", "Parameter"]) is None
    assert map_header(["Benennung", "Zeichnungsnummer", "Werkstoff"]) is None
    assert map_header(["Item", "Qty", "Material"]) == {0: "item", 1: "quantity", 2: "material"}
    assert map_header(["Pos", "Teilenummer", "Benennung"]) is not None


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("4", 4.0, None), ("2,5 m", 2.5, "m"), ("4 Stk", 4.0, "Stk"), ("1 pc", 1.0, "pc"),
     ("A/R", None, None), ("", None, None), (None, None, None), ("0.25kg", 0.25, "kg")],
)  # fmt: skip
def test_parse_quantity(text: str | None, value: float | None, unit: str | None) -> None:
    assert parse_quantity(text) == (value, unit)


def test_table_with_title_row_repeated_header_and_blank_rows() -> None:
    table = Table(
        page=2,
        header=["Stückliste", "Stückliste", "Stückliste", "Stückliste"],
        rows=[
            ["Pos.", "Sachnummer", "Benennung", "Menge"],
            ["1", "4711-01", "Grundplatte", "1"],
            [None, None, None, None],
            ["Pos.", "Sachnummer", "Benennung", "Menge"],
            ["2", "DIN 912 M6x20", "Zylinderschraube", "8 Stk"],
        ],
    )
    lines = table_to_bom(table, source="page 2 table 1")
    assert [(b.item, b.part_number, b.description, b.quantity, b.unit) for b in lines] == [
        ("1", "4711-01", "Grundplatte", 1.0, None),
        ("2", "DIN 912 M6x20", "Zylinderschraube", 8.0, "Stk"),
    ]
    assert [b.source for b in lines] == ["page 2 table 1 row 3", "page 2 table 1 row 6"]


def test_header_in_the_last_row_reads_bottom_up() -> None:
    """ISO 7573 / DIN 6771-2: the parts list grows upwards from the title block."""
    table = Table(
        header=["2", "Cover", "2", "PA6"],
        rows=[["1", "Housing", "1", "AlSi10Mg"], ["Pos.", "Benennung", "Menge", "Werkstoff"]],
    )
    lines = table_to_bom(table)
    assert [(b.item, b.description, b.quantity, b.material) for b in lines] == [
        ("1", "Housing", 1.0, "AlSi10Mg"),
        ("2", "Cover", 2.0, "PA6"),
    ]


def test_hierarchy_from_item_numbers_and_levels() -> None:
    dotted = Table(
        header=["Item", "Description", "Qty"],
        rows=[["1", "Gearbox", "1"], ["1.1", "Shaft", "2"], ["1.1.1", "Key", "2"]],
    )
    assert [(b.item, b.parent) for b in table_to_bom(dotted)] == [
        ("1", None),
        ("1.1", "1"),
        ("1.1.1", "1.1"),
    ]
    levels = Table(
        header=["Level", "Part number", "Description", "Qty"],
        rows=[
            ["1", "GB-1", "Gearbox", "1"],
            ["2", "SH-1", "Shaft", "2"],
            ["3", "KY-1", "Key", "2"],
            ["2", "HS-1", "Housing", "1"],
        ],
    )
    assert [(b.part_number, b.parent) for b in table_to_bom(levels)] == [
        ("GB-1", None),
        ("SH-1", "GB-1"),
        ("KY-1", "SH-1"),
        ("HS-1", "GB-1"),
    ]


def test_not_a_parts_list_gives_no_lines() -> None:
    table = Table(header=["Framedata", "Datalength"], rows=[["address", "1 Byte"]])
    assert table_to_bom(table) == []
