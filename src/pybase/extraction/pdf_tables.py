"""Ruled-table finding for the PDF extractor, done by pdfplumber's table finder.

pdfplumber (on pdfminer.six) re-parses each page's content stream in pure Python, so it is the
slow half of PDF extraction; the PDF extractor therefore opens this finder only when
``ExtractionOptions.tables`` is set, calls it only for pages that have both text and vector
paths, and skips pages whose vector content is too heavy (``pdf.TABLE_MAX_CONTENT_WEIGHT``).

The finder uses pdfplumber's default "lines" strategy: cell borders come from line objects and
from the edges of rectangles, so grids drawn as thin filled rects (Excel/PDFMaker exports,
classification-society rule books) are found as well as stroked grids. Tables laid out with
whitespace only (no ruling) are not found by this strategy.

Merged and spanning cells: pdfplumber gives a merged cell's text only at its top-left grid
position and None at the positions it covers; :func:`fill_spans` copies the merged cell's
text into every grid position it covers, so a material that spans two parts-list rows, or a
group header that spans three columns, is on each row and column it belongs to.

Coordinates are PDF points (1/72 inch) in the page's displayed frame (after /Rotate), measured
from the top-left corner, as pdfplumber reports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pybase.extraction.result import Issue, Table

__all__ = ["FRAME_SPAN", "PdfTableFinder", "fill_spans"]

#: A "cell" covering at least this many grid columns and rows is a frame (sheet border, view
#: outline), not a merged cell (see :func:`_without_frames`).
FRAME_SPAN = 3


class PdfTableFinder:
    """Finds ruled tables page by page in one PDF file; pdfplumber opens it on first use.

    Every pdfplumber/pdfminer failure is turned into an :class:`Issue` (the table finder is a
    best-effort layer on top of the pdfium read, so it never fails the file):

    * ``tables_unavailable`` (warning, once per file): pdfplumber is not installed or cannot
      open a file that pdfium could read (e.g. a damaged file pdfium repaired).
    * ``table_extraction_failed`` (warning, per page): the finder raised on that page.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: Any = None
        self._pages: list[Any] = []
        self._unavailable = False

    def __enter__(self) -> PdfTableFinder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pdfplumber's file handle and caches."""
        if self._pdf is not None:
            try:
                self._pdf.close()
            finally:
                self._pdf = None

    def _open(self) -> Issue | None:
        try:
            import pdfplumber
        except ImportError:
            self._unavailable = True
            return Issue(
                code="tables_unavailable",
                message="pdfplumber is not installed: tables were not searched for",
            )
        try:
            self._pdf = pdfplumber.open(self._path)
            self._pages = self._pdf.pages  # walks the page tree once
        except Exception as exc:  # pdfminer raises many types on damaged files
            self.close()
            self._unavailable = True
            return Issue(
                code="tables_unavailable",
                message=f"pdfplumber could not open the file, tables were not searched for: "
                f"{type(exc).__name__}: {exc}",
            )
        return None

    def find(self, index: int) -> tuple[list[Table], list[Issue]]:
        """Tables on the page at 0-based ``index``, and the issues met looking for them.

        Each :class:`Table` has ``page`` (1-based), ``bbox`` (x0, top, x1, bottom in points
        from the top-left of the displayed page), ``header`` (the first row) and ``rows`` (the
        other rows); a cell is its text with surrounding whitespace removed (multi-line cells
        keep their ``\\n``), or None when it is empty; a grid position covered by a merged cell
        holds the merged cell's text (:func:`fill_spans`). Tables whose cells are all empty
        (frames and borders of drawings) are left out.
        """
        if self._unavailable:
            return [], []
        if self._pdf is None:
            issue = self._open()
            if issue is not None:
                return [], [issue]
        number = index + 1
        page = None
        try:
            page = self._pages[index]
            tables = []
            for found in _without_frames(page, page.find_tables()):
                rows = fill_spans(found.extract(), found.cells)
                table = _to_table(rows, found.bbox, number)
                if table is not None:
                    tables.append(table)
        except Exception as exc:  # one bad page must not fail the file
            return [], [
                Issue(
                    code="table_extraction_failed",
                    message=f"table finder failed on this page: {type(exc).__name__}: {exc}",
                    location=f"page {number}",
                )
            ]
        finally:
            if page is not None:
                page.close()  # drop the page's parsed objects: keeps memory flat
        return tables, []


