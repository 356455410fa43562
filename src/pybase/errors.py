"""Exception tree of PyBase Extract.

Every error the project raises on purpose derives from :class:`PybaseError` and carries a
stable machine-readable ``code`` (stored as ``error_code`` on a failed job, listed in the
README) and a ``transient`` flag that drives the retry policy::

    PybaseError
     ├── ExtractionError                 the file could not be read (raised by extractors)
     │    ├── UnsupportedFormatError     unsupported_format    (also ValueError)
     │    ├── EmptyFileError             empty_file            (also ValueError)
     │    ├── CorruptFileError           corrupt_file          (also ValueError)
     │    ├── EncryptedFileError         encrypted_file        (also ValueError)
     │    ├── FileTooLargeError          file_too_large        (also ValueError)
     │    ├── SourceNotFoundError        file_not_found        (also FileNotFoundError)
     │    ├── DependencyMissingError     dependency_missing    (also ImportError)
     │    ├── ExtractionTimeoutError     extraction_timeout
     │    ├── TransientExtractionError   transient_error       (transient: retried)
     │    │    ├── StorageUnavailableError  storage_unavailable (object store unreachable)
     │    │    └── Werk24UnavailableError   werk24_unavailable  (also a Werk24Error)
     │    └── Werk24Error                the Werk24 service refused or failed the read
     │         ├── Werk24UnauthorizedError        werk24_unauthorized
     │         ├── Werk24InsufficientCreditsError werk24_insufficient_credits
     │         └── Werk24RejectedError            werk24_rejected (also ValueError)
     ├── WorkerLostError                 worker_lost           (transient: retried)
     ├── JobCancelledError               cancelled
     ├── JobNotFoundError                job_not_found         (also LookupError)
     ├── StoreNotMigratedError           store_not_migrated    (run `pybase db upgrade`)
     └── IllegalTransitionError          illegal_transition    (also ValueError)

Library errors (ezdxf, ifcopenshell, OCP, pdfminer, the werk24 client) are converted into this
tree at the extractor boundary with ``raise ... from exc``, so the cause chain is kept. Anything
else that escapes an extractor is recorded as ``internal_error`` with its stack trace.
"""

from __future__ import annotations

__all__ = [
    "ERROR_CODES",
    "CorruptFileError",
    "DependencyMissingError",
    "EmptyFileError",
    "EncryptedFileError",
    "ExtractionError",
    "ExtractionTimeoutError",
    "FileTooLargeError",
    "IllegalTransitionError",
    "JobCancelledError",
    "JobNotFoundError",
    "PybaseError",
    "SourceNotFoundError",
    "StorageUnavailableError",
    "StoreNotMigratedError",
    "TransientExtractionError",
    "UnsupportedFormatError",
    "Werk24Error",
    "Werk24InsufficientCreditsError",
    "Werk24RejectedError",
    "Werk24UnauthorizedError",
    "Werk24UnavailableError",
    "WorkerLostError",
]


class PybaseError(Exception):
    """Root of every error raised on purpose by PyBase Extract.

    Attributes:
        code: stable snake_case error code, stored on the job as ``error_code``.
        transient: True when trying the same job again later may succeed.
    """

    code: str = "internal_error"
    transient: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExtractionError(PybaseError):
    """The file could not be read. Raised by extractors; recoverable oddities go to
    ``ExtractionResult.issues`` instead."""

    code = "extraction_error"


class UnsupportedFormatError(ExtractionError, ValueError):
    """The file's content is not PDF, DXF, IFC or STEP (detection is by content, not name)."""

    code = "unsupported_format"


class EmptyFileError(ExtractionError, ValueError):
    """The file has zero bytes (or only whitespace)."""

    code = "empty_file"


class CorruptFileError(ExtractionError, ValueError):
    """The file claims a supported format but its structure is broken or truncated."""

    code = "corrupt_file"


class EncryptedFileError(ExtractionError, ValueError):
    """The file is encrypted or password-protected (e.g. a PDF with a user password)."""

    code = "encrypted_file"


class FileTooLargeError(ExtractionError, ValueError):
    """The file is larger than ``PYBASE_MAX_FILE_MB``."""

    code = "file_too_large"


class SourceNotFoundError(ExtractionError, FileNotFoundError):
    """The job's file is no longer where the job says it is."""

    code = "file_not_found"


