"""File store: where a job's file lives, and how a worker gets a local copy of it.

A job's ``file_path`` is either a local path (``pybase extract`` on a laptop, or a shared
directory ``PYBASE_STORAGE_DIR`` mounted on every worker) or an object URL
``s3://bucket/key`` (``PYBASE_STORAGE_URL``). :func:`materialize` yields a local path for
either kind; extractors only ever see local paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["materialize"]


@contextmanager
def materialize(file_ref: str) -> Iterator[Path]:
    """A local path holding the bytes of ``file_ref`` for the duration of the block
    (a temporary download for object-store URLs, the path itself otherwise)."""
    if file_ref.startswith("s3://"):
        from pybase.storage.s3 import download_temporary

        with download_temporary(file_ref) as path:
            yield path
        return
    yield Path(file_ref)
