"""GET /healthz (the process is up) and GET /readyz (store reachable, embedder loaded)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import AppState, StateDep
from assistant.api.schemas import ErrorResponse, HealthResponse, ReadyResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse)
async def healthz() -> HealthResponse:
    return HealthResponse(status="ok")


def _ready(state: AppState) -> ReadyResponse:
    chroma = state.runtime.store.chroma
    chroma.heartbeat()  # raises StoreUnavailableError → 503
    return ReadyResponse(
        status="ready",
        articles=chroma.count_articles(),
        chunks=chroma.count_chunks(),
        embedder=state.runtime.embedder.name,
    )


@router.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ErrorResponse}})
async def readyz(state: StateDep) -> ReadyResponse:
    return await run_in_threadpool(_ready, state)
