"""Benchmark: our STEP extraction vs OCCT's bare load, for every STEP file of the corpus.

Bare load = ``STEPCAFControl_Reader`` ReadFile + Transfer into a new XCAF document, with the
same reader modes the extractor uses (names, colours, layers). Ours = the public
``pybase.extraction.extract(path)`` (header + Part 21 product scan + OCCT load + tree + mass
properties for every distinct part); "no-mass" = the same with ``mass_properties=False``.
Each timing is the best of ``--repeat`` runs.

Usage: ``python bench/bench_step.py [--repeat N] [CORPUS_DIR]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO.parent / "shared" / "corpus"))


def bare_load(path: Path) -> None:
    """STEPCAFControl_Reader ReadFile + Transfer into an XCAF document."""
    from OCP.IFSelect import IFSelect_ReturnStatus
    from OCP.STEPCAFControl import STEPCAFControl_Reader
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDocStd import TDocStd_Document

    reader = STEPCAFControl_Reader()
    reader.SetNameMode(True)
    reader.SetColorMode(True)
    reader.SetLayerMode(True)
    if reader.ReadFile(str(path)) != IFSelect_ReturnStatus.IFSelect_RetDone:
        raise RuntimeError(f"{path.name}: ReadFile failed")
    doc = TDocStd_Document(TCollection_ExtendedString("MDTV-XCAF"))
    reader.Transfer(doc)


def ours(path: Path) -> None:
    from pybase.extraction import extract

    extract(path)


def ours_without_mass_properties(path: Path) -> None:
    from pybase.extraction import ExtractionOptions, extract

    extract(path, ExtractionOptions(mass_properties=False))


def best_of(func: Callable[[Path], None], path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(path)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in (args.corpus / "step").iterdir() if p.is_file())
    if not files:
        print(f"no STEP files under {args.corpus / 'step'}", file=sys.stderr)
        return 1
    # Warm up: import OCP, initialise OCCT's STEP protocol and our modules once.
    import pybase.extraction.step_xcaf  # noqa: F401  (also quiets OCCT's console messages)

    ours(files[0])
    width = max(len(p.name) for p in files)
    print(
        f"{'file':<{width}} {'KB':>6} {'bare s':>7} {'ours s':>7} {'ratio':>6} "
        f"{'no-mass s':>9} {'ratio':>6}"
    )
    total_bare = total_ours = total_light = 0.0
    for path in files:
        bare = best_of(bare_load, path, args.repeat)
        mine = best_of(ours, path, args.repeat)
        light = best_of(ours_without_mass_properties, path, args.repeat)
        total_bare += bare
        total_ours += mine
        total_light += light
        kb = path.stat().st_size / 1024
        print(
            f"{path.name:<{width}} {kb:>6.0f} {bare:>7.3f} {mine:>7.3f} {mine / bare:>6.2f} "
            f"{light:>9.3f} {light / bare:>6.2f}"
        )
    print(
        f"{'TOTAL':<{width}} {'':>6} {total_bare:>7.3f} {total_ours:>7.3f} "
        f"{total_ours / total_bare:>6.2f} {total_light:>9.3f} {total_light / total_bare:>6.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
