"""A file store in an S3-compatible bucket (AWS S3, MinIO, Ceph, moto): ``PYBASE_STORAGE_URL=
s3://bucket/prefix``, endpoint ``PYBASE_S3_ENDPOINT_URL`` (unset = AWS). Credentials and
region come from the usual boto3 sources (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, ``~/.aws``, instance roles); they are never stored by PyBase.

A job's ``file_path`` is ``s3://bucket/prefix/<job id>/<safe name>``; a worker on any machine
gets a local copy with :func:`download_temporary` (through :func:`pybase.storage.materialize`).

Errors: a missing object is :class:`~pybase.errors.SourceNotFoundError` (``file_not_found``,
not retried); an unreachable or failing endpoint is :class:`StorageUnavailableError`
(transient: the job is retried; the API answers 503).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from pybase.errors import SourceNotFoundError, StorageUnavailableError

__all__ = ["S3Store", "StorageUnavailableError", "download_temporary", "parse_s3_url"]

_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/key`` -> (``bucket``, ``some/key``); the key may be empty.

    Raises:
        ValueError: not an ``s3://`` URL or no bucket.
    """
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, key = url[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url!r}")
    return bucket, key.strip("/")


@lru_cache(maxsize=8)
def _client(endpoint_url: str | None, pid: int) -> Any:
    """One boto3 client per endpoint and process (clients are thread-safe but must not cross
    a fork, hence the pid in the cache key)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


def s3_client(endpoint_url: str | None = None) -> Any:
    """The (cached) boto3 S3 client for ``endpoint_url`` (None = AWS)."""
    return _client(endpoint_url, os.getpid())


def _convert(exc: Exception, what: str) -> Exception:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            return SourceNotFoundError(f"{what}: no such object ({code})")
        return StorageUnavailableError(f"{what}: object store refused the request ({code})")
    return StorageUnavailableError(f"{what}: object store unreachable ({type(exc).__name__})")


class S3Store:
    """Uploaded files in ``s3://bucket/prefix``.

    Args:
        url: ``s3://bucket`` or ``s3://bucket/prefix``.
        endpoint_url: S3-compatible endpoint, e.g. ``http://127.0.0.1:9000``; None = AWS.
        client: a boto3 S3 client to use instead of the cached default.
    """

    def __init__(self, url: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        self.endpoint_url = endpoint_url
        self._client = client

    @property
    def client(self) -> Any:
        """The boto3 client in use."""
        return self._client or s3_client(self.endpoint_url)

    def staging_dir(self) -> Path:
        """A private folder in the system temp directory (uploads pass through local disk so
        the API never holds a whole file in memory)."""
        path = Path(tempfile.gettempdir()) / f"pybase-uploads-{os.getuid()}"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def _full_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, source: Path) -> str:
        """Upload ``source`` to ``prefix/key`` (multipart for large files), delete the local
        copy, return ``s3://bucket/prefix/key``.

        Raises:
            StorageUnavailableError: the upload failed (the local file is kept for a retry).
        """
        from botocore.exceptions import BotoCoreError, ClientError

        full = self._full_key(key)
        try:
            self.client.upload_file(str(source), self.bucket, full)
        except (BotoCoreError, ClientError) as exc:
            raise _convert(exc, f"s3://{self.bucket}/{full}") from exc
        source.unlink(missing_ok=True)
        return f"s3://{self.bucket}/{full}"

    def contains(self, file_ref: str) -> bool:
        """Whether ``file_ref`` is an object of this bucket under this prefix."""
        try:
            bucket, key = parse_s3_url(file_ref)
        except ValueError:
            return False
        inside = not self.prefix or key.startswith(self.prefix + "/")
        return bucket == self.bucket and inside and bool(key)

    def delete(self, file_ref: str) -> bool:
        """Delete the object; False when ``file_ref`` is not in this bucket/prefix.

        Raises:
            StorageUnavailableError: the object store could not be reached.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        if not self.contains(file_ref):
            return False
        _, key = parse_s3_url(file_ref)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise _convert(exc, file_ref) from exc
        return True

    def ping(self) -> None:
        """Check that the bucket is reachable (HEAD bucket).

        Raises:
            SourceNotFoundError: the bucket does not exist.
            StorageUnavailableError: unreachable or access refused.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise _convert(exc, f"s3://{self.bucket}") from exc

    def describe(self) -> str:
        """``s3://bucket/prefix`` plus the endpoint when not AWS."""
        where = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where


@contextmanager
def download_temporary(file_ref: str, *, endpoint_url: str | None = None) -> Iterator[Path]:
    """Download ``s3://bucket/key`` to a private temporary directory and yield the local path
    (named like the key's last component, so results show the uploaded name); the copy is
    deleted when the block ends. The endpoint defaults to ``PYBASE_S3_ENDPOINT_URL``.

    Raises:
        SourceNotFoundError: no such object or bucket (``file_not_found``, not retried).
        StorageUnavailableError: the object store could not be reached (retried).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if endpoint_url is None:
        from pybase.config import get_settings

        endpoint_url = get_settings().s3_endpoint_url
    bucket, key = parse_s3_url(file_ref)
    if not key:
        raise SourceNotFoundError(f"{file_ref}: no object key")
    with tempfile.TemporaryDirectory(prefix="pybase-s3-") as tmp:
        target = Path(tmp) / key.rsplit("/", 1)[-1]
        try:
            s3_client(endpoint_url).download_file(bucket, key, str(target))
        except (BotoCoreError, ClientError) as exc:
            raise _convert(exc, file_ref) from exc
        yield target
