"""Creating and checking API tokens.

A token is ``pyb_`` followed by 43 URL-safe characters (32 random bytes from
:mod:`secrets`, 256 bits). Only its SHA-256 is stored: with that much entropy a plain hash is
enough (no salt or slow KDF is needed, unlike for passwords — OWASP "Password Storage"
concerns low-entropy secrets). The presented token's hash is looked up by index and then
compared with :func:`hmac.compare_digest`, in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from pybase.auth.models import ApiToken
from pybase.auth.repository import TokenRepository
from pybase.db.types import utcnow

__all__ = [
    "TOKEN_PREFIX",
    "Principal",
    "authenticate",
    "create_token",
    "hash_token",
    "list_tokens",
    "revoke_tokens",
]

TOKEN_PREFIX = "pyb_"
#: ``last_used_at`` is written at most this often per token.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """Who is calling: ``name`` owns the jobs it creates; an admin sees and changes every job.

    ``owner_filter`` is the owner to restrict queries to, or None for an admin (no filter).
    ``monthly_pages`` is the token's Werk24 page quota per calendar month (None: no limit).
    """

    name: str
    is_admin: bool
    token_id: uuid.UUID | None = None
    monthly_pages: int | None = None

    @property
    def owner_filter(self) -> str | None:
        """None for an admin (sees all jobs), else the principal's name."""
        return None if self.is_admin else self.name

    @property
    def owner(self) -> str | None:
        """The ``owner`` written on jobs this principal creates: the token's name, or None
        for the anonymous caller of an API running without authentication."""
        return self.name if self.token_id is not None else None


def hash_token(token: str) -> str:
    """Hex SHA-256 of the token's UTF-8 bytes."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, name: str, *, admin: bool = False, monthly_pages: int | None = None
) -> tuple[ApiToken, str]:
    """Stage a new token for ``name``; returns (row, plaintext token). The plaintext exists
    only in the return value: show it once and forget it. ``monthly_pages`` limits the pages
    the Werk24 engine may read per calendar month for ``name`` (None: no limit).

    Raises:
        ValueError: ``name`` is empty or longer than 255 characters, or ``monthly_pages`` is
            negative.
    """
    name = name.strip()
    if not name or len(name) > 255:
        raise ValueError("a token name must have 1 to 255 characters")
    if monthly_pages is not None and monthly_pages < 0:
        raise ValueError("--monthly-pages must be 0 or more")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        id=uuid.uuid4(),
        name=name,
        token_hash=hash_token(plain),
        is_admin=admin,
        created_at=utcnow(),
        monthly_pages=monthly_pages,
    )
    TokenRepository(session).add(row)
    return row, plain


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal for a presented bearer token, or None when it is unknown or revoked.
    Records ``last_used_at`` (at most once a minute)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    presented = hash_token(token)
    repo = TokenRepository(session)
    row = repo.by_hash(presented)
    if row is None or not hmac.compare_digest(row.token_hash, presented):
        return None
    if row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at < now - _TOUCH_EVERY:
        repo.touch(row.id, now=now, older_than=now - _TOUCH_EVERY)
    return Principal(row.name, row.is_admin, row.id, row.monthly_pages)


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[ApiToken]:
    """Tokens (never their plaintext), by name."""
    return TokenRepository(session).list_tokens(include_revoked=include_revoked)


def revoke_tokens(session: Session, ref: str) -> list[ApiToken]:
    """Revoke the active tokens named ``ref``; when no name matches, the one token whose id
    (hex, dashes ignored) starts with ``ref`` (at least 6 characters). Returns what was revoked
    (empty when nothing matched).

    Raises:
        ValueError: the id prefix matches several tokens.
    """
    repo = TokenRepository(session)
    active = repo.list_tokens()
    matches = [t for t in active if t.name == ref]
    clean = ref.replace("-", "").lower()
    if not matches and len(clean) >= 6:
        matches = [t for t in active if t.id.hex.startswith(clean)]
        if len(matches) > 1:
            raise ValueError(f"{ref!r} matches {len(matches)} tokens: give more characters")
    repo.revoke([t.id for t in matches], now=utcnow())
    for token in matches:
        session.refresh(token)
    return matches
