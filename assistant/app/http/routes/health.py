"""GET /healthz (the process is up) and GET /readyz (store reachable, embedder loaded).

`/readyz` also says whether the lexical index is `ready` or `rebuilding` (answers are then
dense-only, and say so).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from assistant.app.http.deps import AppState, StateDep
from assistant.app.http.schemas import ErrorResponse, HealthResponse, ReadyResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse)
async def healthz() -> HealthResponse:
    return HealthResponse(status="ok")


def _ready(state: AppState) -> ReadyResponse:
    stats = state.runtime.store.stats()  # raises StoreUnavailableError → 503
    return ReadyResponse(
        status="ready",
        articles=stats.articles,
        chunks=stats.chunks,
        embedder=state.runtime.embedder.name,
        lexical=stats.lexical,
    )


@router.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ErrorResponse}})
async def readyz(state: StateDep) -> ReadyResponse:
    return await run_in_threadpool(_ready, state)
