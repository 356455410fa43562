"""One error shape for the whole HTTP API: ``{"error": code, "detail": ...}``.

Every error goes through the handlers installed by :func:`install_error_handlers`:

* :class:`~pybase.errors.PybaseError` and its subclasses: the status comes from the class
  (:class:`ApiError` subclasses carry ``status_code``) or from :data:`STATUS_BY_CODE`
  (``job_not_found`` 404, ``illegal_transition`` 409, ``storage_unavailable`` 503, ...);
* request validation (FastAPI/pydantic): 422 ``validation`` with the list of problems;
* Starlette's HTTP errors (unknown route 404, wrong method 405, ...): their status, with a
  code named after it;
* anything else: 500 ``internal_error``. The traceback goes to the server log, never to the
  client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from pybase.errors import ExtractionError, PybaseError

__all__ = [
    "ApiError",
    "ErrorOut",
    "ForbiddenError",
    "JobNotCompletedError",
    "MalformedRequestError",
    "RequestValidationFailed",
    "UnauthorizedError",
    "UnsupportedMediaTypeError",
    "UploadTooLargeError",
    "Werk24QuotaExceededError",
    "error_responses",
    "install_error_handlers",
]

log = logging.getLogger("pybase.api")


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: str = Field(description="stable snake_case code, e.g. job_not_found")
    detail: Any = Field(None, description="human-readable message, or a list of problems")


class ApiError(PybaseError):
    """An error of the HTTP surface itself; ``status_code`` is its HTTP status, ``headers``
    extra response headers (e.g. ``Retry-After``)."""

    code = "bad_request"
    status_code = 400

    def __init__(
        self, message: str, detail: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.detail = detail if detail is not None else message
        self.headers = headers or {}


class MalformedRequestError(ApiError):
    """The request body could not be parsed (broken multipart, bad boundary, bad cursor)."""

    code = "malformed_request"


class UnsupportedMediaTypeError(ApiError):
    """The body is not ``multipart/form-data``."""

    code = "unsupported_media_type"
    status_code = 415


class UploadTooLargeError(ApiError):
    """The uploaded file is larger than ``PYBASE_MAX_UPLOAD_MB``."""

    code = "upload_too_large"
    status_code = 413


class RequestValidationFailed(ApiError):
    """A form field or option failed validation."""

    code = "validation"
    status_code = 422


class UnauthorizedError(ApiError):
    """No bearer token, or an unknown or revoked one."""

    code = "unauthorized"
    status_code = 401


class ForbiddenError(ApiError):
    """A valid token that may not do this (e.g. ``/metrics`` needs an admin token)."""

    code = "forbidden"
    status_code = 403


class JobNotCompletedError(ApiError):
    """The job's result was asked for before the job completed."""

    code = "job_not_completed"
    status_code = 409


class Werk24QuotaExceededError(ApiError):
    """The token's monthly Werk24 page quota (``pybase tokens create NAME --monthly-pages N``)
    is used up by the owner's completed Werk24 jobs of this calendar month (UTC). 429 with
    ``Retry-After`` = seconds until the quota resets (the first of next month, 00:00 UTC)."""

    code = "werk24_quota_exceeded"
    status_code = 429


#: HTTP status per error code of :mod:`pybase.errors`.
STATUS_BY_CODE: dict[str, int] = {
    "job_not_found": 404,
    "illegal_transition": 409,
    "storage_unavailable": 503,
    "internal_error": 500,
}

_CODE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "upload_too_large",
    415: "unsupported_media_type",
    422: "validation",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}

_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request (e.g. broken multipart body)",
    401: "Missing, unknown or revoked bearer token",
    403: "The token may not do this",
    404: "No such job (or it belongs to another token)",
    409: "The job's status does not allow this",
    413: "Upload larger than PYBASE_MAX_UPLOAD_MB",
    415: "Body is not multipart/form-data",
    422: "Validation failed",
    429: "werk24_quota_exceeded: the token's monthly Werk24 page quota is used up",
    500: "Unexpected server error (no details are returned)",
    503: "A backing service (database, broker, object store) is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring :class:`ErrorOut` for ``statuses`` (plus 401,
    422 and 500, which every authenticated route can return)."""
    wanted = sorted({*statuses, 401, 422, 500})
    return {s: {"model": ErrorOut, "description": _DESCRIPTIONS.get(s, "Error")} for s in wanted}


def _body(code: str, detail: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail}


def status_for(exc: PybaseError) -> int:
    """The HTTP status of a PyBase error."""
    if isinstance(exc, ApiError):
        return exc.status_code
    if exc.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[exc.code]
    return 422 if isinstance(exc, ExtractionError) else 500


def _clean_validation(errors: Any) -> list[dict[str, Any]]:
    """Pydantic error dicts reduced to JSON-safe ``loc``/``msg``/``type``."""
    out = []
    for err in errors:
        out.append(
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return out


async def _pybase_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PybaseError)
    status = status_for(exc)
    detail = exc.detail if isinstance(exc, ApiError) else exc.message
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, UploadTooLargeError):
        # Close instead of draining the rest of the body for keep-alive (RFC 9110 §15.5.14).
        headers = {"Connection": "close"}
    elif isinstance(exc, ApiError) and exc.headers:
        headers = {**(headers or {}), **exc.headers}
    if status >= 500:
        log.error("request failed with %s: %s", exc.code, exc.message)
    return JSONResponse(_body(exc.code, detail), status_code=status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(_body("validation", _clean_validation(exc.errors())), status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODE_BY_STATUS.get(exc.status_code, f"http_{exc.status_code}")
    return JSONResponse(
        _body(code, exc.detail), status_code=exc.status_code, headers=exc.headers or None
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(_body("internal_error", "internal server error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Install the handlers described in the module docstring on ``app``."""
    app.add_exception_handler(PybaseError, _pybase_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
