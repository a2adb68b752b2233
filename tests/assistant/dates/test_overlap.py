"""Tests for assistant.dates.overlap: mention values scored against a date window."""

from __future__ import annotations

from datetime import date

from assistant.dates import extract_date_mentions, mention_overlap, resolve_query_dates
from assistant.models import DateWindow
from tests.support import SAMPLE_ARTICLE


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
    found = [m.value for m in extract_date_mentions(text, date(2025, 3, 10))]
    w = resolve_query_dates("What did Trump say on Feb 26?", date(2025, 3, 10))
    assert w is not None and any(mention_overlap(w, v) > 0.5 for v in found)
    w = resolve_query_dates(
        "Which sanctions have been in force since March 2014?", date(2025, 3, 10)
    )
    assert w is not None and w.kind == "range" and any(mention_overlap(w, v) > 0 for v in found)
