"""From request models to core `Query` objects: settings-dependent limits and follow-up rewriting.

Shared by the ask/search routes and the chat route; the MCP server has its own thin variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.answer.base import Answerer
from assistant.api.errors import ApiError
from assistant.api.schemas import ChatMessage, SearchRequest
from assistant.api.telemetry import Metrics
from assistant.followup import rewrite_conversation
from assistant.models import Answer, Filters, Query
from assistant.settings import Settings


def check_question(question: str, settings: Settings, field: str = "question") -> None:
    if not question.strip():
        raise ApiError(422, f"{field}: must not be empty or whitespace")
    if len(question) > settings.max_question_chars:
        raise ApiError(
            422,
            f"{field}: {len(question)} characters, more than the limit of"
            f" {settings.max_question_chars}",
        )


def check_k(k: int | None, settings: Settings) -> int:
    k = k or settings.top_k
    if k > settings.max_k:
        raise ApiError(422, f"k: {k} is more than the limit of {settings.max_k}")
    return k


def query_from(req: SearchRequest, settings: Settings) -> Query:
    check_question(req.question, settings)
    return Query(
        question=req.question,
        as_of=req.as_of,
        filters=req.filters,
        k=check_k(req.k, settings),
        strict_dates=req.strict_dates,
    )


def chat_query(
    question: str, as_of: date | None, filters: Filters, k: int | None, settings: Settings
) -> Query:
    return Query(question=question, as_of=as_of, filters=filters, k=check_k(k, settings))


def user_turns(messages: Sequence[ChatMessage], settings: Settings) -> list[str]:
    """The user messages' texts; 422 if there are too many messages or no user question."""
    if len(messages) > settings.max_messages:
        raise ApiError(
            422,
            f"messages: {len(messages)} messages, more than the limit of {settings.max_messages}",
        )
    turns = [m.text for m in messages if m.role == "user"]
    if not turns:
        raise ApiError(422, "messages: there is no user message to answer")
    check_question(turns[-1], settings, field="messages: the last user message")
    return turns


def standalone(
    messages: Sequence[ChatMessage], turns: Sequence[str], answerer: Answerer, as_of: date
) -> str:
    """The last user turn as a standalone question (the LLM rewrites when it can, else rules).

    May call the LLM: run it in a worker thread.
    """
    question = turns[-1]
    if len(turns) == 1:
        return question
    rewrite = getattr(answerer, "rewrite_followup", None)
    if rewrite is not None:
        last_user = max(i for i, m in enumerate(messages) if m.role == "user")
        history = [{"role": m.role, "content": m.text} for m in messages[:last_user]]
        rewritten = str(rewrite(history, question)).strip()
        # Unchanged means "already standalone" or "the LLM failed": the rules decide then.
        if rewritten and rewritten != question.strip():
            return rewritten
    return rewrite_conversation(turns, as_of)


def record_answer(metrics: Metrics, answer: Answer) -> None:
    metrics.observe_stages(answer.timings_ms)
    metrics.observe_answer(answer.answerer, answer.refused)
