"""Benchmark of the PDF extractor against a bare pypdfium2 text load, per corpus file and per
kind of PDF (vector drawings, table-heavy documents, scans).

* bare: ``pypdfium2.PdfDocument(path)`` + ``get_textpage().get_text_range()`` for every
  page, the least any text extraction with this library does;
* ours: ``pybase.extraction.extract(path)`` with default options (text, runs, title block,
  notation, ruled and text-layout tables, OCR of pages without a usable text layer);
* no-tbl/no-OCR: the same with ``tables=False, ocr=False``, to show what pdfplumber's table
  finder and tesseract cost;
* words: our text runs (:func:`pybase.extraction.pdf_words.read_runs`) against pdfplumber's
  ``extract_words`` over all pages, the measurement behind the choice of PDFium for words.

Timings are wall clock in seconds, the best of ``--repeat`` runs (files that need OCR run
once). OCR seconds per page are at the default 300 dpi.

Usage: ``python bench/bench_pdf.py [--repeat 3] [--corpus ../shared/corpus] [--skip-ocr]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from pybase.extraction import ExtractionOptions, extract
from pybase.extraction.pdf_words import read_runs

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))

KINDS = {
    "nist__nist_ftc_06_asme1_rd.pdf": "vector drawing",
    "nist__nist_ftc_10_asme1_rb.pdf": "vector drawing",
    "openamr__MMP.03.00.00.004_Drive_shaft.PDF": "vector drawing",
    "openamr__MMP.04.00.00.001_Center_bracket.PDF": "vector drawing",
    "openamr__TZDSXZ-48-400-kh-EN_reducer_30.pdf": "vector drawing",
    "openamr__ZLLG80ASM250-L_V3.0单出轴.pdf": "vector drawing",
    "nist__nist_ftc_06_asme1_rd_fsi.pdf": "table-heavy",
    "camelot__diesel_engines.pdf": "table-heavy",
    "openamr__ZBLD.C20-485_MODBUS_RTU-English.pdf": "table-heavy",
    "pdfplumber__issue-912.pdf": "table-heavy",
    "ocrmypdf__linn.pdf": "scan",
    "ocrmypdf__cardinal.pdf": "scan",
    "openamr__ZLTECH-Hub-Motor-List.pdf": "garbled (OCR)",
    "openamr__MMP.01.00.00.000_Cover_assembly.PDF": "3D only",
}


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


def our_runs(path: Path) -> int:
    """Our text runs of every page; returns the run count."""
    count = 0
    with pdfium.PdfDocument(path) as doc:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            count += len(read_runs(page, textpage, index + 1))
            textpage.close()
            page.close()
    return count


def plumber_words(path: Path) -> int:
    """pdfplumber's words of every page; returns the word count."""
    count = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            count += len(page.extract_words())
            page.close()
    return count


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
    parser.add_argument("--skip-ocr", action="store_true", help="do not time the OCR files")
    args = parser.parse_args()
    files = sorted(p for p in (args.corpus / "pdf").iterdir() if p.is_file())
    plain = ExtractionOptions(tables=False, ocr=False)

    rows = []
    ocr_pages = 0
    ocr_seconds = 0.0
    for path in files:
        kind = KINDS.get(path.name, "other")
        pages = bare_load(path)  # also warms the OS file cache
        bare = best_of(args.repeat, lambda p=path: bare_load(p))
        needs_ocr = kind in ("scan", "garbled (OCR)")
        if needs_ocr and args.skip_ocr:
            ours = float("nan")
        else:
            result = None

            def run(p: Path = path) -> None:
                nonlocal result
                result = extract(p)

            ours = best_of(1 if needs_ocr else args.repeat, run)
            if result is not None and result.stats["ocr_page_count"]:
                ocr_pages += result.stats["ocr_page_count"]
                ocr_seconds += result.stats["ocr_seconds"]
        ours_plain = best_of(args.repeat, lambda p=path: extract(p, plain))
        runs = best_of(args.repeat, lambda p=path: our_runs(p))
        words = best_of(1, lambda p=path: plumber_words(p))
        rows.append((path.name, kind, pages, bare, ours_plain, ours, runs, words))

    name_w = max(len(r[0]) for r in rows)
    print(
        f"{'file':<{name_w}} {'kind':<15} {'pages':>5} {'bare s':>8} {'no-tbl/OCR s':>12}"
        f" {'ours s':>8} {'ratio':>7} {'runs s':>7} {'plumber words s':>15}"
    )
    for name, kind, pages, bare, plain_s, ours, runs, words in rows:
        print(
            f"{name:<{name_w}} {kind:<15} {pages:>5} {bare:>8.4f} {plain_s:>12.4f}"
            f" {ours:>8.3f} {ours / bare:>7.1f} {runs:>7.4f} {words:>15.3f}"
        )
    print()
    print("pages per second by kind (bare pypdfium2 text / ours without tables+OCR / ours):")
    for kind in ("vector drawing", "table-heavy", "scan", "garbled (OCR)"):
        group = [r for r in rows if r[1] == kind]
        if not group:
            continue
        pages = sum(r[2] for r in group)
        bare, plain_s, ours = (sum(r[i] for r in group) for i in (3, 4, 5))
        print(
            f"  {kind:<15} {pages:>3} pages: bare {pages / bare:8.1f}/s  "
            f"no-tbl/OCR {pages / plain_s:7.1f}/s  ours {pages / ours:7.2f}/s  "
            f"(ours {ours / bare:.0f}x bare)"
        )
    drawing = [r for r in rows if r[1] == "vector drawing"]
    print(
        f"\nwords on the vector drawings: our runs {sum(r[6] for r in drawing):.3f} s, "
        f"pdfplumber extract_words {sum(r[7] for r in drawing):.3f} s"
    )
    if ocr_pages:
        print(
            f"OCR at 300 dpi: {ocr_pages} pages in {ocr_seconds:.1f} s = "
            f"{ocr_seconds / ocr_pages:.2f} s per page (render + orientation + tesseract)"
        )


if __name__ == "__main__":
    main()
