"""OCR for PDF pages without a usable text layer: PDFium renders the page, tesseract reads it.

Steps per page (:meth:`OcrEngine.read`):

1. render the page as displayed (after /Rotate) with pypdfium2 at ``dpi`` (default 300), in
   grey;
2. find the text orientation with tesseract's orientation and script detection (OSD,
   ``--psm 0``) on a half-resolution copy, and turn the image upright (a scan may lie in any of
   the four cardinal orientations); when OSD cannot decide (too little text) the image is read
   as it is, and when the reading after turning is poor (mean word confidence below
   :data:`RETRY_CONFIDENCE`) the opposite orientation is read too and the better one kept;
3. read words, boxes and confidences with ``image_to_data`` (page segmentation ``--psm 3``),
   in ``language`` (tesseract language codes, ``eng``, ``deu``, ``eng+chi_sim``: the
   ``tesseract-ocr-<lang>`` Debian packages);
4. map each word box back to the displayed page in PDF points and join neighbouring words of
   a line into :class:`~pybase.extraction.pdf_words.TextRun` objects (``source="ocr"``), so
   the title-block, table and notation readers work on a scan as on vector text.

Tesseract is run with ``OMP_THREAD_LIMIT=1`` unless the environment sets it: its OpenMP
threads fight over the cores with the job pool's other processes and make a page several
times slower (measured: 21.6 s against 3.6 s for a letter page on a loaded 2-core machine).

Availability: pytesseract missing, or the ``tesseract`` binary missing (Debian package
``tesseract-ocr``), gives :meth:`OcrEngine.unavailable` a reason; the extractor turns it into
an ``ocr_unavailable`` issue, never a failed job.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from pybase.extraction.pdf_words import TextRun, local

__all__ = ["DEFAULT_DPI", "OcrEngine", "OcrError", "OcrPage"]

#: Rendering resolution for OCR, dots per inch (tesseract is trained on text of about 20-30
#: px x-height; 300 dpi gives that for 8-10 pt print).
DEFAULT_DPI = 300
#: Seconds one tesseract call may take before it is stopped (a page, not the file).
TESSERACT_TIMEOUT = 180
#: OSD orientations below this confidence are ignored (sparse sheets give 1-3, text pages 15+).
MIN_OSD_CONFIDENCE = 0.5
#: When the mean word confidence after turning the page is below this, the opposite
#: orientation is tried too and the better reading kept.
RETRY_CONFIDENCE = 60.0
#: Words closer than this many line heights join into one run.
_WORD_GAP = 1.0


class OcrError(Exception):
    """Tesseract failed on one page (timeout, crash, missing language data)."""


@dataclass(slots=True)
class OcrPage:
    """The OCR reading of one page: ``text`` in tesseract's reading order (lines joined by
    ``\\n``, blocks by a blank line), ``runs`` in the displayed page frame (points),
    ``rotation`` the counter-clockwise turn in degrees that made the rendered page upright
    (0, 90, 180, 270; its text reads at ``(360 - rotation) % 360`` degrees on the page),
    ``confidence`` the mean word confidence 0..100 (None when no word was read),
    ``seconds`` the time spent (render + OSD + OCR)."""

    text: str
    runs: list[TextRun] = field(default_factory=list)
    rotation: int = 0
    confidence: float | None = None
    seconds: float = 0.0


class OcrEngine:
    """Reads pages with tesseract through pytesseract. ``language``: tesseract language
    code(s); ``dpi``: render resolution; ``timeout``: seconds per tesseract call."""

    def __init__(
        self, language: str = "eng", dpi: int = DEFAULT_DPI, timeout: int = TESSERACT_TIMEOUT
    ) -> None:
        self.language = language
        self.dpi = dpi
        self.timeout = timeout
        self._checked = False
        self._reason: str | None = None
        self._tesseract: Any = None

    def unavailable(self) -> str | None:
        """Why OCR cannot run here (checked once), or None when it can."""
        if self._checked:
            return self._reason
        self._checked = True
        try:
            import pytesseract
        except ImportError:
            self._reason = (
                "pytesseract is not installed (pip install pytesseract): pages without a text "
                "layer were not read"
            )
            return self._reason
        try:
            pytesseract.get_tesseract_version()
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            self._reason = (
                "the tesseract program is not installed (Debian/Ubuntu: apt-get install "
                f"tesseract-ocr): pages without a text layer were not read ({exc})"
            )
            return self._reason
        except Exception as exc:  # a broken install: version output it cannot parse
            self._reason = f"tesseract does not run: {type(exc).__name__}: {exc}"
            return self._reason
        self._tesseract = pytesseract
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        return None

    def read(self, page: Any, number: int) -> OcrPage:
        """OCR one ``pypdfium2.PdfPage`` (``number``: 1-based, stored on the runs).

        Raises:
            OcrError: tesseract failed or timed out on this page; the extractor reports it as
                an ``ocr_failed`` issue.
            RuntimeError: when called although :meth:`unavailable` gives a reason.
        """
        if self.unavailable() is not None:
            raise RuntimeError(self._reason)
        start = time.perf_counter()
        scale = self.dpi / 72.0
        try:
            image = page.render(scale=scale, grayscale=True).to_pil()
        except Exception as exc:  # PDFium render failure on a damaged page
            raise OcrError(f"PDFium could not render the page: {exc}") from exc
        rotation = self._orientation(image)
        text, runs, confidence = self._recognise(image, rotation, number, scale)
        if (confidence is None or confidence < RETRY_CONFIDENCE) and rotation:
            # OSD is unsure on sparse sheets and may be off by 180°: try the other way round
            other = (rotation + 180) % 360
            second = self._recognise(image, other, number, scale)
            if (second[2] or 0.0) > (confidence or 0.0):
                rotation, (text, runs, confidence) = other, second
        return OcrPage(
            text=text,
            runs=runs,
            rotation=rotation,
            confidence=confidence,
            seconds=round(time.perf_counter() - start, 3),
        )

    def _recognise(
        self, image: Any, rotation: int, number: int, scale: float
    ) -> tuple[str, list[TextRun], float | None]:
        """Text, runs and mean confidence of ``image`` turned by ``rotation`` degrees."""
        tess = self._tesseract
        upright = image.rotate(rotation, expand=True) if rotation else image
        try:
            data = tess.image_to_data(
                upright,
                lang=self.language,
                config="--psm 3",
                output_type=tess.Output.DICT,
                timeout=self.timeout,
            )
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrError(f"tesseract took longer than {self.timeout} s") from exc
        except tess.TesseractError as exc:
            raise OcrError(f"tesseract failed: {exc}") from exc
        return _runs_from_data(data, number, scale, rotation, image.width, image.height)

    def _orientation(self, image: Any) -> int:
        """Counter-clockwise turn (degrees) that makes the text upright, from tesseract OSD;
        0 when OSD cannot tell (too few characters, no OSD data installed)."""
        tess = self._tesseract
        small = image.reduce(2) if self.dpi >= 200 else image
        try:
            osd = tess.image_to_osd(
                small, config="--psm 0", output_type=tess.Output.DICT, timeout=self.timeout
            )
        except (tess.TesseractError, RuntimeError, ValueError):
            return 0
        orientation = int(osd.get("orientation", 0)) % 360
        if float(osd.get("orientation_conf", 0.0)) < MIN_OSD_CONFIDENCE:
            return 0
        return orientation if orientation in (90, 180, 270) else 0


def _unrotate(x: float, y: float, rotation: int, width: int, height: int) -> tuple[float, float]:
    """Pixel (x, y) of the upright image -> pixel of the rendered page image (``width`` x
    ``height``) that was turned counter-clockwise by ``rotation`` degrees."""
    if rotation == 90:
        return (width - y, x)
    if rotation == 180:
        return (width - x, height - y)
    if rotation == 270:
        return (y, height - x)
    return (x, y)


def _runs_from_data(
    data: dict[str, list[Any]],
    number: int,
    scale: float,
    rotation: int,
    width: int,
    height: int,
) -> tuple[str, list[TextRun], float | None]:
    """Page text, runs and mean word confidence from pytesseract's ``image_to_data`` dict."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if str(word).strip() and float(data["conf"][i]) >= 0:
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            lines.setdefault(key, []).append(i)
    angle = float((360 - rotation) % 360)
    runs: list[TextRun] = []
    text_lines: list[str] = []
    confidences: list[float] = []
    last_block = None
    for key in sorted(lines):
        words = sorted(lines[key], key=lambda i: int(data["left"][i]))
        line_height = max(int(data["height"][i]) for i in words) or 1
        if last_block is not None and key[0] != last_block:
            text_lines.append("")
        last_block = key[0]
        text_lines.append(" ".join(str(data["text"][i]).strip() for i in words))
        group: list[int] = []
        for i in words:
            confidences.append(float(data["conf"][i]))
            if group:
                prev = group[-1]
                gap = int(data["left"][i]) - int(data["left"][prev]) - int(data["width"][prev])
                if gap > _WORD_GAP * line_height:
                    runs.append(_run(data, group, number, scale, rotation, width, height, angle))
                    group = []
            group.append(i)
        if group:
            runs.append(_run(data, group, number, scale, rotation, width, height, angle))
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return "\n".join(text_lines).strip(), runs, confidence


