"""The searched scope said with every answer and refusal."""

from __future__ import annotations

from datetime import date

from assistant.models import Query
from assistant.retrieve.plan import plan_query
from assistant.retrieve.scope import searched_scope


def test_window_and_store_range_in_words() -> None:
    plan = plan_query(Query(question="What happened this week?", as_of=date(2026, 12, 7)))
    scope = searched_scope(plan, (date(2022, 6, 1), date(2022, 9, 16)))
    assert (scope.start, scope.end) == (date(2026, 12, 1), date(2026, 12, 7))
    assert scope.text == (
        "I searched articles from 2026-12-01 to 2026-12-07 (“this week”, as of 2026-12-07);"
        " your store holds articles from 2022-06-01 to 2022-09-16."
    )


def test_no_date_words_and_no_dated_articles() -> None:
    plan = plan_query(Query(question="Who won the cup?", as_of=date(2022, 6, 16)))
    scope = searched_scope(plan, (None, None))
    assert scope.start is None and scope.end == date(2022, 6, 16)
    assert scope.text == (
        "I searched articles published up to 2022-06-16 (as of 2022-06-16);"
        " your store holds no dated articles."
    )
