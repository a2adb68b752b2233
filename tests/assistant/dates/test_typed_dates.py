"""Dates as people type them in chat: lower case, abbreviations, ordinals, "feb26" — and words
that only look like months ("may" the verb, "June" the name) left alone."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import resolve_query_dates
from assistant.dates.stated import stated_today
from assistant.dates.windows import recase_dates

AS_OF = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what did trump tell reporters on february 26th", date(2025, 2, 26), date(2025, 2, 26)),
        ("what did trump say on feb 26", date(2025, 2, 26), date(2025, 2, 26)),
        ("what did he say on 26 feb?", date(2025, 2, 26), date(2025, 2, 26)),
        ("any news from feb26?", date(2025, 2, 26), date(2025, 2, 26)),
        ("what happened on the 3rd of march", date(2025, 3, 3), date(2025, 3, 3)),
        ("sept. 3rd 2024 results", date(2024, 9, 3), date(2024, 9, 3)),
        ("what happened in march 2014", date(2014, 3, 1), date(2014, 3, 31)),
        ("what happened in may", date(2024, 5, 1), date(2024, 5, 31)),
        ("who spoke on may 5?", date(2024, 5, 5), date(2024, 5, 5)),
        ("what did she announce on tuesday", date(2025, 3, 4), date(2025, 3, 4)),
    ],
)
def test_lowercase_dates_make_a_window(question: str, start: date, end: date) -> None:
    window = resolve_query_dates(question, AS_OF)
    assert window is not None and (window.start, window.end) == (start, end)


@pytest.mark.parametrize(
    "question",
    [
        "this may be the end of the talks",
        "what did june say about the vote?",
        "who led the march on washington?",
        "sanctions may soon be eased, what did he say",
    ],
)
def test_words_that_only_look_like_months_are_no_dates(question: str) -> None:
    assert resolve_query_dates(question, AS_OF) is None


def test_recasing_keeps_the_question_otherwise() -> None:
    assert recase_dates("what did trump say on feb 26?") == "what did trump say on Feb 26?"
    assert recase_dates("June said it may rain") == "June said it may rain"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Today's date is 2022-06-16.", date(2022, 6, 16)),
        ("Today is June 16, 2022.", date(2022, 6, 16)),
        ("You are helpful. Current date: 16 June 2022", date(2022, 6, 16)),
        ("The current date is Thursday, June 16, 2022", date(2022, 6, 16)),
        ("Knowledge cutoff: 2023-10. Current date: 2024-01-05", date(2024, 1, 5)),
        ("2022-06-16", date(2022, 6, 16)),
        ("You are a helpful assistant.", None),
        ("Today is Tuesday.", None),  # no full date: nothing to go by
    ],
)
def test_date_stated_in_a_system_message(text: str, expected: date | None) -> None:
    assert stated_today(text) == expected
