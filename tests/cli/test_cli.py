"""Acceptance tests: ``pybase`` run as a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.support.fakes import EXTRA, fake_file

PYBASE = [sys.executable, "-m", "pybase"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYBASE_")}
    env.update(
        PYBASE_DATA_DIR=str(tmp_path / "data"),
        PYBASE_RETRY_BASE_SECONDS="0.05",
        PYBASE_RETRY_MAX_SECONDS="0.2",
        PYTHONPATH=str(REPO_ROOT),
        **extra,
    )
    return env


def pybase(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYBASE, *args],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    proc = pybase(tmp_path, "--help")
    assert proc.returncode == 0
    for command in ("extract", "jobs", "db", "error-codes"):
        assert command in proc.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = pybase(tmp_path, "extract", str(tmp_path / "nope.dxf"))
    assert missing.returncode == 2 and "nope.dxf" in missing.stderr
    assert pybase(tmp_path, "extract").returncode == 2
    bad_format = pybase(tmp_path, "extract", "--format", "docx", str(tmp_path))
    assert bad_format.returncode == 2 and "docx" in bad_format.stderr
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert pybase(tmp_path, "extract", str(empty_dir)).returncode == 2


def test_bad_files_fail_with_codes_and_good_ones_complete(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.dxf").write_bytes(b"")
    (folder / "noise.pdf").write_bytes(os.urandom(4096).replace(b"%PDF", b"xxxx"))
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    (folder / ".hidden.pdf").write_bytes(b"")  # hidden files are skipped
    (folder / "README.md").write_text("# notes\n")  # not a drawing: skipped in a directory
    good = folder / "sub" / "ok.dxf"
    good.parent.mkdir()
    import ezdxf

    doc = ezdxf.new("R2013")
    doc.header["$INSUNITS"] = 4
    doc.modelspace().add_text("HELLO", dxfattribs={"layer": "NOTES"})
    doc.saveas(good)
    proc = pybase(tmp_path, "extract", str(folder), "--json", "--out", str(tmp_path / "out"))
    assert proc.returncode == 1, proc.stderr
    assert "skipped 1 file" in proc.stderr
    rows = {Path(r["file"]).name: r for r in json.loads(proc.stdout)}
    assert set(rows) == {"empty.dxf", "noise.pdf", "truncated.pdf", "ok.dxf"}
    assert rows["empty.dxf"]["error_code"] == "empty_file"
    assert rows["noise.pdf"]["error_code"] == "unsupported_format"
    assert rows["truncated.pdf"]["status"] == "failed"
    assert rows["truncated.pdf"]["error_code"] == "corrupt_file"
    assert rows["ok.dxf"]["status"] == "completed"
    result = json.loads(Path(rows["ok.dxf"]["output"]).read_text())
    assert result["source"]["format"] == "dxf" and result["units"]["length"] == "mm"
    assert any(t["text"] == "HELLO" for t in result["text"])

    listed = pybase(tmp_path, "jobs", "list", "--json")
    assert listed.returncode == 0
    assert sorted(j["status"] for j in json.loads(listed.stdout)) == [
        "completed",
        "failed",
        "failed",
        "failed",
    ]


def test_summary_table_names_failures(tmp_path: Path) -> None:
    (tmp_path / "empty.step").write_bytes(b"")
    proc = pybase(tmp_path, "extract", str(tmp_path / "empty.step"))
    assert proc.returncode == 1
    assert "empty_file" in proc.stdout and "empty.step" in proc.stdout


def test_jobs_show_retry_cancel(tmp_path: Path) -> None:
    target = tmp_path / "later.pdf"
    target.write_bytes(b"")
    proc = pybase(tmp_path, "extract", str(target), "--json")
    job_id = json.loads(proc.stdout)[0]["job_id"]
    shown = pybase(tmp_path, "jobs", "show", job_id[:8])
    assert shown.returncode == 0 and "empty_file" in shown.stdout
    fake_file(target, "ok")
    env = {"PYBASE_EXTRA_EXTRACTORS": EXTRA}
    # the file is a fake-format file now; retry re-runs the same job id
    retried = pybase(tmp_path, "jobs", "retry", job_id, **env)
    assert job_id in retried.stdout
    assert pybase(tmp_path, "jobs", "cancel", job_id).returncode == 1  # already ended
    assert pybase(tmp_path, "jobs", "show", "ffffffff").returncode == 1


def test_ctrl_c_leaves_nothing_processing(tmp_path: Path) -> None:
    files = [fake_file(tmp_path / "quick.pdf", "ok")]
    files += [fake_file(tmp_path / f"slow{n}.pdf", "sleep:30") for n in range(3)]
    env = _env(tmp_path, PYBASE_EXTRA_EXTRACTORS=EXTRA)
    proc = subprocess.Popen(
        [*PYBASE, "extract", "--format", "fake", "--workers", "2", *map(str, files)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # wait until the quick job is done and two slow ones are processing
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        listed = pybase(tmp_path, "jobs", "list", "--json")
        states = [j["status"] for j in json.loads(listed.stdout)] if listed.returncode == 0 else []
        if states.count("processing") == 2 and states.count("completed") == 1:
            break
        time.sleep(0.3)
    else:
        os.killpg(proc.pid, signal.SIGKILL)  # the pool workers hold the pipes too
        out, err = proc.communicate(timeout=30)
        pytest.fail(f"jobs never started processing: {states}\n{out}\n{err}")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    jobs = json.loads(pybase(tmp_path, "jobs", "list", "--json").stdout)
    statuses = {j["filename"]: j["status"] for j in jobs}
    assert statuses == {
        "quick.pdf": "completed",
        "slow0.pdf": "cancelled",
        "slow1.pdf": "cancelled",
        "slow2.pdf": "cancelled",
    }
    # what finished before Ctrl-C is written and summarised, not thrown away
    assert (tmp_path / "pybase-results" / "quick.pdf.json").is_file()
    assert "quick.pdf" in _out and "interrupted" in err


def test_quick_start_on_the_shipped_samples(tmp_path: Path) -> None:
    """The README quick start: `pybase extract samples/` gives the samples' known facts."""
    out = tmp_path / "results"
    proc = pybase(tmp_path, "extract", str(REPO_ROOT / "samples"), "--json", "--out", str(out))
    assert proc.returncode == 1  # broken.dxf fails on purpose
    rows = {Path(r["file"]).name: r for r in json.loads(proc.stdout)}
    assert set(rows) == {"bracket.dxf", "broken.dxf", "drawing.pdf", "gearbox.step", "house.ifc"}
    assert rows["broken.dxf"]["error_code"] == "corrupt_file"

    def result(name: str) -> dict:  # type: ignore[type-arg]
        assert rows[name]["status"] == "completed", rows[name]
        return json.loads(Path(rows[name]["output"]).read_text())  # type: ignore[no-any-return]

    bracket = result("bracket.dxf")
    assert bracket["title_block"]["part_number"] == "PB-1001"
    assert bracket["title_block"]["material"] == "S235JR"
    assert bracket["units"]["length"] == "mm"
    assert "PB-1001" in rows["bracket.dxf"]["summary"]

    house = result("house.ifc")
    assert house["stats"]["class_counts"]["IfcWall"] == 6
    assert house["stats"]["class_counts"]["IfcDoor"] == 2

    gearbox = result("gearbox.step")
    assert gearbox["bom_flat"]["BEARING"] == 4 and gearbox["bom_flat"]["SHAFT"] == 2

    drawing = result("drawing.pdf")
    assert len(drawing["pages"]) == 2 and "PB-1001" in drawing["pages"][0]["text"]
    assert [i["code"] for i in drawing["issues"]] == ["no_text_layer"]
    if shutil.which("tesseract"):  # page 2 is a scan: OCR reads its title block back
        assert "PB-1001" in drawing["pages"][1]["text"]
        assert drawing["issues"][0]["severity"] == "info"


