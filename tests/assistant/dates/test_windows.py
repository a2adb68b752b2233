"""Tests for assistant.dates.windows: date windows in questions, and stripping relative phrases."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import resolve_query_dates, strip_date_expressions
from assistant.models import DateWindow

THURSDAY = date(2022, 6, 16)


# --- resolve_query_dates -----------------------------------------------------------------------


def window(question: str, as_of: date = THURSDAY) -> tuple[date, date, str] | None:
    w = resolve_query_dates(question, as_of)
    return None if w is None else (w.start, w.end, w.kind)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened on Feb 26?", (date(2022, 2, 26), date(2022, 2, 26), "day")),
        ("What happened on Feb. 26?", (date(2022, 2, 26), date(2022, 2, 26), "day")),
        ("What happened on February 26th?", (date(2022, 2, 26), date(2022, 2, 26), "day")),
        ("What happened on 26 February?", (date(2022, 2, 26), date(2022, 2, 26), "day")),
        ("What happened on February 26, 2025?", (date(2025, 2, 26), date(2025, 2, 26), "day")),
        ("What happened on 2022-06-12?", (date(2022, 6, 12), date(2022, 6, 12), "day")),
        ("What happened on 6/12/2022?", (date(2022, 6, 12), date(2022, 6, 12), "day")),
        ("Who won on December 28?", (date(2021, 12, 28), date(2021, 12, 28), "day")),
        ("Who won on June 16?", (date(2022, 6, 16), date(2022, 6, 16), "day")),
        ("Who won on June 17?", (date(2021, 6, 17), date(2021, 6, 17), "day")),
        ("What happened in March 2014?", (date(2014, 3, 1), date(2014, 3, 31), "month")),
        ("What happened in March?", (date(2022, 3, 1), date(2022, 3, 31), "month")),
        ("What happened in August?", (date(2021, 8, 1), date(2021, 8, 31), "month")),
        ("What was set in the middle of June?", (date(2022, 6, 1), date(2022, 6, 30), "month")),
        ("What happened in 2014?", (date(2014, 1, 1), date(2014, 12, 31), "year")),
        ("What changed since 2014?", (date(2014, 1, 1), THURSDAY, "range")),
        ("What changed since February 26?", (date(2022, 2, 26), THURSDAY, "range")),
        ("What rose between March 1 and March 5?", (date(2022, 3, 1), date(2022, 3, 5), "range")),
        ("What rose between March 1 and 5?", (date(2022, 3, 1), date(2022, 3, 5), "range")),
        ("What rose from June 1 to June 7?", (date(2022, 6, 1), date(2022, 6, 7), "range")),
        ("What rose June 1-7?", (date(2022, 6, 1), date(2022, 6, 7), "range")),
        ("What rose from Dec. 28 to Jan. 3?", (date(2021, 12, 28), date(2022, 1, 3), "range")),
        ("What rose between 2014 and 2016?", (date(2014, 1, 1), date(2016, 12, 31), "range")),
        ("What happened on the Fourth of July?", (date(2021, 7, 4), date(2021, 7, 4), "day")),
    ],
)  # fmt: skip
def test_absolute_question_dates(question: str, expected: tuple[date, date, str]) -> None:
    assert window(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened yesterday?", (date(2022, 6, 15), date(2022, 6, 15), "day")),
        ("What happened today?", (THURSDAY, THURSDAY, "day")),
        ("What happens tomorrow?", (date(2022, 6, 17), date(2022, 6, 17), "day")),
        ("What happened this week?", (date(2022, 6, 10), THURSDAY, "range")),
        ("What happened earlier this week?", (date(2022, 6, 10), THURSDAY, "range")),
        ("What happened this past week?", (date(2022, 6, 10), THURSDAY, "range")),
        ("What happened over the past week?", (date(2022, 6, 10), THURSDAY, "range")),
        ("What happened last week?", (date(2022, 6, 3), date(2022, 6, 9), "range")),
        ("What happens next week?", (date(2022, 6, 17), date(2022, 6, 23), "range")),
        ("What happened this month?", (date(2022, 6, 1), date(2022, 6, 30), "month")),
        ("What happened last month?", (date(2022, 5, 1), date(2022, 5, 31), "month")),
        ("What happened this year?", (date(2022, 1, 1), date(2022, 12, 31), "year")),
        ("What happened last year?", (date(2021, 1, 1), date(2021, 12, 31), "year")),
        ("What happened recently?", (date(2022, 6, 3), THURSDAY, "relative")),
        ("What happened lately?", (date(2022, 6, 3), THURSDAY, "relative")),
        ("What happened in recent days?", (date(2022, 6, 3), THURSDAY, "relative")),
        ("What happened in recent weeks?", (date(2022, 5, 20), THURSDAY, "relative")),
        ("What happened in the past 3 days?", (date(2022, 6, 14), THURSDAY, "range")),
        ("What happened in the past few days?", (date(2022, 6, 10), THURSDAY, "range")),
        ("What happened three days ago?", (date(2022, 6, 13), date(2022, 6, 13), "day")),
        ("What happened two weeks ago?", (date(2022, 5, 30), date(2022, 6, 5), "range")),
        ("What happened on Monday?", (date(2022, 6, 13), date(2022, 6, 13), "day")),
        ("What happened on Thursday?", (THURSDAY, THURSDAY, "day")),
        ("What happened early Thursday?", (THURSDAY, THURSDAY, "day")),
        ("What happened on Friday?", (date(2022, 6, 10), date(2022, 6, 10), "day")),
        ("What happened last Friday?", (date(2022, 6, 10), date(2022, 6, 10), "day")),
        ("What happened last Thursday?", (date(2022, 6, 9), date(2022, 6, 9), "day")),
        ("Who won Tuesday's primary?", (date(2022, 6, 14), date(2022, 6, 14), "day")),
        ("What happened over the weekend?", (date(2022, 6, 11), date(2022, 6, 12), "range")),
        ("What happened this weekend?", (date(2022, 6, 11), date(2022, 6, 12), "range")),
        ("What happened last weekend?", (date(2022, 6, 11), date(2022, 6, 12), "range")),
    ],
)  # fmt: skip
def test_relative_question_dates(question: str, expected: tuple[date, date, str]) -> None:
    assert window(question) == expected


def test_weekend_conventions_on_weekend_days() -> None:
    saturday, sunday = date(2022, 6, 18), date(2022, 6, 19)
    assert window("over the weekend", saturday) == (saturday, sunday, "range")
    assert window("over the weekend", sunday) == (saturday, sunday, "range")
    assert window("last weekend", sunday) == (date(2022, 6, 11), date(2022, 6, 12), "range")
    assert window("last weekend", date(2022, 6, 20)) == (saturday, sunday, "range")


def test_trump_on_feb_26() -> None:
    w = resolve_query_dates("What did Trump say on Feb 26?", date(2025, 3, 10))
    assert w == DateWindow(
        start=date(2025, 2, 26), end=date(2025, 2, 26), expression="Feb 26", kind="day"
    )


def test_question_leap_days() -> None:
    assert window("What happened on Feb 29?", date(2025, 3, 10))[:2] == (date(2024, 2, 29),) * 2  # type: ignore[index]
    assert window("What happened on Feb 29?", date(2024, 3, 1))[:2] == (date(2024, 2, 29),) * 2  # type: ignore[index]
    assert window("What happened on Feb 29?", date(2024, 2, 28))[:2] == (date(2020, 2, 29),) * 2  # type: ignore[index]
    assert window("What happened on February 29, 2023?") is None
    assert window("What happened on Feb 30?") is None


def test_most_specific_expression_wins() -> None:
    # absolute over relative
    assert window("What did he say this week about the vote on June 2?") == (
        date(2022, 6, 2), date(2022, 6, 2), "day"
    )  # fmt: skip
    assert window("What did he say recently about March 2014?")[2] == "month"  # type: ignore[index]
    # day over month over year
    assert window("In 2014, what happened in March 2014 on March 3, 2014?") == (
        date(2014, 3, 3), date(2014, 3, 3), "day"
    )  # fmt: skip
    # the narrowest relative one
    assert window("What happened this week, on Monday?") == (
        date(2022, 6, 13), date(2022, 6, 13), "day"
    )  # fmt: skip


@pytest.mark.parametrize(
    "question",
    [
        "Which team won the Stanley Cup?",
        "Which team won the 2022 Stanley Cup Finals?",
        "Who may be the next leader?",
        "A card from 1952 sold for how much?",
        "",
    ],
)
def test_questions_without_a_date_window(question: str) -> None:
    assert resolve_query_dates(question, THURSDAY) is None


# --- strip_date_expressions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which show was recently green lit?", "Which show was green lit?"),
        ("Which senators announced a deal this week?", "Which senators announced a deal?"),
        ("Which cases rose as of this week?", "Which cases rose?"),
        ("What happened over the weekend in Texas?", "What happened in Texas?"),
        ("What was up in recent days and last year?", "What was up and?"),
        ("Who resigned yesterday?", "Who resigned?"),
        ("Who resigned on Monday?", "Who resigned on Monday?"),
        ("What did Trump say on February 26th?", "What did Trump say on February 26th?"),
        ("What happened in 2014?", "What happened in 2014?"),
        ("No dates here.", "No dates here."),
    ],
)
def test_strip_date_expressions(question: str, expected: str) -> None:
    assert strip_date_expressions(question) == expected
