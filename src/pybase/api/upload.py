"""Receiving an upload: a streaming ``multipart/form-data`` reader.

The request body is parsed while it arrives (python-multipart's push parser). The part named
``file`` is hashed (SHA-256) and counted on the way and refused with 413 as soon as it passes
the limit, so no more than the limit (plus one network chunk) is ever read. A file is kept in
memory up to :data:`SPOOL_BYTES` and written to a staging file chunk by chunk beyond that, so
the API never holds a large file in memory (and a small one costs no extra disk round trips).
A ``Content-Length`` that already announces too much is refused before anything is read.
Other parts are small text fields (at most :data:`MAX_FIELDS` of :data:`MAX_FIELD_BYTES`).
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import anyio
from fastapi import Request

from pybase.api.errors import (
    MalformedRequestError,
    RequestValidationFailed,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)
from pybase.storage.base import clean_display_name

__all__ = [
    "FILE_FIELD",
    "MAX_FIELDS",
    "MAX_FIELD_BYTES",
    "SPOOL_BYTES",
    "Upload",
    "receive_upload",
]

FILE_FIELD = "file"
MAX_FIELDS = 32
MAX_FIELD_BYTES = 64 * 1024
#: Files up to this size stay in memory until they are stored (1 MiB, like Starlette's spool).
SPOOL_BYTES = 1 << 20
#: Room for the text fields and multipart framing when ``Content-Length`` is checked early.
_ENVELOPE_BYTES = MAX_FIELDS * MAX_FIELD_BYTES


@dataclass
class Upload:
    """A received file: ``filename`` is the name the client sent (control characters removed),
    ``size`` in bytes, ``sha256`` hex, ``fields`` the text fields of the form. The bytes are in
    ``data`` (small files) or in the staging file ``path`` (large ones); :meth:`staged_file`
    gives a file either way. The caller moves the file into the store or calls
    :meth:`discard`."""

    filename: str
    size: int
    sha256: str
    content_type: str | None
    fields: dict[str, str]
    path: Path | None = None
    data: bytes | None = None

    def staged_file(self, staging_dir: Path) -> Path:
        """The upload as a file in ``staging_dir`` (written now when it was in memory).
        Blocking: call it from a worker thread."""
        if self.path is None:
            path = staging_dir / f"{uuid.uuid4().hex}.part"
            path.write_bytes(self.data or b"")
            self.path, self.data = path, None
        return self.path

    def discard(self) -> None:
        """Delete the staging file, if any (it may already have been moved into the store)."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.data = None


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _Reader:
    """Callback target of the push parser; collects fields and queues file bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.file_part: _Part | None = None
        self.pending: list[bytes] = []
        self.size = 0
        self.digest = hashlib.sha256()
        self.parts = 0
        self.ended = False

    # python-multipart callbacks ------------------------------------------------------
    def on_part_begin(self) -> None:
        self.part = _Part()
        self.headers = {}
        self.parts += 1

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_name.strip().lower()] = self.header_value.strip()
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        if b"name" not in params:
            raise MalformedRequestError("a multipart part has no name in Content-Disposition")
        self.part.name = params[b"name"].decode("utf-8", "replace")
        if b"filename" in params:
            if self.part.name != FILE_FIELD:
                raise RequestValidationFailed(
                    f"unexpected file in field {self.part.name!r}: send the file as {FILE_FIELD!r}"
                )
            if self.file_part is not None:
                raise MalformedRequestError("send exactly one file per request")
            self.part.filename = params[b"filename"].decode("utf-8", "replace")
            ctype = self.headers.get(b"content-type")
            self.part.content_type = ctype.decode("latin-1") if ctype else None
            self.file_part = self.part
        elif len(self.fields) >= MAX_FIELDS:
            raise MalformedRequestError(f"more than {MAX_FIELDS} form fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = bytes(data[start:end])
        if self.part is self.file_part:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise UploadTooLargeError(
                    f"the upload is larger than the limit of {self.max_bytes / 1e6:g} MB "
                    "(PYBASE_MAX_UPLOAD_MB)"
                )
            self.digest.update(chunk)
            self.pending.append(chunk)
        else:
            if len(self.part.data) + len(chunk) > MAX_FIELD_BYTES:
                raise MalformedRequestError(
                    f"form field {self.part.name!r} is longer than {MAX_FIELD_BYTES} bytes"
                )
            self.part.data.extend(chunk)

    def on_part_end(self) -> None:
        if self.part is not self.file_part:
            try:
                self.fields[self.part.name] = self.part.data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedRequestError(f"form field {self.part.name!r} is not UTF-8") from exc

    def on_end(self) -> None:
        self.ended = True

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_end": self.on_end,
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }


def _boundary(request: Request) -> bytes:
    from python_multipart.multipart import parse_options_header

    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data":
        raise UnsupportedMediaTypeError(
            "send the file as multipart/form-data in the field 'file' "
            f"(got Content-Type {ctype.decode('latin-1') or 'none'!r})"
        )
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise MalformedRequestError("multipart/form-data without a valid boundary")
    return boundary


def _check_length(request: Request, max_bytes: int) -> None:
    announced = request.headers.get("content-length")
    if announced is None:
        return
    if not announced.isdigit():
        raise MalformedRequestError("Content-Length is not a number")
    if int(announced) > max_bytes + _ENVELOPE_BYTES:
        raise UploadTooLargeError(
            f"the request announces {int(announced) / 1e6:.1f} MB; the upload limit is "
            f"{max_bytes / 1e6:g} MB (PYBASE_MAX_UPLOAD_MB)"
        )


async def receive_upload(
    request: Request, staging_dir: Callable[[], Path], max_bytes: int
) -> Upload:
    """Read the multipart body of ``request``; a file larger than :data:`SPOOL_BYTES` is
    staged in ``staging_dir()`` (called in a worker thread, only then).

    Raises:
        UnsupportedMediaTypeError: not ``multipart/form-data`` (415).
        MalformedRequestError: a broken body, a second file, too many or too long fields (400).
        RequestValidationFailed: no ``file`` part, or a file in another field (422).
        UploadTooLargeError: the file passed ``max_bytes`` (413); nothing is kept.
    """
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser

    boundary = _boundary(request)
    _check_length(request, max_bytes)
    reader = _Reader(max_bytes)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    memory: list[bytes] = []
    path: Path | None = None
    handle: IO[bytes] | None = None

    def spill(data: bytes) -> tuple[Path, IO[bytes]]:
        target = staging_dir() / f"{uuid.uuid4().hex}.part"
        out = target.open("xb")
        out.write(data)
        return target, out

    try:
        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except FormParserError as exc:
                raise MalformedRequestError(f"invalid multipart body: {exc}") from exc
            if not reader.pending:
                continue
            memory.extend(reader.pending)
            reader.pending = []
            if handle is not None:
                data, memory = b"".join(memory), []
                await anyio.to_thread.run_sync(handle.write, data)
            elif reader.size > SPOOL_BYTES:
                data, memory = b"".join(memory), []
                path, handle = await anyio.to_thread.run_sync(spill, data)
        try:
            parser.finalize()
        except FormParserError as exc:
            raise MalformedRequestError(f"invalid multipart body: {exc}") from exc
        if handle is not None:
            await anyio.to_thread.run_sync(handle.close)
        if reader.parts == 0:
            raise MalformedRequestError("no multipart parts found (wrong boundary?)")
        if not reader.ended:
            raise MalformedRequestError("the multipart body is truncated (no closing boundary)")
        part = reader.file_part
        if part is None or not part.filename:
            raise RequestValidationFailed(f"no file: send it in the multipart field {FILE_FIELD!r}")
    except BaseException:
        if handle is not None:
            handle.close()
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return Upload(
        filename=clean_display_name(part.filename),
        size=reader.size,
        sha256=reader.digest.hexdigest(),
        content_type=part.content_type,
        fields=reader.fields,
        path=path,
        data=b"".join(memory) if path is None else None,
    )