def test_a_folder_of_300_files_with_some_bad_ones(tmp_path: Path) -> None:
    """Every good file completes, every bad one fails with its code, nothing crashes."""
    import ezdxf

    folder = tmp_path / "archive"
    folder.mkdir()
    doc = ezdxf.new("R2013")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_line((0, 0), (100, 0))
    good = folder / "template.dxf"
    doc.saveas(good)
    data = good.read_bytes()
    good.unlink()
    bad = {
        "empty": (b"", "empty_file"),
        "random": (os.urandom(2048).replace(b"%PDF", b"----"), "unsupported_format"),
        "truncated": (data[: len(data) // 3], "corrupt_file"),
    }
    expected = {}
    for n in range(300):
        kind = ("empty", "random", "truncated")[n % 3] if n % 30 == 0 else None
        name = f"part-{n:03d}.dxf"
        (folder / f"d{n % 7}").mkdir(exist_ok=True)
        content, code = bad[kind] if kind else (data, None)
        (folder / f"d{n % 7}" / name).write_bytes(content)
        expected[name] = code
    proc = pybase(
        tmp_path, "extract", str(folder), "--json", "--workers", "2", "--out", str(tmp_path / "out")
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    rows = json.loads(proc.stdout)
    assert len(rows) == 300
    for row in rows:
        code = expected[Path(row["file"]).name]
        if code is None:
            assert row["status"] == "completed", row
        else:
            assert (row["status"], row["error_code"]) == ("failed", code), row
            assert row["error_message"]
    assert len(list((tmp_path / "out").glob("*.json"))) == 290


def test_jobs_prune_deletes_finished_jobs_but_never_the_users_files(tmp_path: Path) -> None:
    target = fake_file(tmp_path / "keep.pdf", "ok")
    env = {"PYBASE_EXTRA_EXTRACTORS": EXTRA}
    assert pybase(tmp_path, "extract", "--format", "fake", str(target), **env).returncode == 0
    kept = pybase(tmp_path, "jobs", "prune", "--older-than-days", "1")
    assert kept.returncode == 0 and "deleted 0 finished jobs" in kept.stdout
    pruned = pybase(tmp_path, "jobs", "prune", "--older-than-days", "0")
    assert pruned.returncode == 0 and "deleted 1 finished jobs" in pruned.stdout
    assert json.loads(pybase(tmp_path, "jobs", "list", "--json").stdout) == []
    assert target.is_file()  # the file was read where the user keeps it: never deleted
