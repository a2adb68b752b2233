"""Dates at the ends of the calendar (year 1, year 9999): every resolver and ranking feature
saturates instead of overflowing (an as_of of 9999-12-31 used to be a 500)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistant.dates import extract_date_mentions, resolve_query_dates, strip_date_expressions
from assistant.dates.calendar_math import month_bounds, shift, year_bounds
from assistant.models import Query
from assistant.retrieve.plan import plan_query
from assistant.retrieve.rerank import Candidate, Reranker
from assistant.store import ChunkHit

QUESTIONS = [
    "What happened on December 31?", "What happened on Jan 1?", "What happened last week?",
    "What happens next week?", "What happened this weekend?", "What happened last weekend?",
    "What happened in the past 3 weeks?", "What happened recently?", "What happened two weeks ago?",
    "What happened yesterday?", "What happens tomorrow?", "What happens next year?",
    "What happened last year?", "What happens next month?", "What happened last month?",
    "What happened on Monday?", "What happens next Friday?", "What happened last Friday?",
    "What happens this Friday?", "What happened in December?", "What happens next December?",
    "What happened last January?", "What happened 3 days ago?", "What happened 5 years ago?",
    "What happened 2 months ago?", "What did he say in the past few days?",
    "What happened ten weeks ago?", "What happened this week?", "What happened on July 4?",
]  # fmt: skip
TEXT = " ".join(QUESTIONS) + " On Monday, yesterday, tomorrow, last year, next month, July 4th."
ENDS = [date.min, date(1, 1, 7), date.max, date(9999, 12, 25)]


def test_shift_saturates_at_both_ends() -> None:
    assert shift(date.max, 1) == date.max and shift(date.min, -1) == date.min
    assert shift(date.max, timedelta(days=-1)) == date(9999, 12, 30)
    assert shift(date(2024, 2, 28), 1) == date(2024, 2, 29)
    assert year_bounds(10_000) == (date(9999, 1, 1), date(9999, 12, 31))
    assert month_bounds(0, 12) == (date(1, 12, 1), date(1, 12, 31))


@pytest.mark.parametrize("as_of", ENDS)
def test_questions_resolve_and_rank_at_the_calendar_ends(as_of: date) -> None:
    for question in QUESTIONS:
        window = resolve_query_dates(question, as_of)
        assert window is None or window.start <= window.end, question
        strip_date_expressions(question)
        plan = plan_query(Query(question=question, as_of=as_of))
        cands = [
            Candidate(
                ChunkHit(
                    chunk_id=str(i), article_id="a", text="t", start=0, end=1, published=p,
                    dates=("9999-12-31", "0001-01-01", "9999"),
                )
            )
            for i, p in enumerate([date.min, date.max, as_of, None])
        ]  # fmt: skip
        ranked = Reranker().rank(cands, plan)
        assert len(ranked) == 4 and all("future" in c.features for c in ranked), question


@pytest.mark.parametrize("published", [*ENDS, None])
def test_mentions_resolve_against_a_published_date_at_the_ends(published: date | None) -> None:
    for m in extract_date_mentions(TEXT, published):
        assert TEXT[m.start : m.end] == m.text
