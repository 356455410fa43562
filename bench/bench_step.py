"""Benchmark: our STEP extraction vs OCCT's bare load, for every STEP file of the corpus.

Bare load = ``STEPCAFControl_Reader`` ReadFile + Transfer into a new XCAF document, with the
same reader modes the extractor uses (names, colours, layers). Ours = the public
``pybase.extraction.extract(path)`` (header + Part 21 scan + OCCT load in a forked child + tree
with placements + mass properties for every distinct part + materials, validation properties
and semantic PMI from the Part 21 entities); "no-mass" = the same with
``mass_properties=False``. Each timing is the best of ``--repeat`` runs. The table also shows
what was found: semantic PMI items (tolerances + dimensions + datums) and validation
properties checked.

Peak memory: for the largest STEP file, a fresh Python process runs one extraction and reports
its VmHWM (peak resident set, /proc/self/status) and the peak RSS of the forked OCCT child
(``getrusage(RUSAGE_CHILDREN)``), next to a fresh process that only does the bare load.

Usage: ``python bench/bench_step.py [--repeat N] [CORPUS_DIR]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
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


def found(path: Path) -> tuple[int, int]:
    """(semantic PMI items, validation properties checked) of one extraction."""
    from pybase.extraction import extract

    result = extract(path)
    checked = result.stats.get("validation_properties", {}).get("checked", 0)
    return len(result.gdt) + len(result.dimensions) + len(result.datums), checked


_MEMORY_PROBE = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {bench!r})
import bench_step
path = Path({path!r})
if {mode!r} == "ours":
    from pybase.extraction import extract
    extract(path)
elif {mode!r} == "bare":
    bench_step.bare_load(path)
else:
    import pybase.extraction.step_xcaf
status = Path("/proc/self/status").read_text()
hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(hwm, child)
"""


def peak_memory(path: Path, mode: str) -> tuple[int, int]:
    """(VmHWM of a fresh process, peak RSS of its children) in KiB, for one extraction
    (``mode`` 'ours'), one bare load ('bare') or only importing OCP ('import')."""
    code = _MEMORY_PROBE.format(bench=str(Path(__file__).parent), path=str(path), mode=mode)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]), int(out[1])


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
        f"{'no-mass s':>9} {'ratio':>6} {'PMI':>4} {'valid':>5}"
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
        pmi, valid = found(path)
        print(
            f"{path.name:<{width}} {kb:>6.0f} {bare:>7.3f} {mine:>7.3f} {mine / bare:>6.2f} "
            f"{light:>9.3f} {light / bare:>6.2f} {pmi:>4} {valid:>5}"
        )
    print(
        f"{'TOTAL':<{width}} {'':>6} {total_bare:>7.3f} {total_ours:>7.3f} "
        f"{total_ours / total_bare:>6.2f} {total_light:>9.3f} {total_light / total_bare:>6.2f}"
    )
    largest = max(files, key=lambda p: p.stat().st_size)
    import_hwm, _ = peak_memory(largest, "import")
    bare_hwm, _ = peak_memory(largest, "bare")
    ours_hwm, child_rss = peak_memory(largest, "ours")
    print(
        f"\npeak memory, fresh process, {largest.name} "
        f"({largest.stat().st_size / 1e6:.1f} MB):\n"
        f"  importing OCP only:              VmHWM {import_hwm / 1024:.0f} MiB\n"
        f"  bare load (ReadFile + Transfer): VmHWM {bare_hwm / 1024:.0f} MiB\n"
        f"  ours: VmHWM {ours_hwm / 1024:.0f} MiB (parent), forked OCCT child peak RSS "
        f"{child_rss / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
