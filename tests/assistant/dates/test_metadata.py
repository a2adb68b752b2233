"""Tests for assistant.dates.metadata: published dates from article metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.dates import parse_published


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
