"""Tests for assistant.dates.mentions: date mentions in article text."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.dates import extract_date_mentions
from assistant.dates import mentions as mentions_module
from assistant.models import DateMention
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
    full = [m.span() for m in mentions_module.SCAN.finditer(text)]
    assert [m.span() for m in mentions_module._scan(text)] == full