class DependencyMissingError(ExtractionError, ImportError):
    """An optional library needed for this format or engine is not installed."""

    code = "dependency_missing"


class ExtractionTimeoutError(ExtractionError):
    """Extraction ran longer than ``PYBASE_JOB_TIMEOUT_SECONDS``. Not retried: the same file
    would take as long again."""

    code = "extraction_timeout"


class TransientExtractionError(ExtractionError):
    """A failure that may not happen again (resource exhausted, remote service busy)."""

    code = "transient_error"
    transient = True


class StorageUnavailableError(TransientExtractionError):
    """The file store (S3-compatible bucket) could not be reached or refused the request;
    trying later may work."""

    code = "storage_unavailable"


class Werk24Error(ExtractionError):
    """The Werk24 service (``engine="werk24"``) refused or failed to read the drawing. Raised by
    :mod:`pybase.extraction.werk24`, converted from the ``werk24`` client's exceptions."""

    code = "werk24_error"


class Werk24UnauthorizedError(Werk24Error):
    """No Werk24 API token is configured (``PYBASE_WERK24_TOKEN``, ``W24TECHREAD_AUTH_TOKEN``
    or a ``.werk24`` file), or the service refused it. Not retried: fix the token."""

    code = "werk24_unauthorized"


class Werk24InsufficientCreditsError(Werk24Error):
    """The Werk24 account's credits (request quota) are used up. Not retried: waiting does not
    refill them; top the account up and retry the job."""

    code = "werk24_insufficient_credits"


class Werk24RejectedError(Werk24Error, ValueError):
    """The service will not read this drawing as sent: too large, a media type or page size it
    does not take, not understood as a drawing, or a malformed request. Not retried."""

    code = "werk24_rejected"


class Werk24UnavailableError(TransientExtractionError, Werk24Error):
    """The service could not be reached or did not finish: rate limited (HTTP 429 without a
    spent quota), a server error (5xx), a read that timed out, or a connection dropped
    mid-stream. Retried with backoff."""

    code = "werk24_unavailable"
    transient = True


class WorkerLostError(PybaseError):
    """The process running the job died (native crash, out of memory, SIGKILL) or stopped
    sending heartbeats. Retried until ``max_retries`` is used up."""

    code = "worker_lost"
    transient = True


class JobCancelledError(PybaseError):
    """Raised inside a running job when a cancel was requested; ends the job ``cancelled``."""

    code = "cancelled"


class JobNotFoundError(PybaseError, LookupError):
    """No job has the given id."""

    code = "job_not_found"


class StoreNotMigratedError(PybaseError):
    """The PostgreSQL job store's schema is missing or older than this version of PyBase
    Extract (``pybase db upgrade`` migrates it)."""

    code = "store_not_migrated"


class IllegalTransitionError(PybaseError, ValueError):
    """A lifecycle change that the job's current status does not allow (e.g. retrying a
    completed job)."""

    code = "illegal_transition"


#: Every code a failed job can carry, with the meaning shown to users (README, ``--help``).
ERROR_CODES: dict[str, str] = {
    UnsupportedFormatError.code: "content is not PDF, DXF, IFC or STEP",
    EmptyFileError.code: "the file is empty",
    CorruptFileError.code: "the file is damaged, truncated or not valid for its format",
    EncryptedFileError.code: "the file is encrypted / password-protected",
    FileTooLargeError.code: "the file exceeds PYBASE_MAX_FILE_MB",
    SourceNotFoundError.code: "the job's file no longer exists",
    DependencyMissingError.code: "a library needed for this format is not installed",
    ExtractionTimeoutError.code: "extraction exceeded PYBASE_JOB_TIMEOUT_SECONDS",
    TransientExtractionError.code: "a temporary failure; retried with backoff",
    StorageUnavailableError.code: "the file store (S3 bucket) was unreachable; retried",
    WorkerLostError.code: "the worker process died or stopped heartbeating; retried",
    Werk24UnauthorizedError.code: "no Werk24 API token, or the service refused it",
    Werk24InsufficientCreditsError.code: "the Werk24 account has no credits left",
    Werk24RejectedError.code: "Werk24 will not read this drawing (size, media type, content)",
    Werk24UnavailableError.code: "Werk24 was unreachable, rate limited or failed; retried",
    JobCancelledError.code: "the job was cancelled",
    "internal_error": "an unexpected error in PyBase Extract (a bug): see error_stack_trace",
}
