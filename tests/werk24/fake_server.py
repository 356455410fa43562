"""A fake Werk24 service on 127.0.0.1 that speaks the protocol of the ``werk24`` client, so the
real client runs end to end without the internet.

One aiohttp server over TLS (a test CA made by :func:`make_tls`; the client trusts it through
``PYBASE_WERK24_CA_FILE``) on a free port, in a thread of its own:

* ``GET /v2``: the WebSocket. The ``Authorization: Token <token>`` header must name one of
  :attr:`FakeWerk24.tokens`, else the handshake is refused with 403 (as the service does).
  Commands are ``{"action": "INITIALIZE" | "READ", "message": {...}}``; INITIALIZE is answered
  with a PROGRESS ``INITIALIZATION_SUCCESS`` message whose payload is a presigned POST to
  ``/upload/<request id>``; READ with the replayed stream (PROGRESS ``STARTED``, the ASK
  messages, PROGRESS ``COMPLETED``).
* ``POST /upload/<request id>``: the presigned upload (multipart, field ``file``); 204.

What it answers is :attr:`FakeWerk24.scenario` (one of :data:`SCENARIOS`) and
:attr:`FakeWerk24.answers`; what it received is in :attr:`FakeWerk24.requests`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

#: What the fake can be told to do (the service behaviours the engine must handle).
SCENARIOS = (
    "ok",  # the full stream
    "quota",  # INITIALIZE refused: error envelope, details.error QUOTA_EXHAUSTED
    "quota_init",  # INITIALIZE answered with PROGRESS COMPLETED "Limit Exceeded"
    "rate_limit",  # INITIALIZE refused: envelope code 429 without QUOTA_EXHAUSTED
    "server_error",  # READ answered with an envelope code 503 after STARTED
    "internal_error",  # an ERROR / INTERNAL message in the stream
    "drop",  # the connection is cut (TCP abort, no close frame) after the first answer
    "clean_close",  # the server closes normally after the first answer, no COMPLETED
    "stall",  # STARTED, then silence (the connection stays open)
    "upload_413",  # the presigned upload refuses the drawing as too large
    "upload_415",  # the presigned upload refuses the media type
    "upload_503",  # the presigned upload fails with a server error
    "reject_format",  # every ask answered with DRAWING_FILE_FORMAT_UNSUPPORTED
    "partial",  # FEATURES fails with DRAWING_CONTENT_NOT_UNDERSTOOD, the rest answers
)


@dataclass
class Recorded:
    """One request as the fake saw it."""

    token: str
    request_id: str
    asks: list[str] = field(default_factory=list)
    max_pages: int | None = None
    client_version: str | None = None
    upload: bytes | None = None
    upload_fields: dict[str, str] = field(default_factory=dict)
    read: dict[str, Any] | None = None


@dataclass
class TlsFiles:
    """PEM files of a test CA and a server certificate for 127.0.0.1 signed by it."""

    ca: Path
    cert: Path
    key: Path


def make_tls(directory: Path) -> TlsFiles:
    """Generate a CA and a server certificate (SAN IP 127.0.0.1, DNS localhost) valid for a
    day, with ``cryptography`` (a dependency of the werk24 client)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pybase test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def message(
    request_id: str,
    message_type: str,
    subtype: str,
    payload: Any = None,
    page: int = 0,
    exceptions: list[dict[str, Any]] | None = None,
) -> str:
    """A ``TechreadMessage`` as JSON text."""
    return json.dumps(
        {
            "request_id": request_id,
            "message_type": message_type,
            "message_subtype": subtype,
            "page_number": page,
            "payload_dict": payload,
            "payload_url": None,
            "exceptions": exceptions or [],
        }
    )


def _exception(kind: str, level: str = "ERROR") -> dict[str, Any]:
    return {"exception_level": level, "exception_type": kind}


