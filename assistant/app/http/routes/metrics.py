"""GET /metrics: Prometheus text format (request counts/latency per route, stage timings)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from assistant.app.http.deps import StateDep
from assistant.app.http.telemetry import CONTENT_TYPE_LATEST

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def metrics(state: StateDep) -> Response:
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
