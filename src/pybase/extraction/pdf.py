"""PDF extractor: pages, text layer, images, document info and ruled tables.

pypdfium2 (Google's PDFium) does the reading: open, page sizes, /Rotate, the text layer, page
objects (images, path segments), annotations and the document information dictionary. It is
fast and repairs many damaged files. pdfplumber's table finder (:mod:`.pdf_tables`) adds ruled
tables, page by page.

Units: page sizes and table boxes are PDF points (1/72 inch). ``Page.width``/``height`` are the
page as displayed, i.e. after /Rotate (ISO 32000-1 §7.7.3.3, Table 30), which is also the frame
pdfplumber reports table boxes in (origin top-left). PDF declares no drawing length unit, so
``result.units`` stays empty.

Issues (``result.issues``), all with ``location="page N"`` unless said otherwise:

* ``no_text_layer`` (warning): the page has no text, or only whitespace (a scan, or content
  only in an annotation); OCR is not done yet.
* ``garbled_text_layer`` (warning): many characters have no Unicode mapping (thresholds in
  :mod:`.pdf_text`), so the page text cannot be trusted.
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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pybase.errors import (
    CorruptFileError,
    DependencyMissingError,
    EncryptedFileError,
    SourceNotFoundError,
)
from pybase.extraction.base import source_info
from pybase.extraction.pdf_tables import PdfTableFinder
from pybase.extraction.pdf_text import TextQuality, parse_pdf_date, text_quality
from pybase.extraction.result import ExtractionResult, Issue, Page, Table

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


def _read_page(doc: Any, index: int, include_text: bool) -> _PageRead:
    """Read one page with PDFium; a page PDFium cannot load becomes a ``page_unreadable``
    issue and a Page with whatever size PDFium still reports."""
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
    try:
        text = ""
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
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
    finally:
        page.close()
    if quality.visible == 0 and not any(i.code == "page_unreadable" for i in issues):
        what = "; content is in a 3D annotation" if "3D" in annotations else ""
        if scan.images:
            what = f"; {scan.images} image(s): probably a scan"
        issues.append(
            Issue(
                code="no_text_layer",
                message=f"the page has no text layer{what}. OCR is not supported yet "
                "(planned), so its text is not extracted",
                location=location,
            )
        )
    elif quality.garbled:
        issues.append(
            Issue(
                code="garbled_text_layer",
                message=f"{quality.unmapped} of {quality.visible} characters have no Unicode "
                f"mapping ({quality.private_use} more are private-use): the font lacks a "
                "usable /ToUnicode map, so this page's text is unreliable (shown as U+FFFD)",
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
    return _PageRead(page_model, quality, scan, annotations, issues)


class PdfExtractor:
    """Extractor for PDF (ISO 32000) files, registered as ``"pdf"``.

    Fills ``pages`` (size in points after /Rotate, rotation in degrees, visible character
    count, image count, text when ``options.include_text``), ``tables`` (ruled tables when
    ``options.tables``), ``metadata`` (``pdf_version``, ``info`` dict, ``creation_date``,
    ``mod_date``, ``page_count``, ``tagged``, ``embedded_files``, ``annotation_counts``),
    ``stats`` (``page_count``, ``pages_read``, ``char_count``, ``unmapped_char_count``,
    ``image_count``, ``table_count``) and ``issues`` (codes in the module docstring).
    ``result.text`` stays empty: the text is on the pages.

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
            pages: list[Page] = []
            tables: list[Table] = []
            annotation_counts: dict[str, int] = {}
            unmapped = 0
            progress(0, to_read)
            with PdfTableFinder(path) as finder:
                for index in range(to_read):
                    read = _read_page(doc, index, options.include_text)
                    pages.append(read.page)
                    issues.extend(read.issues)
                    unmapped += read.quality.unmapped
                    for name in read.annotations:
                        annotation_counts[name] = annotation_counts.get(name, 0) + 1
                    if options.tables and read.quality.visible:
                        found, table_issues = self._tables(finder, index, read.scan)
                        tables.extend(found)
                        issues.extend(table_issues)
                    progress(index + 1, to_read)
        finally:
            doc.close()
        if to_read < total:
            issues.append(
                Issue(
                    code="max_pages_reached",
                    message=f"read {to_read} of {total} pages (options.max_pages)",
                    severity="info",
                )
            )
        metadata["annotation_counts"] = annotation_counts
        return ExtractionResult(
            source=source_info(path, detected, metadata["pdf_version"]),
            metadata=metadata,
            pages=pages,
            tables=tables,
            issues=issues,
            stats={
                "page_count": total,
                "pages_read": to_read,
                "char_count": sum(p.char_count for p in pages),
                "unmapped_char_count": unmapped,
                "image_count": sum(p.image_count for p in pages),
                "table_count": len(tables),
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
