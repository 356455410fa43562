"""Start-up cost of the CLI: ``pybase --help`` versus a bare ``python -c pass``, measured side
by side in one run (median of N runs each). Run: ``python bench/bench_startup.py [N]``."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _median_seconds(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    bare = _median_seconds([sys.executable, "-c", "pass"], runs)
    cases = {
        "python -c pass": bare,
        "python -c 'import pybase'": _median_seconds([sys.executable, "-c", "import pybase"], runs),
        "pybase --help": _median_seconds([sys.executable, "-m", "pybase", "--help"], runs),
        "pybase jobs list": _median_seconds([sys.executable, "-m", "pybase", "jobs", "list"], runs),
    }
    print(f"{'command':32} {'median s':>9} {'x bare':>8}")
    for name, seconds in cases.items():
        print(f"{name:32} {seconds:9.3f} {seconds / bare:8.1f}")


if __name__ == "__main__":
    main()
