"""Benchmark of the PDF extractor against a bare pypdfium2 text load, per corpus file.

Bare load = ``pypdfium2.PdfDocument(path)`` + ``page.get_textpage().get_text_range()`` for every
page: the least any PDF text extraction with this library has to do. "ours" is
``pybase.extraction.extract(path)`` with default options (text + tables); "no tables" is the
same with ``tables=False``, to show what pdfplumber's table finder costs. Each timing is the
best of ``--repeat`` runs (wall clock, seconds).

Usage: ``python bench/bench_pdf.py [--repeat 3] [--corpus ../shared/corpus]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from pybase.extraction import ExtractionOptions, extract

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))


def bare_load(path: Path) -> int:
    """Open with pypdfium2 and read every page's text; returns the page count."""
    with pdfium.PdfDocument(path) as doc:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(doc)


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Smallest wall-clock time of ``repeat`` calls of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    files = sorted(p for p in (args.corpus / "pdf").iterdir() if p.is_file())
    no_tables = ExtractionOptions(tables=False)

    rows = []
    for path in files:
        pages = bare_load(path)  # also warms the OS file cache
        bare = best_of(args.repeat, lambda p=path: bare_load(p))
        ours = best_of(args.repeat, lambda p=path: extract(p))
        ours_nt = best_of(args.repeat, lambda p=path: extract(p, no_tables))
        rows.append((path.name, pages, bare, ours_nt, ours))

    name_w = max(len(r[0]) for r in rows)
    print(f"{'file':<{name_w}} {'pages':>5} {'bare s':>8} {'no-tbl s':>9} {'ours s':>8}"
          f" {'ratio':>7} {'ratio no-tbl':>12}")  # fmt: skip
    for name, pages, bare, ours_nt, ours in rows:
        print(
            f"{name:<{name_w}} {pages:>5} {bare:>8.4f} {ours_nt:>9.4f} {ours:>8.3f}"
            f" {ours / bare:>7.1f} {ours_nt / bare:>12.1f}"
        )
    total_pages = sum(r[1] for r in rows)
    total_bare, total_nt, total_ours = (sum(r[i] for r in rows) for i in (2, 3, 4))
    print(
        f"{'TOTAL':<{name_w}} {total_pages:>5} {total_bare:>8.4f} {total_nt:>9.4f}"
        f" {total_ours:>8.3f} {total_ours / total_bare:>7.1f} {total_nt / total_bare:>12.1f}"
    )
    print()
    print("pages per second over the corpus:")
    for label, seconds in (
        ("bare pypdfium2 text", total_bare),
        ("ours, tables=False", total_nt),
        ("ours, default (tables)", total_ours),
    ):
        print(f"  {label:<24} {total_pages / seconds:>9.1f} pages/s")


if __name__ == "__main__":
    main()
