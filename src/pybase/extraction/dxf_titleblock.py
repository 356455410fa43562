"""DXF title block, two ways:

1. :func:`title_block_from`: the attributed INSERT whose ATTRIB tags (and block name) look like
   a title block, its tags mapped onto :class:`~pybase.extraction.result.TitleBlock` fields.
2. :func:`title_block_from_text`: for drawings without such an INSERT, label texts
   (``DWG NO``, ``Werkstoff``, ``Désignation``, ``Масштаб``, ``比例`` ... see
   :data:`FIELD_LABELS`) and the values next to them, read from the sheet geometry
   (:class:`~pybase.extraction.dxf_sheet.Sheet`).

Table-driven on purpose: :data:`FIELD_TAGS` lists, per TitleBlock field, the ATTRIB tags
(normalised: upper case, runs of non-alphanumerics -> ``_``) that mean it; :data:`OTHER_TAGS`
lists tags that are typical of title blocks but have no named field (they stay in
``TitleBlock.fields``); :data:`TITLE_BLOCK_NAMES` the block-name words that mark a title block.
Field names follow ISO 7200 where it has one (part/identification number, title, revision,
date of issue, sheet, scale). No ezdxf import here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from pybase.extraction.notation import parse_general_tolerance
from pybase.extraction.result import BlockReference, Quantity, TitleBlock

if TYPE_CHECKING:
    from pybase.extraction.dxf_sheet import Box, Sheet, SheetText

__all__ = [
    "BOM_TAGS",
    "FIELD_LABELS",
    "FIELD_TAGS",
    "IDENTITY_FIELDS",
    "MIN_TITLE_TAGS",
    "OTHER_LABELS",
    "OTHER_TAGS",
    "REVISION_ROW_TAGS",
    "TITLE_BLOCK_NAMES",
    "Label",
    "TextTitleBlock",
    "find_label",
    "is_placeholder",
    "label_key",
    "normalise_tag",
    "title_block_from",
    "title_block_from_text",
    "title_block_name_hint",
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

#: A revision-table row (REV + DESCRIPTION/CHANGE, no drawing-identity tag) is never the
#: title block either (it is read as a row of the ``revisions`` table).
REVISION_ROW_TAGS: frozenset[str] = frozenset(
    {"DESCRIPTION", "DESC", "CHANGE", "CHANGES", "ECO", "ECN", "REVISION_DESCRIPTION"}
)
_IDENTITY_TAGS = frozenset(
    {"DWG_NO", "DWGNO", "DRAWING_NO", "DRAWING_NUMBER", "TITLE", "SCALE", "SHEET", "MATERIAL"}
)

#: Block-name words that mark a title block (ISO 7200 "title block", DIN "Schriftfeld", French
#: "cartouche", GOST "штамп", Chinese 标题栏) or a drawing sheet whose border holds one (sheet
#: sizes ISO 216 A0..A4, ANSI A..E, ARCH A..E, 11x17). Matched against the block name's
#: words; names with a callout word (DETAIL, SECTION, VIEW, CALLOUT) never match.
TITLE_BLOCK_NAMES: frozenset[str] = frozenset(
    {
        "TITLE",
        "TITLEBLOCK",
        "TITLE_BLOCK",
        "TB",
        "TBLK",
        "TITLEBLK",
        "SCHRIFTFELD",
        "CARTOUCHE",
        "BORDER",
        "SHEET",
        "FORMAT",
        "RAHMEN",
        "ZEICHNUNGSRAHMEN",
        "ШТАМП",
        "ФОРМАТ",
        "标题栏",
        "图框",
        "A0",
        "A1",
        "A2",
        "A3",
        "A4",
        "11X17",
        "ANSI_A",
        "ANSI_B",
        "ANSI_C",
        "ANSI_D",
        "ANSI_E",
        "ARCH_D",
        "ARCH_E",
    }
)
_CALLOUT_WORDS = frozenset({"DETAIL", "SECTION", "VIEW", "CALLOUT", "ELEVATION", "REVISION"})

#: An INSERT needs at least this many distinct title-block tags to count as a title block
#: (one ``DATE`` or ``SCALE`` tag alone is a stamp or a detail callout, not a title block).
MIN_TITLE_TAGS = 2

_TAG_TO_FIELD: dict[str, str] = {tag: f for f, tags in FIELD_TAGS.items() for tag in tags}
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_WEIGHT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(kg|g|t|lb|lbs)\s*$", re.IGNORECASE)


def normalise_tag(tag: str) -> str:
    """``"Drawn by"`` -> ``"DRAWN_BY"``: upper case, non-alphanumeric runs -> ``_``."""
    return _NON_ALNUM.sub("_", tag.upper()).strip("_")


def title_block_name_hint(name: str) -> bool:
    """Whether a block name says "title block" (see :data:`TITLE_BLOCK_NAMES`): the whole
    normalised name or one of its words (split at ``_``, ``-``, spaces) is in the list."""
    norm = normalise_tag(name)
    words = set(norm.split("_"))
    if words & _CALLOUT_WORDS:
        return False
    if norm in TITLE_BLOCK_NAMES:
        return True
    if any(f"{a}_{b}" in TITLE_BLOCK_NAMES for a, b in pairwise(norm.split("_"))):
        return True
    return bool(words & TITLE_BLOCK_NAMES)


def _is_revision_row(tags: set[str]) -> bool:
    has_rev = bool(tags & {"REV", "REVISION", "REV_NO", "REVNO"})
    return has_rev and bool(tags & REVISION_ROW_TAGS) and not tags & _IDENTITY_TAGS


def _score(attributes: Mapping[str, str], block: str = "") -> int:
    tags = {normalise_tag(t) for t in attributes}
    if tags & BOM_TAGS or _is_revision_row(tags):
        return 0
    score = sum(1 for t in tags if t in _TAG_TO_FIELD or t in OTHER_TAGS)
    if attributes and block and title_block_name_hint(block):
        score += MIN_TITLE_TAGS
    return score


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
    parts-list rows and revision-table rows are revisions: neither counts). A block name
    that says title block (:func:`title_block_name_hint`: ``TITLE``, ``TB``, ``SCHRIFTFELD``,
    ``CARTOUCHE``, ``11x17`` ...) counts as :data:`MIN_TITLE_TAGS` tags.

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
        score = _score(ref.attributes, ref.block)
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


# --------------------------------------------------------------------------------------------
# Title blocks drawn as TEXT (no attributes): labels and their values.

# fmt: off
#: TitleBlock field -> label texts meaning it (English, German, French, Russian, Chinese),
#: compared through :func:`label_key` (case, accents, spaces and punctuation ignored).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "part_number": (
        "DWG NO", "DRAWING NO", "DRAWING NUMBER", "DWG NUMBER", "PART NO", "PART NUMBER",
        "DOC NO", "DOCUMENT NO", "DOCUMENT NUMBER", "IDENT NO", "Zeichnungsnummer",
        "Zeichnungs-Nr", "Zeichn.-Nr.", "Sachnummer", "Sach-Nr.", "Teilenummer", "Teile-Nr.",
        "Artikelnummer", "Artikel-Nr.", "Ident-Nr.", "N° de plan", "Numéro de plan",
        "Référence", "Réf", "Rep", "Repère", "Обозначение", "图号", "图样代号", "零件图号",
        "零件号",
    ),
    "title": (
        "TITLE", "DRAWING TITLE", "DWG TITLE", "PART NAME", "NAME", "DESCRIPTION", "Benennung",
        "Bezeichnung", "Titel", "Désignation", "Titre", "Nom", "Наименование", "名称",
        "图样名称", "零件名称",
    ),
    "revision": (
        "REV", "REVISION", "REV NO", "Index", "Änderungsindex", "Indice", "Rév", "版本", "版次",
    ),
    "material": (
        "MATERIAL", "MATL", "MAT", "Werkstoff", "Matière", "Matériau", "Qual", "Qualité",
        "Материал", "材料", "材质",
    ),
    "scale": ("SCALE", "Maßstab", "Masstab", "Échelle", "Масштаб", "比例"),
    "sheet": ("SHEET", "SHEET NO", "Blatt", "Feuille", "Folio", "Planche", "Лист"),
    "drawn_by": (
        "DRAWN", "DRAWN BY", "DRN", "DRAFTER", "Gezeichnet", "Gez", "Bearbeitet", "Bearb",
        "Erstellt", "Dessiné", "Dessiné par", "Dessinateur", "Разраб", "Разработал", "设计",
        "制图", "绘图",
    ),
    "checked_by": (
        "CHECKED", "CHECKED BY", "CHK", "CHKD", "Geprüft", "Gepr", "Vérifié", "Vérifié par",
        "Contrôlé", "Пров", "Проверил", "审核", "校核", "校对",
    ),
    "approved_by": (
        "APPROVED", "APPROVED BY", "APPD", "APPR", "Freigegeben", "Freigabe", "Genehmigt",
        "Approuvé", "Approuvé par", "Утв", "Утвердил", "批准",
    ),
    "date": ("DATE", "Datum", "Дата", "日期"),
    "weight": ("WEIGHT", "MASS", "Gewicht", "Masse", "Poids", "Масса", "重量"),
    "general_tolerance": (
        "TOLERANCE", "TOLERANCES", "GENERAL TOLERANCE", "GENERAL TOLERANCES",
        "Allgemeintoleranz", "Allgemeintoleranzen", "Tolérances générales", "未注公差",
    ),
}

#: Labels typical of title blocks without a named field; their values stay in ``fields``.
OTHER_LABELS: tuple[str, ...] = (
    "QTY", "QUANTITY", "Menge", "Anzahl", "Stück", "Qté", "Qtité", "Quantité", "Кол",
    "Количество", "数量", "CUSTOMER", "CLIENT", "Kunde", "PROJECT", "Projekt", "Projet",
    "Aff", "Affaire", "JOB NO", "FINISH", "SURFACE", "Oberfläche", "Traitement", "SIZE",
    "FORMAT", "Формат", "Ep", "Épaisseur", "THICKNESS", "Dicke", "Dim", "Dimensions",
    "Abmessungen", "Литер", "Листов", "SHEETS", "图样标记", "共张", "第张", "Т.контр",
    "Н.контр", "Изм", "N докум", "Подп",
)

#: Labels that are also ordinary words or abbreviations: they only count as labels when
#: written with a colon (``Rep:``, ``Dim:``) or as ``label: value``.
_WEAK_LABELS: tuple[str, ...] = (
    "Rep", "Réf", "MAT", "Qual", "Nom", "NAME", "Index", "Ep", "Dim", "Aff", "SIZE",
    "FORMAT", "FINISH", "SURFACE", "Masse", "Folio", "Изм", "Подп", "Кол",
)
# fmt: on

#: Fields that identify a drawing: a title block with labels but none of these filled in is
#: an unfilled template (issue ``title_block_empty``).
IDENTITY_FIELDS: tuple[str, ...] = (
    "part_number",
    "title",
    "revision",
    "material",
    "drawn_by",
    "checked_by",
    "approved_by",
    "date",
)

_KEY_RE = re.compile(r"[\W_]+")
_PLACEHOLDER_RE = re.compile(r"^[\s_\-–—.·*?]*$")
_MAX_LABEL_CHARS = 40
#: Labels read per sheet at most (a title block has a few dozen).
_MAX_LABELS = 80


def label_key(text: str) -> str:
    """Comparison key of a label: accents dropped (NFKD), case folded (ß -> ss), every
    non-word character (spaces, ``.``, ``:``, ``-``, ``/``) removed:
    ``"Zeichn.-Nr.:"`` -> ``"zeichnnr"``, ``"比  例"`` -> ``"比例"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _KEY_RE.sub("", stripped.casefold())


