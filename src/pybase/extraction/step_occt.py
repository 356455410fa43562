"""Everything the STEP extractor asks of OCCT, as one phase that returns plain data.

The phase (ReadFile, Transfer into XCAF, product tree, measuring every distinct part) runs in
a forked child process (:mod:`pybase.extraction.step_sandbox`) wherever ``fork`` exists: OCCT
trusts the model it transfers and dies with SIGSEGV on damaged ones (null references left by
entities that failed to load, references to entities of a wrong type, even with a clean load
check). A crash then costs the geometry, not the process: the product structure is read from
the Part 21 data instead. The parent imports OCP (so that forks start warm) but runs no OCCT
code on the file; the data classes of the phase live here, the OCP code in
:mod:`pybase.extraction.step_xcaf`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from pybase.errors import CorruptFileError, DependencyMissingError, TransientExtractionError
from pybase.extraction import step_sandbox
from pybase.extraction.step_part21 import Part21File
from pybase.extraction.step_transform import Transform
from pybase.extraction.step_tree import MAX_DEPTH, ProductNode, from_part21, from_xcaf

if TYPE_CHECKING:
    from OCP.TDF import TDF_Label
    from OCP.TDocStd import TDocStd_Document

__all__ = [
    "LabelNode",
    "OcctOutcome",
    "PartGeometry",
    "StepReadError",
    "XcafModel",
    "distinct_parts",
    "run",
]


class StepReadError(Exception):
    """OCCT could not read the file: ``status`` is the ``IFSelect_ReturnStatus`` name (or
    ``syntax_error``), ``detail`` the first problem it reported."""

    def __init__(self, status: str, detail: str = "") -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}" if self.detail else self.status


@dataclass(eq=False)
class LabelNode:
    """One shape label of the XCAF document (a prototype, not an instance).

    ``name`` is the label's TDataStd_Name as OCCT read it (ISO 8859-1 code page: raw bytes kept
    as U+0080..U+00FF), ``components`` the prototypes its components refer to, in component
    order; a prototype used twice appears twice (same object). ``locations`` holds each
    component's placement in this label's coordinates (millimetres) and ``component_names`` the
    component labels' own names (the occurrence names), both parallel to ``components``."""

    entry: str
    name: str
    is_assembly: bool
    components: list[LabelNode] = field(default_factory=list)
    locations: list[Transform] = field(default_factory=list)
    component_names: list[str] = field(default_factory=list)
    label: TDF_Label | None = field(default=None, repr=False, compare=False)


@dataclass
class PartGeometry:
    """Geometry facts of one label, lengths in millimetres (the XCAF document unit we set).

    ``volume_mm3`` and ``center_of_mass_mm`` come from the solids (None when there is none);
    ``area_mm2`` and ``bbox_mm`` from the solids, or from free faces when there is no solid.
    ``color`` is ``#rrggbb`` (XCAF surface or generic colour, most frequent over sub-shapes);
    ``layers`` the names of the layers holding the shape or its sub-shapes (ISO 8859-1 code
    page, as OCCT reads them), in order of first appearance.
    """

    solid_count: int = 0
    face_count: int = 0
    volume_mm3: float | None = None
    area_mm2: float | None = None
    bbox_mm: tuple[tuple[float, float, float], tuple[float, float, float]] | None = None
    center_of_mass_mm: tuple[float, float, float] | None = None
    color: str | None = None
    layers: list[str] = field(default_factory=list)


@dataclass
class XcafModel:
    """A STEP file read and transferred into an XCAF document.

    Attributes:
        roots: free shapes (top-level prototypes) in XCAF order.
        transferred: ``STEPCAFControl_Reader.Transfer`` returned True.
        transfer_error: why there is no transfer: the exception OCCT raised, or why the
            transfer was not attempted; None after a normal transfer.
        length_units: FileUnits length names, one per shape representation context
            (e.g. ``["millimetre"]``, ``["INCH"]``).
        angle_units: FileUnits plane angle names.
        entity_count: entities in OCCT's model.
        check_fails: ``(entity rank, message)`` of load failures from the model check list
            (rank = 1-based position of the instance in the file).
        layers: ``(name, number of shapes, visible)`` per PRESENTATION_LAYER_ASSIGNMENT layer
            (name as read with the ISO 8859-1 code page).
        doc: the XCAF document (None once :func:`detach` made the model plain data).
    """

    roots: list[LabelNode] = field(default_factory=list)
    transferred: bool = False
    transfer_error: str | None = None
    length_units: list[str] = field(default_factory=list)
    angle_units: list[str] = field(default_factory=list)
    entity_count: int = 0
    check_fails: list[tuple[int, str]] = field(default_factory=list)
    layers: list[tuple[str, int, bool]] = field(default_factory=list)
    doc: TDocStd_Document | None = field(default=None, repr=False)


@dataclass
class OcctOutcome:
    """Result of the OCCT phase, free of OCCT objects.

    Attributes:
        model: the transferred model, detached (units, check list, layers, label tree), or an
            empty one whose ``transfer_error`` says why there is none.
        roots: the product tree (:mod:`pybase.extraction.step_tree`).
        geometry: product key -> measured :class:`PartGeometry` (millimetres) for each
            distinct part with a shape.
        geometry_errors: product key -> message of the OCCT error measuring that part.
    """

    model: XcafModel
    roots: list[ProductNode]
    geometry: dict[str, PartGeometry] = field(default_factory=dict)
    geometry_errors: dict[str, str] = field(default_factory=dict)