def _grid_span(
    cell: tuple[float, float, float, float], xs: list[float], tops: list[float]
) -> tuple[int, int]:
    """(columns, rows) of the table grid that ``cell`` covers."""
    x0, top, x1, bottom = cell
    return (
        sum(1 for x in xs if x0 <= x < x1 - 0.01),
        sum(1 for t in tops if top <= t < bottom - 0.01),
    )


def _without_frames(page: Any, found: list[Any]) -> list[Any]:
    """pdfplumber tables with frame cells taken out.

    A drawing's border, the outline of a view, or a box around the title block is a closed
    rectangle too, so the table finder makes it a "cell" that holds the whole drawing. A cell
    that covers at least :data:`FRAME_SPAN` grid columns *and* as many rows is such a frame,
    not a merged cell: it is dropped, and the cells left are grouped into tables again (the
    title block grid and a parts list inside a sheet border come out as tables of their own).
    """
    from pdfplumber.table import Table as PlumberTable
    from pdfplumber.table import cells_to_tables

    result: list[Any] = []
    for table in found:
        cells = list(table.cells)
        xs = sorted({c[0] for c in cells})
        tops = sorted({c[1] for c in cells})
        keep = [c for c in cells if min(_grid_span(c, xs, tops)) < FRAME_SPAN]
        if len(keep) == len(cells):
            result.append(table)
            continue
        result.extend(
            PlumberTable(page, group) for group in cells_to_tables(keep) if len(group) >= 2
        )
    return result


def fill_spans(
    rows: list[list[str | None]], cells: list[tuple[float, float, float, float]]
) -> list[list[str | None]]:
    """Fill the grid positions a merged cell covers with its text.

    ``rows`` is pdfplumber's ``Table.extract()`` (None where no cell starts at a grid
    position), ``cells`` its ``Table.cells`` boxes (x0, top, x1, bottom). The grid is the one
    pdfplumber builds: one column per distinct cell x0, one row per distinct cell top. A None
    position whose centre lies inside a cell that starts elsewhere gets that cell's text; a
    position no cell covers stays None. Returns a new list.
    """
    if not cells or not rows:
        return [list(row) for row in rows]
    xs = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    right = max(c[2] for c in cells)
    bottom = max(c[3] for c in cells)
    x_edges = [*xs, right]
    y_edges = [*tops, bottom]
    col_of = {x: i for i, x in enumerate(xs)}
    row_of = {t: i for i, t in enumerate(tops)}
    filled = [list(row) for row in rows]
    for r, row in enumerate(filled):
        if r >= len(tops):
            break
        cy = (y_edges[r] + y_edges[r + 1]) / 2
        for c, value in enumerate(row):
            if value is not None or c >= len(xs):
                continue
            cx = (x_edges[c] + x_edges[c + 1]) / 2
            for x0, top, x1, bot in cells:
                if x0 <= cx < x1 and top <= cy < bot:
                    r0, c0 = row_of[top], col_of[x0]
                    if (r0, c0) != (r, c) and r0 < len(rows) and c0 < len(rows[r0]):
                        row[c] = rows[r0][c0]
                    break
    return filled


def _clean_cell(cell: object) -> str | None:
    if cell is None:
        return None
    text = str(cell).strip()
    return text or None


def _to_table(
    raw_rows: Sequence[Sequence[object]], bbox: tuple[float, float, float, float], number: int
) -> Table | None:
    rows = [[_clean_cell(cell) for cell in row] for row in raw_rows]
    if not rows or all(cell is None for row in rows for cell in row):
        return None
    x0, top, x1, bottom = (round(float(v), 2) for v in bbox)
    return Table(page=number, bbox=(x0, top, x1, bottom), header=rows[0], rows=rows[1:])