_LABEL_FIELD: dict[str, str] = {}
for _field, _labels in FIELD_LABELS.items():
    for _label in _labels:
        _LABEL_FIELD.setdefault(label_key(_label), _field)
for _label in OTHER_LABELS:
    _LABEL_FIELD.setdefault(label_key(_label), "")
_WEAK_KEYS = frozenset(label_key(label) for label in _WEAK_LABELS)


def is_placeholder(value: str) -> bool:
    """An empty cell of a template: blank, ``_``, ``-``, ``...``, ``*``, ``?``."""
    return _PLACEHOLDER_RE.match(value) is not None


@dataclass(frozen=True, slots=True)
class Label:
    """A label found in a text: ``field`` is a TitleBlock field name or ``""`` (a known label
    without a named field), ``name`` the label as written (colon removed), ``value`` the
    value written in the same text (``Material: S235JR``), else None."""

    field: str
    name: str
    value: str | None


def find_label(text: str) -> Label | None:
    """The label a text is, or starts with: ``"DWG NO"``, ``"Werkstoff:"``, ``"Rep: 8"``,
    ``"DRAWN BY\\nJ. Smith"`` (a first line that is a label, the rest its value), ``"SCALE
    1:2"`` (see :func:`_spaced_label`). Weak labels (``Rep``, ``Dim`` ...) need a colon."""
    text = text.strip()
    if not text or len(text) > 200:
        return None
    first, _, rest = text.partition("\n")
    first = first.strip()
    if ":" in first:
        name, _, inline = first.partition(":")
        key = label_key(name)
        if key in _LABEL_FIELD and len(name) <= _MAX_LABEL_CHARS:
            value = " ".join(part for part in (inline.strip(), rest.strip()) if part)
            return Label(_LABEL_FIELD[key], _label_name(name), value or None)
        return _spaced_label(first) if not rest and len(first) <= _MAX_LABEL_CHARS else None
    if len(first) > _MAX_LABEL_CHARS:
        return None
    key = label_key(first)
    if key not in _LABEL_FIELD or key in _WEAK_KEYS:
        return _spaced_label(first) if not rest else None
    return Label(_LABEL_FIELD[key], _label_name(first.rstrip(". ")), rest.strip() or None)


