"""``pybase extract --export csv|xlsx``: BOM and dimension tables across all completed files,
each row naming its source file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfgen import canvas

from pybase.cli.export import BOM_COLUMNS, DIMENSION_COLUMNS, export_tables
from tests.cli.test_cli import pybase
from tests.conftest import SAMPLES_DIR

W, H = landscape(A3)


def _drawing(path: Path, number: str, rows: list[list[str]]) -> Path:
    """A sheet with two dimensions, a label|value title block and an unruled parts list."""
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 10)
    c.drawString(100, H - 100, "Ø12 H7")
    c.drawString(100, H - 140, "40 ±0.1")
    for i, (label, value) in enumerate(
        [("PART NO.", number), ("TITLE", "Plate"), ("SCALE", "1:1")]
    ):
        c.drawString(W - 300, 80 - 18 * i, label)
        c.drawString(W - 200, 80 - 18 * i, value)
    for r, row in enumerate([["Item", "Part number", "Description", "Qty"], *rows]):
        for x, text in zip((600, 640, 760, 900), row, strict=True):
            c.drawString(x, H - 500 - 14 * r, text)
    c.showPage()
    c.save()
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cli_export_csv_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _drawing(folder / "a.pdf", "A-100", [["1", "A-100-1", "Plate", "1"]])
    _drawing(folder / "b.pdf", "B-200", [["1", "B-200-1", "Frame", "2"], ["2", "M6", "Screw", "8"]])
    out = tmp_path / "out"
    proc = pybase(tmp_path, "extract", str(folder), "--out", str(out), "--export", "csv", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {Path(r["file"]).name for r in json.loads(proc.stdout)} == {"a.pdf", "b.pdf"}
    bom = _read_csv(out / "bom.csv")
    assert [(r["file"], r["item"], r["part_number"], r["quantity"]) for r in bom] == [
        ("a.pdf", "1", "A-100-1", "1.0"),
        ("b.pdf", "1", "B-200-1", "2.0"),
        ("b.pdf", "2", "M6", "8.0"),
    ]
    assert all(r["result"] in ("a.pdf.json", "b.pdf.json") for r in bom)
    dims = _read_csv(out / "dimensions.csv")
    assert list(dims[0]) == list(DIMENSION_COLUMNS)
    by_text = {(r["file"], r["text"]): r for r in dims}
    fit = by_text[("a.pdf", "Ø12 H7")]
    assert (fit["kind"], fit["fit"], fit["upper_deviation"], fit["unit"]) == (
        "diameter",
        "H7",
        "0.018",
        "mm",
    )
    assert by_text[("b.pdf", "40 ±0.1")]["lower_deviation"] == "-0.1"
    assert "exported" in proc.stderr


def test_cli_export_xlsx_with_a_dxf_and_a_pdf(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out"
    pdf = _drawing(tmp_path / "c.pdf", "C-300", [["1", "C-300-1", "Cover", "4"]])
    proc = pybase(
        tmp_path, "extract", str(pdf), str(SAMPLES_DIR / "bracket.dxf"), "--out", str(out),
        "--export", "xlsx",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    book = openpyxl.load_workbook(out / "export.xlsx")
    assert book.sheetnames == ["BOM", "Dimensions"]
    bom = list(book["BOM"].iter_rows(values_only=True))
    assert bom[0] == BOM_COLUMNS
    assert bom[1][:6] == ("c.pdf", "c.pdf.json", "1", "C-300-1", "Cover", 4.0)
    dims = list(book["Dimensions"].iter_rows(values_only=True))
    files = {row[0] for row in dims[1:]}
    assert {"c.pdf", "bracket.dxf"} <= files  # rows from both formats, named by source


def test_cli_rejects_an_unknown_export_format(tmp_path: Path) -> None:
    proc = pybase(tmp_path, "extract", str(SAMPLES_DIR / "bracket.dxf"), "--export", "ods")
    assert proc.returncode == 2
    assert "--export" in proc.stderr


def test_export_tables_writes_empty_tables_with_headers(tmp_path: Path) -> None:
    results: list[tuple[str, Path, dict[str, Any]]] = [("x.step", tmp_path / "x.step.json", {})]
    written = export_tables(results, tmp_path, "csv")
    assert [p.name for p in written] == ["bom.csv", "dimensions.csv"]
    assert (tmp_path / "bom.csv").read_text("utf-8-sig").strip() == ",".join(BOM_COLUMNS)
