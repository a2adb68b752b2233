"""Pure-ASGI middleware: request ids, request metrics, the request-body limit, security headers.

Pure ASGI (not `BaseHTTPMiddleware`) so streamed responses pass through untouched and the body
limit can count bytes as they arrive. Nothing here knows about routes' business.
"""

from __future__ import annotations

import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.app.http.errors import PayloadTooLargeError, error_response
from assistant.app.http.telemetry import Metrics

# The chat page loads only its own script and stylesheet and talks only to this server.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    """Gives every request an id (the client's `X-Request-ID` if sane, else a new one), kept in
    `request.state.request_id` for logs and error bodies and returned as `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        rid = given if given and _CLIENT_ID.fullmatch(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class MetricsMiddleware:
    """Counts requests and latency per route template (`/v1/articles/{article_id}`, not the URL)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            # Unmatched paths share one label: a scanner must not create a series per URL.
            template = getattr(route, "path", None) or "<unmatched>"
            self.metrics.observe_request(
                scope.get("method", "?"), template, status, time.perf_counter() - start
            )


class BodyLimitMiddleware:
    """Rejects bodies over `max_bytes`: by Content-Length first, and by counting as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await error_response(400, "bad Content-Length header")(scope, receive, send)
                return
            if length > self.max_bytes:
                await _drain(receive, length, self.max_bytes)
                await error_response(
                    413, f"request body is larger than the limit of {self.max_bytes} bytes"
                )(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLargeError(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


async def _drain(receive: Receive, length: int, limit: int) -> None:
    """Read (and drop) a moderately oversized body so the client sees the 413, not a reset.

    Answering before the client has sent its body makes the server close a socket with unread
    data, which resets the connection and can lose the response on the client's side. Bodies
    far over the limit are not read: those clients get the reset.
    """
    if length > 4 * limit:
        return
    seen = 0
    while seen < length:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class SecurityHeadersMiddleware:
    """`nosniff` everywhere; a strict Content-Security-Policy on the chat page and its files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = path == "/" or path.startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if page:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                    headers.append((b"referrer-policy", b"no-referrer"))
                    headers.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


_JSON_ALIASES = (b"", b"application/x-www-form-urlencoded", b"text/plain")


class JsonBodyMiddleware:
    """Treats /v1/ request bodies sent without a JSON content type as JSON.

    `curl -d '{...}'` labels its body as a form and `fetch` with a string body as text/plain;
    the API takes only JSON, so reading those as JSON is what the sender meant.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith("/v1/"):
            headers = [(k, v) for k, v in scope.get("headers", ()) if k.lower() != b"content-type"]
            declared = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if declared.encode() in _JSON_ALIASES:
                headers.append((b"content-type", b"application/json"))
                # In place: outer middleware reads the same scope (e.g. the matched route).
                scope["headers"] = headers
        await self.app(scope, receive, send)