_SPACES_RE = re.compile(r"\s+")
#: Fields whose label may be followed by the value after a space (``SCALE 1:2``, ``REV B``).
_SPACED_FIELDS = frozenset({"scale", "sheet", "revision", "date", "part_number", "weight"})


def _spaced_label(text: str) -> Label | None:
    """``SCALE 1:2``, ``SHEET 1 OF 2``, ``REV B``, ``DWG NO 4711``: a strong label of one of
    :data:`_SPACED_FIELDS`, a space and a value with a digit (or a revision code)."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) <= n:
            continue
        name = " ".join(words[:n])
        key = label_key(name)
        field = _LABEL_FIELD.get(key)
        if field not in _SPACED_FIELDS or key in _WEAK_KEYS:
            continue
        value = " ".join(words[n:])
        if any(ch.isdigit() for ch in value) or (field == "revision" and len(value) <= 3):
            return Label(str(field), name, value)
        return None
    return None


def _label_name(name: str) -> str:
    """A label as written, spaces tidied: CJK labels are spaced out to fill their cell
    (``比  例``), which is dropped; other runs of spaces become one."""
    name = name.strip()
    if name and all(ch.isspace() or unicodedata.east_asian_width(ch) in "WF" for ch in name):
        return _SPACES_RE.sub("", name)
    return _SPACES_RE.sub(" ", name)


@dataclass
class TextTitleBlock:
    """What :func:`title_block_from_text` found on one sheet."""

    title_block: TitleBlock
    labels: list[str]
    quantity: str | None = None

    @property
    def empty(self) -> bool:
        """No identifying field (:data:`IDENTITY_FIELDS`) has a value."""
        return all(getattr(self.title_block, name) is None for name in IDENTITY_FIELDS)


def _same(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance


def _cell_value(sheet: Sheet, text: SheetText, exclude: set[int], is_label: set[int]) -> str | None:
    """The value of a label drawn in a grid of lines: other text in the label's own cell
    (ISO 7200 style: label in the corner of the field), else the next cell to the right in
    the same row, else the cell below in the same column (GOST 2.104 style: a row of labels
    over the values). None when the label has no cell or the cell holds other labels."""
    cell = sheet.cell_at(text.x, text.y)
    if cell is None:
        return None
    left, bottom, right, top = cell
    tolerance = max(text.height * 0.25, 1e-6)
    inside = sheet.texts_in(cell, lambda t: id(t) not in exclude)
    if any(id(t) in is_label and t.text != text.text for t in inside):
        return None  # a frame around several labels, not one field's cell
    values = [t for t in inside if id(t) not in is_label]
    if values:
        return _join(values)
    width, height = right - left, top - bottom
    for probe_x, probe_y, same_row in (
        (right + tolerance, (bottom + top) / 2, True),
        ((left + right) / 2, bottom - tolerance, False),
    ):
        neighbour = sheet.cell_at(probe_x, probe_y)
        if neighbour is None:
            continue
        n_left, n_bottom, n_right, n_top = neighbour
        if same_row:
            if not (_same(n_bottom, bottom, tolerance) and _same(n_top, top, tolerance)):
                continue
            if n_right - n_left > 6 * max(width, height):
                continue
        elif (
            not (_same(n_left, left, tolerance) and _same(n_right, right, tolerance))
            or n_top - n_bottom > 4 * height
        ):
            continue
        found = sheet.texts_in(neighbour, lambda t: id(t) not in exclude)
        if any(id(t) in is_label for t in found):
            continue
        if found:
            return _join(found)
    return None


def _proximity_value(
    sheet: Sheet, text: SheetText, exclude: set[int], is_label: set[int]
) -> str | None:
    """The value of a label without a cell of its own: the run of non-label texts to its
    right on the same line, up to the next label or a gap of more than 8 character heights;
    else the text just below it (within 2.5 heights, left edges within 2 heights)."""
    h = text.height
    near = [
        t
        for t in sheet.texts_between(text.y - 3 * h - 1e-9, text.y + 3 * h + 1e-9)
        if id(t) not in exclude and t is not text
    ]
    row = sorted(
        (t for t in near if _same(t.y, text.y, 0.5 * max(h, t.height)) and t.x > text.x),
        key=lambda t: t.x,
    )
    values: list[SheetText] = []
    last_x = text.x
    for t in row:
        if id(t) in is_label:
            break
        if t.x - last_x > 8 * max(h, t.height):
            break
        values.append(t)
        last_x = t.x
    if values:
        return " ".join(t.text.strip() for t in values)
    below = [
        t
        for t in near
        if id(t) not in is_label
        and 0.5 * h < text.y - t.y <= 2.5 * max(h, t.height)
        and abs(t.x - text.x) <= 2 * max(h, t.height)
    ]
    if below:
        return _join(sorted(below, key=lambda t: -t.y)[:1])
    return None


def _join(texts: Iterable[SheetText]) -> str:
    return " ".join(t.text.strip().replace("\n", " ") for t in texts if t.text.strip())


def _in_region(text: SheetText, region: Box | None) -> bool:
    if region is None:
        return True
    left, bottom, right, top = region
    return left <= text.x <= right and bottom <= text.y <= top


def _title_region(sheet: Sheet) -> Box | None:
    """The lower-right part of the sheet (right half, bottom 40 %), where ISO 5457 / ISO 7200
    put the title block."""
    extents = sheet.extents()
    if extents is None:
        return None
    left, bottom, right, top = extents
    return left + 0.5 * (right - left), bottom, right, bottom + 0.4 * (top - bottom)


def title_block_from_text(sheet: Sheet, exclude: set[int] | None = None) -> TextTitleBlock | None:
    """A title block read from the TEXT/MTEXT/ATTRIB labels of one sheet, or None when the
    sheet has fewer than two distinct title-block labels.

    Each label's value is found from the lines around it (:func:`_cell_value`), or by
    proximity when it has no cell of its own (:func:`_proximity_value`), or written in the
    label's text itself (``Qual: S235JR``). Labels in the title-block region (lower right of
    the sheet) are used when at least two of them are there, else all labels of the sheet.
    Placeholder values (``_``, ``-``) count as empty. The first value per field wins;
    ``fields`` keeps label -> value for every label with a value. ``exclude`` holds
    ``id()`` of texts already used (parts-list cells).
    """
    exclude = exclude or set()
    candidates = [t for t in sheet.texts if id(t) not in exclude]
    labels: list[tuple[SheetText, Label]] = []
    for t in candidates:
        label = find_label(t.text)
        if label is not None:
            labels.append((t, label))
    if len({label.field or label_key(label.name) for _, label in labels}) < 2:
        return None
    is_label = {id(t) for t, _ in labels}  # never a value, read or not
    region = _title_region(sheet)
    in_region = [(t, label) for t, label in labels if _in_region(t, region)]
    if len({label.field or label_key(label.name) for _, label in in_region}) >= 2:
        labels = in_region
    if len(labels) > _MAX_LABELS:  # a sheet full of such words: keep the lower-right ones
        labels.sort(key=lambda pair: pair[0].y - pair[0].x)
        labels = labels[:_MAX_LABELS]
    labels.sort(key=lambda pair: (-pair[0].y, pair[0].x))
    block = TitleBlock(source=f"TEXT in {sheet.layout}")
    names: list[str] = []
    quantity: str | None = None
    seen: set[tuple[str, int, int]] = set()
    for text, label in labels:
        spot = (
            label.name,
            round(text.x / max(text.height, 1e-9)),
            round(text.y / max(text.height, 1e-9)),
        )
        if spot in seen:
            continue  # the same label drawn twice on top of itself
        seen.add(spot)
        names.append(label.name)
        value = label.value
        if value is None:
            value = _cell_value(sheet, text, exclude, is_label)
        if value is None:
            value = _proximity_value(sheet, text, exclude, is_label)
        if value is None or is_placeholder(value):
            continue
        value = value.strip()
        key = label.name
        n = 2
        while key in block.fields:
            key, n = f"{label.name} ({n})", n + 1
        block.fields[key] = value
        _set_field(block, label, value)
        if quantity is None and label_key(label.name) in _QUANTITY_KEYS:
            quantity = value
    return TextTitleBlock(title_block=block, labels=names, quantity=quantity)


_QUANTITY_KEYS = frozenset(
    label_key(x)
    for x in (
        "QTY",
        "QUANTITY",
        "Menge",
        "Anzahl",
        "Stück",
        "Qté",
        "Qtité",
        "Quantité",
        "Кол",
        "Количество",
        "数量",
    )
)


def _set_field(block: TitleBlock, label: Label, value: str) -> None:
    field = label.field
    if not field:
        return
    if field == "weight":
        if block.weight is None:
            block.weight = _weight(value)
    elif field == "general_tolerance":
        if block.general_tolerance is None:
            block.general_tolerance = parse_general_tolerance(value)
    elif getattr(block, field) is None:
        setattr(block, field, value)
