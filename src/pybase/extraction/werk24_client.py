"""One read of one drawing through the official ``werk24`` client, its failures converted into
:mod:`pybase.errors`.

The protocol the client speaks (werk24 2.x, ``werk24.techread.Werk24Client``): a WebSocket to
the ``wss_server`` authenticated with ``Authorization: Token <token>`` (a refused token is a
403 at the handshake); the command ``INITIALIZE`` with the asks and ``max_pages``, answered by
a PROGRESS ``INITIALIZATION_SUCCESS`` message carrying a presigned POST; the drawing uploaded
to it over HTTPS; the command ``READ``; then a stream of ``TechreadMessage`` JSON texts:
PROGRESS ``STARTED``, one ASK message per ask and page with the answer in ``payload_dict``
(or a ``payload_url`` for binary answers, which we never ask for), and PROGRESS ``COMPLETED``
last. A refusal arrives as an error envelope (``{"code", "message", "details",
"request_id"}``) instead of a message.

We use the client's public surface: ``Werk24Client(wss_server=, https_server=, token=,
max_reconnect_attempts=, reconnect_delay=)``, ``async with``, ``read_drawing(drawing, asks,
max_pages=, total_timeout=)``, the ask and response models, and the exceptions in
``werk24.utils.exceptions``. Two internals are touched, in one subclass
(:func:`_client_class`), and the ``werk24`` extra pins the client's major version for them:

* ``_ssl_context``: the client builds its TLS context from certifi's CA bundle alone; with
  ``PYBASE_WERK24_CA_FILE`` the context trusts that file as well (a TLS-inspecting proxy, a
  private deployment, the test server);
* ``_parse_message``: wrapped to keep each message's JSON as received (the client's pydantic
  models drop fields they do not declare, and we keep everything the service returns) and the
  last error envelope (which says *why* a request was refused: 429, 5xx ...).

How the client's exceptions become ours (:func:`convert_error`; retried = transient):

* ``werk24_unauthorized`` (not retried): ``LicenseNotFoundException`` (no token anywhere),
  ``InvalidLicenseException``, ``UnauthorizedException`` including a refused token
  (``ApiTokenRejectedException``, 403 at the handshake), 401/403 envelopes;
* ``werk24_insufficient_credits`` (not retried): ``InsufficientCreditsException`` (the quota
  envelope ``QUOTA_EXHAUSTED``, or ``Limit Exceeded`` at INITIALIZE);
* ``werk24_rejected`` (not retried): ``RequestTooLargeException``, ``UnsupportedMediaType``,
  ``BadRequestException``, encryption, priority and input errors, other 4xx;
* ``werk24_unavailable`` (retried with backoff): ``ReadTimeoutError``,
  ``RetryableServerError`` (5xx), ``ServerException`` (a connection dropped mid-stream, an
  unreachable server, a 429 rate-limit envelope without ``QUOTA_EXHAUSTED``, a 5xx envelope),
  ``SSLCertificateError``, socket and WebSocket errors;
* ``dependency_missing`` (not retried): ``werk24`` cannot be imported.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pybase.errors import (
    DependencyMissingError,
    PybaseError,
    Werk24InsufficientCreditsError,
    Werk24RejectedError,
    Werk24UnauthorizedError,
    Werk24UnavailableError,
)

if TYPE_CHECKING:
    from pybase.config import Settings

__all__ = [
    "ASK_TYPES",
    "Answer",
    "ReadOutcome",
    "convert_error",
    "load_client",
    "read_drawing",
    "upload_limit_bytes",
]

log = logging.getLogger(__name__)

#: What we ask for, in this order (werk24 ``AskType`` values): the document profile (page
#: count and paper size, answered from the file's shape at no extra cost), the metadata
#: (identifiers, designation, title block, general tolerances and roughness, material, weight,
#: bill of material, notes, revision table) and the features (dimensions with tolerances,
#: GD&T, threads, bores, chamfers, radii, roughness).
ASK_TYPES: tuple[str, ...] = ("DOCUMENT_PROFILE", "META_DATA", "FEATURES")

#: Connection attempts per read, and the first delay between them (seconds, doubling): the
#: job's own retries with backoff do the rest.
_CONNECT_ATTEMPTS = 2
_CONNECT_DELAY_SECONDS = 0.5
#: How often a waiting read reports progress (seconds): the job's progress writer checks for a
#: cancel on each report, so this bounds how long a cancel waits on a slow service.
_TICK_SECONDS = 2.0
#: Time allowed for connecting and uploading, on top of ``werk24_timeout_seconds`` (which the
#: client applies to the READ stream only).
_SETUP_MARGIN_SECONDS = 60.0

_STATUS_IN_TEXT = re.compile(r"(?:connecting to the server:|with code)\s*(\d{3})\b")


@dataclass
class Answer:
    """One ASK message: the answer to ``ask_type`` for page ``page`` (0-based, as the service
    counts). ``payload`` is what the client parsed (a werk24 response model, or a dict when it
    knew no model for it); ``raw`` the ``payload_dict`` JSON as received (``None`` when it
    could not be captured; then ``payload`` is all there is); ``exceptions`` the service's
    exceptions on it as ``{"level", "type", "ask_type", "reason"}``."""

    ask_type: str
    page: int
    payload: Any
    raw: Any
    exceptions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReadOutcome:
    """Everything one read produced, in arrival order."""

    request_id: str | None = None
    answers: list[Answer] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    completed: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    raw_missing: int = 0

    @property
    def asks_answered(self) -> int:
        """Number of distinct ask types that got an ASK message."""
        return len({a.ask_type for a in self.answers})


def _exceptions(message: Any) -> list[dict[str, Any]]:
    out = []
    for exc in getattr(message, "exceptions", None) or []:
        out.append(
            {
                "level": _value(exc.exception_level),
                "type": _value(exc.exception_type),
                "ask_type": getattr(exc, "ask_type", None),
                "reason": getattr(exc, "reason", None),
            }
        )
    return out


def _value(enum_or_str: Any) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str))


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_client() -> Any:
    """Import the ``werk24`` package and return its module.

    Its logger gets a ``NullHandler`` first (the library's own stream handler is only added to
    a logger without handlers): what it logs goes to the application's logging, and the
    outcome of a read is reported through the job, not on stderr.

    Raises:
        DependencyMissingError: the package is not installed (or cannot be imported).
    """
    werk24_log = logging.getLogger("werk24")
    if not werk24_log.handlers:
        werk24_log.addHandler(logging.NullHandler())
    try:
        importlib.import_module("werk24.techread")  # the client; werk24 resolves it lazily
    except ImportError as exc:
        raise DependencyMissingError(
            'the Werk24 engine needs the werk24 client: pip install "pybase-extract[werk24]"'
        ) from exc
    except Exception as exc:  # its settings are read from the environment at import
        raise DependencyMissingError(
            f"the werk24 client could not be loaded: {type(exc).__name__}: {exc}"
        ) from exc
    return importlib.import_module("werk24")


def upload_limit_bytes() -> int:
    """The largest drawing the client uploads, in bytes (its ``DRAWING_UPLOAD_LIMIT_BYTES``,
    10 MiB in werk24 2.8; the service's presigned upload policy). Call after
    :func:`load_client`."""
    techread = importlib.import_module("werk24.techread")
    return int(getattr(techread, "DRAWING_UPLOAD_LIMIT_BYTES", 10 * 1024 * 1024))


def _ssl_context(ca_file: Path) -> Any:
    """A TLS client context trusting certifi's CA bundle (what the client trusts) plus the
    certificates in ``ca_file`` (PEM)."""
    import ssl

    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    try:
        context.load_verify_locations(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise Werk24UnavailableError(
            f"PYBASE_WERK24_CA_FILE {ca_file} cannot be used: {exc}"
        ) from exc
    return context


@functools.cache
def _client_class() -> type:
    """``Werk24Client`` with the two additions described in the module docstring."""
    from werk24.techread import Werk24Client

    class PybaseWerk24Client(Werk24Client):
        def __init__(self, *, ca_file: Path | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if ca_file is not None:
                self._ssl_context = _ssl_context(ca_file)
            self.raw_payloads: dict[int, tuple[Any, Any]] = {}
            self.refusal: dict[str, Any] | None = None

        def _parse_message(self, message_raw: str) -> Any:
            try:
                message = Werk24Client._parse_message(message_raw)
            except Exception:
                self.refusal = _json_object(message_raw)
                raise
            data = _json_object(message_raw)
            if data is not None:
                # keyed by identity; the message itself is kept so the id stays unique
                self.raw_payloads[id(message)] = (message, data.get("payload_dict"))
            return message

        def raw_payload(self, message: Any) -> tuple[bool, Any]:
            """(captured?, the message's ``payload_dict`` JSON as received)."""
            entry = self.raw_payloads.get(id(message))
            if entry is None or entry[0] is not message:
                return False, None
            return True, entry[1]

    return PybaseWerk24Client


def _make_client(settings: Settings) -> Any:
    """The client for ``settings``: token, endpoints and CA file (see :mod:`pybase.config`).

    Raises:
        Werk24UnauthorizedError: no token configured anywhere, or an unusable one.
    """
    kwargs: dict[str, Any] = {
        "token": settings.werk24_token.get_secret_value() if settings.werk24_token else None,
        "max_reconnect_attempts": _CONNECT_ATTEMPTS,
        "reconnect_delay": _CONNECT_DELAY_SECONDS,
    }
    if settings.werk24_server:
        kwargs["wss_server"] = settings.werk24_server
    if settings.werk24_https_server:
        kwargs["https_server"] = settings.werk24_https_server
    try:
        return _client_class()(ca_file=settings.werk24_ca_file, **kwargs)
    except PybaseError:
        raise
    except Exception as exc:
        converted = convert_error(exc)
        if converted is None:
            raise
        raise converted from exc


def _one_line(exc: BaseException) -> str:
    """The useful part of a werk24 exception's message (they are multi-paragraph CLI texts
    ending in ``Details: ...``), on one line."""
    text = str(exc)
    _, sep, details = text.rpartition("Details:")
    chosen = details if sep else text.split("\n\n", 1)[0]
    return " ".join(chosen.split())[:500] or type(exc).__name__


def _status(refusal: dict[str, Any] | None, exc: BaseException) -> int | None:
    """The HTTP-like status of a refusal: the envelope's ``code``, else the status the client's
    message names (handshake or HTTPS)."""
    if refusal is not None:
        code = refusal.get("code", refusal.get("status"))
        with contextlib.suppress(TypeError, ValueError):
            return int(code)  # type: ignore[arg-type]
    match = _STATUS_IN_TEXT.search(str(exc))
    return int(match.group(1)) if match else None


def _by_status(status: int, what: str) -> PybaseError:
    if status in (401, 403):
        return Werk24UnauthorizedError(f"Werk24 refused the request ({status}): {what}")
    if status == 429:
        return Werk24UnavailableError(f"Werk24 is rate limiting this account (429): {what}")
    if 400 <= status < 500:
        return Werk24RejectedError(f"Werk24 rejected the request ({status}): {what}")
    return Werk24UnavailableError(f"Werk24 failed ({status}): {what}")


def convert_error(exc: BaseException, refusal: dict[str, Any] | None = None) -> PybaseError | None:
    """The :mod:`pybase.errors` error for an exception out of the werk24 client (table in the
    module docstring), or None when it is none of the client's (a bug: let it propagate).
    ``refusal`` is the last error envelope the service sent, if any."""
    from werk24.utils import exceptions as w24

    what = _one_line(exc)
    if isinstance(exc, w24.InvalidLicenseException):  # includes LicenseNotFoundException
        return Werk24UnauthorizedError(
            "no usable Werk24 API token: set PYBASE_WERK24_TOKEN (or W24TECHREAD_AUTH_TOKEN): "
            + what
        )
    if isinstance(exc, w24.ApiTokenRejectedException):
        suffix = getattr(exc, "token_suffix", None)
        named = f" ending in {suffix}" if suffix else ""
        status = getattr(exc, "status_code", None)
        return Werk24UnauthorizedError(
            f"Werk24 refused the API token{named}"
            + (f" (HTTP {status})" if status else "")
            + ": set PYBASE_WERK24_TOKEN (or W24TECHREAD_AUTH_TOKEN) to an active token"
        )
    if isinstance(exc, w24.UnauthorizedException):
        return Werk24UnauthorizedError(f"Werk24 refused the request: {what}")
    if isinstance(exc, w24.InsufficientCreditsException):
        return Werk24InsufficientCreditsError(f"the Werk24 account has no credits left: {what}")
    if isinstance(
        exc,
        w24.RequestTooLargeException
        | w24.UnsupportedMediaType
        | w24.BadRequestException
        | w24.EncryptionException
        | w24.PriorityTooHighError
        | w24.InvalidPriorityError
        | w24.UserInputError,
    ):
        return Werk24RejectedError(f"Werk24 will not read this drawing: {what}")
    if isinstance(exc, w24.ReadTimeoutError):
        return Werk24UnavailableError(f"Werk24 did not finish in time: {what}")
    if isinstance(exc, w24.TechreadException):  # ServerException, SSL, not found ...
        status = _status(refusal, exc)
        if status is not None:
            said = refusal.get("message") if refusal is not None else None
            return _by_status(status, str(said) if said else what)
        return Werk24UnavailableError(f"Werk24 is unavailable: {what}")
    if isinstance(exc, OSError | asyncio.TimeoutError | EOFError):
        return Werk24UnavailableError(f"Werk24 is unreachable: {type(exc).__name__}: {exc}")
    with contextlib.suppress(ImportError):
        import aiohttp
        import websockets

        if isinstance(exc, aiohttp.ClientError | websockets.exceptions.WebSocketException):
            return Werk24UnavailableError(f"Werk24 connection failed: {type(exc).__name__}: {exc}")
    return None


def _asks(werk24: Any) -> list[Any]:
    by_type = {
        "DOCUMENT_PROFILE": werk24.AskDocumentProfile,
        "META_DATA": werk24.AskMetaData,
        "FEATURES": werk24.AskFeatures,
    }
    return [by_type[name]() for name in ASK_TYPES]


def _run(factory: Callable[[], Coroutine[Any, Any, ReadOutcome]]) -> ReadOutcome:
    """Run the coroutine ``factory()`` to its end: in this thread, or in a helper thread when
    this thread already runs an event loop (a notebook calling the library API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(factory())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="werk24-read", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    outcome: ReadOutcome = box["value"]
    return outcome


def read_drawing(
    data: bytes,
    *,
    settings: Settings,
    max_pages: int,
    on_update: Callable[[ReadOutcome], None],
) -> ReadOutcome:
    """Send the drawing ``data`` (file bytes) to Werk24 with the asks :data:`ASK_TYPES`, for at
    most ``max_pages`` pages, and collect the answers.

    ``on_update(outcome)`` is called on every message and every :data:`_TICK_SECONDS` while
    waiting; an exception it raises (``JobCancelledError``) ends the read (the connection is
    closed) and propagates. The whole read is bounded by ``settings.werk24_timeout_seconds``
    plus a setup margin.

    Returns:
        The :class:`ReadOutcome`; the caller judges completeness and per-ask exceptions.

    Raises:
        DependencyMissingError: ``werk24`` is not installed.
        Werk24Error: a subclass per :func:`convert_error`.
    """
    werk24 = load_client()
    client = _make_client(settings)
    asks = _asks(werk24)
    timeout = settings.werk24_timeout_seconds
    outcome = ReadOutcome()

    async def consume() -> None:
        async with client:
            async for message in client.read_drawing(
                data, asks, max_pages=max_pages, total_timeout=timeout
            ):
                _record(outcome, message, client)
                on_update(outcome)

    async def supervise() -> ReadOutcome:
        deadline = time.monotonic() + timeout + _SETUP_MARGIN_SECONDS
        task = asyncio.ensure_future(consume())
        try:
            while not task.done():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Werk24UnavailableError(
                        f"Werk24 did not finish within {timeout + _SETUP_MARGIN_SECONDS:.0f} s"
                    )
                await asyncio.wait({task}, timeout=min(_TICK_SECONDS, left))
                if not task.done():
                    on_update(outcome)
        except BaseException:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            raise
        task.result()
        return outcome

    try:
        return _run(supervise)
    except PybaseError:
        raise
    except Exception as exc:
        converted = convert_error(exc, getattr(client, "refusal", None))
        if converted is None:
            raise
        raise converted from exc


def _record(outcome: ReadOutcome, message: Any, client: Any) -> None:
    """Add one message of the stream to ``outcome``."""
    kind = _value(message.message_type)
    subtype = _value(message.message_subtype)
    if outcome.request_id is None and getattr(message, "request_id", None) is not None:
        outcome.request_id = str(message.request_id)
    if kind == "ASK":
        captured, raw = client.raw_payload(message)
        if not captured:
            outcome.raw_missing += 1
        outcome.answers.append(
            Answer(
                ask_type=subtype,
                page=int(message.page_number or 0),
                payload=message.payload_dict,
                raw=raw if captured else None,
                exceptions=_exceptions(message),
            )
        )
        return
    if kind == "ERROR":
        outcome.errors.append(subtype)
        return
    outcome.progress.append(subtype)
    outcome.warnings.extend(_exceptions(message))
    if subtype == "COMPLETED":
        outcome.completed = True
