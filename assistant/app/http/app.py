"""The FastAPI app: `create_app(settings)` wires state, middleware, error handlers and routers.

Start-up (the lifespan) opens the runtime once — embedder loaded and warmed, store opened, the
lexical index synced with Chroma — so requests never load models. `uvicorn --factory
assistant.app.http.app:create_app` (what `newsdesk serve --workers N` runs) builds it from the
settings the parent handed over (`assistant.settings.handed_over`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant import __version__
from assistant.app.http.deps import AppState
from assistant.app.http.errors import install_error_handlers
from assistant.app.http.middleware import (
    BodyLimitMiddleware,
    JsonBodyMiddleware,
    MetricsMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from assistant.app.http.ratelimit import RateLimiter
from assistant.app.http.routes import articles, ask, chat, health, metrics, page, views
from assistant.app.http.telemetry import Metrics
from assistant.runtime import Runtime
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _start(settings: Settings, runtime: Runtime | None) -> Runtime:
    """Open (or reuse) the runtime, bring the lexical index in line with Chroma, build the
    default answerer: everything a first request would otherwise wait for."""
    rt = runtime.with_settings(settings) if runtime else Runtime.open(settings, warm=True)
    added, removed = rt.store.sync_lexical()
    if added or removed:
        log.info("lexical index synced at start-up: %d added, %d removed", added, removed)
    rt.answerer()
    if rt.store.stats().articles == 0:
        log.warning(
            "the store at %s holds no articles: every question will be refused until some are"
            " ingested (newsdesk ingest, or POST /v1/articles)",
            rt.settings.data_dir,
        )
    return rt


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """The HTTP service. `runtime` (tests, embedding hosts) reuses an already opened one."""
    if settings is None:
        settings = runtime.settings if runtime is not None else get_settings()
    cfg = settings
    telemetry = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = await run_in_threadpool(_start, cfg, runtime)
        app.state.newsdesk = AppState(
            settings=cfg,
            runtime=rt,
            metrics=telemetry,
            limiter=RateLimiter(cfg.rate_limit_per_minute),
        )
        if not cfg.api_keys:
            log.info("no API keys configured: POST/DELETE /v1/articles are disabled")
        log.info("newsdesk API ready (data dir %s)", rt.settings.data_dir)
        yield
        if runtime is None:  # ours to close
            rt.close()

    app = FastAPI(
        title="Newsdesk",
        summary="Question answering over news articles with exact, checkable citations.",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # their assets come from a CDN: see routes/page.py
        redoc_url=None,
    )
    install_error_handlers(app)
    # Added innermost first: the metrics middleware is outermost so it sees every response.
    app.add_middleware(JsonBodyMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=cfg.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=telemetry)
    app.add_middleware(RequestIdMiddleware)
    for module in (ask, chat, articles, health, metrics, page, views):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    return app
