"""Calendar arithmetic: valid days, month bounds and shifts, the year-less day or month nearest a
reference date, and the days a normalized mention value ("2025-02-26", "2014-03", "2022") covers.

Reads no text: the rules for which year a year-less date gets live with their callers
(``mentions`` for articles, ``windows`` for questions).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Literal


def shift(d: date, days: int | timedelta) -> date:
    """`d` moved by `days`, saturating at the ends of the calendar (year 1 and year 9999): an
    as-of date of 9999-12-31 asks about the days before it, not about an overflow."""
    delta = days if isinstance(days, timedelta) else timedelta(days=days)
    try:
        return d + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_day_exists(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (
        29 if month == 2 else calendar.monthrange(2001, month)[1]
    )


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month (a year outside 1..9999 is clamped to it)."""
    year = min(max(year, date.min.year), date.max.year)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a year (clamped to 1..9999)."""
    year = min(max(year, date.min.year), date.max.year)
    return date(year, 1, 1), date(year, 12, 31)


def resolve_day_near(month: int, day: int, ref: date, lookahead: int) -> date | None:
    """The latest date with this month-day that is at most `lookahead` days after ref."""
    limit = shift(ref, lookahead)
    for year in range(limit.year, limit.year - 9, -1):
        d = valid_date(year, month, day)
        if d is not None and d <= limit:
            return d
    return None


def resolve_month_near(month: int, modifier: str, ref: date, lookahead: int) -> tuple[int, int]:
    mod = modifier.lower()
    if mod == "this":
        return ref.year, month
    if mod == "last":
        return (ref.year if month < ref.month else ref.year - 1), month
    if mod == "next":
        return (ref.year if month > ref.month else ref.year + 1), month
    limit = shift(ref, lookahead)
    year = limit.year if month <= limit.month else limit.year - 1
    return year, month


Precision = Literal["day", "month", "year"]
VALUE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?|--([0-9]{2})(?:-([0-9]{2}))?")


def value_interval(value: str) -> tuple[date, date, Precision] | None:
    """(first day, last day, precision) of a dated value; None for year-less or malformed."""
    m = VALUE.fullmatch(value)
    if m is None or m[1] is None:
        return None
    year = int(m[1])
    try:
        if m[3] is not None:
            d = date(year, int(m[2]), int(m[3]))
            return d, d, "day"
        if m[2] is not None:
            first, last = month_bounds(year, int(m[2]))
            return first, last, "month"
        return date(year, 1, 1), date(year, 12, 31), "year"
    except ValueError:
        return None