def _run(
    data: dict[str, list[Any]],
    words: list[int],
    number: int,
    scale: float,
    rotation: int,
    width: int,
    height: int,
    angle: float,
) -> TextRun:
    left = min(int(data["left"][i]) for i in words)
    top = min(int(data["top"][i]) for i in words)
    right = max(int(data["left"][i]) + int(data["width"][i]) for i in words)
    bottom = max(int(data["top"][i]) + int(data["height"][i]) for i in words)
    corners = [
        _unrotate(x, y, rotation, width, height) for x in (left, right) for y in (top, bottom)
    ]
    xs = [c[0] / scale for c in corners]
    ys = [c[1] / scale for c in corners]
    points = [(x, y) for x in (min(xs), max(xs)) for y in (min(ys), max(ys))]
    us = [local(angle, x, y)[0] for x, y in points]
    vs = [local(angle, x, y)[1] for x, y in points]
    size = (bottom - top) / scale
    return TextRun(
        text=" ".join(str(data["text"][i]).strip() for i in words),
        x0=round(min(xs), 2),
        top=round(min(ys), 2),
        x1=round(max(xs), 2),
        bottom=round(max(ys), 2),
        angle=angle,
        size=round(size, 2),
        u0=min(us),
        u1=max(us),
        v=min(vs) + 0.2 * size,
        page=number,
        source="ocr",
        confidence=round(sum(float(data["conf"][i]) for i in words) / len(words), 1),
    )