def run(
    path: Path,
    p21: Part21File,
    mass_properties: bool,
    progress: Callable[[int, int], None],
) -> OcctOutcome:
    """Read ``path`` with OCCT, transfer it, build the product tree and measure the parts.

    ``progress`` gets ``(1, 1 + parts)`` after the transfer and ``(1 + i, 1 + parts)`` after
    each part; an exception it raises (cancellation) stops the child and propagates. When OCCT
    crashes, what it reported before (load check, units) is kept and the product tree comes
    from the Part 21 data.

    Raises:
        CorruptFileError: OCCT cannot read the file (failed status or syntax errors).
        DependencyMissingError: OCP is not installed.
        TransientExtractionError: out of memory.
    """
    phase = functools.partial(_phase, path, p21, mass_properties)
    try:
        # Import OCP here, once per process: forked children then start with it loaded
        # (importing OCP takes about a second).
        from pybase.extraction import step_xcaf  # noqa: F401

        if step_sandbox.available():
            return step_sandbox.run(phase, progress)
        return phase(step_sandbox.LocalChannel(progress))  # pragma: no cover - no fork
    except StepReadError as exc:
        detail = exc.detail or p21.syntax_error
        if _truncated(path):
            raise CorruptFileError(
                f"{path.name}: the file is truncated: it does not end with END-ISO-10303-21; "
                f"(OCCT: {exc.status}" + (f", {detail})" if detail else ")")
            ) from exc
        raise CorruptFileError(
            f"{path.name}: OCCT could not read the STEP data ({exc.status})"
            + (f": {detail}" if detail else "")
        ) from exc
    except ImportError as exc:  # pragma: no cover - OCP is a core dependency
        raise DependencyMissingError(
            f"reading STEP needs OCP (pip install cadquery-ocp-novtk): {exc}"
        ) from exc
    except MemoryError as exc:
        raise TransientExtractionError(f"{path.name}: out of memory reading STEP") from exc
    except step_sandbox.ChildCrashed as exc:
        model = exc.notes[-1] if exc.notes else XcafModel()
        model.transfer_error = f"OCCT crashed on this damaged model ({exc})"
        return OcctOutcome(model=model, roots=from_part21(p21))


def _phase(
    path: Path,
    p21: Part21File,
    mass_properties: bool,
    channel: step_sandbox.Channel,
) -> OcctOutcome:
    from pybase.extraction import step_xcaf

    try:
        opened = step_xcaf.open_step(path)
    except (StepReadError, MemoryError):
        raise
    except Exception as exc:  # OCP raises Standard_Failure subclasses for broken data
        raise StepReadError("exception", f"{type(exc).__name__}: {exc}") from None
    model = XcafModel(entity_count=opened.entity_count, check_fails=opened.check_fails)
    channel.note(model)
    try:
        step_xcaf.file_units(opened, model)
    except MemoryError:
        raise
    except Exception:  # an OCCT failure here only means: units unknown
        model.length_units, model.angle_units = [], []
    channel.note(model)
    step_xcaf.transfer(opened, model)
    outcome = OcctOutcome(model=model, roots=_product_tree(model, p21))
    parts = distinct_parts(outcome.roots)
    total = len(parts) + 1
    channel.progress(1, total)
    for done, node in enumerate(parts, start=2):
        label = cast("LabelNode", node.label)
        try:
            outcome.geometry[node.key] = step_xcaf.geometry(label, mass_properties)
        except MemoryError:
            raise
        except Exception as exc:  # OCCT failure on this part only: keep the others
            outcome.geometry_errors[node.key] = f"{type(exc).__name__}: {exc}"
        channel.progress(done, total)
    step_xcaf.detach(model)
    return outcome


def _product_tree(model: XcafModel, p21: Part21File) -> list[ProductNode]:
    """The XCAF tree; the Part 21 NEXT_ASSEMBLY_USAGE_OCCURRENCE structure instead when OCCT
    found no B-rep at all (it drops products without a shape, so its tree is then poorer)."""
    from pybase.extraction import step_xcaf

    try:
        has_brep = bool(model.roots) and step_xcaf.has_faces(model.roots)
    except Exception:  # an OCCT failure here only means: no usable B-rep
        has_brep = False
    if has_brep:
        return from_xcaf(model.roots, p21)
    structure = from_part21(p21)
    if structure:
        return structure
    return from_xcaf(model.roots, p21)


def distinct_parts(roots: list[ProductNode]) -> list[ProductNode]:
    """Leaf products (no product children) that have an XCAF label, each once, tree order."""
    seen: set[str] = set()
    parts: list[ProductNode] = []

    def walk(node: ProductNode, depth: int) -> None:
        if node.key in seen or depth > MAX_DEPTH:
            return
        seen.add(node.key)
        if not node.children:
            if node.label is not None:
                parts.append(node)
            return
        for child, _ in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return parts


def _truncated(path: Path) -> bool:
    """True when the Part 21 trailer ``END-ISO-10303-21;`` (ISO 10303-21 §5) is missing from
    the end of the file."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 256))
        tail = fh.read()
    return b"END-ISO-10303-21" not in tail.upper()
