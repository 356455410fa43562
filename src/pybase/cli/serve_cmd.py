"""``pybase serve`` (the HTTP API under uvicorn) and ``pybase tokens create|list|revoke``.

Registered by thin wrappers in :mod:`pybase.cli.main`; FastAPI and uvicorn are imported only
when ``serve`` runs.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from pybase.errors import PybaseError

if TYPE_CHECKING:
    from pybase.db.engine import Database

__all__ = ["is_loopback", "serve", "tokens_create", "tokens_list", "tokens_revoke"]


class ServeRefusedError(PybaseError):
    """``pybase serve`` would expose an API without authentication beyond this machine."""

    code = "auth_required"


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine: ``localhost``, or an
    IPv4/IPv6 loopback address (127.0.0.0/8, ::1). Any other name or address is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: str) -> bool:
    """Whether authentication is on for a server bound to ``host``.

    Raises:
        ServeRefusedError: ``PYBASE_AUTH=disabled`` with a non-loopback ``host``.
    """
    disabled = auth.strip().lower() == "disabled"
    if disabled and not is_loopback(host):
        raise ServeRefusedError(
            f"refusing to serve on {host} without authentication: PYBASE_AUTH=disabled is "
            "allowed on loopback (127.0.0.1, ::1, localhost) only; create a token with "
            "`pybase tokens create NAME` and unset PYBASE_AUTH"
        )
    return not disabled


def serve(host: str, port: int, *, log_level: str, open_store: Callable[[], Database]) -> None:
    """Run the API with uvicorn until interrupted. Jobs go to Celery when
    ``PYBASE_BROKER_URL`` is set, else to an embedded process pool inside this process.

    Raises:
        ServeRefusedError: authentication disabled on a non-loopback address.
    """
    import uvicorn

    from pybase.api.app import create_app
    from pybase.auth.repository import TokenRepository
    from pybase.cli.render import err_console
    from pybase.config import get_settings

    settings = get_settings()
    auth_on = check_bind(host, settings.auth)
    database = open_store()
    if auth_on:
        with database.session() as session:
            tokens = TokenRepository(session).count_active()
        if tokens == 0:
            err_console().print(
                "note: no API tokens yet; every request will get 401 until you run "
                "`pybase tokens create NAME` (add --admin for a token that sees all jobs)"
            )
    else:
        err_console().print("note: authentication is disabled (loopback only)")
    mode = f"Celery via {settings.broker_url}" if settings.broker_url else "embedded pool"
    err_console().print(f"jobs: {database!r}; dispatch: {mode}; docs at http://{host}:{port}/docs")
    app = create_app(settings, database=database)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)


def tokens_create(
    name: str,
    *,
    admin: bool,
    open_store: Callable[[], Database],
    monthly_pages: int | None = None,
) -> None:
    """Create a token and print it once on stdout (only its hash is stored); details go to
    stderr, so ``TOKEN=$(pybase tokens create ci)`` captures just the token.
    ``monthly_pages``: the Werk24 page quota per calendar month (None: no limit)."""
    from pybase.auth.service import create_token
    from pybase.cli.render import err_console

    database = open_store()
    try:
        with database.session() as session:
            row, plain = create_token(session, name, admin=admin, monthly_pages=monthly_pages)
            token_id, role = row.id, "admin" if row.is_admin else "user"
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    print(plain)
    quota = f", {monthly_pages} Werk24 pages a month" if monthly_pages is not None else ""
    err_console().print(
        f"created {role} token {token_id} for {name!r}{quota}: it is shown only now, "
        "store it safely"
    )


def tokens_list(
    *, include_revoked: bool, as_json: bool, open_store: Callable[[], Database]
) -> None:
    """Print the tokens (never the secrets): id, name, role, created, last used, revoked."""
    from rich.table import Table

    from pybase.auth.service import list_tokens
    from pybase.cli.render import console

    def iso(value: object) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None  # type: ignore[attr-defined]

    database = open_store()
    with database.session() as session:
        rows = [
            {
                "id": str(t.id),
                "name": t.name,
                "admin": t.is_admin,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
                "monthly_pages": t.monthly_pages,
            }
            for t in list_tokens(session, include_revoked=include_revoked)
        ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("id", "name", "role", "pages/month", "created", "last used", "revoked")
    for r in rows:
        table.add_row(
            str(r["id"])[:8],
            str(r["name"]),
            "admin" if r["admin"] else "user",
            "" if r["monthly_pages"] is None else str(r["monthly_pages"]),
            str(r["created_at"] or ""),
            str(r["last_used_at"] or "-"),
            str(r["revoked_at"] or ""),
        )
    console().print(table)


def tokens_revoke(ref: str, *, open_store: Callable[[], Database]) -> int:
    """Revoke the tokens named ``ref`` (or the one whose id starts with ``ref``); returns the
    exit code: 0 when something was revoked, 1 when nothing matched."""
    from pybase.auth.service import revoke_tokens
    from pybase.cli.render import console

    database = open_store()
    try:
        with database.session() as session:
            revoked = [(t.id, t.name) for t in revoke_tokens(session, ref)]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not revoked:
        print(f"no active token matches {ref!r}", file=sys.stderr)
        return 1
    for token_id, name in revoked:
        console().print(f"revoked token {token_id} ({name})")
    return 0
