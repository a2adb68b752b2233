"""POST /v1/ask (answer with citations) and POST /v1/search (passages only)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from assistant.app.http.deps import ReadAccess, StateDep, choose_answerer
from assistant.app.http.queries import query_from, record_answer
from assistant.app.http.schemas import (
    AskRequest,
    AskResponse,
    ErrorResponse,
    SearchRequest,
    SearchResponse,
)

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 413, 422, 429, 503)
}

router = APIRouter(prefix="/v1", tags=["ask"], dependencies=ReadAccess, responses=ERRORS)


@router.post("/ask", response_model=AskResponse)
async def ask(req: AskRequest, state: StateDep) -> AskResponse:
    """Answer a question from the stored articles: [n] markers, exact cited spans, or a refusal."""
    query = query_from(req, state.settings)
    answerer = choose_answerer(state, req.answerer)
    # Retrieval and answering are CPU-bound (and the LLM blocks): keep them off the event loop.
    answer = await run_in_threadpool(state.desk.ask, query, None, answerer)
    record_answer(state.metrics, answer)
    return AskResponse.model_validate(answer.model_dump())


@router.post("/search", response_model=SearchResponse)
async def search(req: SearchRequest, state: StateDep) -> SearchResponse:
    """The passages retrieval finds for a question, best first (no answer)."""
    query = query_from(req, state.settings)
    result = await run_in_threadpool(state.desk.search, query)
    state.metrics.observe_stages(result.timings_ms)
    return SearchResponse.model_validate(result.model_dump())
