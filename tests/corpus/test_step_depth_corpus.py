"""STEP in depth on the real files of ../shared/corpus/step: AP242 semantic PMI counts by
characteristic (MANIFEST.tsv), datums, tolerance values with units, placements, materials,
validation properties, presentation PMI. Each file is extracted once (public ``extract``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from pybase.extraction.result import AssemblyNode, ExtractionResult
from pybase.extraction.step_part21 import read_part21
from pybase.extraction.step_tree import from_part21

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def step(corpus_result: Callable[[str], ExtractionResult]) -> Callable[[str], ExtractionResult]:
    """``step("x.stp")`` -> its ExtractionResult (shared, extracted once)."""
    return lambda name: corpus_result(f"step/{name}")


def _codes(result: ExtractionResult) -> set[str]:
    return {issue.code for issue in result.issues}


def _frames_by_name(result: ExtractionResult) -> dict[str, list[int]]:
    """Tolerance name (GEOMETRIC_TOLERANCE.name) -> indexes into result.gdt."""
    out: dict[str, list[int]] = {}
    for source in result.notation_sources:
        if source.section == "gdt" and source.text:
            out.setdefault(source.text, []).append(source.index)
    return out


def _child(node: AssemblyNode, name: str) -> AssemblyNode:
    return next(child for child in node.children if child.name == name)


# ------------------------------------------------------------------------------------------
# AP242 semantic PMI


def test_ctc_01_semantic_pmi_counts_and_values(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ctc_01_asme1_ap242-e1.stp")
    assert Counter(frame.characteristic for frame in result.gdt) == {
        "position": 2,
        "profile_of_a_surface": 2,
        "perpendicularity": 1,
        "flatness": 1,
    }
    by_name = _frames_by_name(result)
    assert sorted(by_name) == [
        "Flatness.1",
        "Perpendicularity.1",
        "Position surfacic profile.2",
        "Position surfacic profile.3",
        "Position.1",
        "Position.2",
    ]
    assert [d.label for d in result.datums] == ["A", "B", "C"]
    pmi = result.stats["pmi"]
    assert pmi["entity_counts"] == {
        "DATUM": 3,
        "DATUM_SYSTEM": 2,
        "DIMENSIONAL_SIZE": 9,
        "DIMENSIONAL_LOCATION": 2,
        "ANGULAR_LOCATION": 1,
        "PLUS_MINUS_TOLERANCE": 6,
    }
    assert len(result.dimensions) == 9 + 2 + 1
    # Values as the file gives them (and as OCCT's own XCAFDoc_DimTolTool reads them too).
    flatness = result.gdt[by_name["Flatness.1"][0]]
    assert (flatness.tolerance, flatness.unit, flatness.datums) == (0.2, "mm", [])
    perpendicularity = result.gdt[by_name["Perpendicularity.1"][0]]
    assert (perpendicularity.tolerance, perpendicularity.unit) == (1.5, "mm")
    assert [d.label for d in perpendicularity.datums] == ["A"]
    position = result.gdt[by_name["Position.1"][0]]
    assert (position.symbol, position.tolerance, position.unit) == ("⌖", 0.75, "mm")
    assert [d.label for d in position.datums] == ["A", "B", "C"]
    # 6 PLUS_MINUS_TOLERANCE (4 +a/-b, 2 ±t), 2 sizes given as 'upper limit'/'lower limit'
    kinds = Counter(
        d.parsed.tolerance.kind for d in result.dimensions if d.parsed and d.parsed.tolerance
    )
    assert kinds == {"deviations": 4, "symmetric": 2, "limits": 2}
    assert "Ø35.2/34.8" in {d.text for d in result.dimensions}
    angle = next(d for d in result.dimensions if d.kind == "angular")
    assert (angle.measured, angle.unit, angle.text) == (60.0, "deg", "60° ±0.5")
    assert "presentation_pmi" in _codes(result)
    assert result.stats["presentation_pmi"]["annotation_occurrences"] == 23


def test_ftc_10_semantic_pmi_counts(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ftc_10_asme1_ap242-e2.stp")
    assert len(result.gdt) == 40
    assert Counter(frame.characteristic for frame in result.gdt) == {
        "position": 19,
        "profile_of_a_surface": 10,
        "perpendicularity": 6,
        "cylindricity": 2,
        "flatness": 1,
        "straightness": 1,
        "symmetry": 1,
    }
    pmi = result.stats["pmi"]
    counts = pmi["entity_counts"]
    assert (counts["DATUM"], counts["DATUM_SYSTEM"]) == (11, 12)
    assert (counts["DIMENSIONAL_SIZE"], counts["DIMENSIONAL_LOCATION"]) == (19, 7)
    assert counts["PLUS_MINUS_TOLERANCE"] == 23
    assert [d.label for d in result.datums] == list("ABCDEFGHJKL")
    assert len(result.dimensions) == 19 + 7
    assert all(frame.unit == "mm" for frame in result.gdt)


def test_ftc_10_frames_modifiers_and_dimensions(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ftc_10_asme1_ap242-e2.stp")
    by_name = _frames_by_name(result)
    # three GEOMETRIC_TOLERANCE_RELATIONSHIP('composite'): the lower rows
    assert sum(frame.composite for frame in result.gdt) == 3
    assert all(frame.row == 1 for frame in result.gdt if frame.composite)
    [mmc] = by_name["Position.11"]
    assert result.gdt[mmc].modifiers == ["mmc"]  # MAXIMUM_MATERIAL_REQUIREMENT
    [lmc] = by_name["Position.12"]
    assert result.gdt[lmc].modifiers == ["lmc"]
    assert [d.label for d in result.gdt[lmc].datums] == ["H", "K", "L"]
    # TOLERANCE_ZONE_FORM('cylindrical or circular') makes a diameter zone
    assert result.gdt[by_name["Position.1"][0]].zone_shape == "diameter"
    # three PROJECTED_ZONE_DEFINITIONs with LENGTH_MEASURE(3.2) mm
    projected = [frame for frame in result.gdt if "projected" in frame.modifiers]
    assert [frame.projected_height for frame in projected] == [3.2, 3.2, 3.2]
    # common datum E-F-G, each at MMC (COMMON_DATUM_LIST of DATUM_REFERENCE_ELEMENTs)
    common = [r for frame in result.gdt for r in frame.datums if "-" in r.label]
    assert [(r.label, r.modifiers) for r in common] == [("E-F-G", ["mmc"])]
    # 'Ø6 ±0.15' is on the FTC-10 drawing (MANIFEST, PDF row); the model carries it three times
    texts = Counter(d.text for d in result.dimensions)
    assert texts["Ø6 ±0.15"] == 3
    fitted = [d for d in result.dimensions if d.parsed and d.parsed.fit]
    assert [d.parsed.fit.designation for d in fitted if d.parsed and d.parsed.fit] == ["G6"] * 3
    # ISO 286: G6 for 3.5 mm (over 3 up to 6) is +0.004 / +0.012
    assert {(d.upper_deviation, d.lower_deviation) for d in fitted} == {(0.012, 0.004)}


@pytest.mark.parametrize(
    "name",
    [
        "nist__nist_ftc_06_asme1_rd.stp",
        "nist__nist_ftc_11_asme1_rb.stp",
        "openamr__MMP.01.00.00.000_Cover_assembly.STEP",
        "openamr__MMP.03.00.00.004_Drive_shaft.STEP",
    ],
)
def test_ap203_files_have_no_pmi(step: Callable[[str], ExtractionResult], name: str) -> None:
    result = step(name)
    assert result.source.format_version == "AP203"
    assert (result.gdt, result.dimensions, result.datums) == ([], [], [])
    assert "pmi" not in result.stats and "presentation_pmi" not in result.stats


def test_io1_presentation_pmi_is_counted(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__io1-cm-214.stp")
    assert result.stats["presentation_pmi"]["by_kind"] == {"curve": 3, "symbol": 3, "text": 3}
    [info] = [i for i in result.issues if i.code == "presentation_pmi"]
    assert info.severity == "info" and "no semantic PMI" in info.message
    assert (result.gdt, result.dimensions) == ([], [])
    literals = [t.text for t in result.text if t.kind == "TEXT_LITERAL"]
    assert "Contact Face" in literals
    assert "ブレンド R1" in literals  # the file's one \X2\ encoded string


# ------------------------------------------------------------------------------------------
# placements, materials, validation properties


def test_as1_placements_of_the_two_bracket_assemblies(
    step: Callable[[str], ExtractionResult], corpus_file: Callable[[str], Path]
) -> None:
    result = step("pythonocc__as1-oc-214.stp")
    [as1] = result.assembly
    brackets = _child(as1, "l-bracket-assembly")
    first, second = brackets.placements
    assert first.unit == "mm"
    assert first.translation != second.translation
    assert first.translation == pytest.approx((5.0, 125.0, 20.0))
    assert second.translation == pytest.approx((175.0, 25.0, 20.0))
    assert (second.axis, second.angle) == (pytest.approx((0.0, 0.0, 1.0)), pytest.approx(180.0))
    # every occurrence of the tree is placed
    stack = [as1]
    while stack:
        node = stack.pop()
        for child in node.children:
            assert len(child.placements) == child.quantity
            stack.append(child)
    # our own Part 21 reading of the CONTEXT_DEPENDENT_SHAPE_REPRESENTATIONs agrees with OCCT
    p21 = read_part21(corpus_file("step/pythonocc__as1-oc-214.stp").read_bytes())
    [root] = from_part21(p21)
    bracket_node = next(child for child, _ in root.children if child.name == "l-bracket-assembly")
    translations = [t[9:] for t, _ in root.placements[bracket_node.key] if t is not None]
    assert translations == [pytest.approx((5.0, 125.0, 20.0)), pytest.approx((175.0, 25.0, 20.0))]


def test_as1_assembly_totals_and_validation_properties(
    step: Callable[[str], ExtractionResult],
) -> None:
    result = step("pythonocc__as1-oc-214.stp")
    [as1] = result.assembly
    totals = as1.assembly_properties
    assert totals is not None and totals.volume is not None
    assert totals.part_count == 18  # 6 bolts, 8 nuts, rod, 2 brackets, plate
    parts = {"plate": 1, "l-bracket": 2, "bolt": 6, "nut": 8, "rod": 1}
    volumes: dict[str, float] = {}
    stack = [as1]
    while stack:
        node = stack.pop()
        if node.properties is not None and node.properties.volume is not None:
            volumes[node.name] = node.properties.volume.value
        stack.extend(node.children)
    assert totals.volume.value == pytest.approx(sum(volumes[n] * q for n, q in parts.items()))
    # 9 products x (volume, surface area, centroid) in the file, all within tolerance
    stats = result.stats["validation_properties"]
    assert (stats["checked"], stats["matched"], stats["unchecked"]) == (27, 27, 0)
    assert "validation_property_mismatch" not in _codes(result)


def test_dm1_materials_from_make_from_usage(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__dm1-id-214.stp")
    [dm1] = result.assembly
    materials = {
        child.name: (child.properties.material, child.properties.material_id)
        for child in dm1.children
        if child.properties is not None
    }
    assert materials == {
        "l-bracket": ("Titanium 6-4", "AMS 4928"),
        "bolt": ("Greek Ascoloy", "AMS 5613"),
        "nut": ("Inconel 718", "AMS 5662"),
    }
    # the material specifications are not components
    assert result.bom_flat == {"dm1": 1, "l-bracket": 1, "bolt": 3, "nut": 3}
    bolt = _child(dm1, "bolt").properties
    assert bolt is not None and bolt.density is not None and bolt.mass is not None
    # POSITIVE_RATIO_MEASURE(0.285230375059732) POUND / INCH^3; the file's pound is 0.4536 kg
    assert bolt.density.value == pytest.approx(0.285230375059732 * 0.4536 / 0.0254**3)
    assert bolt.volume is not None and bolt.volume.unit == "inch3"
    expected = bolt.density.value * bolt.volume.value * 0.0254**3
    assert bolt.mass.value == pytest.approx(expected)
    totals = dm1.assembly_properties
    assert totals is not None and totals.mass is not None
    children = [c for c in dm1.children if c.properties and c.properties.mass]
    assert totals.mass.value == pytest.approx(
        sum(
            c.properties.mass.value * c.quantity
            for c in children
            if c.properties and c.properties.mass
        )
    )
    # I-DEAS writes the assembly centroid weighted by mass: it matches the mass-weighted centre
    assert totals.center_of_mass_basis == "mass"
    stats = result.stats["validation_properties"]
    assert (stats["checked"], stats["matched"]) == (12, 12)
    assembly_centroid = next(
        d for d in stats["details"] if d["product"] == "dm1" and d["property"] == "centroid"
    )
    assert assembly_centroid["basis"] == "mass"


def test_ctc_01_validation_volume_matches(step: Callable[[str], ExtractionResult]) -> None:
    result = step("nist__nist_ctc_01_asme1_ap242-e1.stp")
    stats = result.stats["validation_properties"]
    assert (stats["checked"], stats["matched"]) == (3, 3)
    volume = next(d for d in stats["details"] if d["property"] == "volume")
    assert volume["file"] == pytest.approx(14644822.6361138)  # VOLUME_MEASURE in mm3
    assert volume["unit"] == "mm3"


def test_s1_c5_placements_from_part21_in_inch(step: Callable[[str], ExtractionResult]) -> None:
    result = step("stepcode__s1-c5-214.stp")
    assert "geometry_unavailable" in _codes(result)
    [master] = result.assembly
    foot = _child(master, "FOOT")
    # AXIS2_PLACEMENT_3D locations #176 / #194 in the assembly's INCH context
    assert [p.translation for p in foot.placements] == [
        pytest.approx((0.0, 1.43622047244, -0.00905511811024)),
        pytest.approx((0.0, -1.43622047244, -0.00905511811024)),
    ]
    assert {p.unit for p in foot.placements} == {"inch"}


def test_red_cube_blue_cylinder_roots_have_no_placements(
    step: Callable[[str], ExtractionResult],
) -> None:
    result = step("cadquery__red_cube_blue_cylinder.step")
    colors = {n.name: n.properties.color for n in result.assembly if n.properties}
    assert colors == {"red_cube": "#dd5228", "blue_cylinder": "#3b61b4"}
    assert all(node.placements == [] for node in result.assembly)
