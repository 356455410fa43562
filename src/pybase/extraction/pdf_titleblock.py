"""Title-block fields from the text runs of a drawing page (vector text or OCR words).

No single regex: the reader works with the layout, as a person does.

1. **Labels.** Every run that starts with a known field label (:data:`LABELS`, English,
   German, French, Russian and Chinese, plus SOLIDWORKS/ANSI template forms such as
   ``DWG. NO.``, ``TITLE:``, ``SHEET 1 OF 2``) is a label; text after the label in the same
   run (``Rev D``, ``SCALE: 1:1``) is its value. The longest label wins (``Sheet Size`` is the
   paper format, not the sheet number).
2. **Region.** The title block is where the labels in the lower part of the page are
   (ISO 5457 / ISO 7200 put it in the lower right corner): the group of labels around the one
   nearest that corner (:data:`CLUSTER_GAP_EM`), its bounding box widened by
   :data:`REGION_MARGIN_EM` label heights.
3. **Neighbours.** A label without an inline value takes the nearest run to its right on the
   same line (at most :data:`RIGHT_REACH_EM` em away: label | value cells, up to the next
   label), else the nearest below it (at most :data:`BELOW_REACH_EM` em: ISO 7200 puts the
   label above the value), skipping other labels and values that do not fit the field (a
   revision is short, a scale is ``n:m``, a date looks like a date, a name has no digits and
   no sentence in it).
4. **Acceptance.** A page has a title block when at least two labels found values, or one did
   and a drawing number was found; a lone label word in running text is not one.
5. **Unlabelled cells.** Templates that print no label for the main fields (SOLIDWORKS GOST
   and ISO sheets: the drawing number and title sit in fixed cells) are read from what the
   region holds: the part number is the largest code-like run (letters/digits with ``. - _
   /``, at least one digit; one that also appears in the file name or a second time turned by
   180°, as the GOST 2.104 extra column has it, wins); the title is the largest run of words
   that is no label, value or company name; the material is a run naming a material
   (``Steel 37Cr4``, ``S235JR``, ``1.4301``, ``EN AW-6061``); the date a date.

Weight: a number with an optional unit (``kg``, ``g``, ``lb``); without one it is taken as
kilograms (the mass field of ISO 7200 title blocks is in kg). The general-tolerance note
(ISO 2768-1/-2) comes from the region or, as on most sheets, from the numbered notes
(the caller passes the page's runs; :func:`~pybase.extraction.notation.parse_general_tolerance`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pybase.extraction.notation import parse_general_tolerance
from pybase.extraction.pdf_words import TextRun, local, same_direction
from pybase.extraction.result import Quantity, TitleBlock

__all__ = [
    "BELOW_REACH_EM",
    "LABELS",
    "REGION_MARGIN_EM",
    "RIGHT_REACH_EM",
    "find_title_block",
    "match_label",
]

#: Field -> labels (compared case-insensitively; ``.`` ``:`` and spaces between words are
#: optional). ``sheet_size`` and ``sheets`` are only kept in ``TitleBlock.fields``; ``other``
#: labels (revision-table headers, company name ...) name no field and only stop a search.
LABELS: dict[str, tuple[str, ...]] = {
    "part_number": (
        "dwg no", "dwg number", "drawing no", "drawing number", "drawing nr", "part no",
        "part number", "part nr", "document no", "document number", "doc no",
        "identification number", "ident no", "zeichnungsnummer", "zeichnungs nr",
        "zeichn nr", "zeichnung nr", "sachnummer", "sach nr", "teilenummer", "teile nr",
        "artikelnummer", "ident nr", "identnummer", "numéro de plan", "n° de plan",
        "no de plan", "numéro de dessin", "référence", "обозначение", "图号", "代号",
        "图样代号", "零件号", "物料编码", "product p/n", "p/n", "产品型号", "model", "型号",
    ),
    "title": (
        "title", "drawing title", "part name", "product name", "产品名称", "description",
        "titel", "benennung",
        "bezeichnung", "titre", "désignation", "наименование", "название", "图名", "名称",
        "零件名称",
    ),
    "revision": (
        "rev", "revision", "rev no", "revision no", "index", "änderungsindex", "ausgabe",
        "version", "indice", "révision", "изм", "ред", "版本", "版次",
    ),
    "material": (
        "material", "materials", "werkstoff", "matière", "matériau", "материал", "材料", "材质",
    ),
    "scale": (
        "scale", "maßstab", "massstab", "échelle", "echelle", "масштаб", "比例", "proportion",
    ),
    "sheet": ("sheet", "sheet no", "blatt", "feuille", "folio", "лист", "page", "页", "张次"),
    "sheets": ("sheets", "of sheets", "blätter", "листов", "feuilles", "共"),
    "sheet_size": ("sheet size", "size", "format", "формат", "图幅", "blattgröße", "papier"),
    "drawn_by": (
        "drawn", "drawn by", "drn", "dwn", "designed", "designed by", "design", "designer",
        "author", "created by", "engineer", "gezeichnet", "gez", "erstellt", "bearbeitet",
        "bearb", "konstruiert", "dessiné", "dessiné par", "auteur", "разраб", "разработал",
        "чертил", "设计", "制图", "绘图",
    ),
    "checked_by": (
        "checked", "checked by", "chk", "chkd", "geprüft", "gepr", "vérifié", "vérifié par",
        "контр", "пров", "проверил", "审核", "校对", "proofread", "proofreading",
    ),
    "approved_by": (
        "approved", "approved by", "appd", "appr", "freigegeben", "freigabe", "approuvé",
        "approuvé par", "утв", "утвердил", "批准",
    ),
    "date": ("date", "datum", "дата", "日期"),
    "weight": ("weight", "mass", "gewicht", "masse", "poids", "масса", "重量", "质量"),
    "general_tolerance": (
        "general tolerance", "general tolerances", "allgemeintoleranz", "allgemeintoleranzen",
        "tolérances générales", "tolerances", "tolerance", "toleranz",
    ),
    # column headers and labels of no field: they only stop a neighbour search
    "other": (
        "sign", "signature", "unterschrift", "name", "подп", "подпись", "№ докум",
        "n° докум", "company", "company name", "cnmpany name", "公司名称", "customer", "kunde",
        "client", "view", "视图", "design change", "设计变更", "zone", "zones", "norm",
        "projection", "projektion", "units", "unit", "einheit",
    ),
}  # fmt: skip

#: The title-block region is the labels' box widened by this many label heights.
REGION_MARGIN_EM = 4.0
#: Labels further apart than this many label heights belong to different groups.
CLUSTER_GAP_EM = 25.0
#: A value to the right of its label is at most this many label heights away ...
RIGHT_REACH_EM = 8.0
#: ... or at most this many from the label's start (label | value columns) ...
START_REACH_EM = 14.0
#: ... and one below it at most this many.
BELOW_REACH_EM = 3.0
#: Labels count for the region when their centre is below this share of the page height.
_LOWER_PART = 0.5

_CJK = re.compile(r"[\u3040-\u9fff\uf900-\ufaff]")


def _label_pattern(label: str) -> str:
    words = label.split()
    joined = r"[\s.:\-_]*".join(re.escape(w) for w in words)
    if _CJK.search(label):
        return joined
    return joined + r"(?![^\W\d_])\.?"


_LABEL_RES: list[tuple[str, str, re.Pattern[str]]] = sorted(
    (
        (field, label, re.compile(r"^\s*(?P<label>" + _label_pattern(label) + r")"
                                  r"\s*[:：]?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL))
        for field, labels in LABELS.items()
        for label in labels
    ),
    key=lambda item: -len(item[1]),
)  # fmt: skip

_SCALE = re.compile(r"^\s*(\d+(?:[.,]\d+)?\s*:\s*\d+(?:[.,]\d+)?|NTS|N\.T\.S\.|NONE)\s*$", re.I)
_SCALE_ANY = re.compile(r"^\s*(?:1\s*:\s*\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s*:\s*1)\s*$")
_REVISION = re.compile(r"^(?:[A-Z]{1,2}|\d{1,3}|[A-Za-z]?\d+(?:[.\-]\d+)*[A-Za-z]?|-)$")
_DATE = re.compile(
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\d{1,2}\s*[A-Za-z]{3,9}\.?\s*\d{2,4}|[A-Za-z]{3,9}\.?\s*\d{1,2},?\s*\d{4})\s*$"
)
_WEIGHT = re.compile(
    r"^\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>kg|g|t|lbs?|oz|кг|г|公斤|千克)?\.?\s*$", re.I
)
_SHEET = re.compile(
    r"^\s*(?:(?P<n>\d+)\s*)?(?:(?:of|von|de|из|/|共)\s*(?:sheets?|blätter|blatt|листов|feuilles"
    r"|页|张)?\s*(?P<m>\d+)\s*(?:页|张)?)?\s*$",
    re.I,
)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{3,}[A-Za-z0-9]$")
_MATERIAL = re.compile(
    r"\b(?:steel|stahl|acier|сталь|stainless|edelstahl|inox|aluminium|aluminum|alu|brass|"
    r"messing|bronze|copper|kupfer|cast iron|grauguss|guss|titanium|titan|plastic|kunststoff|"
    r"polyamide?|POM|PA\s?6\d?|PTFE|PEEK|ABS|PVC|PE-?HD|S\d{3}[A-Z0-9+]*|C\d{2}E?|"
    r"\d{2}(?:Cr|Mn|Ni|Mo)[A-Za-z0-9]*|X\d+[A-Z][A-Za-z0-9\-]*|\d\.\d{4}|EN\s?AW-?\w+|"
    r"AISI\s?\d{3}L?|SUS\s?\d{3}|Q\d{3}[A-Z]?|GG-?\d+|GJL-?\d+|EN-GJ\w+)\b",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"\b(?:co\.?,?\s*ltd|ltd|gmbh|inc|corp|llc|s\.?a\.?r?\.?l?|ag|kg|oy|ab|bv|srl|spa|"
    r"company|technology|technologies|industries)\b\.?",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]")
_PROSE = re.compile(
    r"[•·;!?]|^(?:the|a|an|by|of|to|and|or|in|on|for|with|is|are|der|die|das|le|la|les)\b",
    re.IGNORECASE,
)
_PLAIN_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


@dataclass(slots=True)
class _Hit:
    run: TextRun
    field: str
    label: str
    rest: str


def match_label(text: str) -> tuple[str, str, str] | None:
    """(field, label as written, inline value) when ``text`` starts with a title-block label
    (:data:`LABELS`, longest label first), else None. ``"SCALE: 1:2"`` ->
    ``("scale", "SCALE", "1:2")``."""
    for field, _label, pattern in _LABEL_RES:
        match = pattern.match(text)
        if match is not None:
            return field, match.group("label").strip(), match.group("rest").strip()
    return None


def _cluster(hits: list[_Hit], width: float, height: float) -> list[_Hit]:
    """The labels that belong together with the one nearest the lower right corner: each is
    within :data:`CLUSTER_GAP_EM` label heights of another one (a general-tolerance note
    elsewhere on the sheet is not part of the title block)."""
    if not hits:
        return []

    def corner_distance(hit: _Hit) -> float:
        x, y = hit.run.center
        return (width - x) ** 2 + (height - y) ** 2

    def gap(a: TextRun, b: TextRun) -> float:
        dx = max(0.0, max(a.x0, b.x0) - min(a.x1, b.x1))
        dy = max(0.0, max(a.top, b.top) - min(a.bottom, b.bottom))
        return max(dx, dy)

    members = [min(hits, key=corner_distance)]
    rest = [h for h in hits if h is not members[0]]
    grown = True
    while grown:
        grown = False
        for hit in list(rest):
            reach = CLUSTER_GAP_EM * hit.run.size
            if any(gap(hit.run, m.run) <= reach for m in members):
                members.append(hit)
                rest.remove(hit)
                grown = True
    return members


def _classify(run: TextRun) -> _Hit | None:
    """The run as a label hit, or None when it is plain text.

    ``Rev D`` is label + inline value; ``设计：Design`` (a label and its translation) and
    ``Rev. Sheet Revision №`` (a row of column headers) are labels without a value; a run that
    only starts with a label word but goes on with text that is no value for that field
    (``Sheet 2.0 Steel EN 1.0114``, a material) is plain text.
    """
    if len(run.text) > 60 or len(run.text.split()) > 6:
        return None  # running text, not a label
    found = match_label(run.text)
    if found is None:
        return None
    field, label, rest = found
    if not rest:
        return _Hit(run, field, label, "")
    second = match_label(rest)
    if second is not None:
        translated = second[0] == field and not second[2]
        return _Hit(run, field if translated else "other", label, "")
    if _CJK.search(label) and re.fullmatch(r"[A-Za-z ]+", rest):
        return _Hit(run, field, label, "")  # "校对：Proofre": the label in English
    if field == "other" or _valid(field, rest):
        return _Hit(run, field, label, rest)
    return None


def _valid(field: str, value: str) -> bool:
    value = value.strip()
    if not value:
        return False
    if field == "scale":
        return bool(_SCALE.match(value))
    if field == "revision":
        return bool(_REVISION.match(value))
    if field == "date":
        return bool(_DATE.match(value))
    if field == "weight":
        return bool(_WEIGHT.match(value))
    if field in ("sheet", "sheets"):
        return bool(_SHEET.match(value)) and any(c.isdigit() for c in value)
    if field in ("drawn_by", "checked_by", "approved_by"):
        return (
            bool(_LETTERS.search(value))
            and not _DATE.match(value)
            and len(value) <= 40
            and len(value.split()) <= 4
            and sum(c.isdigit() for c in value) < 2
            and not _PROSE.search(value)
        )
    if field == "material" and _MATERIAL.search(value):
        return len(value) <= 80  # "1.4301": a material number has no letters
    if field in ("title", "material"):
        return bool(_LETTERS.search(value)) and len(value) <= 80 and len(value.split()) <= 10
    if field == "part_number":
        return any(c.isdigit() for c in value) and len(value) <= 60
    return True


class _Page:
    """The runs of one page with the label runs marked, and neighbour lookups."""

    def __init__(self, runs: Sequence[TextRun], labels: set[int]) -> None:
        self.runs = list(runs)
        self.labels = labels

    def right_of(self, label: TextRun, reach_em: float) -> list[tuple[float, TextRun]]:
        """(gap in em, run) for the runs on the label's line after it, nearest first, up to
        the next label on that line."""
        out = []
        for run in self.runs:
            if run is label or not same_direction(run.angle, label.angle):
                continue
            size = max(label.size, run.size)
            if abs(_mid_v(run) - _mid_v(label)) > 0.6 * size:
                continue
            gap = run.u0 - label.u1
            if -0.3 * label.size <= gap <= reach_em * label.size:
                out.append((gap / label.size, run))
        out.sort(key=lambda item: item[0])
        for index, (_, run) in enumerate(out):
            if id(run) in self.labels:
                return out[:index]
        return out

    def below(self, label: TextRun) -> list[tuple[float, TextRun]]:
        """(distance in em, run) for the non-label runs under the label that overlap it
        sideways, nearest first."""
        out = []
        for run in self.runs:
            if run is label or id(run) in self.labels:
                continue
            if not same_direction(run.angle, label.angle):
                continue
            drop = label.v - run.v
            if not (0.3 * label.size <= drop <= BELOW_REACH_EM * label.size + run.size):
                continue
            if run.u0 > label.u1 + 2 * label.size or run.u1 < label.u0 - 2 * label.size:
                continue
            offset = abs(run.u0 - label.u0) / label.size
            out.append((drop / label.size + 0.2 * offset, run))
        return sorted(out, key=lambda item: item[0])


def _mid_v(run: TextRun) -> float:
    return run.v + 0.35 * run.size


def _inside(run: TextRun, box: tuple[float, float, float, float]) -> bool:
    x, y = run.center
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _weight(value: str) -> Quantity | None:
    match = _WEIGHT.match(value)
    if match is None:
        return None
    number = float(match.group("num").replace(",", "."))
    unit = (match.group("unit") or "kg").lower()
    unit = {"кг": "kg", "г": "g", "公斤": "kg", "千克": "kg", "lbs": "lb"}.get(unit, unit)
    return Quantity(value=number, unit=unit)


def _sheet(sheet: str | None, sheets: str | None) -> str | None:
    """``"1 of 2"`` from a sheet value (``1``, ``1/2``, ``1 of 2``, ``Blatt 1 von 2``) and a
    separate sheet-count value; ``"1 of 1"`` when only a count of 1 is known."""
    number = total = None
    if sheet and (match := _SHEET.match(sheet)):
        number, total = match.group("n"), match.group("m")
    if sheets and (match := _SHEET.match(sheets)):
        total = total or match.group("m") or match.group("n")
    if number and total:
        return f"{number} of {total}"
    if total:
        return "1 of 1" if total == "1" else None
    return number


def find_title_block(
    runs: Sequence[TextRun],
    width: float,
    height: float,
    *,
    exclude: Iterable[tuple[float, float, float, float]] = (),
    file_name: str | None = None,
) -> tuple[TitleBlock | None, tuple[float, float, float, float] | None]:
    """Read the title block of one page from its runs (rules in the module docstring).

    ``width``/``height``: the displayed page size in points; ``exclude``: boxes (x0, top, x1,
    bottom, points from the top-left) whose text is not title block (parts lists found as
    tables); ``file_name``: the source file's name, a hint for the drawing number.

    Returns (block, region): ``block`` is None when no field was found (``source`` is left for
    the caller to set); ``region`` is the title-block box (x0, top, x1, bottom, points) the
    fields were read from, None when there is no title block.
    """
    excluded = list(exclude)
    pool = [r for r in runs if not any(_inside(r, box) for box in excluded)]
    hits = [hit for run in pool if (hit := _classify(run)) is not None]
    lower_hits = _cluster(
        [h for h in hits if h.run.center[1] >= _LOWER_PART * height and h.field != "other"] or [],
        width,
        height,
    )
    if not lower_hits:
        return None, None  # no labels where title blocks are: not a drawing sheet
    margin = REGION_MARGIN_EM * max(h.run.size for h in lower_hits)
    region = (
        max(0.0, min(h.run.x0 for h in lower_hits) - margin),
        max(0.0, min(h.run.top for h in lower_hits) - margin),
        min(width, max(h.run.x1 for h in lower_hits) + margin),
        min(height, max(h.run.bottom for h in lower_hits) + margin),
    )
    label_runs = {id(h.run) for h in hits}
    page = _Page(pool, label_runs)
    used: set[int] = set()
    values: dict[str, str] = {}
    fields: dict[str, str] = {}
    hits_in_order = sorted(
        (h for h in hits if _inside(h.run, region)),
        key=lambda h: (-h.run.top, -h.run.x0),  # lowest first: title block before notes
    )
    for hit in hits_in_order:
        if hit.field == "other":
            continue
        value = _value_for(hit, page, used)
        if value is None:
            continue
        fields.setdefault(hit.label, value)
        values.setdefault(hit.field, value)
    region_runs = [
        r for r in pool if _inside(r, region) and id(r) not in label_runs and id(r) not in used
    ]
    sizes = sorted(h.run.size for h in hits_in_order) or [0.0]
    _unlabelled(values, region_runs, pool, file_name, 1.15 * sizes[len(sizes) // 2])
    block = TitleBlock(fields=fields)
    block.part_number = values.get("part_number")
    block.title = values.get("title")
    block.revision = values.get("revision")
    block.material = values.get("material")
    if "scale" in values:
        block.scale = re.sub(r"\s*:\s*", ":", values["scale"].strip())
    block.sheet = _sheet(values.get("sheet"), values.get("sheets"))
    block.drawn_by = values.get("drawn_by")
    block.checked_by = values.get("checked_by")
    block.approved_by = values.get("approved_by")
    block.date = values.get("date")
    if "weight" in values:
        block.weight = _weight(values["weight"])
    tolerance_texts = [values.get("general_tolerance", "")]
    tolerance_texts += [r.text for r in pool if "2768" in r.text or "7168" in r.text]
    for text in tolerance_texts:
        if text and (general := parse_general_tolerance(text)) is not None:
            block.general_tolerance = general
            break
    named = (
        block.part_number, block.title, block.revision, block.material, block.scale,
        block.sheet, block.drawn_by, block.checked_by, block.approved_by, block.date,
        block.weight,
    )  # fmt: skip
    labelled = sum(1 for key in fields)
    if labelled < 2 and not (labelled == 1 and block.part_number is not None):
        return None, None  # one label word in running text is no title block
    if not any(v is not None for v in named):
        return None, None
    return block, region


def _value_for(hit: _Hit, page: _Page, used: set[int]) -> str | None:
    """The value of one label: inline, else the nearest fitting neighbour (marked used)."""
    field = hit.field
    if hit.rest:
        return hit.rest if _valid(field, hit.rest) else None
    if field in ("sheet", "sheets"):
        candidates = [*page.right_of(hit.run, 12.0), *page.below(hit.run)]
    else:
        # right first (label | value), then below (ISO 7200: label above the value)
        reach = max(RIGHT_REACH_EM, START_REACH_EM - (hit.run.u1 - hit.run.u0) / hit.run.size)
        candidates = [*page.right_of(hit.run, reach), *page.below(hit.run)]
    for _, run in candidates:
        if id(run) in used or id(run) in page.labels:
            continue
        if _valid(field, run.text):
            used.add(id(run))
            return run.text
    return None


def _unlabelled(
    values: dict[str, str],
    region_runs: list[TextRun],
    pool: list[TextRun],
    file_name: str | None,
    title_size: float,
) -> None:
    """Fill part number, title, material, scale and date from unlabelled runs of the region
    (the title must be at least ``title_size`` points: titles are set larger than labels)."""
    taken: set[int] = set()
    stem = (file_name or "").casefold()
    if "part_number" not in values:
        rotated = {r.text for r in pool if same_direction(r.angle, 180.0)}

        def score(run: TextRun) -> tuple[int, float]:
            bonus = int(run.text.casefold() in stem) + int(run.text in rotated)
            return (bonus, run.size)

        codes = [
            r
            for r in region_runs
            if _CODE.match(r.text)
            and any(c.isdigit() for c in r.text)
            and not _SCALE.match(r.text)
            and not _DATE.match(r.text)
            and not _PLAIN_NUMBER.match(r.text)
        ]
        if codes:
            best = max(codes, key=score)
            values["part_number"] = best.text
            taken.add(id(best))
        else:
            # no code in the region: the file's own name printed anywhere on the sheet
            named = [
                r
                for r in pool
                if _CODE.match(r.text)
                and any(c.isdigit() for c in r.text)
                and r.text.casefold() in stem
            ]
            if named:
                values["part_number"] = max(named, key=lambda r: len(r.text)).text
    if "material" not in values:
        for run in sorted(region_runs, key=lambda r: -r.size):
            if id(run) not in taken and _MATERIAL.search(run.text) and _LETTERS.search(run.text):
                values["material"] = run.text
                taken.add(id(run))
                break
    if "scale" not in values:
        for run in region_runs:
            if id(run) not in taken and _SCALE_ANY.match(run.text):
                values["scale"] = run.text
                taken.add(id(run))
                break
    if "date" not in values:
        for run in region_runs:
            if id(run) not in taken and _DATE.match(run.text):
                values["date"] = run.text
                taken.add(id(run))
                break
    if "title" not in values:
        words = [
            r
            for r in region_runs
            if id(r) not in taken
            and len(_LETTERS.findall(r.text)) >= 3
            and r.text != values.get("part_number")
            and not _COMPANY.search(r.text)
            and not _MATERIAL.search(r.text)
            and r.upright
            and r.size >= title_size
        ]
        if words:
            values["title"] = max(words, key=lambda r: r.size).text


def _local_box(run: TextRun) -> tuple[float, float]:
    """(u, v) of the run's centre in its own reading frame (kept for callers' debugging)."""
    return local(run.angle, *run.center)
