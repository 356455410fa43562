"""File store: where a job's file lives, and how a worker gets a local copy of it.

A job's ``file_path`` is either a local path (``pybase extract`` on a laptop, or a shared
directory ``PYBASE_STORAGE_DIR`` mounted on every worker) or an object URL
``s3://bucket/key`` (``PYBASE_STORAGE_URL``). :func:`materialize` yields a local path for
either kind; extractors only ever see local paths.

:func:`get_store` returns the configured :class:`~pybase.storage.base.FileStore` that the API
writes uploads to: :class:`~pybase.storage.local.LocalStore` or
:class:`~pybase.storage.s3.S3Store` (boto3 is imported only when a bucket is used).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pybase.config import Settings
    from pybase.storage.base import FileStore

__all__ = ["get_store", "materialize"]


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


def get_store(settings: Settings) -> FileStore:
    """The store for uploaded files: the bucket of ``PYBASE_STORAGE_URL`` (``s3://``) when set,
    else the directory ``PYBASE_STORAGE_DIR`` (default ``<data_dir>/files``).

    Raises:
        ValueError: ``PYBASE_STORAGE_URL`` is set but is not an ``s3://bucket[/prefix]`` URL.
    """
    if settings.storage_url:
        from pybase.storage.s3 import S3Store

        return S3Store(settings.storage_url, endpoint_url=settings.s3_endpoint_url)
    from pybase.storage.local import LocalStore

    return LocalStore(settings.resolved_storage_dir)
