"""STEP extractor on every real file of ../shared/corpus/step, asserting what MANIFEST.tsv says.

Each file is extracted once per module (through the public ``extract`` API) and cached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pybase.extraction.result import AssemblyNode, ExtractionResult

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def step(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``step("x.stp")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"step/{name}")


def _children(node: AssemblyNode) -> list[tuple[str, int]]:
    return [(child.name, child.quantity) for child in node.children]


def _codes(result: ExtractionResult) -> set[str]:
    return {issue.code for issue in result.issues}


def _only_part(result: ExtractionResult) -> AssemblyNode:
    [node] = result.assembly
    assert not node.is_assembly
    assert node.properties is not None
    return node


def test_as1_assembly_structure_and_totals(step: Callable[[str], ExtractionResult]) -> None:
    result = step("pythonocc__as1-oc-214.stp")
    assert result.source.format_version == "AP214"
    assert result.units.length == "mm"
    assert result.metadata["file_name"]["originating_system"] == "Open CASCADE 6.1"
    [as1] = result.assembly
    assert as1.name == "as1" and as1.is_assembly
    assert sorted(_children(as1)) == [
        ("l-bracket-assembly", 2),
        ("plate", 1),
        ("rod-assembly", 1),
    ]
    by_name = {child.name: child for child in as1.children}
    bracket_assembly = by_name["l-bracket-assembly"]
    assert sorted(_children(bracket_assembly)) == [("l-bracket", 1), ("nut-bolt-assembly", 3)]
    nut_bolt = next(c for c in bracket_assembly.children if c.name == "nut-bolt-assembly")
    assert sorted(_children(nut_bolt)) == [("bolt", 1), ("nut", 1)]
    assert sorted(_children(by_name["rod-assembly"])) == [("nut", 2), ("rod", 1)]
    # By hand: bolts 2 brackets x 3 nut-bolt x 1 = 6; nuts 2 x 3 x 1 + 2 on the rod = 8.
    assert result.bom_flat == {
        "as1": 1,
        "rod-assembly": 1,
        "l-bracket-assembly": 2,
        "nut-bolt-assembly": 6,
        "plate": 1,
        "l-bracket": 2,
        "bolt": 6,
        "nut": 8,
        "rod": 1,
    }
    assert result.stats["product_count"] == 9
    # 13 NEXT_ASSEMBLY_USAGE_OCCURRENCE = 13 distinct (parent, child) occurrences merged to 9
    assert sum(line.quantity or 0 for line in result.bom) == 13
    assert result.stats["solid_count"] == 6 + 8 + 1 + 2 + 1  # bolts, nuts, rod, brackets, plate


def test_dm1_ideas_assembly(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__dm1-id-214.stp")
    assert result.source.format_version == "AP214"
    assert result.units.length == "inch"
    assert result.metadata["file_name"]["preprocessor_version"] == "I-DEAS Master Series 9"
    [dm1] = result.assembly
    assert dm1.name == "dm1"
    assert sorted(_children(dm1)) == [("bolt", 3), ("l-bracket", 1), ("nut", 3)]
    assert result.bom_flat == {"dm1": 1, "l-bracket": 1, "bolt": 3, "nut": 3}
    for child in dm1.children:
        assert child.properties is not None and child.properties.solid_count == 1
        assert child.properties.color is not None
        assert child.properties.volume is not None
        assert child.properties.volume.unit == "inch3"


def test_cover_assembly_fastener_counts_and_cyrillic_names(
    step: Callable[[str], ExtractionResult],
) -> None:
    result = step("openamr__MMP.01.00.00.000_Cover_assembly.STEP")
    assert result.source.format_version == "AP203"
    assert result.units.length == "mm"
    assert result.metadata["file_name"]["originating_system"] == "SolidWorks 2017"
    [root] = result.assembly
    assert root.name == "MMP.01.00.00.000 Cover assembly"

    def count(*words: str) -> int:
        return sum(n for name, n in result.bom_flat.items() if all(w in name for w in words))

    assert count("DIN 7985") == 10  # screws
    assert count("DIN 934") == 10  # hex nuts
    assert count("DIN 125") == 20  # washers
    assert count("DIN 7980") == 10  # spring washers
    assert count("Cover flange") == 2
    assert count("Cover_00") == 1
    nut = next(name for name in result.bom_flat if "DIN 934" in name)
    assert nut.startswith("Гайка")
    assert any(name.startswith("Винт DIN 7985 (цил.)") for name in result.bom_flat)
    assert "Шайба DIN 7980 (пружинная)_Шайба 3 ГОСТ 6402-70" in result.bom_flat  # cp1251 + cp866
    assert "non_ascii_strings_decoded" in _codes(result)
    assert result.stats["instance_count"] == 54  # root + 53 NAUO
    assert result.stats["solid_count"] == 53


def test_nist_ftc_06_is_ap203_in_inch(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ftc_06_asme1_rd.stp")
    assert result.source.format_version == "AP203"
    assert result.units.length == "inch"
    assert result.units.source is not None and "INCH" in result.units.source
    node = _only_part(result)
    assert node.name == "nist_ftc_06_asme1_rd"
    props = node.properties
    assert props is not None
    assert (props.solid_count, props.face_count) == (1, 144)
    assert props.volume is not None and props.volume.unit == "inch3"
    # The file's CARTESIAN_POINTs reach x = +-6 and z = -9.75 (inch): no mm conversion leaked.
    assert props.bounding_box is not None and props.bounding_box.unit == "inch"
    assert props.bounding_box.min[0] == pytest.approx(-6.0, abs=1e-6)
    assert props.bounding_box.max[0] == pytest.approx(6.0, abs=1e-6)
    assert props.bounding_box.min[2] == pytest.approx(-9.75, abs=1e-6)


def test_red_cube_blue_cylinder_metre_and_colours(
    step: Callable[[str], ExtractionResult],
) -> None:
    result = step("cadquery__red_cube_blue_cylinder.step")
    assert result.source.format_version == "AP214"
    assert result.units.length == "m"
    assert sorted(node.name for node in result.assembly) == ["blue_cylinder", "red_cube"]
    assert all(not node.children for node in result.assembly)
    by_name = {node.name: node.properties for node in result.assembly}
    red, blue = by_name["red_cube"], by_name["blue_cylinder"]
    assert red is not None and blue is not None
    # COLOUR_RGB (0.8667, 0.3216, 0.1569) and (0.2314, 0.3804, 0.7059), times 255
    assert red.color == "#dd5228"
    assert blue.color == "#3b61b4"
    # the cube spans 0.01 m in the file's CARTESIAN_POINTs: 1e-6 m3
    assert red.volume is not None and red.volume.unit == "m3"
    assert red.volume.value == pytest.approx(1e-6, rel=1e-9)
    assert result.stats["face_count"] == 9


def test_nist_ftc_11_smallest_brep(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ftc_11_asme1_rb.stp")
    assert result.source.format_version == "AP203"
    assert result.source.schema_identifier == "CONFIG_CONTROL_DESIGN"
    assert result.units.length == "mm"
    node = _only_part(result)
    assert node.name == "nist_ftc_11_asme1"
    assert node.properties is not None
    assert (node.properties.solid_count, node.properties.face_count) == (1, 6)
    assert node.properties.color is not None


def test_m6_countersunk_screw_volume(step: Callable[[str], ExtractionResult]) -> None:
    result = step("build123d__M6-1x12-countersunk-screw.step")
    assert result.source.format_version == "AP214"
    assert result.units.length == "mm"
    node = _only_part(result)
    assert node.name == "Open CASCADE STEP translator 7.5 1"
    props = node.properties
    assert props is not None and props.volume is not None
    assert (props.solid_count, props.face_count) == (1, 28)
    assert props.volume.unit == "mm3"
    # Lower bound: the thread core alone, d3 = 4.77 mm (ISO 724 M6 minor diameter) x 12 mm
    # = 214 mm3. Upper bound: a full 6 mm cylinder x 12 mm (339 mm3) plus a 90-degree
    # countersunk head grown to 12 mm diameter (frustum 198 mm3 less its 6 mm core 85 mm3).
    assert 214 < props.volume.value < 452
    assert props.bounding_box is not None
    assert props.bounding_box.max[2] - props.bounding_box.min[2] == pytest.approx(12.0, abs=1e-3)


def test_ats1_fea_model_has_no_geometry(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__ATS1-out.stp")
    assert result.source.format_version == "AP209"
    assert result.units.length == "m"
    assert "geometry_unavailable" in _codes(result)
    [node] = result.assembly
    assert (node.name, node.product_id) == ("default-fea-part", "default-id.0")
    assert node.properties is None
    assert "EXPRESS Data Manager" in result.metadata["file_name"]["preprocessor_version"]


def test_s1_c5_external_reference_master(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__s1-c5-214.stp")
    assert result.source.format_version == "AP214"
    assert "CATIA Version 5 Release 19" in result.metadata["file_name"]["preprocessor_version"]
    [master] = result.assembly
    assert master.name == "*MASTER"
    assert sorted(_children(master)) == [("FOOT", 2), ("HEAD", 1), ("MAINBODY", 1), ("TAIL", 1)]
    missing = [i for i in result.issues if i.code == "external_reference_missing"]
    assert sorted(i.message.split("'")[1] for i in missing) == [
        "FOOT.stp",
        "HEAD.stp",
        "MAINBODY.stp",
        "TAIL.stp",
    ]
    assert "geometry_unavailable" in _codes(result)
    assert result.stats["solid_count"] == 0


def test_ctc_01_ap242_single_part(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ctc_01_asme1_ap242-e1.stp")
    assert result.source.format_version == "AP242"
    assert result.units.length == "mm"
    assert result.metadata["file_name"]["originating_system"] == ""  # blanked
    node = _only_part(result)
    assert node.product_id == "NIST Test Case 1"
    assert node.properties is not None
    assert (node.properties.solid_count, node.properties.face_count) == (1, 117)


def test_ftc_10_ap242_edition_2(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ftc_10_asme1_ap242-e2.stp")
    assert result.source.format_version == "AP242"
    assert "{ 1 0 10303 442 3 1 4 }" in (result.source.schema_identifier or "")
    assert result.units.length == "mm"
    node = _only_part(result)
    assert node.name == "nist_ftc_10_asme1"
    assert node.properties is not None
    assert node.properties.solid_count == 1
    assert node.properties.face_count == 282


def test_io1_cocreate_part(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__io1-cm-214.stp")
    assert result.source.format_version == "AP214"
    assert result.units.length == "mm"
    assert "CoCreate Modeling 16.00" in result.metadata["file_name"]["originating_system"]
    node = _only_part(result)
    assert node.name == "io1"
    assert node.properties is not None
    assert (node.properties.solid_count, node.properties.face_count) == (1, 29)
    assert node.properties.color is not None


def test_drive_shaft_part(step: Callable[[str], ExtractionResult]) -> None:
    result = step("openamr__MMP.03.00.00.004_Drive_shaft.STEP")
    assert result.source.format_version == "AP203"
    assert result.units.length == "mm"
    node = _only_part(result)
    assert node.name == "MMP.03.00.00.004 Drive shaft"
    assert node.properties is not None
    assert (node.properties.solid_count, node.properties.face_count) == (1, 44)


def test_face_recognition_sample_part(step: Callable[[str], ExtractionResult]) -> None:
    result = step("pythonocc__face_recognition_sample_part.stp")
    assert result.source.format_version == "AP214"
    assert result.units.length == "mm"
    file_name = result.metadata["file_name"]
    assert file_name["originating_system"] == "SIEMENS PLM Software NX 9.0"
    assert file_name["preprocessor_version"] == "ST-DEVELOPER v15"
    node = _only_part(result)
    assert node.name == "part_parametric"
    assert node.properties is not None
    assert (node.properties.solid_count, node.properties.face_count) == (1, 23)
