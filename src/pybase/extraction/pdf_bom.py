"""Parts lists laid out without ruling lines, rebuilt from text runs (vector text or OCR).

pdfplumber's table finder needs ruling; a scanned parts list has none in the text layer, and
some CAD exports draw the list as aligned text only. :func:`word_tables` finds a line whose
cells name parts-list columns (:func:`pybase.extraction.bom.map_header`), takes the header
cells' left edges as column starts, and collects the lines below it (or above it, for a list
drawn upwards from the title block) whose cells fall into those columns, until a line does
not fit or the vertical gap grows beyond :data:`MAX_LINE_GAP_EM` line heights. The result is a
:class:`~pybase.extraction.result.Table` like a ruled one, so it goes through the same
:func:`~pybase.extraction.bom.table_to_bom` mapping.

Coordinates: points from the displayed page's top-left, as everywhere in the PDF reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pybase.extraction.bom import map_header
from pybase.extraction.pdf_words import TextRun
from pybase.extraction.result import Table

__all__ = ["MAX_LINE_GAP_EM", "text_lines", "word_tables"]

#: A parts list ends where the next line is further than this many line heights away.
MAX_LINE_GAP_EM = 2.6
#: Runs on one line closer than this many em belong to one cell (OCR gives single words).
_CELL_GAP_EM = 0.9


def text_lines(runs: Iterable[TextRun]) -> list[list[TextRun]]:
    """Upright runs grouped into lines (centres within half a line height), top to bottom,
    each line sorted left to right."""
    upright = sorted((r for r in runs if r.upright), key=lambda r: (r.center[1], r.x0))
    lines: list[list[TextRun]] = []
    for run in upright:
        if lines:
            last = lines[-1]
            mid = sum(r.center[1] for r in last) / len(last)
            if abs(run.center[1] - mid) <= 0.5 * max(run.size, last[0].size):
                last.append(run)
                continue
        lines.append([run])
    return [sorted(line, key=lambda r: r.x0) for line in lines]


def _cells(line: Sequence[TextRun]) -> list[tuple[float, float, str]]:
    """(x0, x1, text) cells of a line: runs closer than _CELL_GAP_EM joined with a space."""
    cells: list[tuple[float, float, str]] = []
    for run in line:
        if cells and run.x0 - cells[-1][1] <= _CELL_GAP_EM * run.size:
            x0, _, text = cells[-1]
            cells[-1] = (x0, run.x1, f"{text} {run.text}")
        else:
            cells.append((run.x0, run.x1, run.text))
    return cells


def _inside(run: TextRun, box: tuple[float, float, float, float]) -> bool:
    x, y = run.center
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _assign(
    cells: list[tuple[float, float, str]], starts: list[float], em: float
) -> list[str | None] | None:
    """Cells of one line placed into the header's columns, or None when a cell starts left
    of the first column or two cells fall into one column (not a row of this list)."""
    row: list[str | None] = [None] * len(starts)
    for x0, _x1, text in cells:
        column = None
        for index, start in enumerate(starts):
            if x0 >= start - 1.5 * em:
                column = index
        if column is None:
            return None
        if row[column] is not None:
            row[column] = f"{row[column]} {text}"
        else:
            row[column] = text
    return row


def word_tables(
    runs: Sequence[TextRun],
    page: int,
    *,
    exclude: Iterable[tuple[float, float, float, float]] = (),
) -> list[Table]:
    """Parts lists rebuilt from the page's runs (see the module docstring); header lines
    inside ``exclude`` boxes (tables already found with ruling) are skipped. Each table's
    ``bbox`` covers its header and rows; ``header`` is the header line's cells in column
    order."""
    boxes = list(exclude)
    lines = text_lines(runs)
    tables: list[Table] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        if index in used or any(_inside(r, box) for r in line for box in boxes):
            continue
        cells = _cells(line)
        header = [text for _, _, text in cells]
        if len(cells) < 3 or map_header(header) is None:
            continue
        em = max(r.size for r in line)
        starts = [x0 for x0, _, _ in cells]
        rows: list[list[str | None]] = []
        members = [index]
        for direction in (1, -1):
            previous = line
            cursor = index + direction
            while 0 <= cursor < len(lines) and cursor not in used:
                candidate = lines[cursor]
                gap = abs(candidate[0].center[1] - previous[0].center[1])
                if gap > MAX_LINE_GAP_EM * em:
                    break
                row = _assign(_cells(candidate), starts, em)
                if row is None:
                    break
                rows.append(row)
                members.append(cursor)
                previous = candidate
                cursor += direction
            if rows:
                break  # rows below the header: do not look above as well
        if not rows:
            continue
        used.update(members)
        member_runs = [r for i in members for r in lines[i]]
        bbox = (
            round(min(r.x0 for r in member_runs), 2),
            round(min(r.top for r in member_runs), 2),
            round(max(r.x1 for r in member_runs), 2),
            round(max(r.bottom for r in member_runs), 2),
        )
        tables.append(Table(page=page, bbox=bbox, header=list(header), rows=rows))
    return tables
