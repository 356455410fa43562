"""Benchmark of the engineering-notation parsers against a bare number regex, same strings.

Strings: every DIMENSION/MTEXT/TEXT string of the corpus DXF drawings (ezdxf) and every text
line of the corpus PDF drawings (pypdfium2), when ../shared/corpus is there, plus generated
real-looking notation (dimensions with tolerances and fits, threads, surface textures, feature
control frames, notes, plain words) up to ``--count`` strings. Baseline: ``re.findall(
r"[-+]?\\d+(?:[.,]\\d+)?", s)`` over the same list, the least any number extraction does.
Each timing is the best of ``--repeat`` runs over the whole list (wall clock).

Usage: ``python bench/bench_notation.py [--count 4000] [--repeat 5] [--corpus ../shared/corpus]``
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from pybase.extraction import notation

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("PYBASE_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))
NUMBER_RE = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def corpus_strings(corpus: Path) -> list[str]:
    """Raw strings as the drawings store them (DXF codes included), PDF text lines."""
    strings: list[str] = []
    dxf_dir = corpus / "dxf"
    if dxf_dir.is_dir():
        import ezdxf

        for path in sorted(dxf_dir.iterdir()):
            try:
                doc = ezdxf.readfile(path)
            except Exception:
                continue
            for entity in doc.entitydb.values():
                kind = entity.dxftype()
                if kind == "DIMENSION" and entity.dxf.get("text", ""):
                    strings.append(entity.dxf.text)
                elif kind == "MTEXT":
                    strings.append(entity.text)  # type: ignore[attr-defined]
                elif kind in ("TEXT", "ATTRIB"):
                    strings.append(entity.dxf.text)
    pdf_dir = corpus / "pdf"
    if pdf_dir.is_dir():
        import pypdfium2 as pdfium

        for path in sorted(pdf_dir.iterdir()):
            if not any(key in path.name for key in ("nist_ftc", "MMP", "reducer")):
                continue
            document = pdfium.PdfDocument(path)
            for index in range(len(document)):
                text = document[index].get_textpage().get_text_range()
                strings.extend(line for line in text.splitlines() if line.strip())
            document.close()
    return [s for s in strings if s.strip()]


def generated_strings(count: int, seed: int = 7) -> list[str]:
    """Real-looking notation in every supported form, deterministic."""
    rng = random.Random(seed)

    def size() -> str:
        value = rng.choice([rng.randint(1, 400), round(rng.uniform(0.5, 200), rng.randint(1, 3))])
        text = f"{value:g}"
        return text.replace(".", ",") if rng.random() < 0.2 else text

    fits = ["H7", "g6", "h7", "H7/g6", "H8/f7", "js6", "k6", "H9", "h11", "P7/h6", "%&H7%/r6"]
    makers: list[Callable[[], str]] = [
        lambda: size(),
        lambda: f"Ø{size()}",
        lambda: f"%%c{size()} {rng.choice(fits)}",
        lambda: f"{rng.randint(2, 12)}X Ø{size()} ±0.{rng.randint(1, 30)}",
        lambda: f"R{size()}",
        lambda: f"{size()} +0.{rng.randint(1, 9)}/-0.0{rng.randint(1, 9)}",
        lambda: f"{size()}\\S+0.{rng.randint(1, 9)}^-0.{rng.randint(1, 9)};",
        lambda: f"{rng.randint(10, 90)}%%d",
        lambda: f"{rng.randint(1, 3)}x45°",
        lambda: f"({size()})",
        lambda: f"{rng.choice(['M6', 'M8x1.25-6H', 'M10x1 LH', '4x M5 ↧12', 'M16x130'])}",
        lambda: rng.choice(["1/4-20 UNC-2B", "#10-32 UNF-2A", "G1/2 A", "1/2-14 NPT"]),
        lambda: f"Ra {rng.choice(['0.8', '1,6', '3.2', '6.3'])}",
        lambda: f"Rz{rng.choice([4, 6.3, 16, 25])}",
        lambda: "{\\Fgdt;j}%%v{\\Fgdt;n}0.1{\\Fgdt;m}%%vA%%vB%%vC",
        lambda: f"⌖ Ø0.{rng.randint(1, 9)} Ⓜ A B C",
        lambda: f"⏥ 0.0{rng.randint(1, 9)}",
        lambda: "DIN ISO 2768-mK",
        lambda: rng.choice(["DRAWN BY", "SCALE 1:2", "MATERIAL: S235JR", "DEBURR ALL EDGES"]),
        lambda: '\\A1;{\\H0.7x;\\S1/2;}" snap on Cap',
    ]
    return [rng.choice(makers)() for _ in range(count)]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Smallest wall-clock time of ``repeat`` calls of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    real = corpus_strings(args.corpus)
    strings = real + generated_strings(max(args.count - len(real), 0))
    print(f"{len(strings)} strings ({len(real)} from the corpus drawings, "
          f"{len(strings) - len(real)} generated)\n")  # fmt: skip

    def baseline() -> None:
        for s in strings:
            NUMBER_RE.findall(s)

    runs: list[tuple[str, Callable[[str], object]]] = [
        ("parse_notation (all parsers)", notation.parse_notation),
        ("parse_dimension", notation.parse_dimension),
        ("parse_thread", notation.parse_thread),
        ("parse_surface_texture", notation.parse_surface_texture),
        ("parse_feature_control_frame", notation.parse_feature_control_frame),
        ("decode_mtext + normalize", lambda s: notation.normalize(notation.decode_mtext(s))),
    ]
    base = best_of(args.repeat, baseline)
    rows = [("re.findall numbers (baseline)", base, len(strings))]
    for name, parse in runs:
        hits = sum(parse(s) is not None for s in strings)

        def run(parse: Callable[[str], object] = parse) -> None:
            for s in strings:
                parse(s)

        rows.append((name, best_of(args.repeat, run), hits))

    print(f"{'run':32} {'strings/s':>12} {'µs/string':>10} {'x baseline':>11} {'parsed':>7}")
    for name, elapsed, hits in rows:
        rate = len(strings) / elapsed
        print(
            f"{name:32} {rate:12,.0f} {elapsed / len(strings) * 1e6:10.1f} "
            f"{elapsed / base:11.1f} {hits:7d}"
        )


if __name__ == "__main__":
    main()
