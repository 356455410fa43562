"""``pybase extract --export csv|xlsx``: the parts lists and dimensions of every completed file
as two flat tables, next to the JSON results.

* ``csv``: ``bom.csv`` and ``dimensions.csv`` (UTF-8 with a byte-order mark, so that
  spreadsheet programs read the Ø and ± right; comma separated, RFC 4180 quoting);
* ``xlsx``: one workbook ``export.xlsx`` with the sheets ``BOM`` and ``Dimensions`` (needs
  openpyxl: ``pip install pybase-extract[export]``).

Each row starts with ``file`` (the input file's name) and ``result`` (the JSON result file
it came from), so lines from different drawings can be told apart. Lengths keep the unit
column of their source; nothing is converted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pybase.errors import DependencyMissingError

__all__ = ["BOM_COLUMNS", "DIMENSION_COLUMNS", "EXPORT_FORMATS", "check_export", "export_tables"]

EXPORT_FORMATS = ("csv", "xlsx")

BOM_COLUMNS = (
    "file", "result", "item", "part_number", "description", "quantity", "unit", "material",
    "parent", "source",
)  # fmt: skip
DIMENSION_COLUMNS = (
    "file", "result", "page", "layout", "kind", "text", "nominal", "unit", "upper_deviation",
    "lower_deviation", "upper_limit", "lower_limit", "tolerance", "fit", "measured", "x", "y",
    "handle",
)  # fmt: skip


def check_export(fmt: str) -> None:
    """Fail early (before any job runs) when ``fmt`` cannot be written.

    Raises:
        ValueError: ``fmt`` is not csv or xlsx.
        DependencyMissingError: ``xlsx`` without openpyxl installed.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"--export must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            raise DependencyMissingError(
                "--export xlsx needs openpyxl (pip install 'pybase-extract[export]')"
            ) from exc


def _bom_rows(name: str, result_file: str, payload: dict[str, Any]) -> Iterable[list[Any]]:
    for line in payload.get("bom") or []:
        yield [name, result_file, *(line.get(c) for c in BOM_COLUMNS[2:])]


def _dimension_rows(name: str, result_file: str, payload: dict[str, Any]) -> Iterable[list[Any]]:
    for dim in payload.get("dimensions") or []:
        parsed = dim.get("parsed") or {}
        tolerance = parsed.get("tolerance") or {}
        fit = parsed.get("fit") or {}
        position = dim.get("position") or [None, None]
        yield [
            name,
            result_file,
            dim.get("page"),
            dim.get("layout"),
            dim.get("kind"),
            dim.get("text"),
            parsed.get("nominal"),
            dim.get("unit") or parsed.get("unit"),
            dim.get("upper_deviation"),
            dim.get("lower_deviation"),
            parsed.get("upper_limit"),
            parsed.get("lower_limit"),
            tolerance.get("source") or tolerance.get("kind"),
            fit.get("designation"),
            dim.get("measured"),
            position[0] if len(position) > 0 else None,
            position[1] if len(position) > 1 else None,
            dim.get("handle"),
        ]


def export_tables(
    results: Sequence[tuple[str, Path, dict[str, Any]]], out: Path, fmt: str
) -> list[Path]:
    """Write the BOM and dimension tables of ``results`` (input file name, JSON result path,
    result dict) into ``out`` as ``fmt``; returns the files written.

    Raises:
        ValueError / DependencyMissingError: see :func:`check_export`.
    """
    check_export(fmt)
    bom: list[list[Any]] = []
    dimensions: list[list[Any]] = []
    for name, result_path, payload in results:
        bom.extend(_bom_rows(name, result_path.name, payload))
        dimensions.extend(_dimension_rows(name, result_path.name, payload))
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        written = []
        for filename, columns, rows in (
            ("bom.csv", BOM_COLUMNS, bom),
            ("dimensions.csv", DIMENSION_COLUMNS, dimensions),
        ):
            target = out / filename
            with target.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(columns)
                writer.writerows(["" if v is None else v for v in row] for row in rows)
            written.append(target)
        return written
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    for title, columns, rows in (
        ("BOM", BOM_COLUMNS, bom),
        ("Dimensions", DIMENSION_COLUMNS, dimensions),
    ):
        if title != "BOM":
            sheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    target = out / "export.xlsx"
    workbook.save(target)
    return [target]
