"""One-line human summaries of an :class:`ExtractionResult` for the CLI summary table."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pybase.extraction.result import ExtractionResult


_PLURALS = {"entity": "entities"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {_PLURALS.get(word, word + 's')}"


def summarize(result: ExtractionResult) -> str:
    """Key facts of ``result`` in one line: part number / title first, then what was counted.

    Returns e.g. ``"MMP.03.00.00.004 Drive shaft · 1 page · 2 tables"`` or
    ``"IFC2X3 · 57 walls · 14 doors · 4 storeys"``.
    """
    parts: list[str] = []
    tb = result.title_block
    if tb is not None:
        ident = " ".join(x for x in (tb.part_number, tb.title) if x)
        if ident:
            parts.append(ident)
    fmt = result.source.format
    if result.metadata.get("engine") == "werk24":
        pages = int(result.stats.get("werk24_pages_read") or 0)
        parts.append(f"Werk24: {_plural(pages, 'page')} read")
        if result.dimensions:
            parts.append(_plural(len(result.dimensions), "dimension"))
        if result.issues:
            parts.append(_plural(len(result.issues), "issue"))
        return " · ".join(parts)
    if result.source.format_version:
        prefix = "PDF " if fmt == "pdf" else ""
        parts.append(prefix + result.source.format_version)
    if fmt == "pdf":
        parts.append(_plural(len(result.pages), "page"))
        if result.tables:
            parts.append(_plural(len(result.tables), "table"))
    elif fmt == "dxf":
        counts = result.stats.get("entity_counts", {})
        parts.append(_plural(sum(counts.values()), "entity"))
        if result.dimensions:
            parts.append(_plural(len(result.dimensions), "dimension"))
        if result.block_references:
            parts.append(_plural(len(result.block_references), "attributed INSERT"))
    elif fmt == "ifc":
        parts.append(_plural(len(result.elements), "element"))
        element_classes = {e.ifc_class for e in result.elements}
        counts = {
            cls: n
            for cls, n in result.stats.get("class_counts", {}).items()
            if cls in element_classes
        }
        for cls in sorted(counts, key=lambda c: (-counts[c], c))[:3]:
            parts.append(f"{counts[cls]} {cls}")
        storeys = result.stats.get("storey_count")
        if storeys:
            parts.append(_plural(int(storeys), "storey"))
    elif fmt == "step":
        if result.bom_flat:
            parts.append(_plural(len(result.bom_flat), "product"))
            parts.append(_plural(sum(result.bom_flat.values()), "instance"))
        if result.gdt or result.dimensions:
            parts.append(f"PMI: {len(result.dimensions)} dimensions, {len(result.gdt)} GD&T")
    if result.issues:
        parts.append(_plural(len(result.issues), "issue"))
    return " · ".join(parts)
