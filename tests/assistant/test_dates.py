"""Tests for assistant.dates: metadata dates, date mentions in text, date windows in questions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import dates as dates_module
from assistant.dates import (
    extract_date_mentions,
    mention_overlap,
    parse_published,
    resolve_query_dates,
    strip_date_expressions,
)
from assistant.models import DateMention, DateWindow
from tests.support import SAMPLE_ARTICLE

THURSDAY = date(2022, 6, 16)
VALUE_FORMAT = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?|--[0-9]{2}(?:-[0-9]{2})?")


def values(text: str, reference: date | None = None) -> list[str]:
    return [m.value for m in extract_date_mentions(text, reference)]


def pairs(text: str, reference: date | None = None) -> list[tuple[str, str]]:
    return [(m.value, m.text) for m in extract_date_mentions(text, reference)]


def assert_spans(text: str, mentions: list[DateMention]) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text


# --- parse_published ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-06-12", date(2022, 6, 12)),
        ("2022-06-12T23:10:00Z", date(2022, 6, 12)),
        ("2022/06/12", date(2022, 6, 12)),
        ("Sun, 12 Jun 2022 10:00:00 GMT", date(2022, 6, 12)),
        ("June 12, 2022", date(2022, 6, 12)),
        ("12 June 2022", date(2022, 6, 12)),
        ("20220612", date(2022, 6, 12)),
        ("1655000000", date(2022, 6, 12)),
        (1655000000, date(2022, 6, 12)),
        (datetime(2022, 6, 12, 8, tzinfo=UTC), date(2022, 6, 12)),
        (date(2022, 6, 12), date(2022, 6, 12)),
    ],
)
def test_parse_published_formats(value: object, expected: date) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "garbage", "March 2014", "March 5", "Jun 2022", "2022-06", "2014", "Monday",
     "2022-02-30", "Tue, 31 Feb 2022 10:00:00 GMT", True, float("nan"), [2022]],
)  # fmt: skip
def test_parse_published_never_invents(value: object) -> None:
    assert parse_published(value) is None


# --- extract_date_mentions: spellings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_text", "no_reference", "with_reference"),
    [
        ("On February 26, Trump said", "February 26", "--02-26", "2025-02-26"),
        ("said on Feb. 26 that", "Feb. 26", "--02-26", "2025-02-26"),
        ("said on Feb 26 that", "Feb 26", "--02-26", "2025-02-26"),
        ("on February 26th.", "February 26th", "--02-26", "2025-02-26"),
        ("on 26 February.", "26 February", "--02-26", "2025-02-26"),
        ("on the 26th of February.", "26th of February", "--02-26", "2025-02-26"),
        ("on February 26, 2025, he", "February 26, 2025", "2025-02-26", "2025-02-26"),
        ("on Feb. 26, 2025.", "Feb. 26, 2025", "2025-02-26", "2025-02-26"),
        ("on 26 Feb 2024.", "26 Feb 2024", "2024-02-26", "2024-02-26"),
        ("on Sept. 3", "Sept. 3", "--09-03", "2024-09-03"),
        ("filed 2022-06-12 in", "2022-06-12", "2022-06-12", "2022-06-12"),
        ("filed 6/12/2022 in", "6/12/2022", "2022-06-12", "2022-06-12"),
        ("since March 2014,", "March 2014", "2014-03", "2014-03"),
        ("in March of 2014,", "March of 2014", "2014-03", "2014-03"),
        ("In January, Trump", "January", "--01", "2025-01"),
        ("by early March the", "March", "--03", "2025-03"),
        ("in mid-December", "December", "--12", "2024-12"),
        ("in force since 2014,", "2014", "2014", "2014"),
        ("the invasion in 2022.", "2022", "2022", "2022"),
        ("the May 2 vote", "May 2", "--05-02", "2025-05-02"),
        ("on the Fourth of July", "the Fourth of July", "--07-04", "2025-07-04"),
    ],
)
def test_spellings(text: str, expected_text: str, no_reference: str, with_reference: str) -> None:
    reference = date(2025, 3, 10)
    for ref, expected in ((None, no_reference), (reference, with_reference)):
        mentions = extract_date_mentions(text, ref)
        assert [(m.value, m.text) for m in mentions] == [(expected, expected_text)]
        assert_spans(text, mentions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened yesterday.", "2022-06-15"),
        ("It happens today.", "2022-06-16"),
        ("Today, the court ruled", "2022-06-16"),
        ("It happens tonight.", "2022-06-16"),
        ("It happens tomorrow.", "2022-06-17"),
        ("It rose last year.", "2021"),
        ("It rose this year.", "2022"),
        ("It will rise next year.", "2023"),
        ("It rose last month.", "2022-05"),
        ("It rose this month.", "2022-06"),
        ("It happened three days ago.", "2022-06-13"),
        ("It happened 20 years ago.", "2002"),
        ("It happened two months ago.", "2022-04"),
        ("He spoke on Monday.", "2022-06-13"),
        ("He spoke Thursday.", "2022-06-16"),
        ("in Tuesday's vote", "2022-06-14"),
        ("early Wednesday morning", "2022-06-15"),
        ("He spoke last Thursday.", "2022-06-09"),
        ("He spoke last Friday.", "2022-06-10"),
        ("He will speak next Monday.", "2022-06-20"),
        ("He spoke this Monday.", "2022-06-13"),
        ("last March", "2022-03"),
        ("next March", "2023-03"),
    ],
)
def test_relative_mentions_need_a_reference(text: str, expected: str) -> None:
    assert values(text, THURSDAY) == [expected]
    assert values(text) == ([] if "March" not in text else ["--03"])


@pytest.mark.parametrize(
    "text",
    [
        "It was up last week and this week.",
        "It has risen recently, in recent days and a few days ago.",
        "Over the last year it has doubled.",
    ],
)
def test_vague_relative_expressions_give_no_mention(text: str) -> None:
    assert values(text, THURSDAY) == []


def test_year_resolution_prefers_the_recent_past_but_allows_announced_dates() -> None:
    assert values("On December 28 the plant closed.", date(2022, 1, 10)) == ["2021-12-28"]
    assert values("The vote is on March 3.", date(2022, 2, 25)) == ["2022-03-03"]
    assert values("The election is on Nov. 8.", THURSDAY) == ["2022-11-08"]
    assert values("It began on December 5.", THURSDAY) == ["2021-12-05"]
    assert values("It began in December.", THURSDAY) == ["2021-12"]
    assert values("It will open in August.", THURSDAY) == ["2022-08"]
    assert values("It is due on January 5.", date(2021, 12, 20)) == ["2022-01-05"]


def test_leap_days() -> None:
    assert values("on February 29") == ["--02-29"]
    assert values("on February 29", date(2025, 3, 10)) == ["2024-02-29"]
    assert values("on February 29", date(2024, 3, 1)) == ["2024-02-29"]
    assert values("on February 29, 2024") == ["2024-02-29"]
    assert values("on February 29, 2023") == []
    assert values("on 29 Feb 2023") == []
    assert values("on 2023-02-29") == []
    assert values("on February 30") == []
    assert values("on April 31") == []
    assert values("on 31 June") == []


@pytest.mark.parametrize(
    "text",
    [
        "The sanctions may be softened at some point.",
        "Sanctions May be softened, the headline said.",
        "Thousands joined a march on Washington.",
        "They planned the March on Washington for months.",
        "Sun Valley hosts the conference; Wed. sessions run late.",
        "Theresa May said the deal was dead.",
        "USA Today reported the numbers.",
        "Shoppers lined up for Black Friday and Cyber Monday deals.",
        "The Sunday Times and Monday Night Football.",
        "More than 2,000 people and 2000 people marched; 1900 GMT.",
        "Prices in the 1990s cost $2022 or 2014% more.",
        "He scored 26 points in March Madness.",
        "Visitors of Mar-a-Lago and Augusta.",
        "Call 555-2012 or see page 12/31.",
        "Version 3.2014 shipped.",
        "It rained on Mondays and Fridays.",
    ],
)
def test_false_positives(text: str) -> None:
    assert pairs(text) == []
    assert pairs(text, THURSDAY) == []


def test_weekday_followed_by_a_date_yields_the_date_only() -> None:
    assert pairs("Sunday 21 January 2024 is the centenary", date(2024, 1, 19)) == [
        ("2024-01-21", "21 January 2024")
    ]
    assert pairs("on Monday, Feb. 26, he said", date(2025, 3, 10)) == [("2025-02-26", "Feb. 26")]


def test_day_month_does_not_steal_a_month_day() -> None:
    assert pairs("who turns 1 Sept. 18 this year") == [("--09-18", "Sept. 18")]


# --- the sample article ------------------------------------------------------------------------


def test_sample_article_without_reference() -> None:
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    mentions = extract_date_mentions(text)
    assert_spans(text, mentions)
    assert [(m.value, m.text) for m in mentions] == [
        ("2022", "2022"),
        ("--02-12", "February 12"),
        ("--01", "January"),
        ("--02-26", "February 26"),
        ("2014-03", "March 2014"),
        ("--02-24", "February 24"),
    ]
    assert text[mentions[2].start - 3 : mentions[2].end] == "In January"


def test_sample_article_with_reference() -> None:
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    mentions = extract_date_mentions(text, date(2025, 3, 10))
    assert_spans(text, mentions)
    assert [(m.value, m.text) for m in mentions] == [
        ("2024", "Last year"),
        ("2022", "2022"),
        ("2025-02-12", "February 12"),
        ("2025-01", "January"),
        ("2025-02-26", "February 26"),
        ("2014-03", "March 2014"),
        ("2025-02-24", "February 24"),
    ]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


# --- property ----------------------------------------------------------------------------------

_TOKEN_TEXT = """
January February March April May June July August September October November December
Jan Feb Feb. Mar Sept. Sep Dec. Monday Tuesday Sunday Wed Sun
1 2 9 12 26 26th 29 30 31 1st 2014 2022 2025 1990s 2,000 $2022 6/12/2022 2022-06-12
in In on of the since last this next early mid- year month week ago days two a
yesterday today Today USA Fourth Black , . - / : ' 's
"""
_TOKENS = _TOKEN_TEXT.split()
_texts = st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=4)), max_size=30).flatmap(
    lambda words: st.lists(
        st.sampled_from([" ", " ", " ", "", "\n", ", ", "\u00a0"]),
        min_size=len(words),
        max_size=len(words),
    ).map(lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True)))
)


@settings(max_examples=400, deadline=None, database=None)
@given(text=_texts, reference=st.none() | st.dates(date(1900, 1, 1), date(2099, 12, 31)))
def test_mentions_are_exact_spans_with_well_formed_values(
    text: str, reference: date | None
) -> None:
    mentions = extract_date_mentions(text, reference)
    previous_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end and m.end > m.start
        previous_end = m.end
        assert VALUE_FORMAT.fullmatch(m.value), m.value
        if len(m.value) == 10:
            date.fromisoformat(m.value)
        elif m.value.startswith("--") and len(m.value) == 7:
            date(2000, int(m.value[2:4]), int(m.value[5:7]))
        elif len(m.value) in (4, 7):
            assert 1 <= int(m.value[5:7] or "1") <= 12
        if reference is not None:
            assert not m.value.startswith("--")
    # the anchor-based scan finds exactly what a full scan of the text finds
    full = [m.span() for m in dates_module._SCAN.finditer(text)]
    assert [m.span() for m in dates_module._scan(text)] == full


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


# --- mention_overlap -------------------------------------------------------------------------


def make_window(start: date, end: date, kind: str = "range") -> DateWindow:
    return DateWindow(start=start, end=end, expression="x", kind=kind)  # type: ignore[arg-type]


def test_mention_overlap_scores() -> None:
    day = make_window(date(2025, 2, 26), date(2025, 2, 26), "day")
    assert mention_overlap(day, "2025-02-26") == 1.0
    assert mention_overlap(day, "2025-02-25") == 0.0
    assert mention_overlap(day, "2025-02") == 0.5
    assert mention_overlap(day, "2025") == 0.25
    assert mention_overlap(day, "2024-02") == 0.0
    assert mention_overlap(day, "2024") == 0.0
    assert mention_overlap(day, "--02-26") == 1.0
    assert mention_overlap(day, "--02") == 0.5
    assert mention_overlap(day, "--03-26") == 0.0
    for malformed in ("", "Feb 26", "2025-13", "2025-02-30", "--13", "--02-30", "20250226"):
        assert mention_overlap(day, malformed) == 0.0

    month = make_window(date(2014, 3, 1), date(2014, 3, 31), "month")
    assert mention_overlap(month, "2014-03") == 1.0
    assert mention_overlap(month, "2014-03-17") == 1.0
    assert mention_overlap(month, "2014") == 0.25
    assert mention_overlap(month, "--03") == 1.0

    week = make_window(date(2022, 2, 25), date(2022, 3, 3))
    assert mention_overlap(week, "2022-03") == 0.5
    assert mention_overlap(week, "2022-02") == 0.5
    assert mention_overlap(week, "--02-29") == 0.0
    assert mention_overlap(week, "--03-01") == 1.0

    leap_week = make_window(date(2024, 2, 26), date(2024, 3, 3))
    assert mention_overlap(leap_week, "--02-29") == 1.0

    years = make_window(date(2014, 1, 1), date(2016, 12, 31))
    assert mention_overlap(years, "2015") == 1.0
    assert mention_overlap(years, "--12-25") == 1.0


def test_extracted_values_match_question_windows() -> None:
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    found = values(text, date(2025, 3, 10))
    w = resolve_query_dates("What did Trump say on Feb 26?", date(2025, 3, 10))
    assert w is not None and any(mention_overlap(w, v) > 0.5 for v in found)
    w = resolve_query_dates(
        "Which sanctions have been in force since March 2014?", date(2025, 3, 10)
    )
    assert w is not None and w.kind == "range" and any(mention_overlap(w, v) > 0 for v in found)
