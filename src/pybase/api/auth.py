"""Bearer-token authentication for the HTTP API.

Every route but ``/health`` depends on :func:`require_principal`. A token sees and changes
only the jobs it created (owner = the token's name); an admin token sees all. A job of
another owner answers **404** ``job_not_found``, exactly like a job that does not exist, so
one token cannot learn which ids exist for another. ``/metrics`` (counts over all owners)
needs an admin token: 403 ``forbidden`` otherwise.

With ``PYBASE_AUTH=disabled`` (allowed only on loopback, checked by ``pybase serve``) every
caller is an anonymous admin and new jobs have no owner.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pybase.api.context import ApiContext
from pybase.api.errors import ForbiddenError, UnauthorizedError
from pybase.auth.service import Principal, authenticate, hash_token

__all__ = ["ANONYMOUS", "require_admin", "require_principal"]

#: The caller when authentication is disabled: an admin that owns nothing.
ANONYMOUS = Principal("anonymous", is_admin=True, token_id=None)

_bearer = HTTPBearer(auto_error=False, description="an API token from `pybase tokens create`")


async def require_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """FastAPI dependency: the caller, from ``Authorization: Bearer <token>``.

    A verified token is remembered (by its hash) for ``PYBASE_AUTH_CACHE_SECONDS``, so most
    requests need no database lookup; a revoke takes effect within that time.

    Raises:
        UnauthorizedError: no bearer token, or an unknown or revoked one (401).
    """
    ctx: ApiContext = request.app.state.pybase
    if not ctx.auth_enabled:
        return ANONYMOUS
    if credentials is None:
        raise UnauthorizedError("missing bearer token: send 'Authorization: Bearer <token>'")
    token = credentials.credentials
    token_hash = hash_token(token)
    principal = ctx.cached_principal(token_hash)
    if principal is None:
        principal = await anyio.to_thread.run_sync(_lookup, ctx, token)
        if principal is None:
            raise UnauthorizedError("unknown or revoked token")
        ctx.remember_principal(token_hash, principal)
    return principal


def _lookup(ctx: ApiContext, token: str) -> Principal | None:
    with ctx.database.session() as session:
        return authenticate(session, token)


def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    """FastAPI dependency: the caller, who must hold an admin token.

    Raises:
        ForbiddenError: a valid token without admin rights (403).
    """
    if not principal.is_admin:
        raise ForbiddenError("this needs an admin token (`pybase tokens create NAME --admin`)")
    return principal
