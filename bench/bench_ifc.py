"""Benchmark of the IFC extractor against a bare IfcOpenShell load, per corpus file.

Bare load = ``ifcopenshell.open(path)``: parsing the STEP physical file (or unzipping an
IFCZIP and parsing it), the least any IFC reading with this library has to do. "ours" is
``pybase.extraction.extract(path)`` with default options (property and quantity sets read);
"no-props" is the same with ``properties=False``. Each timing is the best of ``--repeat``
runs (wall clock, seconds).

Peak memory: IfcOpenShell keeps the model in its C++ heap, which ``tracemalloc`` does not
see, so each measurement runs in a fresh subprocess and reports its peak resident set size
(MiB; VmHWM on Linux, else ``ru_maxrss``) after (a) importing only, (b) the bare load,
(c) our extraction including the JSON dump. Measured for
the largest corpus file, or every file with ``--memory-all``.

Synthetic large model (``--synthetic N``, default 20000, 0 to skip): an IFC4 file written
with ifcopenshell (cached in the temp directory) holding N IfcWall occurrences of one
IfcWallType (type Pset_WallCommon inherited by all), each with its own Pset_WallCommon
override, a Qto_WallBaseQuantities (Length/NetSideArea/NetVolume) and the type's
IfcMaterialLayerSet, contained in one of 10 storeys. Reported: bare load and extraction time
(one run each) and peak RSS of bare load / ours incl. JSON, in fresh processes as above.

Usage: ``python bench/bench_ifc.py [--repeat 3] [--corpus ../shared/corpus] [--memory-all]
[--synthetic 20000]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import ifcopenshell

from pybase.extraction import ExtractionOptions, extract

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))

#: Runs in a child process: do one thing, then print the peak RSS in KiB. On Linux this is
#: VmHWM from /proc/self/status: getrusage's ru_maxrss is preserved across execve(2), so a
#: child started by a big parent would report the parent's peak.
_CHILD = """
import resource, sys
from pathlib import Path
import ifcopenshell
from pybase.extraction import extract
mode, path = sys.argv[1], Path(sys.argv[2])
if mode == "bare":
    ifcopenshell.open(str(path))
elif mode == "ours":
    extract(path).model_dump_json()
