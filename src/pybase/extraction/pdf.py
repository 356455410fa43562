"""PDF extractor: pages, text layer, images, document info, tables, and the drawing's facts
(title block, dimensions, GD&T, threads, surface texture, parts list), with OCR for scans.

pypdfium2 (Google's PDFium) does the reading: open, page sizes, /Rotate, the text layer and its
character geometry, page objects (images, path segments), annotations, the document
information dictionary, and rendering for OCR. It is fast and repairs many damaged files.
pdfplumber's table finder (:mod:`.pdf_tables`) adds ruled tables, page by page. The drawing
readers work on text runs (:mod:`.pdf_words`): title block (:mod:`.pdf_titleblock`), notation
(:mod:`.pdf_drawing`, through :mod:`pybase.extraction.notation`), parts lists (ruled tables and
:mod:`.pdf_bom` for lists laid out without ruling, mapped by :mod:`pybase.extraction.bom`).
Pages without a usable text layer are read by tesseract (:mod:`.pdf_ocr`) and go through the
same readers.

Units: page sizes, table boxes and positions are PDF points (1/72 inch) from the top-left of
the page as displayed, i.e. after /Rotate (ISO 32000-1 §7.7.3.3, Table 30), which is also the
frame pdfplumber reports table boxes in. A PDF declares no drawing length unit:
``result.units.length`` is set only when a note says it (``UNITS: INCHES``); dimensions are
read in that unit, else in millimetres (ISO 129-1 convention).

Issues (``result.issues``), all with ``location="page N"`` unless said otherwise:

* ``no_text_layer`` (info when OCR read the page, with the note "text from OCR (tesseract,
  language, dpi, turn, mean word confidence)"; warning when OCR is off, unavailable, failed,
  found no text, or there was nothing to render): the page has no text, or only whitespace.
* ``garbled_text_layer`` (info when OCR replaced the text, else warning): many characters have
  no Unicode mapping (thresholds in :mod:`.pdf_text`), so the text layer cannot be trusted.
* ``ocr_unavailable`` (warning, no location, once): a page needed OCR but pytesseract or the
  tesseract program (Debian package ``tesseract-ocr``) is not installed.
* ``ocr_failed`` (warning): tesseract failed or timed out on the page.
* ``dimension_tolerance_mismatch`` (info): written deviations disagree with the ISO 286 fit
  they stand next to (see :mod:`.pdf_drawing`).
* ``pdf_3d_annotation`` (info): the page carries a /3D annotation (U3D/PRC model, ISO 32000-1
  §13.6); the model is not extracted.
* ``tables_skipped`` (info): the page's vector content is heavier than
  :data:`TABLE_MAX_CONTENT_WEIGHT`, so the (pure-Python) table finder was not run on it.
* ``table_extraction_failed`` / ``tables_unavailable`` (warning): see :mod:`.pdf_tables`.
* ``page_unreadable`` (error): PDFium could not load the page or its text.
* ``pdf_repaired`` (warning, no location): the cross-reference table was broken and PDFium
  rebuilt it; content may be missing.
* ``max_pages_reached`` (info, no location): ``options.max_pages`` stopped the read early.

PDFium handles are not thread-safe: use one extractor call per process or thread at a time (the
job system runs extractions in separate processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pybase.errors import (
    CorruptFileError,
    DependencyMissingError,
    EncryptedFileError,
    SourceNotFoundError,
)
from pybase.extraction.base import source_info
from pybase.extraction.bom import table_to_bom
from pybase.extraction.pdf_bom import word_tables
from pybase.extraction.pdf_drawing import DrawingFacts, drawing_unit, read_drawing_facts
from pybase.extraction.pdf_ocr import OcrEngine, OcrError, OcrPage
from pybase.extraction.pdf_tables import PdfTableFinder
from pybase.extraction.pdf_text import TextQuality, parse_pdf_date, text_quality
from pybase.extraction.pdf_titleblock import find_title_block
from pybase.extraction.pdf_words import TextRun, read_runs
from pybase.extraction.result import (
    BomLine,
    ExtractionResult,
    Issue,
    Page,
    Table,
    TitleBlock,
    Units,
)

try:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
except ImportError as exc:  # pragma: no cover - pypdfium2 is a core dependency
    raise DependencyMissingError("reading PDF needs pypdfium2 (pip install pypdfium2)") from exc

if TYPE_CHECKING:
    from pybase.extraction.base import ExtractionOptions, ProgressCallback
    from pybase.extraction.detect import DetectedFormat

__all__ = ["TABLE_MAX_CONTENT_WEIGHT", "PdfExtractor"]

#: Pages whose content weight (path segments + page objects, counted by PDFium through form
#: XObjects) exceeds this are not given to the table finder: pdfminer re-parses the whole
#: content stream in Python at roughly 20-35 µs per path segment on a 2-core machine, so
#: 30 000 is about one second per page. Engineering drawings above it (NIST FTC-10 sheets:
#: 49 000-51 000 segments) are geometry, not tables; the TZDSXZ reducer sheet (about 22 700)
#: with its parameter table stays under it.
TABLE_MAX_CONTENT_WEIGHT = 30_000

_MAX_FORM_DEPTH = 15

#: PDFium FPDF_ANNOT_* subtype number -> PDF annotation /Subtype name (ISO 32000-1 §12.5.6.1,
#: Table 169; 27 is PDFium's own XFA widget).
_ANNOT_SUBTYPES = (
    "Unknown", "Text", "Link", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine",
    "Highlight", "Underline", "Squiggly", "StrikeOut", "Stamp", "Caret", "Ink", "Popup",
    "FileAttachment", "Sound", "Movie", "Widget", "Screen", "PrinterMark", "TrapNet",
    "Watermark", "3D", "RichMedia", "XFAWidget", "Redact",
)  # fmt: skip


@dataclass
class _ObjectScan:
    objects: int = 0
    images: int = 0
    path_segments: int = 0


def _scan_objects(page: Any) -> _ObjectScan:
    """Count page objects, image objects and path segments of a page, descending into form
    XObjects (each use counted, as a content-stream parser sees them). Raw PDFium calls: no
    Python wrapper object per page object."""
    scan = _ObjectScan()
    stack: list[tuple[Any, bool, int]] = [(page.raw, False, 0)]
    while stack:
        container, is_form, depth = stack.pop()
        if is_form:
            count = pdfium_c.FPDFFormObj_CountObjects(container)
            get = pdfium_c.FPDFFormObj_GetObject
        else:
            count = pdfium_c.FPDFPage_CountObjects(container)
            get = pdfium_c.FPDFPage_GetObject
        for i in range(max(count, 0)):
            obj = get(container, i)
            if not obj:
                continue
            scan.objects += 1
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                scan.images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                scan.path_segments += max(pdfium_c.FPDFPath_CountSegments(obj), 0)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
                stack.append((obj, True, depth + 1))
    return scan


def _annotation_subtypes(page: Any) -> list[str]:
    """The /Subtype names of the page's annotations (ISO 32000-1 Table 169)."""
    names = []
    for i in range(max(pdfium_c.FPDFPage_GetAnnotCount(page.raw), 0)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        names.append(_ANNOT_SUBTYPES[subtype] if 0 <= subtype < len(_ANNOT_SUBTYPES) else "?")
    return names


def _open_document(path: Path) -> Any:
    """Open ``path`` with PDFium, mapping its load error code (FPDF_GetLastError) to ours.

    Raises:
        EncryptedFileError: FPDF_ERR_PASSWORD (a user password is needed) or
            FPDF_ERR_SECURITY (unsupported security handler).
        CorruptFileError: any other load failure (FPDF_ERR_FORMAT, damaged beyond repair,
            no pages).
        SourceNotFoundError: the file vanished.
    """
    try:
        return pdfium.PdfDocument(path)
    except FileNotFoundError as exc:
        raise SourceNotFoundError(f"{path}: no such file") from exc
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedFileError(
                f"{path.name}: the PDF is encrypted with a user password"
            ) from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedFileError(
                f"{path.name}: the PDF uses an unsupported security handler"
            ) from exc
        raise CorruptFileError(f"{path.name}: PDFium cannot open the file ({exc})") from exc


def _document_metadata(doc: Any) -> dict[str, Any]:
    """PDF version, information dictionary (ISO 32000-1 §14.3.3, raw strings plus ISO 8601
    ``creation_date``/``mod_date``), page count, tagged flag and embedded file names."""
    version = doc.get_version()
    info = {key: value for key, value in doc.get_metadata_dict(skip_empty=True).items()}
    metadata: dict[str, Any] = {
        "pdf_version": f"{version // 10}.{version % 10}" if version else None,
        "info": info,
        "page_count": len(doc),
        "tagged": bool(doc.is_tagged()),
    }
    for key, name in (("CreationDate", "creation_date"), ("ModDate", "mod_date")):
        if key in info and (iso := parse_pdf_date(info[key])):
            metadata[name] = iso
    embedded = []
    for i in range(max(doc.count_attachments(), 0)):
        try:
            embedded.append(doc.get_attachment(i).get_name())
        except pdfium.PdfiumError:
            embedded.append(f"#{i}")
    metadata["embedded_files"] = embedded
    return metadata


@dataclass
class _PageRead:
    page: Page
    quality: TextQuality
    scan: _ObjectScan
    annotations: list[str]
    issues: list[Issue]
    runs: list[TextRun] = field(default_factory=list)
    ocr: OcrPage | None = None
    ocr_missing: bool = False  # OCR was wanted but tesseract/pytesseract is not there


def _ocr_note(engine: OcrEngine, ocr: OcrPage) -> str:
    turned = f", turned {ocr.rotation}°" if ocr.rotation else ""
    confidence = f", mean word confidence {ocr.confidence:.0f}" if ocr.confidence else ""
    return (
        f"text from OCR (tesseract, language {engine.language}, {engine.dpi} dpi{turned}"
        f"{confidence}, {ocr.seconds:.1f} s)"
    )


def _read_page(
    doc: Any, index: int, include_text: bool, engine: OcrEngine | None = None
) -> _PageRead:
    """Read one page with PDFium; a page PDFium cannot load becomes a ``page_unreadable``
    issue and a Page with whatever size PDFium still reports. Pages without a usable text
    layer are OCRed with ``engine`` (None: OCR off)."""
    number = index + 1
    location = f"page {number}"
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:
        try:
            width, height = doc.get_page_size(index)
        except pdfium.PdfiumError:
            width = height = 0.0
        issue = Issue(
            code="page_unreadable",
            message=f"PDFium could not load this page: {exc}",
            severity="error",
            location=location,
        )
        page_model = Page(number=number, width=round(width, 2), height=round(height, 2))
        return _PageRead(page_model, TextQuality(0, 0, 0), _ObjectScan(), [], [issue])
    issues: list[Issue] = []
    runs: list[TextRun] = []
    ocr: OcrPage | None = None
    ocr_missing = False
    ocr_outcome = "OCR is off (options.ocr), so its text is not extracted"
    try:
        text = ""
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
                runs = read_runs(page, textpage, number)
            finally:
                textpage.close()
        except pdfium.PdfiumError as exc:
            issues.append(
                Issue(
                    code="page_unreadable",
                    message=f"PDFium could not read this page's text: {exc}",
                    severity="error",
                    location=location,
                )
            )
        # PDFium ends lines with CRLF; unmapped glyphs come out as U+0000 or U+FFFE, which
        # JSON stores (and PostgreSQL JSONB) reject or mangle: both become U+FFFD.
        text = text.replace("\r\n", "\n").replace("\x00", "\ufffd").replace("\ufffe", "\ufffd")
        quality = text_quality(text)
        scan = _scan_objects(page)
        annotations = _annotation_subtypes(page)
        page_model = Page(
            number=number,
            width=round(page.get_width(), 2),
            height=round(page.get_height(), 2),
            rotation=page.get_rotation(),
            char_count=quality.visible,
            image_count=scan.images,
            text=text if include_text else "",
        )
        unreadable = any(i.code == "page_unreadable" for i in issues)
        needs_ocr = not unreadable and (quality.visible == 0 or quality.garbled)
        if needs_ocr and not (scan.images or scan.path_segments):
            ocr_outcome = "nothing on it to OCR"
        elif needs_ocr and engine is not None:
            if engine.unavailable() is not None:
                ocr_missing = True
                ocr_outcome = "OCR is not available (see the ocr_unavailable issue)"
            else:
                try:
                    ocr = engine.read(page, number)
                except OcrError as exc:
                    ocr_outcome = "OCR failed"
                    issues.append(Issue(code="ocr_failed", message=str(exc), location=location))
                else:
                    ocr_outcome = _ocr_note(engine, ocr) if ocr.text else "OCR found no text"
    finally:
        page.close()
    if ocr is not None and ocr.text:
        if include_text:
            page_model.text = ocr.text
        runs = ocr.runs
    elif quality.garbled:
        runs = []  # unreliable text: no title block or dimensions from it
    read_by_ocr = ocr is not None and bool(ocr.text)
    if quality.visible == 0 and not any(i.code == "page_unreadable" for i in issues):
        what = "; content is in a 3D annotation" if "3D" in annotations else ""
        if scan.images:
            what = f"; {scan.images} image(s): probably a scan"
        issues.append(
            Issue(
                code="no_text_layer",
                message=f"the page has no text layer{what}; {ocr_outcome}",
                severity="info" if read_by_ocr else "warning",
                location=location,
            )
        )
    elif quality.garbled:
        issues.append(
            Issue(
                code="garbled_text_layer",
                message=f"{quality.unmapped} of {quality.visible} characters have no Unicode "
                f"mapping ({quality.private_use} more are private-use): the font lacks a "
                "usable /ToUnicode map, so this page's text layer is unreliable; "
                + (ocr_outcome if read_by_ocr else f"{ocr_outcome} (unmapped shown as U+FFFD)"),
                severity="info" if read_by_ocr else "warning",
                location=location,
            )
        )
    if "3D" in annotations:
        issues.append(
            Issue(
                code="pdf_3d_annotation",
                message="the page carries a 3D annotation (U3D/PRC model); the 3D model is "
                "not extracted",
                severity="info",
                location=location,
            )
        )
    return _PageRead(page_model, quality, scan, annotations, issues, runs, ocr, ocr_missing)


@dataclass
class _Drawing:
    """The drawing-level results collected over all pages."""

    title_block: TitleBlock | None = None
    title_score: int = 0
    facts: DrawingFacts = field(default_factory=DrawingFacts)
    bom: list[BomLine] = field(default_factory=list)


def _title_score(block: TitleBlock | None) -> int:
    if block is None:
        return 0
    named = [
        block.title, block.revision, block.material, block.scale, block.sheet, block.drawn_by,
        block.checked_by, block.approved_by, block.date, block.weight,
    ]  # fmt: skip
    return 2 * (block.part_number is not None) + sum(v is not None for v in named)


def _strong(facts: DrawingFacts) -> bool:
    """True when the notation found is drawing-specific (not just numbers in a document)."""
    if facts.gdt or facts.surface_textures or facts.threads:
        return True
    return any(
        d.parsed is not None
        and (
            d.parsed.tolerance is not None
            or d.parsed.fit is not None
            or d.parsed.count is not None
            or d.parsed.kind != "linear"
        )
        for d in facts.dimensions
    )


def _read_drawing(
    reads: list[tuple[_PageRead, list[Table]]], file_name: str, unit: str
) -> _Drawing:
    """Title block, parts lists and notation of every page (see the module docstring)."""
    drawing = _Drawing()
    regions: dict[int, tuple[float, float, float, float] | None] = {}
    blocks: dict[int, TitleBlock | None] = {}
    for read, tables in reads:
        number = read.page.number
        bom_boxes = []
        for k, table in enumerate(tables, start=1):
            lines = table_to_bom(table, source=f"page {number} table {k}")
            if lines:
                drawing.bom.extend(lines)
                if table.bbox is not None:
                    bom_boxes.append(table.bbox)
        if not read.runs:
            continue
        block, region = find_title_block(
            read.runs,
            read.page.width,
            read.page.height,
            exclude=bom_boxes,
            file_name=file_name,
        )
        blocks[number], regions[number] = block, region
        if block is not None:
            score = _title_score(block)
            if score > drawing.title_score:
                where = f"page {number}" + (" (OCR)" if read.ocr is not None else "")
                if region is not None:
                    x0, top, x1, bottom = region
                    where += f", region ({x0:.0f}, {top:.0f})-({x1:.0f}, {bottom:.0f}) pt"
                drawing.title_block = block.model_copy(update={"source": where})
                drawing.title_score = score
    general = drawing.title_block.general_tolerance if drawing.title_block else None
    for read, tables in reads:
        number = read.page.number
        if not read.runs:
            continue
        boxes = [t.bbox for t in tables if t.bbox is not None and _is_grid(t)]
        region = regions.get(number)
        if region is not None:
            boxes.append(region)
        runs = [r for r in read.runs if not any(_inside(r.center, box) for box in boxes)]
        facts = read_drawing_facts(
            runs, read.page.width, read.page.height, unit=unit, general=general
        )
        if not _strong(facts) and _title_score(blocks.get(number)) < 2:
            facts.dimensions = []  # bare numbers of a text document are no dimensions
        total = drawing.facts
        offsets = {
            section: len(getattr(total, section))
            for section in ("gdt", "datums", "threads", "surface_textures")
        }
        total.sources.extend(
            source.model_copy(update={"index": source.index + offsets[source.section]})
            for source in facts.sources
        )
        total.dimensions.extend(facts.dimensions)
        total.gdt.extend(facts.gdt)
        total.datums.extend(facts.datums)
        total.threads.extend(facts.threads)
        total.surface_textures.extend(facts.surface_textures)
        total.issues.extend(facts.issues)
    return drawing


def _is_grid(table: Table) -> bool:
    """A table of real content (at least 2 x 2, 4 filled cells and a quarter of the grid
    filled), not a lone box around a basic dimension or the outlines of a view."""
    rows = [table.header, *table.rows]
    positions = sum(len(r) for r in rows)
    filled = sum(1 for row in rows for cell in row if cell)
    return (
        len(rows) >= 2
        and max(len(r) for r in rows) >= 2
        and filled >= 4
        and filled >= 0.25 * positions
    )


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


class PdfExtractor:
    """Extractor for PDF (ISO 32000) files, registered as ``"pdf"``.

    Fills ``pages`` (size in points after /Rotate, rotation in degrees, visible character
    count of the text layer, image count, text when ``options.include_text``: the text layer,
    or the OCR text for pages without a usable one), ``tables`` (ruled tables when
    ``options.tables``, plus parts lists laid out without ruling), ``bom`` (parts-list lines
    of any table whose header names BOM columns, :mod:`pybase.extraction.bom`),
    ``title_block``, ``dimensions``, ``gdt``, ``datums``, ``threads``, ``surface_textures``,
    ``units`` (when a note declares them), ``metadata`` (``pdf_version``, ``info`` dict,
    ``creation_date``, ``mod_date``, ``page_count``, ``tagged``, ``embedded_files``,
    ``annotation_counts``), ``stats`` (``page_count``, ``pages_read``, ``char_count``,
    ``unmapped_char_count``, ``image_count``, ``table_count``, ``ocr_page_count``,
    ``ocr_seconds``, ``dimension_count``, ``bom_line_count``) and ``issues`` (codes in the
    module docstring). ``result.text`` stays empty: the text is on the pages.

    Raises:
        EncryptedFileError: a user password is needed (or the security handler is unknown).
        CorruptFileError: PDFium cannot open the file.
        JobCancelledError: propagated from ``progress`` (called once per page).
    """

    format: ClassVar[str] = "pdf"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Read ``path``; see the class docstring for what is filled and raised."""
        doc = _open_document(path)
        engine = OcrEngine(options.ocr_language, options.ocr_dpi) if options.ocr else None
        try:
            if not pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(doc.raw):
                issues = [
                    Issue(
                        code="pdf_repaired",
                        message="the cross-reference table is damaged; PDFium rebuilt it by "
                        "scanning the file, some content may be missing",
                    )
                ]
            else:
                issues = []
            metadata = _document_metadata(doc)
            total = len(doc)
            to_read = min(total, options.max_pages) if options.max_pages else total
            reads: list[tuple[_PageRead, list[Table]]] = []
            annotation_counts: dict[str, int] = {}
            unmapped = 0
            progress(0, to_read)
            with PdfTableFinder(path) as finder:
                for index in range(to_read):
                    read = _read_page(doc, index, options.include_text, engine)
                    issues.extend(read.issues)
                    unmapped += read.quality.unmapped
                    for name in read.annotations:
                        annotation_counts[name] = annotation_counts.get(name, 0) + 1
                    page_tables: list[Table] = []
                    if options.tables and read.quality.visible and not read.quality.garbled:
                        found, table_issues = self._tables(finder, index, read.scan)
                        page_tables.extend(found)
                        issues.extend(table_issues)
                    if options.tables and read.runs:
                        boxes = [t.bbox for t in page_tables if t.bbox is not None]
                        page_tables.extend(word_tables(read.runs, index + 1, exclude=boxes))
                    reads.append((read, page_tables))
                    progress(index + 1, to_read)
        finally:
            doc.close()
        if engine is not None and any(read.ocr_missing for read, _ in reads):
            issues.append(Issue(code="ocr_unavailable", message=engine.unavailable() or ""))
        if to_read < total:
            issues.append(
                Issue(
                    code="max_pages_reached",
                    message=f"read {to_read} of {total} pages (options.max_pages)",
                    severity="info",
                )
            )
        unit_note = drawing_unit(r for read, _ in reads for r in read.runs)
        unit = unit_note[0] if unit_note else "mm"
        drawing = _read_drawing(reads, path.name, unit)
        issues.extend(drawing.facts.issues)
        pages = [read.page for read, _ in reads]
        tables = [t for _, page_tables in reads for t in page_tables]
        ocr_pages = [read.ocr for read, _ in reads if read.ocr is not None]
        metadata["annotation_counts"] = annotation_counts
        return ExtractionResult(
            source=source_info(path, detected, metadata["pdf_version"]),
            metadata=metadata,
            units=Units(length=unit, source=f"note: {unit_note[1]!r}") if unit_note else Units(),
            title_block=drawing.title_block,
            dimensions=drawing.facts.dimensions,
            gdt=drawing.facts.gdt,
            datums=drawing.facts.datums,
            threads=drawing.facts.threads,
            surface_textures=drawing.facts.surface_textures,
            notation_sources=drawing.facts.sources,
            pages=pages,
            tables=tables,
            bom=drawing.bom,
            issues=issues,
            stats={
                "page_count": total,
                "pages_read": to_read,
                "char_count": sum(p.char_count for p in pages),
                "unmapped_char_count": unmapped,
                "image_count": sum(p.image_count for p in pages),
                "table_count": len(tables),
                "ocr_page_count": len(ocr_pages),
                "ocr_seconds": round(sum(o.seconds for o in ocr_pages), 2),
                "dimension_count": len(drawing.facts.dimensions),
                "bom_line_count": len(drawing.bom),
            },
        )

    @staticmethod
    def _tables(
        finder: PdfTableFinder, index: int, scan: _ObjectScan
    ) -> tuple[list[Table], list[Issue]]:
        if scan.path_segments == 0:
            return [], []  # no line, rect or curve: nothing the "lines" strategy could use
        weight = scan.path_segments + scan.objects
        if weight > TABLE_MAX_CONTENT_WEIGHT:
            return [], [
                Issue(
                    code="tables_skipped",
                    message=f"table finding skipped: {scan.path_segments} path segments and "
                    f"{scan.objects} objects exceed the limit of {TABLE_MAX_CONTENT_WEIGHT} "
                    "(vector-heavy drawing)",
                    severity="info",
                    location=f"page {index + 1}",
                )
            ]
        return finder.find(index)
