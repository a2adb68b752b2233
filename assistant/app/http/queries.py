"""From request models to core `Query` objects: the chat's user turns, metrics of answers.

Limits come from `assistant.service.make_query` (the same for every entry point); follow-up
rewriting from `assistant.followup.standalone`.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.app.http.errors import ApiError
from assistant.app.http.schemas import ChatMessage, SearchRequest
from assistant.app.http.telemetry import Metrics
from assistant.followup import Turn
from assistant.models import Answer, Query
from assistant.service import check_question, make_query
from assistant.settings import Settings


def query_from(req: SearchRequest, settings: Settings) -> Query:
    return make_query(
        req.question,
        settings,
        as_of=req.as_of,
        filters=req.filters,
        k=req.k,
        strict_dates=req.strict_dates,
    )


def chat_turns(messages: Sequence[ChatMessage], settings: Settings) -> list[Turn]:
    """The conversation as (role, text); 422 if too many messages or no user question.

    The last user message is the question (its length is checked). Earlier messages only give
    follow-up rewriting its context, so each is cut to its first `max_question_chars`
    characters: a request's work stays bounded however long the history it sends (a 4 MB
    earlier turn cost ~7 s of rewriting)."""
    if len(messages) > settings.max_messages:
        raise ApiError(
            422,
            f"messages: {len(messages)} messages, more than the limit of {settings.max_messages}",
        )
    turns: list[Turn] = [(m.role, m.text) for m in messages]
    users = [text for role, text in turns if role == "user"]
    if not users:
        raise ApiError(422, "messages: there is no user message to answer")
    check_question(users[-1], settings, field="messages: the last user message")
    last = max(i for i, (role, _) in enumerate(turns) if role == "user")
    limit = settings.max_question_chars
    return [(role, text if i == last else text[:limit]) for i, (role, text) in enumerate(turns)]


def record_answer(metrics: Metrics, answer: Answer) -> None:
    metrics.observe_stages(answer.timings_ms)
    metrics.observe_answer(answer.answerer, answer.refused)
