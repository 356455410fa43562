"""Heavy libraries are imported only when a file of their kind is extracted."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("ezdxf", "ifcopenshell", "OCP", "pdfplumber", "pypdfium2", "fastapi", "celery")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return {name.split(".")[0] for name in out}


def test_package_cli_and_job_layer_import_no_format_library() -> None:
    loaded = _imported_after(
        "import pybase, pybase.cli.main, pybase.jobs.service, pybase.worker.embedded, "
        "pybase.extraction"
    )
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_pybase_import_is_light() -> None:
    loaded = _imported_after("import pybase")
    assert "sqlalchemy" not in loaded and "pydantic" not in loaded
