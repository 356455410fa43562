"""Ruled-table finding for the PDF extractor, done by pdfplumber's table finder.

pdfplumber (on pdfminer.six) re-parses each page's content stream in pure Python, so it is the
slow half of PDF extraction; the PDF extractor therefore opens this finder only when
``ExtractionOptions.tables`` is set, calls it only for pages that have both text and vector
paths, and skips pages whose vector content is too heavy (``pdf.TABLE_MAX_CONTENT_WEIGHT``).

The finder uses pdfplumber's default "lines" strategy: cell borders come from line objects and
from the edges of rectangles, so grids drawn as thin filled rects (Excel/PDFMaker exports,
classification-society rule books) are found as well as stroked grids. Tables laid out with
whitespace only (no ruling) are not found by this strategy.

Coordinates are PDF points (1/72 inch) in the page's displayed frame (after /Rotate), measured
from the top-left corner, as pdfplumber reports them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pybase.extraction.result import Issue, Table

__all__ = ["PdfTableFinder"]


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
        keep their ``\\n``), or None when it is empty or covered by a merged cell. Tables whose
        cells are all empty (frames and borders of drawings) are left out.
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
            tables = [
                table
                for found in page.find_tables()
                if (table := _to_table(found.extract(), found.bbox, number)) is not None
            ]
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


def _clean_cell(cell: object) -> str | None:
    if cell is None:
        return None
    text = str(cell).strip()
    return text or None


def _to_table(
    raw_rows: list[list[object]], bbox: tuple[float, float, float, float], number: int
) -> Table | None:
    rows = [[_clean_cell(cell) for cell in row] for row in raw_rows]
    if not rows or all(cell is None for row in rows for cell in row):
        return None
    x0, top, x1, bottom = (round(float(v), 2) for v in bbox)
    return Table(page=number, bbox=(x0, top, x1, bottom), header=rows[0], rows=rows[1:])
