"""Dependencies of the routes: the app's state, access control, rate limiting, answerer choice.

The typed alias `StateDep` gives a route the app's state (runtime, settings, metrics, limiter).
`ReadAccess` and `WriteAccess` go in a router's `dependencies=[...]`: each first takes a rate-limit
token, then checks the `Authorization: Bearer KEY` header against `settings.api_keys` (constant-
time, over all keys). Writes need a key always (none configured → writes disabled); reads only
when `read_requires_key`. Keys are never logged. Answerers come from the runtime by name
(`choose_answerer`); an LLM that is not configured is a 400 that says what to set.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from assistant.answer.base import Answerer
from assistant.app.http.errors import ApiError
from assistant.app.http.ratelimit import RateLimiter, retry_after_header
from assistant.app.http.telemetry import Metrics
from assistant.errors import LLMNotConfiguredError
from assistant.runtime import Runtime
from assistant.service import Newsdesk
from assistant.settings import Settings


@dataclass
class AppState:
    """Everything a request needs, built once at start-up (see `assistant.app.http.app`)."""

    settings: Settings
    runtime: Runtime
    metrics: Metrics
    limiter: RateLimiter
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def desk(self) -> Newsdesk:
        return self.runtime.desk


def get_state(request: Request) -> AppState:
    state = getattr(request.app.state, "newsdesk", None)
    if state is None:  # only if the app was mounted without running its lifespan
        raise ApiError(503, "the service is starting up", "unavailable")
    assert isinstance(state, AppState)
    return state


StateDep = Annotated[AppState, Depends(get_state)]


# --- keys and rate limits ---------------------------------------------------------------------


def presented_key(request: Request) -> str | None:
    """The bearer token of the request, if any (empty tokens count as none)."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def key_is_valid(settings: Settings, key: str) -> bool:
    given = key.encode()
    ok = False
    for k in settings.api_keys:
        # Compare against every key (no early exit) so timing says nothing about which matched.
        ok |= hmac.compare_digest(given, k.get_secret_value().encode())
    return ok


def _check_key(settings: Settings, request: Request, what: str) -> None:
    if not settings.api_keys:
        if what == "writes":
            raise ApiError(403, "writes are disabled: configure NEWSDESK_API_KEYS", "forbidden")
        raise ApiError(
            403, "reads require an API key but none is configured (NEWSDESK_API_KEYS)", "forbidden"
        )
    key = presented_key(request)
    if key is None:
        raise ApiError(
            401,
            f"{what} need an API key: send 'Authorization: Bearer KEY'",
            "unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not key_is_valid(settings, key):
        raise ApiError(403, "the API key is not valid", "forbidden")


def client_id(settings: Settings, request: Request) -> str:
    """Who a request is from, for rate limiting: a valid key's hash, else the client address."""
    key = presented_key(request)
    if key is not None and settings.api_keys and key_is_valid(settings, key):
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return "ip:" + (request.client.host if request.client else "unknown")


def rate_limit(state: StateDep, request: Request) -> None:
    wait = state.limiter.acquire(client_id(state.settings, request))
    if wait is not None:
        raise ApiError(
            429,
            f"too many requests: the limit is {state.settings.rate_limit_per_minute} per minute;"
            f" retry in {retry_after_header(wait)} s",
            "rate_limited",
            headers={"Retry-After": retry_after_header(wait)},
        )


def require_read(state: StateDep, request: Request) -> None:
    if state.settings.read_requires_key:
        _check_key(state.settings, request, "reads")


def require_write(state: StateDep, request: Request) -> None:
    _check_key(state.settings, request, "writes")


ReadAccess = [Depends(rate_limit), Depends(require_read)]
WriteAccess = [Depends(rate_limit), Depends(require_write)]


# --- answerers --------------------------------------------------------------------------------

LLM_NOT_CONFIGURED = (
    "the LLM answerer is not configured: set NEWSDESK_LLM_BASE_URL (and NEWSDESK_LLM_MODEL,"
    " NEWSDESK_LLM_API_KEY) or start the server with `newsdesk serve --local-llm`;"
    " use model 'newsdesk-extractive' meanwhile"
)


def choose_answerer(state: AppState, name: str | None) -> Answerer:
    """`extractive`, `llm`, or None for the configured default."""
    if (name or state.settings.answerer) == "llm" and not state.runtime.llm_configured():
        raise LLMNotConfiguredError(LLM_NOT_CONFIGURED)
    return state.runtime.answerer(name)