class FakeWerk24:
    """The fake service (module docstring). Start with :meth:`start`, stop with :meth:`stop`."""

    def __init__(self, tls: TlsFiles, tokens: set[str]) -> None:
        self.tls = tls
        self.tokens = set(tokens)
        self.scenario = "ok"
        self.answers: list[tuple[str, int, dict[str, Any]]] = []
        self.requests: list[Recorded] = []
        self.handshakes: list[str] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def wss_url(self) -> str:
        return f"wss://127.0.0.1:{self.port}/v2"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def reset(self, scenario: str = "ok", answers: list[Any] | None = None) -> None:
        """Forget what was received; answer ``scenario`` with ``answers`` from now on."""
        assert scenario in SCENARIOS, scenario
        self.scenario = scenario
        self.answers = list(answers or [])
        self.requests.clear()
        self.handshakes.clear()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeWerk24:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to start()
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-werk24", daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("the fake Werk24 server did not start within 15 s")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(15)

    async def _serve(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/v2", self._websocket)
        app.router.add_post("/upload/{request_id}", self._upload)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.tls.cert), str(self.tls.key))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, ssl_context=context).start()

    # -- the presigned upload --------------------------------------------------------------
    def _request(self, request_id: str) -> Recorded | None:
        return next((r for r in self.requests if r.request_id == request_id), None)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        recorded = self._request(request.match_info["request_id"])
        form = await request.post()
        if recorded is not None:
            upload = form.get("file")
            data = getattr(upload, "file", None)
            recorded.upload = data.read() if data is not None else None
            recorded.upload_fields = {k: str(v) for k, v in form.items() if k != "file"}
        refusals = {
            "upload_413": (413, "EntityTooLarge", "Your proposed upload exceeds the maximum"),
            "upload_415": (415, "UnsupportedMediaType", "not a drawing format"),
            "upload_503": (503, "SlowDown", "Please reduce your request rate"),
        }
        if self.scenario in refusals:
            status, code, text = refusals[self.scenario]
            body = f"<Error><Code>{code}</Code><Message>{text}</Message></Error>"
            return web.Response(status=status, text=body, content_type="application/xml")
        return web.Response(status=204)

    # -- the WebSocket -----------------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        token = request.headers.get("Authorization", "").removeprefix("Token ").strip()
        self.handshakes.append(token)
        if token not in self.tokens:
            return web.Response(status=403, text="Forbidden")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        recorded: Recorded | None = None
        async for incoming in ws:
            if incoming.type != WSMsgType.TEXT:
                continue
            command = json.loads(incoming.data)
            body = command.get("message") or {}
            if isinstance(body, str):
                body = json.loads(body or "{}")
            if command.get("action") == "INITIALIZE":
                recorded = Recorded(token=token, request_id=str(uuid.uuid4()))
                recorded.asks = [a["ask_type"] for a in body.get("asks", [])]
                recorded.max_pages = body.get("max_pages")
                recorded.client_version = body.get("client_version")
                self.requests.append(recorded)
                await self._initialize(ws, recorded)
            elif command.get("action") == "READ" and recorded is not None:
                recorded.read = body
                if await self._read(ws, request, recorded):
                    return ws
        return ws

    async def _initialize(self, ws: web.WebSocketResponse, recorded: Recorded) -> None:
        rid = recorded.request_id
        if self.scenario == "quota":
            await ws.send_str(
                json.dumps(
                    {
                        "code": "429",
                        "message": "Request quota exhausted",
                        "details": {"error": "QUOTA_EXHAUSTED", "limit": 100},
                        "request_id": rid,
                    }
                )
            )
            return
        if self.scenario == "quota_init":
            await ws.send_str(message(rid, "PROGRESS", "COMPLETED", {"message": "Limit Exceeded"}))
            return
        if self.scenario == "rate_limit":
            await ws.send_str(
                json.dumps(
                    {
                        "code": "429",
                        "message": "Too Many Requests",
                        "details": {"retry_after": 2},
                        "request_id": rid,
                    }
                )
            )
            return
        post = {
            "url": f"{self.https_url}/upload/{rid}",
            "fields": {"key": f"drawings/{rid}", "policy": "e30=", "x-amz-signature": "00"},
        }
        await ws.send_str(
            message(rid, "PROGRESS", "INITIALIZATION_SUCCESS", {"drawing_presigned_post": post})
        )

    async def _read(
        self, ws: web.WebSocketResponse, request: web.Request, recorded: Recorded
    ) -> bool:
        """Send the READ stream; True when the connection was cut (the handler must end)."""
        rid = recorded.request_id
        await ws.send_str(message(rid, "PROGRESS", "STARTED"))
        scenario = self.scenario
        if scenario == "server_error":
            await ws.send_str(
                json.dumps({"code": "503", "message": "Service Unavailable", "request_id": rid})
            )
            return False
        if scenario == "stall":
            return False  # keep reading until the client gives up and closes
        if scenario == "reject_format":
            for ask in recorded.asks:
                error = [_exception("DRAWING_FILE_FORMAT_UNSUPPORTED")]
                await ws.send_str(message(rid, "ASK", ask, None, 0, error))
            await ws.send_str(message(rid, "PROGRESS", "COMPLETED"))
            return False
        for number, (ask, page, payload) in enumerate(self.answers):
            if scenario == "partial" and ask == "FEATURES":
                error = [_exception("DRAWING_CONTENT_NOT_UNDERSTOOD")]
                await ws.send_str(message(rid, "ASK", ask, None, page, error))
                continue
            await ws.send_str(message(rid, "ASK", ask, payload, page))
            if number == 0 and scenario == "drop":
                await asyncio.sleep(0.05)
                transport = request.transport
                if transport is not None:
                    transport.abort()
                return True
            if number == 0 and scenario == "clean_close":
                await ws.close()
                return True
            if number == 0 and scenario == "internal_error":
                await ws.send_str(message(rid, "ERROR", "INTERNAL"))
        await ws.send_str(message(rid, "PROGRESS", "COMPLETED"))
        return False
