"""Metadata dates: the published date a source gives an article, normalized to a ``date``.

Does not read dates in running text (``mentions``) or in questions (``windows``).

- ``parse_published(value)``: a metadata date (ISO, RFC 822, datetime, epoch) -> ``date | None``.
  Never invents a component: "March 2014" or "March 5" (no day / no year) give None.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_tz

from dateutil import parser as dateutil_parser

_DEFAULT_A = datetime(1, 1, 1)
_DEFAULT_B = datetime(2, 2, 2)


def parse_published(value: object) -> date | None:
    """Normalize a metadata date (ISO, RFC 822, datetime, epoch seconds) to a date; None if unknown.

    Never invents: an unparseable or empty value, or one missing its year, month or day
    ("March 2014", "March 5", "2014"), gives None. A timestamp keeps its own calendar date (no
    timezone conversion); epoch seconds are read as UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    # Fast paths: ISO "2022-06-12[T...]", "2022/06/12", RFC 822 "Sun, 12 Jun 2022 10:00:00 GMT".
    if len(text) >= 10 and text[4] in "-/" and text[7] == text[4] and text[:4].isdigit():
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            pass
    if text.isdigit():
        if len(text) == 8:  # yyyymmdd
            try:
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                return None
        return _from_epoch(float(text)) if len(text) >= 9 else None
    rfc = parsedate_tz(text) if "," in text or text[:3].isalpha() else None
    if rfc is not None and rfc[0] and rfc[1] and rfc[2]:
        try:
            return date(rfc[0], rfc[1], rfc[2])
        except ValueError:
            pass
    # Slow path: dateutil, twice with different defaults; a field that follows the default was
    # missing from the text, and a missing field is never invented.
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A)
        second = dateutil_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    return first.date()


def _from_epoch(seconds: float) -> date | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
