"""Helpers for reading ExtractionResults in tests."""

from __future__ import annotations

from collections.abc import Iterator

from pybase.extraction.result import SpatialNode


def walk(node: SpatialNode | None) -> Iterator[SpatialNode]:
    """Every node of an IFC spatial tree, depth first, the root first."""
    if node is None:
        return
    yield node
    for child in node.children:
        yield from walk(child)
