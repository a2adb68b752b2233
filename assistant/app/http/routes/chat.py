"""OpenAI-compatible chat: GET /v1/models and POST /v1/chat/completions (plain and streamed).

The last user message (rewritten into a standalone question when it is a follow-up, with the
earlier user and assistant turns) is answered from the articles. Its as-of date is the `as_of`
field, else a model alias (`newsdesk@2022-06-16`), else a date a system message states ("Today
is June 16, 2022"), else today. The reply's text carries [n] markers and a "Sources:" list so any
chat UI shows them; `citations` carries them machine-readably (on the response, and on the final
chunk of a stream). Streams are OpenAI's SSE chunks ending with `data: [DONE]`; retrieval runs
before the stream starts, so bad queries still get a proper 4xx instead of a broken stream.
A question asking for a timeline ("Timeline of …", "What happened with …?") is answered with
one: dated events, one line each, every line cited.
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
from assistant.dates.stated import stated_today
from assistant.followup import Turn, standalone
from assistant.models import Answer
from assistant.service import make_query
from assistant.views.timeline import asks_for_timeline

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=ReadAccess, responses=ERRORS)

_END = object()


def _model_ids(state: AppState) -> list[str]:
    ids = [fmt.MODEL_DEFAULT, fmt.MODEL_EXTRACTIVE]
    if state.runtime.llm_configured():
        ids.append(fmt.MODEL_LLM)
    return ids


@router.get("/models", response_model=ModelList)
async def models(state: StateDep) -> ModelList:
    """`newsdesk` (the configured answerer), `newsdesk-extractive`, `newsdesk-llm` if configured."""
    return ModelList(data=[ModelCard(id=i) for i in _model_ids(state)])


@router.get("/models/{model_id}", response_model=ModelCard)
async def model(model_id: str, state: StateDep) -> ModelCard:
    """One model of GET /v1/models (404 for any other id)."""
    if model_id not in _model_ids(state):
        raise ApiError(
            404,
            f"unknown model {model_id!r}: the models are {', '.join(_model_ids(state))}",
            "model_not_found",
        )
    return ModelCard(id=model_id)


def _refuse_unsupported(req: ChatCompletionRequest) -> None:
    """A 400 for OpenAI parameters that would change what the reply is: silently ignoring them
    gives a client something other than what it asked for."""
    refused = []
    if req.n is not None and req.n != 1:
        refused.append(f"n={req.n} (one choice per request: n must be 1)")
    if req.tools or req.functions:
        refused.append("tools/functions (no tool calls: answers come from the articles)")
    kind = (req.response_format or {}).get("type", "text")
    if kind != "text":
        refused.append(f"response_format {kind!r} (only 'text'; `citations` carries the sources)")
    if req.logprobs or req.top_logprobs:
        refused.append("logprobs (not available)")
    if refused:
        message = "unsupported parameters: " + "; ".join(refused)
        raise ApiError(400, message, "unsupported_parameter")


def split_model(model: str) -> tuple[str, date | None]:
    """`newsdesk@2022-06-16` → ("newsdesk", 2022-06-16): a model alias that carries the as-of
    date, for clients that can set a model name but no extra field."""
    name, sep, when = model.partition("@")
    if not sep:
        return model, None
    try:
        return name, date.fromisoformat(when.strip())
    except ValueError:
        raise ApiError(
            404,
            f"unknown model {model!r}: after '@' give the as-of date as YYYY-MM-DD,"
            f" e.g. {name}@2022-06-16",
            "model_not_found",
        ) from None


def chat_as_of(req: ChatCompletionRequest, alias: date | None, turns: list[Turn]) -> date | None:
    """The as-of date of a chat: the `as_of` field, else the model alias, else the date a system
    message states ("Today is ...", "Current date: ..."), else None (today)."""
    if req.as_of is not None:
        return req.as_of
    if alias is not None:
        return alias
    for role, text in turns:
        if role in ("system", "developer"):
            found = stated_today(text)
            if found is not None:
                return found
    return None


def answerer_for_model(state: AppState, model: str) -> Answerer:
    model, _ = split_model(model)
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
        answer=answer.answer,
        refused=answer.refused,
        answerer=answer.answerer,
        short_answer=answer.short_answer,
        as_of=answer.as_of,
        searched=answer.searched,
        passages=answer.passages,
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
    _refuse_unsupported(req)
    answerer = answerer_for_model(state, req.model)
    turns = chat_turns(req.messages, state.settings)
    as_of = chat_as_of(req, split_model(req.model)[1], turns)
    question = await run_in_threadpool(standalone, turns, answerer, as_of or date.today())
    query = make_query(question, state.settings, as_of=as_of, filters=req.filters, k=req.k)
    if question != [t for r, t in turns if r == "user"][-1]:
        log.info("follow-up rewritten for retrieval: %r", question)

    prompt_texts = [m.text for m in req.messages]
    base_url = str(request.base_url)
    timeline = asks_for_timeline(question)
    if timeline:  # a view, made whole (then sent in one piece when streamed)
        answer = await run_in_threadpool(state.desk.timeline_answer, query)
    elif not req.stream:
        answer = await run_in_threadpool(state.desk.ask, query, None, answerer)
    if not req.stream:
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

    events: Iterator[str | Answer] = iter(())
    first: object = answer if timeline else _END
    if not timeline:
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