try:
    with open("/proc/self/status") as fh:
        print(next(line.split()[1] for line in fh if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bare_load(path: Path) -> int:
    """``ifcopenshell.open(path)``; returns the number of IfcProduct instances."""
    return len(ifcopenshell.open(str(path)).by_type("IfcProduct"))


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Smallest wall-clock time of ``repeat`` calls of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mib(mode: str, path: Path) -> float:
    """Peak resident set size (MiB) of a fresh interpreter that runs ``mode`` on ``path``."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.split()[-1]) / 1024


def synthetic_model(walls: int) -> Path:
    """Write (once; cached in the temp directory) the synthetic model with ``walls`` walls
    described in the module docstring; returns its path. Entities are created directly
    (ifcopenshell.api per wall would take minutes for 20000 walls)."""
    import ifcopenshell.api
    import ifcopenshell.guid

    path = Path(tempfile.gettempdir()) / f"pybase-bench-ifc-{walls}-walls.ifc"
    if path.is_file():
        return path
    run = ifcopenshell.api.run
    f = run("project.create_file", version="IFC4")
    project = run("root.create_entity", f, ifc_class="IfcProject", name="Synthetic")
    run("unit.assign_unit", f, length={"is_metric": True, "raw": "MILLIMETERS"})
    building = run("root.create_entity", f, ifc_class="IfcBuilding", name="B")
    run("aggregate.assign_object", f, products=[building], relating_object=project)
    storeys = []
    for level in range(10):
        storey = run("root.create_entity", f, ifc_class="IfcBuildingStorey", name=f"L{level}")
        storey.Elevation = 3000.0 * level
        storeys.append(storey)
    run("aggregate.assign_object", f, products=storeys, relating_object=building)
    wall_type = run("root.create_entity", f, ifc_class="IfcWallType", name="WT")
    type_pset = run("pset.add_pset", f, product=wall_type, name="Pset_WallCommon")
    run("pset.edit_pset", f, pset=type_pset, properties={"FireRating": "EI60", "IsExternal": True})
    layer_set = f.createIfcMaterialLayerSet(
        [
            f.createIfcMaterialLayer(f.createIfcMaterial(name), thickness)
            for name, thickness in (("Brick", 100.0), ("Insulation", 80.0), ("Block", 150.0))
        ],
        "WT layers",
    )
    f.createIfcRelAssociatesMaterial(
        ifcopenshell.guid.new(), None, None, None, [wall_type], layer_set
    )
    per_storey: list[list[object]] = [[] for _ in storeys]
    occurrences = []
    for i in range(walls):
        wall = f.createIfcWall(ifcopenshell.guid.new(), None, f"W{i}")
        occurrences.append(wall)
        per_storey[i % len(storeys)].append(wall)
        pset = f.createIfcPropertySet(
            ifcopenshell.guid.new(),
            None,
            "Pset_WallCommon",
            None,
            [
                f.createIfcPropertySingleValue("IsExternal", None, f.createIfcBoolean(i % 2 == 0)),
                f.createIfcPropertySingleValue("Reference", None, f.createIfcIdentifier(f"R{i}")),
            ],
        )
        qto = f.createIfcElementQuantity(
            ifcopenshell.guid.new(),
            None,
            "Qto_WallBaseQuantities",
            None,
            None,
            [
                f.createIfcQuantityLength("Length", None, None, 4000.0 + i % 7),
                f.createIfcQuantityArea("NetSideArea", None, None, 12.0),
                f.createIfcQuantityVolume("NetVolume", None, None, 3.96),
            ],
        )
        for definition in (pset, qto):
            f.createIfcRelDefinesByProperties(
                ifcopenshell.guid.new(), None, None, None, [wall], definition
            )
    f.createIfcRelDefinesByType(ifcopenshell.guid.new(), None, None, None, occurrences, wall_type)
    for storey, contained in zip(storeys, per_storey, strict=True):
        f.createIfcRelContainedInSpatialStructure(
            ifcopenshell.guid.new(), None, None, None, contained, storey
        )
    f.write(str(path))
    return path


def synthetic_report(walls: int) -> None:
    """Time and peak RSS of bare load and our extraction on the synthetic model."""
    start = time.perf_counter()
    path = synthetic_model(walls)
    made = time.perf_counter() - start
    print()
    print(
        f"synthetic model: {walls} IfcWall with psets/qsets/materials, "
        f"{path.stat().st_size / 1e6:.1f} MB ({made:.1f} s to write or find it)"
    )
    bare = best_of(1, lambda: bare_load(path))
    ours = best_of(1, lambda: extract(path))
    base = peak_rss_mib("imports", path)
    bare_rss = peak_rss_mib("bare", path)
    ours_rss = peak_rss_mib("ours", path)
    print(f"  time: bare load {bare:.2f} s, ours {ours:.2f} s, ratio {ours / bare:.1f}")
    print(
        f"  peak RSS (MiB): imports {base:.0f}, bare load {bare_rss:.0f} "
        f"(+{bare_rss - base:.0f}), ours incl. JSON {ours_rss:.0f} (+{ours_rss - base:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--memory-all", action="store_true", help="peak RSS for every file")
    parser.add_argument(
        "--synthetic", type=int, default=20000, help="walls in the synthetic model (0: skip)"
    )
    args = parser.parse_args()
    files = sorted(
        p for p in (args.corpus / "ifc").iterdir() if p.suffix.lower() in (".ifc", ".ifczip")
    )
    no_props = ExtractionOptions(properties=False)

    rows = []
    for path in files:
        products = bare_load(path)  # also warms the OS file cache
        bare = best_of(args.repeat, partial(bare_load, path))
        ours = best_of(args.repeat, partial(extract, path))
        ours_np = best_of(args.repeat, partial(extract, path, no_props))
        rows.append((path.name, path.stat().st_size / 1024, products, bare, ours_np, ours))

    name_w = max(len(r[0]) for r in rows)
    print(
        f"{'file':<{name_w}} {'KiB':>7} {'products':>8} {'bare s':>8} {'no-props s':>10}"
        f" {'ours s':>8} {'ratio':>6} {'ratio no-props':>14}"
    )
    for name, kib, products, bare, ours_np, ours in rows:
        print(
            f"{name:<{name_w}} {kib:>7.0f} {products:>8} {bare:>8.4f} {ours_np:>10.4f}"
            f" {ours:>8.4f} {ours / bare:>6.1f} {ours_np / bare:>14.1f}"
        )
    total_kib, total_products = sum(r[1] for r in rows), sum(r[2] for r in rows)
    total_bare, total_np, total_ours = (sum(r[i] for r in rows) for i in (3, 4, 5))
    print(
        f"{'TOTAL':<{name_w}} {total_kib:>7.0f} {total_products:>8} {total_bare:>8.4f}"
        f" {total_np:>10.4f} {total_ours:>8.4f} {total_ours / total_bare:>6.1f}"
        f" {total_np / total_bare:>14.1f}"
    )

    print()
    print("peak RSS (MiB, fresh process each; 'imports' = interpreter + ifcopenshell + pybase):")
    largest = max(files, key=lambda p: p.stat().st_size)
    for path in files if args.memory_all else [largest]:
        base = peak_rss_mib("imports", path)
        bare_rss = peak_rss_mib("bare", path)
        ours_rss = peak_rss_mib("ours", path)
        print(
            f"  {path.name}: imports {base:.0f}, bare load {bare_rss:.0f} (+{bare_rss - base:.0f}),"
            f" ours incl. JSON {ours_rss:.0f} (+{ours_rss - base:.0f})"
        )
    if args.synthetic > 0:
        synthetic_report(args.synthetic)


if __name__ == "__main__":
    main()
