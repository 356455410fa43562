"""The file-store seam and the rules for naming stored files.

A :class:`FileStore` keeps uploaded files where every worker can read them and hands back a
*file reference* that goes into the job's ``file_path``: an absolute local path (shared
directory) or ``s3://bucket/key`` (object store). Workers turn a reference back into a local
file with :func:`pybase.storage.materialize`.

Stored files are named ``<job id>/<safe name>``: the job id makes the key unique and lets a
human find the file of a job; the safe name (:func:`safe_filename`) keeps the original
suffix and stem as far as that is harmless, so the result's ``source.name`` stays readable.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path
from typing import Protocol

__all__ = ["FileStore", "clean_display_name", "object_key", "safe_filename"]

#: Longest safe name in bytes (UTF-8): well below the 255-byte file-name limit of ext4/XFS and
#: the 1024-byte S3 key limit, with room for the job-id prefix.
MAX_NAME_BYTES = 180

_UNSAFE = re.compile(r"[^\w.\-+()@=,]+", re.UNICODE)
_RUNS = re.compile(r"_{2,}")


def clean_display_name(name: str, *, limit: int = 1024) -> str:
    """``name`` as the user sent it, minus control characters (C0/C1, DEL; PostgreSQL cannot
    store NUL and terminals must not receive escape sequences), cut to ``limit`` characters.
    Path separators are kept: this is what the job shows as ``filename``."""
    kept = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    return kept.strip()[:limit] or "upload"


def safe_filename(name: str) -> str:
    """A file name that is safe as the last component of a path or an object key.

    Rules: Unicode NFC; both ``/`` and ``\\`` count as separators and only the last component
    is kept (no traversal: ``../../etc/passwd`` becomes ``passwd``); control characters are
    dropped; anything but letters, digits and ``._-+()@=,`` becomes ``_``; leading dots are
    removed (no hidden files, no ``..``); at most :data:`MAX_NAME_BYTES` bytes of UTF-8, cut in
    the stem so the suffix survives. Never empty (``upload`` instead).
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _RUNS.sub("_", _UNSAFE.sub("_", text)).strip(" ._")
    if not text:
        return "upload"
    if len(text.encode()) > MAX_NAME_BYTES:
        stem, dot, suffix = text.rpartition(".")
        if not dot or len(suffix) > 16:
            stem, suffix = text, ""
        budget = MAX_NAME_BYTES - len(suffix.encode()) - (1 if suffix else 0)
        stem = stem.encode()[:budget].decode(errors="ignore").rstrip(" ._") or "upload"
        text = f"{stem}.{suffix}" if suffix else stem
    return text


def object_key(job_id: uuid.UUID, name: str) -> str:
    """The store key of a job's file: ``<job id>/<safe name>``."""
    return f"{job_id}/{safe_filename(name)}"


class FileStore(Protocol):
    """Where uploaded files live. Implementations: :class:`pybase.storage.local.LocalStore`,
    :class:`pybase.storage.s3.S3Store`."""

    def staging_dir(self) -> Path:
        """A local directory for an upload in progress (on the same file system as the store
        when that lets :meth:`put` rename instead of copy)."""
        ...

    def put(self, key: str, source: Path) -> str:
        """Move the local file ``source`` into the store under ``key`` (``source`` is gone
        afterwards) and return its file reference (a local path or ``s3://bucket/key``)."""
        ...

    def delete(self, file_ref: str) -> bool:
        """Delete a stored file. Returns False (and deletes nothing) when ``file_ref`` is not
        inside this store — e.g. a file that ``pybase extract`` read where the user keeps it."""
        ...

    def describe(self) -> str:
        """Where files go, for logs and ``/health`` (no credentials)."""
        ...
