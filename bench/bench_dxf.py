"""Benchmark: DXF extraction vs. ezdxf's bare load, for every DXF in the corpus.

Usage: ``python bench/bench_dxf.py [CORPUS_DIR] [--repeat N]``

For each file it measures the best of N runs of

* bare: ``ezdxf.readfile(path)`` (``ezdxf.recover.readfile`` when readfile rejects the file,
  marked ``*``: that is what the extractor falls back to), and
* ours: ``pybase.extraction.extract(path)`` (detection, SHA-256, load, full extraction),

and prints a table with the ratio ours / bare.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import ezdxf
from ezdxf import recover

from pybase.extraction import extract

DEFAULT_CORPUS = Path(
    os.environ.get("PYBASE_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """Fastest wall-clock time of ``repeat`` calls of ``func``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def bare_load(path: Path) -> tuple[Callable[[], object], str]:
    """The bare ezdxf load for ``path`` and its marker (``*`` when only recover reads it)."""
    try:
        ezdxf.readfile(path)
    except Exception:
        return (lambda: recover.readfile(path)), "*"
    return (lambda: ezdxf.readfile(path)), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in (args.corpus / "dxf").iterdir() if p.is_file())
    print(f"{'file':<40} {'KB':>7} {'bare ms':>9} {'ours ms':>9} {'ratio':>6}")
    total_bare = total_ours = 0.0
    for path in files:
        load, mark = bare_load(path)
        bare = best_of(args.repeat, load)
        ours = best_of(args.repeat, lambda p=path: extract(p))  # type: ignore[misc]
        total_bare += bare
        total_ours += ours
        print(
            f"{path.name[:40]:<40} {path.stat().st_size / 1024:>7.0f} "
            f"{bare * 1000:>8.1f}{mark or ' '} {ours * 1000:>9.1f} {ours / bare:>6.2f}"
        )
    print(
        f"{'total':<40} {'':>7} {total_bare * 1000:>8.1f}  {total_ours * 1000:>9.1f} "
        f"{total_ours / total_bare:>6.2f}"
    )
    print("* ezdxf.readfile rejects the file; bare time is ezdxf.recover.readfile")


if __name__ == "__main__":
    main()
