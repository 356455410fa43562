"""Product structure of a STEP file: which PRODUCTs are used how often under which parent.

Two sources, same output (a DAG of :class:`ProductNode`, one node per product):

* the XCAF label tree OCCT built (:func:`from_xcaf`): free shapes are the roots, components
  refer to prototypes. A label is a product when its name matches a PRODUCT of the file (read
  by :mod:`pybase.extraction.step_part21`); other labels (OCCT makes them for extra shape
  representations of one product, e.g. a B-rep plus a wireframe) are geometry of the product
  above them, not children.
* the Part 21 data alone (:func:`from_part21`), when OCCT transferred nothing: roots are the
  PRODUCT_DEFINITIONs no NEXT_ASSEMBLY_USAGE_OCCURRENCE uses as a component.

Repeated occurrences of one product under one parent (several NEXT_ASSEMBLY_USAGE_OCCURRENCE,
ISO 10303-44 §4.2 product_definition_usage) become one child with ``quantity`` n, in the order
of first appearance; each occurrence keeps its placement (``ProductNode.placements``: XCAF
component locations, or the Part 21 CONTEXT_DEPENDENT_SHAPE_REPRESENTATION transformations of
:mod:`pybase.extraction.step_placement`). Pure Python; the XCAF side is only read through the
``entry``, ``name``, ``components``, ``locations`` and ``component_names`` attributes of its
label nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pybase.extraction.step_part21 import Part21File, Product
from pybase.extraction.step_placement import part21_placements
from pybase.extraction.step_strings import decode_literal
from pybase.extraction.step_transform import IDENTITY, Transform, compose

__all__ = [
    "Occurrence",
    "ProductNode",
    "flatten_counts",
    "from_part21",
    "from_xcaf",
    "readable_label_name",
]

#: Deeper trees than this are cut (guards against reference cycles in broken files).
MAX_DEPTH = 64


class LabelLike(Protocol):
    """What the tree builder reads from an XCAF label node (see ``step_occt.LabelNode``)."""

    @property
    def entry(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def components(self) -> Sequence[LabelLike]: ...

    @property
    def locations(self) -> Sequence[Transform]: ...

    @property
    def component_names(self) -> Sequence[str]: ...


#: One use of a child product: its placement in the parent (millimetres; None when the file
#: gives none) and the occurrence's name (None when unknown).
Occurrence = tuple[Transform | None, str | None]


@dataclass(eq=False)
class ProductNode:
    """One product (shared by all its occurrences).

    Attributes:
        key: identity: ``"#<PRODUCT entity id>"`` or ``"label:<XCAF entry>"`` when unmatched.
        name: PRODUCT.name (PRODUCT.id when the name is blank), decoded.
        product_id: PRODUCT.id, None when the label matched no PRODUCT.
        label: the XCAF label node holding the product's shape (None from Part 21 alone).
        children: ``(child, quantity)`` in order of first appearance.
        placements: child key -> its occurrences under this product, in file order.
    """

    key: str
    name: str
    product_id: str | None
    label: LabelLike | None = None
    children: list[tuple[ProductNode, int]] = field(default_factory=list)
    placements: dict[str, list[Occurrence]] = field(default_factory=dict)


def readable_label_name(name: str) -> str:
    """An XCAF name read with the ISO 8859-1 code page, with raw non-ASCII byte runs decoded
    like Part 21 strings (UTF-8, else the most plausible of cp1252/cp1251/cp866)."""
    if any(ord(ch) > 0xFF for ch in name):
        return name
    return decode_literal(name, set())


class _Matcher:
    """Find the PRODUCT behind an XCAF label name.

    OCCT names a product's label after PRODUCT.name, or PRODUCT.id when the name is empty; the
    label text equals the Part 21 string with escapes decoded and raw bytes kept as latin-1.
    """

    def __init__(self, products: Sequence[Product]) -> None:
        self.by_key: dict[str, Product] = {}
        for product in products:
            for key in (product.occt_name, product.occt_id, product.display_name):
                if key.strip():
                    self.by_key.setdefault(key.strip(), product)

    def match(self, label_name: str) -> Product | None:
        key = label_name.strip()
        return self.by_key.get(key) or self.by_key.get(readable_label_name(key))


def from_xcaf(roots: Sequence[LabelLike], p21: Part21File) -> list[ProductNode]:
    """Product DAG from the XCAF free shapes ``roots``.

    When the Part 21 reader found no PRODUCT at all, every label counts as a product (named
    after its label).
    """
    matcher = _Matcher(list(p21.products.values()))
    strict = bool(p21.products)
    memo: dict[str, ProductNode] = {}

    def product_of(label: LabelLike) -> Product | None:
        return matcher.match(label.name)

    def product_components(
        label: LabelLike, own: Product | None, outer: Transform, depth: int
    ) -> list[tuple[LabelLike, Transform, str | None]]:
        found: list[tuple[LabelLike, Transform, str | None]] = []
        if depth > MAX_DEPTH:
            return found
        locations = list(label.locations)
        names = list(label.component_names)
        for i, component in enumerate(label.components):
            location = compose(outer, locations[i]) if i < len(locations) else outer
            product = product_of(component)
            is_child = not strict or (
                product is not None and (own is None or product.entity_id != own.entity_id)
            )
            if is_child:
                name = readable_label_name(names[i]) if i < len(names) and names[i] else None
                found.append((component, location, name))
            elif component.components:
                found.extend(product_components(component, own, location, depth + 1))
        return found

    def build(label: LabelLike, depth: int) -> ProductNode:
        node = memo.get(label.entry)
        if node is not None:
            return node
        product = product_of(label)
        if product is not None:
            node = ProductNode(f"#{product.entity_id}", product.display_name, product.id, label)
        else:
            node = ProductNode(f"label:{label.entry}", readable_label_name(label.name), None, label)
        memo[label.entry] = node
        if depth < MAX_DEPTH:
            _merge(
                node,
                (
                    (build(child, depth + 1), (location, name))
                    for child, location, name in product_components(label, product, IDENTITY, 0)
                ),
            )
        return node

    return [build(root, 0) for root in roots]


def _merge(node: ProductNode, children: Iterable[tuple[ProductNode, Occurrence]]) -> None:
    """Set ``node.children`` (repeated products merged into ``(child, quantity)``, in order of
    first appearance) and ``node.placements``."""
    order: list[ProductNode] = []
    placements: dict[str, list[Occurrence]] = {}
    for child, occurrence in children:
        if child.key not in placements:
            order.append(child)
            placements[child.key] = []
        placements[child.key].append(occurrence)
    node.children = [(child, len(placements[child.key])) for child in order]
    node.placements = placements


def from_part21(p21: Part21File) -> list[ProductNode]:
    """Product DAG from PRODUCT_DEFINITION / NEXT_ASSEMBLY_USAGE_OCCURRENCE alone.

    Roots: PRODUCT_DEFINITIONs that no NEXT_ASSEMBLY_USAGE_OCCURRENCE uses as its
    related_product_definition; when some of them have components, only those (so stray
    definitions such as material specification products do not show up as roots).
    """
    usages_of: dict[int, list[tuple[int, Occurrence]]] = {}
    related: set[int] = set()
    placements = part21_placements(p21)
    for usage in p21.usages:
        occurrence = (placements.get(usage.entity_id), usage.id or usage.name or None)
        usages_of.setdefault(usage.relating, []).append((usage.related, occurrence))
        related.add(usage.related)
    definitions = list(p21.product_definitions)
    roots = [pd for pd in definitions if pd not in related]
    if any(pd in usages_of for pd in roots):
        roots = [pd for pd in roots if pd in usages_of]
    memo: dict[int, ProductNode] = {}

    def build(pd: int, depth: int) -> ProductNode | None:
        node = memo.get(pd)
        if node is not None:
            return node
        product = p21.product_of_definition(pd)
        if product is None:
            return None
        node = ProductNode(f"#{product.entity_id}", product.display_name, product.id)
        memo[pd] = node
        if depth < MAX_DEPTH:
            kids = [(build(child, depth + 1), where) for child, where in usages_of.get(pd, [])]
            _merge(node, ((kid, where) for kid, where in kids if kid is not None))
        return node

    built = [build(pd, 0) for pd in roots]
    return [node for node in built if node is not None]


def flatten_counts(roots: Sequence[ProductNode]) -> dict[str, int]:
    """Total number of instances of each product key in the whole tree (roots count 1,
    quantities multiply through the levels)."""
    totals: dict[str, int] = {}

    def walk(node: ProductNode, factor: int, depth: int) -> None:
        totals[node.key] = totals.get(node.key, 0) + factor
        if depth >= MAX_DEPTH:
            return
        for child, quantity in node.children:
            walk(child, factor * quantity, depth + 1)

    for root in roots:
        walk(root, 1, 0)
    return totals
