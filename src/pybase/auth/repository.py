"""All SQL on ``api_tokens``. Runs inside the caller's session and never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Table, or_, select, update
from sqlalchemy.orm import Session

from pybase.auth.models import ApiToken

__all__ = ["TokenRepository"]

_T: Table = ApiToken.__table__  # type: ignore[assignment]


class TokenRepository:
    """Data access for :class:`ApiToken` within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> ApiToken:
        """Stage a new token (flushed, so ``id`` is set)."""
        self.session.add(token)
        self.session.flush()
        return token

    def by_hash(self, token_hash: str) -> ApiToken | None:
        """The token whose hash is ``token_hash`` (revoked or not), or None."""
        stmt = select(ApiToken).where(ApiToken.token_hash == token_hash)
        return self.session.scalars(stmt).one_or_none()

    def list_tokens(self, *, include_revoked: bool = False) -> list[ApiToken]:
        """Tokens ordered by name, then creation time."""
        stmt = select(ApiToken).order_by(ApiToken.name, ApiToken.created_at)
        if not include_revoked:
            stmt = stmt.where(ApiToken.revoked_at.is_(None))
        return list(self.session.scalars(stmt))

    def count_active(self) -> int:
        """Number of tokens not revoked."""
        from sqlalchemy import func

        stmt = select(func.count()).select_from(_T).where(_T.c.revoked_at.is_(None))
        return int(self.session.execute(stmt).scalar_one())

    def revoke(self, token_ids: list[uuid.UUID], *, now: datetime) -> int:
        """Set ``revoked_at`` on the given tokens that are still active; returns how many."""
        if not token_ids:
            return 0
        stmt = (
            update(_T)
            .where(_T.c.id.in_(token_ids), _T.c.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(_T.c.id)
        )
        return len(self.session.execute(stmt).all())

    def touch(self, token_id: uuid.UUID, *, now: datetime, older_than: datetime) -> None:
        """Set ``last_used_at = now`` unless it was set after ``older_than`` (so a busy client
        does not turn every request into a write)."""
        stmt = (
            update(_T)
            .where(
                _T.c.id == token_id,
                or_(_T.c.last_used_at.is_(None), _T.c.last_used_at < older_than),
            )
            .values(last_used_at=now)
        )
        self.session.execute(stmt)
