"""How well a normalized mention value meets a question's date window (``mention_overlap``).

Does not find mentions (``mentions``) or windows (``windows``); it only compares their values.

Scoring mention values against a window (``mention_overlap``)
------------------------------------------------------------
1.0 when the mention lies within the window (a day in it; a month or year wholly inside it);
0.5 for a month mention that overlaps the window without lying inside it (e.g. contains the day);
0.25 for such a year mention; 0.0 otherwise or for a malformed value. Year-less values ("--02-26",
"--03") score as if dated in whichever year of the window fits best.
"""

from __future__ import annotations

from datetime import date

from assistant.dates.calendar_math import (
    VALUE,
    Precision,
    month_bounds,
    month_day_exists,
    valid_date,
    value_interval,
)
from assistant.models import DateWindow


def _score(first: date, last: date, precision: Precision, window: DateWindow) -> float:
    if last < window.start or first > window.end:
        return 0.0
    if window.start <= first and last <= window.end:
        return 1.0
    return 0.5 if precision == "month" else 0.25


def mention_overlap(window: DateWindow, value: str) -> float:
    """How well a normalized mention value meets a window: 1.0, 0.5, 0.25 or 0.0 (module doc)."""
    m = VALUE.fullmatch(value)
    if m is None:
        return 0.0
    if m[1] is not None:
        interval = value_interval(value)
        return _score(*interval, window) if interval is not None else 0.0
    month = int(m[4])
    day = int(m[5]) if m[5] is not None else None
    if not 1 <= month <= 12 or (day is not None and not month_day_exists(month, day)):
        return 0.0
    best = 0.0
    for year in range(window.start.year, min(window.end.year, window.start.year + 400) + 1):
        if day is not None:
            d = valid_date(year, month, day)
            if d is None:
                continue
            score = _score(d, d, "day", window)
        else:
            score = _score(*month_bounds(year, month), "month", window)
        best = max(best, score)
        if best == 1.0:
            break
    return best
