"""OpenAI-compatible chat: GET /v1/models and POST /v1/chat/completions (plain and streamed).

The last user message (rewritten into a standalone question when it is a follow-up) is
answered from the articles. The reply's text carries [n] markers and a "Sources:" list so any
chat UI shows them; `citations` carries them machine-readably (on the response, and on the final
chunk of a stream). Streams are OpenAI's SSE chunks ending with `data: [DONE]`; retrieval runs
before the stream starts, so bad queries still get a proper 4xx instead of a broken stream.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.answer.base import Answerer
from assistant.app.http import chat_format as fmt
from assistant.app.http.deps import AppState, ReadAccess, StateDep, choose_answerer
from assistant.app.http.errors import ApiError
from assistant.app.http.queries import chat_turns, record_answer
from assistant.app.http.schemas import (
    Annotation,
    AssistantMessage,
    ChatChoice,
    ChatCompletionRequest,
    ChatCompletionResponse,
    ErrorResponse,
    ModelCard,
    ModelList,
    NewsdeskInfo,
    Usage,
)
from assistant.followup import standalone
from assistant.models import Answer
from assistant.service import make_query

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=ReadAccess, responses=ERRORS)

_END = object()


@router.get("/models", response_model=ModelList)
async def models(state: StateDep) -> ModelList:
    """`newsdesk` (the configured answerer), `newsdesk-extractive`, `newsdesk-llm` if configured."""
    ids = [fmt.MODEL_DEFAULT, fmt.MODEL_EXTRACTIVE]
    if state.runtime.llm_configured():
        ids.append(fmt.MODEL_LLM)
    return ModelList(data=[ModelCard(id=i) for i in ids])


def answerer_for_model(state: AppState, model: str) -> Answerer:
    if model == fmt.MODEL_DEFAULT:
        return choose_answerer(state, None)
    if model == fmt.MODEL_EXTRACTIVE:
        return choose_answerer(state, "extractive")
    if model == fmt.MODEL_LLM:
        return choose_answerer(state, "llm")
    raise ApiError(
        404,
        f"unknown model {model!r}: use {fmt.MODEL_DEFAULT!r}, {fmt.MODEL_EXTRACTIVE!r}"
        f" or {fmt.MODEL_LLM!r} (see GET /v1/models)",
        "model_not_found",
    )


def _info(question: str, answer: Answer) -> NewsdeskInfo:
    return NewsdeskInfo(
        question=question,
        refused=answer.refused,
        answerer=answer.answerer,
        timings_ms=answer.timings_ms,
    )


# Documented so the schema matches what `stream: true` returns (found by the fuzz test).
_STREAM_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the completion; with `stream: true`, OpenAI's SSE chunks ending with"
        " `data: [DONE]`",
        # Open API 3.1: with an event stream, `schema` describes one event.
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {
                            "type": "string",
                            "description": "a chat.completion.chunk as JSON, or [DONE]",
                        }
                    },
                }
            }
        },
    }
}


@router.post("/chat/completions", response_model=ChatCompletionResponse, responses=_STREAM_RESPONSE)
async def chat_completions(req: ChatCompletionRequest, state: StateDep, request: Request) -> Any:
    """Answer the conversation's last user message from the articles, OpenAI-style."""
    answerer = answerer_for_model(state, req.model)
    turns = chat_turns(req.messages, state.settings)
    as_of = req.as_of or date.today()
    question = await run_in_threadpool(standalone, turns, answerer, as_of)
    query = make_query(question, state.settings, as_of=req.as_of, filters=req.filters, k=req.k)
    if question != [t for r, t in turns if r == "user"][-1]:
        log.info("follow-up rewritten for retrieval: %r", question)

    prompt_texts = [m.text for m in req.messages]
    base_url = str(request.base_url)
    if not req.stream:
        answer = await run_in_threadpool(state.desk.ask, query, None, answerer)
        record_answer(state.metrics, answer)
        content = fmt.message_content(answer)
        message = AssistantMessage(
            content=content,
            annotations=[
                Annotation.model_validate(a)
                for a in fmt.url_annotations(content, answer.citations, base_url)
            ],
        )
        return ChatCompletionResponse(
            id=fmt.completion_id(),
            created=fmt.now(),
            model=req.model,
            choices=[ChatChoice(message=message)],
            usage=Usage(**fmt.usage(prompt_texts, content)),
            citations=answer.citations,
            newsdesk=_info(question, answer),
        )

    events = state.desk.ask_stream(query, answerer=answerer)
    # Pull the first event here: retrieval happens before it, so its errors become 4xx/503.
    first = await run_in_threadpool(next, events, _END)
    include_usage = bool(req.stream_options and req.stream_options.include_usage)
    body = _stream(state, req.model, question, first, events, base_url, prompt_texts, include_usage)
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _stream(
    state: AppState,
    model: str,
    question: str,
    first: object,
    events: Iterator[str | Answer],
    base_url: str,
    prompt_texts: list[str],
    include_usage: bool,
) -> Iterator[str]:
    """SSE lines; a sync iterator, so Starlette runs each step in a worker thread.

    The final chunk carries `citations`, the `annotations` of the whole content (in its delta)
    and `newsdesk`; with `include_usage`, every chunk has `usage: null` and a last chunk with no
    choices carries the counts.
    """
    cid, created = fmt.completion_id(), fmt.now()
    nulls: dict[str, Any] = {"usage": None} if include_usage else {}

    def emit(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return fmt.sse(fmt.chunk(cid, created, model, delta, finish, **nulls, **extra))

    yield emit({"role": "assistant", "content": ""})
    streamed: list[str] = []
    final: Answer | None = None
    event = first
    try:
        while event is not _END:
            if isinstance(event, Answer):
                final = event
                break
            if isinstance(event, str) and event:
                streamed.append(event)
                yield emit({"content": event})
            event = next(events, _END)
    except Exception:
        log.exception("answer stream failed")
        yield fmt.sse({"error": {"type": "internal_error", "message": "the answer stream failed"}})
        yield fmt.sse("[DONE]")
        return
    citations: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    last: dict[str, Any] = {}
    if final is not None:
        record_answer(state.metrics, final)
        text = "".join(streamed)
        # When the final answer supersedes the streamed text (a late refusal, a fallback after an
        # LLM failure mid-stream), what was sent cannot be unsent: the correction follows it.
        superseded = not final.answer.startswith(text)
        tail = "\n\n" + final.answer if superseded else final.answer[len(text) :]
        tail += fmt.sources_block(final.citations)
        if tail:
            streamed.append(tail)
            yield emit({"content": tail})
        citations = [c.model_dump(mode="json") for c in final.citations]
        extra["newsdesk"] = _info(question, final).model_dump(mode="json")
        notes = fmt.url_annotations("".join(streamed), final.citations, base_url)
        if notes:
            last["annotations"] = notes
    yield emit(last, "stop", citations=citations, **extra)
    if include_usage:
        counts = fmt.usage(prompt_texts, "".join(streamed))
        yield fmt.sse(fmt.usage_chunk(cid, created, model, counts))
    yield fmt.sse("[DONE]")
