"""STEP extractor on files generated here with OCP (known ground truth) and on hand-written
Part 21 text; plus the Part 21 string/header reader on its own."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pybase.errors import CorruptFileError, JobCancelledError
from pybase.extraction import ExtractionOptions, extract, step_sandbox
from pybase.extraction.detect import DetectedFormat
from pybase.extraction.result import ExtractionResult
from pybase.extraction.step import StepExtractor
from pybase.extraction.step_part21 import Enum, Part21Error, Ref, Typed, parse_parameters
from pybase.extraction.step_part21 import read_part21 as read_p21
from pybase.extraction.step_strings import decode_raw_run, decode_string

HEADER = """ISO-10303-21;
HEADER;
FILE_DESCRIPTION(('hand written'),'2;1');
FILE_NAME('t.stp','2024-01-01T00:00:00',('Tester'),('PyBase'),'hand','hand','');
FILE_SCHEMA(('AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }'));
ENDSEC;
"""


# ------------------------------------------------------------------------------------------
# files generated with OCP


def _write_box_step(
    path: Path,
    size: tuple[float, float, float],
    *,
    name: str = "box-part",
    assembly: bool = False,
    unit: str | None = None,
) -> Path:
    """A box ``size`` (mm, OCCT's internal unit) at the origin, written by STEPCAFControl_Writer
    with a product name and an orange surface colour; ``assembly`` puts two instances of it
    under a product 'pair'; ``unit`` sets ``write.step.unit`` (e.g. INCH)."""
    from OCP.BRepPrimAPI import BRepPrimAPI_MakeBox
    from OCP.gp import gp_Trsf, gp_Vec
    from OCP.Interface import Interface_Static
    from OCP.Quantity import Quantity_Color, Quantity_TypeOfColor
    from OCP.STEPCAFControl import STEPCAFControl_Writer
    from OCP.STEPControl import STEPControl_StepModelType
    from OCP.TCollection import TCollection_ExtendedString
    from OCP.TDataStd import TDataStd_Name
    from OCP.TDocStd import TDocStd_Document
    from OCP.TopLoc import TopLoc_Location
    from OCP.XCAFDoc import XCAFDoc_ColorType, XCAFDoc_DocumentTool

    import pybase.extraction.step_xcaf  # noqa: F401  (quiets OCCT's messenger)

    doc = TDocStd_Document(TCollection_ExtendedString("MDTV-XCAF"))
    shapes = XCAFDoc_DocumentTool.ShapeTool_s(doc.Main())
    colors = XCAFDoc_DocumentTool.ColorTool_s(doc.Main())
    part = shapes.AddShape(BRepPrimAPI_MakeBox(*size).Shape(), False)
    TDataStd_Name.Set_s(part, TCollection_ExtendedString(name))
    orange = Quantity_Color(1.0, 0.5, 0.0, Quantity_TypeOfColor.Quantity_TOC_sRGB)
    colors.SetColor(part, orange, XCAFDoc_ColorType.XCAFDoc_ColorSurf)
    if assembly:
        pair = shapes.NewShape()
        TDataStd_Name.Set_s(pair, TCollection_ExtendedString("pair"))
        for i in range(2):
            move = gp_Trsf()
            move.SetTranslation(gp_Vec(50.0 * i, 0.0, 0.0))
            shapes.AddComponent(pair, part, TopLoc_Location(move))
        shapes.UpdateAssemblies()
    writer = STEPCAFControl_Writer()
    if unit:
        Interface_Static.SetCVal_s("write.step.unit", unit)
    try:
        writer.Transfer(doc, STEPControl_StepModelType.STEPControl_AsIs)
        writer.Write(str(path))
    finally:
        if unit:
            Interface_Static.SetCVal_s("write.step.unit", "MM")
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("step")
    return {
        "box": _write_box_step(root / "box.step", (10.0, 20.0, 30.0)),
        "pair": _write_box_step(root / "pair.step", (10.0, 20.0, 30.0), assembly=True),
        "inch": _write_box_step(root / "inch.step", (25.4, 50.8, 76.2), unit="INCH"),
    }


@pytest.fixture(scope="module")
def box_result(generated: dict[str, Path]) -> ExtractionResult:
    return extract(generated["box"])


def test_box_mass_properties_in_mm(box_result: ExtractionResult) -> None:
    [node] = box_result.assembly
    props = node.properties
    assert props is not None
    assert node.name == "box-part"
    assert node.product_id == "box-part"
    assert not node.is_assembly
    assert props.volume is not None and props.volume.unit == "mm3"
    assert props.volume.value == pytest.approx(6000.0, rel=1e-9)
    assert props.surface_area is not None and props.surface_area.unit == "mm2"
    assert props.surface_area.value == pytest.approx(2 * (10 * 20 + 10 * 30 + 20 * 30), rel=1e-9)
    assert props.bounding_box is not None and props.bounding_box.unit == "mm"
    assert props.bounding_box.min == pytest.approx((0.0, 0.0, 0.0), abs=1e-6)
    assert props.bounding_box.max == pytest.approx((10.0, 20.0, 30.0), abs=1e-6)
    assert props.center_of_mass == pytest.approx((5.0, 10.0, 15.0), abs=1e-6)
    assert props.center_of_mass_unit == "mm"
    assert (props.solid_count, props.face_count) == (1, 6)
    assert props.color == "#ff8000"


def test_box_header_units_and_stats(box_result: ExtractionResult) -> None:
    assert box_result.source.format == "step"
    assert box_result.source.format_version == "AP214"
    assert box_result.source.schema_identifier == "AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }"
    assert box_result.units.length == "mm"
    assert (box_result.units.area, box_result.units.volume) == ("mm2", "mm3")
    assert box_result.metadata["file_schema"]["schema_identifiers"] == [
        "AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }"
    ]
    assert "Open CASCADE" in box_result.metadata["file_name"]["originating_system"]
    assert box_result.bom_flat == {"box-part": 1}
    assert box_result.stats["solid_count"] == 1
    assert box_result.stats["face_count"] == 6
    assert not [i for i in box_result.issues if i.severity != "info"]


def test_part_used_twice_is_one_child_with_quantity_2(generated: dict[str, Path]) -> None:
    result = extract(generated["pair"])
    [root] = result.assembly
    assert (root.name, root.is_assembly, root.properties) == ("pair", True, None)
    [child] = root.children
    assert (child.name, child.quantity) == ("box-part", 2)
    assert child.properties is not None and child.properties.volume is not None
    assert child.properties.volume.value == pytest.approx(6000.0)
    assert result.bom_flat == {"pair": 1, "box-part": 2}
    [line] = result.bom
    assert (line.parent, line.description, line.quantity) == ("pair", "box-part", 2)
    assert result.stats["product_count"] == 2
    assert result.stats["instance_count"] == 3
    assert (result.stats["solid_count"], result.stats["face_count"]) == (2, 12)


def test_file_written_in_inch_reports_inch_values(generated: dict[str, Path]) -> None:
    text = generated["inch"].read_text("latin-1")
    assert "CONVERSION_BASED_UNIT('INCH'" in text  # the writer really wrote inch
    result = extract(generated["inch"])
    assert result.units.length == "inch"
    props = result.assembly[0].properties
    assert props is not None and props.volume is not None and props.surface_area is not None
    assert (props.volume.unit, props.surface_area.unit) == ("inch3", "inch2")
    assert props.volume.value == pytest.approx(6.0, rel=1e-9)  # 1 x 2 x 3 inch
    assert props.surface_area.value == pytest.approx(22.0, rel=1e-9)
    assert props.bounding_box is not None and props.bounding_box.unit == "inch"
    assert props.bounding_box.max == pytest.approx((1.0, 2.0, 3.0), abs=1e-6)
    assert props.center_of_mass == pytest.approx((0.5, 1.0, 1.5), abs=1e-6)


def test_mass_properties_off_keeps_counts(generated: dict[str, Path]) -> None:
    result = extract(generated["box"], ExtractionOptions(mass_properties=False))
    props = result.assembly[0].properties
    assert props is not None
    assert (props.volume, props.surface_area, props.bounding_box) == (None, None, None)
    assert (props.solid_count, props.face_count) == (1, 6)


def test_progress_reports_parts_and_cancellation_propagates(generated: dict[str, Path]) -> None:
    calls: list[tuple[int, int]] = []
    extract(generated["pair"], progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1] == 2  # load + 1 distinct part

    def cancel(done: int, total: int) -> None:
        if done >= 1:
            raise JobCancelledError("stop")

    with pytest.raises(JobCancelledError):
        extract(generated["pair"], progress=cancel)


def test_raw_cp1251_product_name_is_readable(generated: dict[str, Path], tmp_path: Path) -> None:
    data = generated["box"].read_bytes()
    name = "Гайка DIN 934".encode("cp1251")
    path = tmp_path / "cyrillic.step"
    path.write_bytes(data.replace(b"'box-part'", b"'" + name + b"'"))
    result = extract(path)
    [node] = result.assembly
    assert node.name == "Гайка DIN 934"
    assert node.properties is not None and node.properties.face_count == 6
    assert "non_ascii_strings_decoded" in {i.code for i in result.issues}


# ------------------------------------------------------------------------------------------
# bad input


def test_truncated_file_is_corrupt(generated: dict[str, Path], tmp_path: Path) -> None:
    data = generated["box"].read_bytes()
    path = tmp_path / "half.step"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as info:
        extract(path)
    assert info.value.code == "corrupt_file"


def test_garbage_after_valid_header_is_corrupt(generated: dict[str, Path], tmp_path: Path) -> None:
    data = generated["box"].read_bytes()
    cut = data.index(b"DATA;") + len(b"DATA;")
    path = tmp_path / "garbage.step"
    path.write_bytes(data[:cut] + bytes(range(256)) * 40)
    with pytest.raises(CorruptFileError):
        extract(path)


def test_reference_to_missing_entity_is_an_issue(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    text = generated["box"].read_text("latin-1")
    match = re.search(r"#(\d+) = VERTEX_POINT\('',#(\d+)\)", text)
    assert match is not None
    broken = text.replace(match.group(0), f"#{match.group(1)} = VERTEX_POINT('',#999999)")
    path = tmp_path / "dangling.step"
    path.write_text(broken, "latin-1")
    result = extract(path)
    unresolved = [i for i in result.issues if i.code == "unresolved_reference"]
    assert unresolved, result.issues
    assert unresolved[0].location == f"#{match.group(1)}"
    assert "#999999" in unresolved[0].message


def test_model_that_crashes_occt_degrades_to_structure(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    # A VECTOR whose orientation is a CARTESIAN_POINT: OCCT's transfer dereferences the null
    # it leaves and dies with SIGSEGV. The extractor must survive it (forked transfer).
    text = generated["box"].read_text("latin-1")
    vector = re.search(r"#(\d+) = VECTOR\('',#(\d+),([^)]*)\)", text)
    point = re.search(r"#(\d+) = CARTESIAN_POINT\(", text)
    assert vector is not None and point is not None
    damaged = text.replace(
        vector.group(0), f"#{vector.group(1)} = VECTOR('',#{point.group(1)},{vector.group(3)})"
    )
    path = tmp_path / "crashes_occt.step"
    path.write_text(damaged, "latin-1")
    result = extract(path)
    assert [node.name for node in result.assembly] == ["box-part"]
    unavailable = [i for i in result.issues if i.code == "geometry_unavailable"]
    assert unavailable and "crashed" in unavailable[0].message
    # what OCCT reported before it crashed is kept: the load check and the units
    assert "step_entity_check_failed" in {i.code for i in result.issues}
    assert result.units.length == "mm"


def test_empty_data_section_gives_issues_not_exception(tmp_path: Path) -> None:
    path = tmp_path / "empty.stp"
    path.write_text(HEADER + "DATA;\nENDSEC;\nEND-ISO-10303-21;\n", "ascii")
    result = extract(path)
    codes = {i.code for i in result.issues}
    assert {"empty_data_section", "geometry_unavailable"} <= codes
    assert result.assembly == []
    assert result.metadata["file_name"]["author"] == ["Tester"]


def test_not_part21_is_corrupt_even_when_forced(tmp_path: Path) -> None:
    path = tmp_path / "fake.stp"
    path.write_text("ISO-10303-21;\nthis is no header\n", "ascii")
    with pytest.raises(CorruptFileError):
        StepExtractor().extract(
            path, DetectedFormat("step"), ExtractionOptions(), lambda done, total: None
        )


STRUCTURE_ONLY = (
    HEADER
    + """DATA;
#1=APPLICATION_CONTEXT('automotive design');
#2=PRODUCT_CONTEXT('',#1,'mechanical');
#3=PRODUCT_DEFINITION_CONTEXT('part definition',#1,'design');
#10=PRODUCT('A-100','frame','',(#2));
#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('design','',#11,#3);
#20=PRODUCT('B-200','wheel','',(#2));
#21=PRODUCT_DEFINITION_FORMATION('','',#20);
#22=PRODUCT_DEFINITION('design','',#21,#3);
#30=NEXT_ASSEMBLY_USAGE_OCCURRENCE('1','w1','',#12,#22,$);
#31=NEXT_ASSEMBLY_USAGE_OCCURRENCE('2','w2','',#12,#22,$);
#40=DOCUMENT_FILE('wheel.stp','','',#41,'',$);
#41=DOCUMENT_TYPE('geometry');
#42=APPLIED_DOCUMENT_REFERENCE(#40,'',(#22));
#50=DOCUMENT_FILE('frame.stp','','',#41,'',$);
#51=APPLIED_DOCUMENT_REFERENCE(#50,'',(#12));
ENDSEC;
END-ISO-10303-21;
"""
)


def test_structure_without_shapes_comes_from_part21(tmp_path: Path) -> None:
    path = tmp_path / "skeleton.stp"
    path.write_text(STRUCTURE_ONLY, "ascii")
    (tmp_path / "frame.stp").write_text("present", "ascii")
    result = extract(path)
    [root] = result.assembly
    assert (root.name, root.product_id, root.is_assembly) == ("frame", "A-100", True)
    assert [(c.name, c.product_id, c.quantity) for c in root.children] == [("wheel", "B-200", 2)]
    assert result.bom_flat == {"frame": 1, "wheel": 2}
    missing = [i for i in result.issues if i.code == "external_reference_missing"]
    assert [(i.location, "wheel.stp" in i.message) for i in missing] == [("#40", True)]
    assert "geometry_unavailable" in {i.code for i in result.issues}


# ------------------------------------------------------------------------------------------
# fork sandbox


def test_sandbox_returns_result_and_relays_progress() -> None:
    seen: list[tuple[int, int]] = []
    parent = os.getpid()

    def work(channel: step_sandbox.Channel) -> dict[str, bool]:
        channel.progress(1, 2)
        channel.progress(2, 2)
        return {"in_child": os.getpid() != parent}

    assert step_sandbox.run(work, lambda d, t: seen.append((d, t))) == {"in_child": True}
    assert seen == [(1, 2), (2, 2)]


def test_sandbox_reraises_child_exception() -> None:
    def work(channel: step_sandbox.Channel) -> None:
        raise ValueError("bad part")

    with pytest.raises(ValueError, match="bad part"):
        step_sandbox.run(work, lambda d, t: None)


def test_sandbox_turns_a_native_crash_into_child_crashed_with_notes() -> None:
    def work(channel: step_sandbox.Channel) -> None:
        channel.note({"units": ["INCH"]})
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(step_sandbox.ChildCrashed) as info:
        step_sandbox.run(work, lambda d, t: None)
    assert info.value.signal_number == signal.SIGSEGV
    assert info.value.notes == [{"units": ["INCH"]}]


def test_sandbox_cancellation_kills_the_child() -> None:
    def work(channel: step_sandbox.Channel) -> None:
        channel.progress(1, 10)
        time.sleep(30)

    def cancel(done: int, total: int) -> None:
        raise JobCancelledError("stop")

    start = time.monotonic()
    with pytest.raises(JobCancelledError):
        step_sandbox.run(work, cancel)
    assert time.monotonic() - start < 10


# ------------------------------------------------------------------------------------------
# Part 21 reader


def test_string_escapes() -> None:
    raw = r"it''s \X2\00E400DF\X0\ \X\E9 \S\D \\ ok"
    assert decode_string(raw)[0] == "it's äß é Ä \\ ok"


def test_line_breaks_inside_strings_are_layout() -> None:
    assert decode_string("nist_ftc_06_\r\nasme1")[0] == "nist_ftc_06_asme1"


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFFFF, exclude_categories=["Cs"])))
def test_x2_escape_round_trip(text: str) -> None:
    escaped = "\\X2\\" + text.encode("utf-16-be").hex().upper() + "\\X0\\"
    assert decode_string(escaped)[0] == text


def test_raw_bytes_decoded_run_by_run() -> None:
    mixed = "Шайба DIN 7980 (пружинная)_".encode("cp1251") + "Шайба 3 ГОСТ".encode("cp866")
    used: set[str] = set()
    text, occt = decode_string(mixed.decode("latin-1"), used)
    assert text == "Шайба DIN 7980 (пружинная)_Шайба 3 ГОСТ"
    assert occt == mixed.decode("latin-1")  # what OCCT sees with an ISO 8859-1 code page
    assert used == {"cp1251", "cp866"}


@pytest.mark.parametrize(
    ("raw", "inside_word", "expected"),
    [
        ("Винт".encode("cp1251"), False, "Винт"),
        ("Гайка".encode("cp1251"), False, "Гайка"),
        ("ГОСТ".encode("cp866"), False, "ГОСТ"),
        ("ü".encode(), True, "ü"),  # valid UTF-8 wins
        ("ö".encode("cp1252"), True, "ö"),  # accented letter inside a Latin word
        ("Ø".encode("cp1252"), False, "Ø"),  # diameter sign before a number
    ],
)
def test_decode_raw_run(raw: bytes, inside_word: bool, expected: str) -> None:
    assert decode_raw_run(raw, inside_word)[0] == expected


def test_parse_parameters_value_kinds() -> None:
    values = parse_parameters("('a''b',#12,(1.,2),.T.,$,*,LENGTH_MEASURE(0.01),/* c */ 'x')")
    assert values == [
        "a'b",
        Ref(12),
        [1.0, 2],
        Enum("T"),
        None,
        "*",
        Typed("LENGTH_MEASURE", [0.01]),
        "x",
    ]


def test_header_with_comments_and_split_strings() -> None:
    text = """ISO-10303-21;
HEADER;
/* exporter banner */
FILE_DESCRIPTION(
/* description */ ('a','b'),
/* implementation_level */ '2;1');
FILE_NAME('C:\\\\dir\\\\x.stp','2020-01-01',('Ann','Bob'),('ACME'),'pre
proc','sys','');
FILE_SCHEMA (('CONFIG_CONTROL_DESIGN'));
ENDSEC;
DATA;
#1=PRODUCT('P1','Part one','',(#2));
ENDSEC;
END-ISO-10303-21;
"""
    p21 = read_p21(text.encode("latin-1"))
    assert p21.header["FILE_DESCRIPTION"] == {
        "description": ["a", "b"],
        "implementation_level": "2;1",
    }
    file_name = p21.header["FILE_NAME"]
    assert file_name["name"] == "C:\\dir\\x.stp"
    assert file_name["author"] == ["Ann", "Bob"]
    assert file_name["preprocessor_version"] == "preproc"
    assert p21.schema_identifiers == ["CONFIG_CONTROL_DESIGN"]
    assert p21.complete and p21.syntax_error is None
    assert [(p.id, p.name) for p in p21.products.values()] == [("P1", "Part one")]


@pytest.mark.parametrize(
    "text",
    [
        "HEADER;ENDSEC;",  # no ISO-10303-21; start
        "ISO-10303-21;\nDATA;\nENDSEC;\n",  # no HEADER
        "ISO-10303-21;\nHEADER;\nFILE_NAME('a');\nENDSEC;\n",  # no FILE_SCHEMA
        "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('X'));\n",  # header never closed
    ],
)
def test_broken_header_raises(text: str) -> None:
    with pytest.raises(Part21Error):
        read_p21(text.encode())


def test_data_section_problems_are_recorded_not_raised() -> None:
    truncated = HEADER + "DATA;\n#1=PRODUCT('a','b','',(#2));\n#2=PRODUCT_CONTEXT('',#3"
    p21 = read_p21(truncated.encode())
    assert not p21.complete
    assert p21.syntax_error is not None
    assert [p.name for p in p21.products.values()] == ["b"]
