"""Articles: GET /v1/articles (a page + summary), GET /v1/articles/{id} (text, metadata,
optional highlight), POST and DELETE (keyed). Ids may contain "/" (routed as a path).

POST takes one article object or a list of them, in the JSONL corpus format (`id?, url?, title?,
source?, published_at?, authors?, text`; the loader's other spellings work too), and runs the
normal ingest pipeline in a worker thread: unchanged articles are skipped, changed ones replaced.
Each posted item is reported (its id, or why it was rejected); the status is 200 if anything went
in and 422 if nothing could. Writes are serialized by a lock so two posts of one article cannot
interleave their store writes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant.app.http.deps import AppState, ReadAccess, StateDep, WriteAccess
from assistant.app.http.errors import ApiError
from assistant.app.http.schemas import (
    ArticleListItem,
    ArticleListResponse,
    ArticleResponse,
    DeleteResponse,
    ErrorResponse,
    Highlight,
    IngestItemResult,
    IngestResponse,
)
from assistant.models import Article, LoadError
from ingest.loaders.jsonl import article_from_record
from ingest.pipeline import IngestReport

router = APIRouter(prefix="/v1/articles", tags=["articles"])

_HIGHLIGHT = re.compile(r"^\s*(\d{1,12})\s*:\s*(\d{1,12})\s*$")
_READ_ERRORS: dict[int | str, dict[str, object]] = {
    c: {"model": ErrorResponse} for c in (401, 403, 404, 422, 429, 503)
}
_WRITE_ERRORS: dict[int | str, dict[str, object]] = {
    c: {"model": ErrorResponse} for c in (400, 401, 403, 404, 413, 422, 429, 503)
}


def _highlight(spec: str, text: str) -> Highlight:
    m = _HIGHLIGHT.match(spec)
    if not m:
        raise ApiError(422, f"highlight: expected START:END (character offsets), got {spec!r}")
    start, end = int(m.group(1)), int(m.group(2))
    if not start < end <= len(text):
        raise ApiError(
            422,
            f"highlight: {start}:{end} is not a span of the article (need start < end <="
            f" {len(text)})",
        )
    return Highlight(start=start, end=end, text=text[start:end])


MAX_PAGE = 200


def _list(state: AppState, offset: int, limit: int) -> ArticleListResponse:
    store = state.runtime.store
    catalog = store.catalog()
    page = store.list_articles(offset=offset, limit=limit)
    return ArticleListResponse(
        total=catalog.articles,
        offset=offset,
        limit=limit,
        articles=[
            ArticleListItem(
                id=a.id, title=a.title, source=a.source, url=a.url, published_at=a.published
            )
            for a in page
        ],
        sources=catalog.sources,
        earliest=catalog.earliest,
        latest=catalog.latest,
        undated=catalog.undated,
    )


@router.get("", response_model=ArticleListResponse, dependencies=ReadAccess, responses=_READ_ERRORS)
async def list_articles(
    state: StateDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="skip this many")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="articles per page")] = 50,
) -> ArticleListResponse:
    """A page of the stored articles (id, title, source, date), with the sources and the range
    of publication dates of the whole store."""
    return await run_in_threadpool(_list, state, offset, limit)


@router.get(
    "/{article_id:path}",
    response_model=ArticleResponse,
    dependencies=ReadAccess,
    responses=_READ_ERRORS,
)
async def get_article(
    article_id: str,
    state: StateDep,
    highlight: Annotated[
        str | None, Query(description="START:END character offsets to return as the highlight")
    ] = None,
) -> ArticleResponse:
    """The stored article text and metadata; with `highlight`, that span of it too."""
    article = await run_in_threadpool(state.runtime.store.article, article_id)
    if article is None:
        raise ApiError(404, f"no article with id {article_id!r}")
    return ArticleResponse(
        id=article.id,
        title=article.title,
        source=article.source,
        url=article.url,
        authors=article.authors,
        published_at=article.published_at,
        text=article.text,
        highlight=_highlight(highlight, article.text) if highlight is not None else None,
    )


def _parse_items(body: Any) -> tuple[list[Article | LoadError], list[IngestItemResult]]:
    records = body if isinstance(body, list) else [body]
    if not records:
        raise ApiError(422, "body: the list of articles is empty")
    items: list[Article | LoadError] = []
    results: list[IngestItemResult] = []
    for n, record in enumerate(records):
        origin = f"request item {n}"
        try:
            article = article_from_record(record, origin)
        except ValueError as exc:
            items.append(LoadError(origin=origin, reason=str(exc)))
            results.append(IngestItemResult(index=n, error=str(exc)))
            continue
        items.append(article)
        results.append(IngestItemResult(index=n, id=article.id))
    return items, results


def _ingest(state: AppState, items: list[Article | LoadError]) -> IngestReport:
    with state.write_lock:
        return state.runtime.ingestor.run(items)


@router.post(
    "",
    response_model=IngestResponse,
    dependencies=WriteAccess,
    responses={**_WRITE_ERRORS, 422: {"model": ErrorResponse, "description": "nothing ingested"}},
)
async def post_articles(
    state: StateDep,
    body: Annotated[
        dict[str, Any] | list[Any],
        Body(description="one article object, or a list of them (JSONL corpus fields)"),
    ],
) -> Any:
    """Ingest one or many articles; unchanged ones are skipped, changed ones replaced."""
    items, results = _parse_items(body)
    report = await run_in_threadpool(_ingest, state, items)
    response = IngestResponse.model_validate({**report.to_json(), "items": results})
    if report.articles_ingested == 0:
        reasons = "; ".join(f"item {r.index}: {r.error}" for r in results if r.error)
        payload = response.model_dump(mode="json")
        payload["error"] = {
            "type": "nothing_ingested",
            "message": f"no article ingested: {reasons}",
        }
        return JSONResponse(payload, status_code=422)
    return response


def _delete(state: AppState, article_id: str) -> bool:
    with state.write_lock:
        return bool(state.runtime.store.delete([article_id]))


@router.delete(
    "/{article_id:path}",
    response_model=DeleteResponse,
    dependencies=WriteAccess,
    responses=_WRITE_ERRORS,
)
async def delete_article(article_id: str, state: StateDep) -> DeleteResponse:
    """Remove an article and all its chunks."""
    if not await run_in_threadpool(_delete, state, article_id):
        raise ApiError(404, f"no article with id {article_id!r}")
    return DeleteResponse(id=article_id, deleted=True)
