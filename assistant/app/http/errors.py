"""Every error as JSON `{"error": {"type", "message"}}`: `ApiError` and the exception handlers.

The one place `NewsdeskError`s become HTTP statuses (`STATUS`). Client mistakes map to 4xx with
a message that says what is wrong (request validation → 422, malformed JSON and bad queries →
400, auth → 401/403, oversized body → 413, rate limit → 429); a store that cannot be reached is
503, a full disk 507. Anything else — a bug, including a pydantic `ValidationError` raised while
building a response (it is never the client's fault) — is logged with its traceback and the
request id and answered with a generic 500 naming that id (`X-Request-ID`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.errors import (
    BadQueryError,
    EmbedderMismatchError,
    LexicalUnavailableError,
    LLMNotConfiguredError,
    LLMUnavailableError,
    NewsdeskError,
    NotFoundError,
    QueryLimitError,
    StorageFullError,
    StoreUnavailableError,
)

log = logging.getLogger(__name__)

_TYPES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    502: "upstream_error",
    503: "unavailable",
    507: "insufficient_storage",
}

# Most specific first: the first class an error is an instance of decides.
STATUS: list[tuple[type[NewsdeskError], int, str]] = [
    (QueryLimitError, 422, "invalid_request"),
    (BadQueryError, 400, "bad_query"),
    (NotFoundError, 404, "not_found"),
    (LLMNotConfiguredError, 400, "llm_not_configured"),
    (LexicalUnavailableError, 503, "rebuilding"),
    (StorageFullError, 507, "insufficient_storage"),
    (StoreUnavailableError, 503, "store_unavailable"),
    (EmbedderMismatchError, 503, "store_unavailable"),
    (LLMUnavailableError, 502, "llm_unavailable"),
]
_RETRY_AFTER = {503: "5"}


class ApiError(Exception):
    """An error with its HTTP status, error type and message (and optional headers)."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or _TYPES.get(status, "error")
        self.headers = dict(headers or {})


class PayloadTooLargeError(StarletteHTTPException):
    """Raised while reading a body past the limit (an HTTPException so FastAPI re-raises it)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the limit of {limit} bytes")


def error_response(
    status: int, message: str, type: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"type": type or _TYPES.get(status, "error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _loc(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """One line per problem: `field: what is wrong`."""
    lines = []
    for e in errors[:10]:
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") in ("model_attributes_type", "dict_type", "model_type"):
            msg = "expected a JSON object"
        elif e.get("type") == "extra_forbidden":
            msg = "unknown field"
        elif e.get("type") == "missing":
            msg = "field required"
        lines.append(f"{_loc(e.get('loc', ()))}: {msg}")
    if len(errors) > 10:
        lines.append(f"... and {len(errors) - 10} more")
    return "; ".join(lines)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.type, exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such route: {request.method} {request.url.path}"
    elif exc.status_code == 405 and message == "Method Not Allowed":
        message = f"method {request.method} is not allowed on {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, message, headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path, asked of each route the way the router asks.

    (The default 405 names only the first matching route's methods: `OPTIONS /v1/articles/x`
    answered `Allow: GET` although DELETE is served there too.)
    """
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    bad_json = [e for e in errors if e.get("type") == "json_invalid"]
    if bad_json:
        ctx = bad_json[0].get("ctx") or {}
        detail = ctx.get("error") or bad_json[0].get("msg", "")
        return error_response(400, f"the body is not valid JSON: {detail}", "invalid_json")
    return error_response(422, validation_message(errors))


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "-")


async def _newsdesk_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NewsdeskError)
    found = next(((s, k) for cls, s, k in STATUS if isinstance(exc, cls)), None)
    if found is None:
        return await _unexpected(request, exc)
    status, kind = found
    if status >= 500:
        log.warning("%s on %s %s [%s]: %s", kind, request.method, request.url.path,
                    request_id(request), exc)  # fmt: skip
    message = str(exc)
    if isinstance(exc, StoreUnavailableError) and not isinstance(
        exc, LexicalUnavailableError | StorageFullError
    ):
        message = f"the article store is unavailable: {exc}"
    headers = {"Retry-After": _RETRY_AFTER[status]} if status in _RETRY_AFTER else None
    return error_response(status, message, kind, headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    rid = request_id(request)
    log.error(
        "unhandled error on %s %s [request %s]",
        request.method,
        request.url.path,
        rid,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    # The id is in the X-Request-ID header of this response and in the log line.
    return error_response(500, "internal error (logged on the server)", "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(NewsdeskError, _newsdesk_error)
    app.add_exception_handler(Exception, _unexpected)
