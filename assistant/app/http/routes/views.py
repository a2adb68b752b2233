"""Views over many articles: GET /v1/stories/{id}, POST /v1/timeline, POST /v1/outlets."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from assistant.app.http.deps import ReadAccess, StateDep
from assistant.app.http.schemas import (
    ErrorResponse,
    OutletsRequest,
    OutletsResponse,
    StoryArticle,
    StoryResponse,
    TimelineRequest,
    TimelineResponse,
)
from assistant.service import make_query

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}

router = APIRouter(prefix="/v1", tags=["views"], dependencies=ReadAccess, responses=ERRORS)


@router.get("/stories/{story_id}", response_model=StoryResponse)
async def story(story_id: str, state: StateDep) -> StoryResponse:
    """The copies of one story: outlets, dates, titles (404 for an unknown id)."""
    members = await run_in_threadpool(state.desk.story, story_id)
    dates = [m.published for m in members if m.published]
    return StoryResponse(
        id=story_id,
        articles=[
            StoryArticle(id=m.id, title=m.title, source=m.source, url=m.url, published=m.published)
            for m in members
        ],
        outlets=sorted({m.source for m in members if m.source}, key=str.casefold),
        first_published=min(dates, default=None),
        last_published=max(dates, default=None),
    )


@router.post("/timeline", response_model=TimelineResponse)
async def timeline(req: TimelineRequest, state: StateDep) -> TimelineResponse:
    """Dated events about a topic, in chronological order, each cited exactly."""
    query = make_query(req.question, state.settings, as_of=req.as_of, filters=req.filters)
    tl = await run_in_threadpool(state.desk.timeline, query, req.limit)
    return TimelineResponse.model_validate(tl.model_dump())


@router.post("/outlets", response_model=OutletsResponse)
async def outlets(req: OutletsRequest, state: StateDep) -> OutletsResponse:
    """How outlets reported a story or topic, side by side."""
    query = make_query(req.question, state.settings, as_of=req.as_of, filters=req.filters)
    cmp = await run_in_threadpool(state.desk.outlets, query, req.story_id)
    return OutletsResponse.model_validate(cmp.model_dump())
