"""First-pass DXF title block: pick the attributed INSERT whose ATTRIB tags look like a title
block and map its tags onto :class:`~pybase.extraction.result.TitleBlock` fields.

Table-driven on purpose: :data:`FIELD_TAGS` lists, per TitleBlock field, the ATTRIB tags
(normalised: upper case, runs of non-alphanumerics -> ``_``) that mean it; :data:`OTHER_TAGS`
lists tags that are typical of title blocks but have no named field (they stay in
``TitleBlock.fields``). Field names follow ISO 7200 where it has one (part/identification
number, title, revision, date of issue, sheet, scale). No ezdxf import here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pybase.extraction.result import BlockReference, Quantity, TitleBlock

__all__ = [
    "BOM_TAGS",
    "FIELD_TAGS",
    "MIN_TITLE_TAGS",
    "OTHER_TAGS",
    "normalise_tag",
    "title_block_from",
]

# fmt: off
#: TitleBlock field -> ATTRIB tags meaning it, in priority order (first present tag wins).
FIELD_TAGS: dict[str, tuple[str, ...]] = {
    "part_number": ("DWG_NO", "DWGNO", "DWG_NUMBER", "DRAWING_NO", "DRAWINGNO",
                    "DRAWING_NUMBER", "PART_NO", "PARTNO", "PART_NUMBER", "DOC_NO",
                    "DOCUMENT_NO", "DOCUMENT_NUMBER", "NUMBER"),
    "title": ("TITLE", "DRAWING_TITLE", "DWG_TITLE", "TITLE1", "ASSEMBLY", "DESCRIPTION",
              "DESC", "PART_NAME"),
    "revision": ("REV", "REVISION", "REV_NO", "REVNO", "REVISION_NO"),
    "material": ("MATERIAL", "MATL", "MAT"),
    "scale": ("SCALE", "DWG_SCALE", "DRAWING_SCALE"),
    "sheet": ("SHEET", "SHEET_NO", "SHEET_NUMBER"),
    "drawn_by": ("DRAWN_BY", "DRAWNBY", "DRAWN", "DRN", "DRAFTER", "AUTHOR", "CREATED_BY"),
    "checked_by": ("CHECKED_BY", "CHECKEDBY", "CHECKED", "CHK", "CHKD", "CHECKER"),
    "approved_by": ("APPROVED_BY", "APPROVEDBY", "APPROVED", "APPR", "APPD", "APP"),
    "date": ("DATE", "DWG_DATE", "DRAWN_DATE", "ISSUE_DATE", "DATE_OF_ISSUE"),
    "weight": ("WEIGHT", "MASS", "WT"),
}

#: Title-block tags without a named TitleBlock field (kept in ``fields``, count for the pick).
OTHER_TAGS: frozenset[str] = frozenset({
    "CUSTOMER", "CLIENT", "COMPANY", "PROJECT", "PROJECT_NO", "JOB_NO", "JOB", "FINISH",
    "TREATMENT", "SURFACE", "TOLERANCE", "TOLERANCES", "GENERAL_TOLERANCE", "SIZE", "FORMAT",
    "SHEET_SIZE", "UNITS", "DEPARTMENT", "DESIGNED_BY", "ENGINEER",
})
# fmt: on

#: Tags of a parts-list (BOM) row: an INSERT carrying one is never the title block.
BOM_TAGS: frozenset[str] = frozenset({"QTY", "QUANTITY", "ITEM", "ITEM_NO", "POS", "POSITION"})

#: An INSERT needs at least this many distinct title-block tags to count as a title block
#: (one ``DATE`` or ``SCALE`` tag alone is a stamp or a detail callout, not a title block).
MIN_TITLE_TAGS = 2

_TAG_TO_FIELD: dict[str, str] = {tag: f for f, tags in FIELD_TAGS.items() for tag in tags}
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_WEIGHT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(kg|g|t|lb|lbs)\s*$", re.IGNORECASE)


def normalise_tag(tag: str) -> str:
    """``"Drawn by"`` -> ``"DRAWN_BY"``: upper case, non-alphanumeric runs -> ``_``."""
    return _NON_ALNUM.sub("_", tag.upper()).strip("_")


def _score(attributes: Mapping[str, str]) -> int:
    tags = {normalise_tag(t) for t in attributes}
    if tags & BOM_TAGS:
        return 0
    return sum(1 for t in tags if t in _TAG_TO_FIELD or t in OTHER_TAGS)


def _weight(value: str) -> Quantity | None:
    match = _WEIGHT.match(value)
    if match is None:
        return None
    unit = match.group(2).lower()
    return Quantity(
        value=float(match.group(1).replace(",", ".")), unit="lb" if unit == "lbs" else unit
    )


def title_block_from(
    references: Sequence[BlockReference], layout_order: Mapping[str, int], model_layout: str
) -> TitleBlock | None:
    """The title block read from the best attributed INSERT, or None when no INSERT has at
    least :data:`MIN_TITLE_TAGS` title-block tags (INSERTs with a :data:`BOM_TAGS` tag are
    parts-list rows and never count).

    Args:
        references: attributed INSERTs (``BlockReference``) in drawing order.
        layout_order: layout name -> tab index (model space 0).
        model_layout: the model space layout's name (usually ``"Model"``).

    Pick: most title-block tags first; ties go to paper space over model space, then to the
    first layout in tab order, then to the first INSERT in that layout. ``fields`` keeps every
    ATTRIB tag -> value of the chosen INSERT; the named fields take the first matching tag in
    :data:`FIELD_TAGS` order that has a non-empty value. ``weight`` is set only when the value
    is a number with a mass unit (``"2.5 kg"``).
    """
    best: tuple[tuple[int, int, int, int], BlockReference] | None = None
    for index, ref in enumerate(references):
        score = _score(ref.attributes)
        if score < MIN_TITLE_TAGS:
            continue
        key = (
            -score,
            0 if ref.layout != model_layout else 1,
            layout_order.get(ref.layout, len(layout_order)),
            index,
        )
        if best is None or key < best[0]:
            best = (key, ref)
    if best is None:
        return None
    ref = best[1]
    chosen: dict[str, tuple[int, str]] = {}  # field -> (rank of its tag, value)
    for tag, raw in ref.attributes.items():
        norm = normalise_tag(tag)
        field = _TAG_TO_FIELD.get(norm)
        value = raw.strip()
        if field is None or not value:
            continue
        rank = FIELD_TAGS[field].index(norm)
        if field not in chosen or rank < chosen[field][0]:
            chosen[field] = (rank, value)
    block = TitleBlock(fields=dict(ref.attributes), source=f"INSERT {ref.block} in {ref.layout}")
    for field, (_, value) in chosen.items():
        if field == "weight":
            block.weight = _weight(value)
        else:
            setattr(block, field, value)
    return block
