"""Query planning: as-of defaults, date windows, merged publication bounds, texts per retriever."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.errors import BadQueryError
from assistant.models import Filters, Query
from assistant.retrieve.plan import plan_query

TODAY = date(2025, 3, 10)


def test_as_of_defaults_to_today_and_resolves_the_window() -> None:
    plan = plan_query(Query(question="What did Trump say on Feb 26?"), today=TODAY)
    assert plan.as_of == TODAY
    assert plan.window is not None and plan.window.start == plan.window.end == date(2025, 2, 26)
    assert plan.dense_text == "What did Trump say on Feb 26?"
    # explicit filters pass through untouched when dates are not strict
    assert plan.filters.since is None and plan.filters.until is None


def test_relative_phrases_leave_the_lexical_text() -> None:
    plan = plan_query(Query(question="Who won the election this week?", as_of=TODAY))
    assert plan.window is not None and plan.window.end == TODAY
    assert "week" not in plan.lexical_text.lower() and "election" in plan.lexical_text


def test_strict_dates_narrow_the_publication_bounds_to_the_window() -> None:
    q = Query(
        question="What happened in March 2014?",
        as_of=TODAY,
        strict_dates=True,
        filters=Filters(since=date(2014, 3, 10), sources=["Reuters"]),
    )
    plan = plan_query(q)
    assert plan.filters.since == date(2014, 3, 10)  # the narrower of filter and window
    assert plan.filters.until == date(2014, 3, 31)
    assert plan.filters.sources == ["Reuters"]


def test_impossible_bounds_and_empty_questions_are_bad_queries() -> None:
    with pytest.raises(BadQueryError, match="after until"):
        plan_query(Query(question="x", filters=Filters(since=TODAY, until=date(2025, 1, 1))))
    with pytest.raises(BadQueryError, match="empty"):
        plan_query(Query(question="   "))
    # a strict window outside the explicit bounds leaves nothing to search
    with pytest.raises(BadQueryError, match="after until"):
        plan_query(
            Query(
                question="What happened on Feb 26?",
                as_of=TODAY,
                strict_dates=True,
                filters=Filters(until=date(2025, 1, 31)),
            )
        )
