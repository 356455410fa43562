"""The notation package's public surface: complete ``__all__``, pure Python imports."""

from __future__ import annotations

import subprocess
import sys

from pybase.extraction import notation

HEAVY = ("ezdxf", "ifcopenshell", "OCP", "pdfplumber", "pypdfium2")


def test_all_names_resolve_and_parsers_are_exported() -> None:
    for name in notation.__all__:
        assert hasattr(notation, name), name
    public = {n for n in dir(notation) if n.startswith(("parse_", "format_"))}
    assert public <= set(notation.__all__)


def test_import_loads_no_format_library() -> None:
    probe = (
        "import sys, pybase.extraction.notation\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(loaded).isdisjoint(HEAVY)


def test_models_do_not_import_the_result_schema() -> None:
    # so that result.py can reference the notation models without an import cycle
    source = notation.models.__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        assert "pybase.extraction.result import" not in handle.read()
