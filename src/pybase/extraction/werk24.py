"""The Werk24 engine: PDF and raster (PNG, JPEG, TIFF) drawings read by the Werk24 AI service,
mapped into the same :class:`~pybase.extraction.result.ExtractionResult` as our own
extraction.

Selected with ``ExtractionOptions(engine="werk24")`` (``pybase extract --engine werk24``, the
API option ``engine``); needs the ``werk24`` extra (``pip install "pybase-extract[werk24]"``)
and a Werk24 API token (``PYBASE_WERK24_TOKEN``, or the client's own ``.werk24`` file /
``W24TECHREAD_AUTH_TOKEN``). The endpoints are ``PYBASE_WERK24_SERVER`` (WebSocket) and
``PYBASE_WERK24_HTTPS_SERVER``; ``PYBASE_WERK24_CA_FILE`` adds trusted certificate
authorities.

One read per file (:mod:`pybase.extraction.werk24_client`): the drawing is uploaded once and
the service answers the asks document profile, metadata and features for up to ``max_pages``
pages (the job's option, else ``PYBASE_WERK24_MAX_PAGES``). The answers are mapped by
:mod:`pybase.extraction.werk24_map`. Progress: one step when the request is initialized, one
per ask answered, the last when the read completes; while the service works, progress is
reported every few seconds so that a cancel is noticed.

Outcome rules (error codes in :mod:`pybase.errors`):

* a file over the upload limit (10 MiB) -> ``werk24_rejected`` before anything is sent;
* every answer refused with a drawing-level exception (file format or size, paper size, page
  count, resolution, content not understood, configuration) -> ``werk24_rejected``;
* an ERROR message from the service, or a stream that ends before ``COMPLETED`` (dropped
  connection) -> ``werk24_unavailable`` (retried);
* otherwise a result; asks that failed or were left unanswered become issues
  (``werk24_ask_failed``, ``werk24_unanswered``).

Usage: ``stats["werk24_pages_read"]`` is the number of pages the service read (the document's
page count capped at ``max_pages``, from the document profile; else the pages that were
answered). The job store copies it into the job's ``pages_read`` column, which the monthly
page quota of API tokens counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pybase.errors import (
    CorruptFileError,
    UnsupportedFormatError,
    Werk24RejectedError,
    Werk24UnavailableError,
)
from pybase.extraction.base import ExtractionOptions, ProgressCallback, source_info

if TYPE_CHECKING:
    from pybase.extraction.detect import DetectedFormat
    from pybase.extraction.result import ExtractionResult
    from pybase.extraction.werk24_client import ReadOutcome

__all__ = ["WERK24_FORMATS", "Werk24Extractor"]

#: Formats the Werk24 engine reads.
WERK24_FORMATS = frozenset({"pdf", "png", "jpeg", "tiff"})

#: Ask exceptions that mean "this drawing, as sent, will not be read" (werk24
#: ``TechreadExceptionType``).
_REJECTIONS = frozenset(
    {
        "DRAWING_FILE_FORMAT_UNSUPPORTED",
        "DRAWING_FILE_SIZE_TOO_LARGE",
        "DRAWING_RESOLUTION_TOO_LOW",
        "DRAWING_CONTENT_NOT_UNDERSTOOD",
        "DRAWING_PAPER_SIZE_TOO_LARGE",
        "DRAWING_PAGE_COUNT_TOO_LARGE",
        "CONFIGURATION_INCORRECT",
    }
)


class Werk24Extractor:
    """Reads a PDF or PNG/JPEG/TIFF drawing with the Werk24 service (module docstring)."""

    format: ClassVar[str] = "werk24"

    def extract(
        self,
        path: Path,
        detected: DetectedFormat,
        options: ExtractionOptions,
        progress: ProgressCallback,
    ) -> ExtractionResult:
        """Send ``path`` to Werk24 and map its answers.

        Raises:
            UnsupportedFormatError: not a PDF or PNG/JPEG/TIFF drawing.
            DependencyMissingError: the ``werk24`` package is missing.
            Werk24UnauthorizedError, Werk24InsufficientCreditsError, Werk24RejectedError:
                permanent refusals; Werk24UnavailableError: transient (see module docstring).
            JobCancelledError: propagated from ``progress``.
        """
        from pybase.config import get_settings
        from pybase.extraction.werk24_client import (
            ASK_TYPES,
            load_client,
            read_drawing,
            upload_limit_bytes,
        )

        if detected.format not in WERK24_FORMATS:
            raise UnsupportedFormatError(
                f"{path.name}: the werk24 engine reads PDF, PNG, JPEG and TIFF drawings, "
                f"not {detected.format.upper()}"
            )
        load_client()
        settings = get_settings()
        max_pages = options.max_pages or settings.werk24_max_pages
        limit = upload_limit_bytes()
        try:
            size = path.stat().st_size
            if size > limit:
                raise Werk24RejectedError(
                    f"{path.name}: {size / 1e6:.1f} MB is over the {limit / 1e6:.1f} MB "
                    "Werk24 accepts per drawing"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CorruptFileError(f"{path.name}: cannot be read: {exc}") from exc
        total = len(ASK_TYPES) + 2

        def on_update(outcome: ReadOutcome) -> None:
            done = min(total - 1, (1 if outcome.progress else 0) + outcome.asks_answered)
            progress(done, total)

        outcome = read_drawing(data, settings=settings, max_pages=max_pages, on_update=on_update)
        _judge(outcome, path.name)
        result = _result(path, detected, outcome, max_pages)
        progress(total, total)
        return result


def _judge(outcome: ReadOutcome, name: str) -> None:
    """Raise when the read as a whole failed (module docstring, "Outcome rules")."""
    failures = [
        exc["type"]
        for answer in outcome.answers
        for exc in answer.exceptions
        if str(exc.get("level", "")).upper() == "ERROR"
    ]
    usable = [a for a in outcome.answers if a.payload is not None or a.raw is not None]
    if outcome.answers and not usable and failures:
        kinds = ", ".join(sorted(set(map(str, failures))))
        if set(failures) <= _REJECTIONS:
            raise Werk24RejectedError(f"{name}: Werk24 will not read this drawing: {kinds}")
        raise Werk24UnavailableError(f"{name}: Werk24 answered no ask: {kinds}")
    if outcome.errors:
        raise Werk24UnavailableError(
            f"{name}: Werk24 reported an error ({', '.join(outcome.errors)}) "
            f"for request {outcome.request_id}"
        )
    if not outcome.completed:
        raise Werk24UnavailableError(
            f"{name}: the Werk24 stream ended before the read completed "
            f"({len(outcome.answers)} answer(s) received)"
        )


def _result(
    path: Path, detected: DetectedFormat, outcome: ReadOutcome, max_pages: int
) -> ExtractionResult:
    from werk24 import __version__ as client_version

    from pybase.extraction.result import ExtractionResult, Issue
    from pybase.extraction.werk24_client import ASK_TYPES
    from pybase.extraction.werk24_map import map_answers

    mapped = map_answers(outcome.answers, outcome.warnings)
    answered = {a.ask_type for a in outcome.answers}
    issues = list(mapped.issues)
    for ask in ASK_TYPES:
        if ask not in answered:
            issues.append(
                Issue(code="werk24_unanswered", message=f"Werk24 sent no answer to {ask}")
            )
    if outcome.raw_missing:
        issues.append(
            Issue(
                code="werk24_raw_unavailable",
                message=f"{outcome.raw_missing} answer(s) kept as the client parsed them "
                "(fields it does not know are not in extras)",
                severity="info",
            )
        )
    if mapped.page_count is not None:
        pages_read = min(mapped.page_count, max_pages)
    else:
        pages_read = len(mapped.pages_answered)
    stats: dict[str, object] = {"werk24_pages_read": pages_read}
    if mapped.page_count is not None:
        stats["page_count"] = mapped.page_count
    metadata = {"engine": "werk24", **mapped.metadata}
    return ExtractionResult(
        source=source_info(path, detected),
        units=mapped.units,
        metadata=metadata,
        title_block=mapped.title_block,
        dimensions=mapped.dimensions,
        gdt=mapped.gdt,
        datums=mapped.datums,
        threads=mapped.threads,
        surface_textures=mapped.surface_textures,
        notation_sources=mapped.notation_sources,
        tables=mapped.tables,
        bom=mapped.bom,
        text=mapped.text,
        issues=issues,
        stats=stats,
        extras={
            "werk24": {
                "request_id": outcome.request_id,
                "client_version": client_version,
                "asks": list(ASK_TYPES),
                "max_pages": max_pages,
                "answers": mapped.answers,
                "unmapped": mapped.unmapped,
                "references": mapped.references,
            }
        },
    )
