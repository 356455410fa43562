"""The ``ApiToken`` table (``pybase.api_tokens`` on PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pybase.db.base import SCHEMA, Base
from pybase.db.types import UTCDateTime, utcnow

__all__ = ["ApiToken"]


class ApiToken(Base):
    """One bearer token of the HTTP API.

    ``name`` is the owner of the jobs created with the token (several tokens may share a name,
    which is how a token is rotated without losing access to its jobs). ``token_hash`` is the
    hex SHA-256 of the token; the token itself is never stored. A revoked token keeps its row
    (``revoked_at`` set) so that its use can still be audited. ``monthly_pages`` is an optional
    quota: pages the Werk24 engine may read per calendar month (UTC) for the token's owner
    (None = no limit), checked before a Werk24 job is created.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index(None, "name"),
        {"schema": SCHEMA},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    monthly_pages: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        role = "admin" if self.is_admin else "user"
        return f"<ApiToken {self.id} {self.name!r} {role}>"
