"""Date windows in questions: the ``DateWindow`` a question asks about, and the question without
its relative date phrases (for lexical search).

Does not read article text (``mentions``, whose scanner it reuses) or score mentions against the
window (``overlap``).

- ``resolve_query_dates(question, as_of)``: the ``DateWindow`` a question asks about, or None.
- ``strip_date_expressions(question)``: the question without its relative date phrases.

Rules for questions (``as_of`` = when the question is asked)
-----------------------------------------------------------
- Absolute: day ("Feb 26", "on 26 February", "2022-06-12", "6/12/2022"), month ("in March 2014"),
  year (a bare year only after in/during/since/of/throughout/after/early/late/mid: "in 2014"; "the
  2020 election" and "a card from 1952" are no window), ranges ("between March 1 and March 5",
  "from June 1 to June 7", "June 1-7"),
  "since X"/"after X" -> from X to as_of. A year-less date is the most recent such date on or before
  as_of; a year-less month the most recent month starting on or before as_of.
- Relative, with the news-quiz convention that questions look back from as_of:
  "today" = as_of, "yesterday" = as_of-1, "N days ago", weekdays as for mentions with
  reference=as_of; "this week" (also "the past week", "earlier this week") = the 7 days ending at
  as_of; "last week" = the 7 days before those (as_of-13 .. as_of-7); "over the weekend"/"this
  weekend"/"the weekend" = the most recent Saturday-Sunday whose Saturday is on or before as_of, and
  "last weekend" the most recent one already over (Sunday before as_of); "this month"/"this year" =
  the calendar month/year of as_of; "last month"/"last year" = the previous calendar month/year;
  "recently", "lately", "in recent days" = the 14 days ending at as_of (kind "relative"); "in recent
  weeks" = 28 days; "the past N days/weeks" = the N days/weeks ending at as_of ("the past few
  days" 7 days, "the past few weeks" 21); "N weeks ago" = the 7 days centred on as_of-7N;
  "tomorrow", "next week" (as_of+1 .. as_of+7), "next month/year" look ahead.
- Kinds: one day -> "day"; a calendar month -> "month"; a calendar year -> "year"; other spans
  ("this week", "June 1-7", "since 2014") -> "range"; vague ones ("recently") -> "relative".
- Several expressions: absolute beats relative, then the narrowest window, then the first one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from assistant.dates.calendar_math import (
    month_bounds,
    month_day_exists,
    resolve_day_near,
    resolve_month_near,
    shift_month,
    valid_date,
    value_interval,
)
from assistant.dates.mentions import SCAN, mention_value
from assistant.dates.vocabulary import (
    DAY,
    MON,
    MONTH_ABBR,
    MONTHS,
    NUM,
    ORD,
    WEEKDAYS,
    WS,
    YEAR_FULL,
    YEAR_SEP,
    month_of,
    number,
)
from assistant.models import DateWindow

RECENT_DAYS = 14
"""Width of the window for "recently", "lately", "in recent days" (days ending at as_of)."""

_QREL = re.compile(
    "|".join(
        [
            rf"(?P<QWEEK>\b(?P<qw_pre>(?:(?:[Ee]arlier|[Ll]ater){WS})?(?:[Tt]his{WS}past|[Tt]he"
            rf"{WS}past|[Tt]he{WS}last|[Tt]his|[Ll]ast|[Pp]ast|[Nn]ext)){WS}week\b)",
            rf"(?P<QWEEKEND>\b(?P<qe_pre>[Oo]ver{WS}the|[Tt]his{WS}past|[Tt]he{WS}past|[Tt]his"
            rf"|[Ll]ast|[Tt]he){WS}weekend\b)",
            rf"(?P<QPASTN>\b(?:(?:[Ii]n|[Oo]ver|[Dd]uring){WS})?(?:[Tt]he{WS})?(?:[Pp]ast|[Ll]ast)"
            rf"{WS}(?P<qp_n>[0-9]{{1,2}}|few|several|two|three|four|five|six|seven|eight|nine|ten)"
            rf"{WS}(?P<qp_unit>days|weeks)\b)",
            rf"(?P<QRECENT>\b(?:[Rr]ecently|[Ll]ately|(?:(?:[Ii]n|[Oo]ver){WS}(?:the{WS})?)?"
            rf"recent{WS}(?P<qr_unit>days|weeks))\b)",
            rf"(?P<QWAGO>\b(?P<qa_n>{NUM}){WS}weeks?{WS}ago\b)",
        ]
    )
)

_RANGE_END = (
    rf"(?:(?P<r2_mon>{MON}){WS}(?P<r2_md>{DAY}){ORD}|(?P<r2_dm>{DAY}){ORD}{WS}(?:of{WS})?"
    rf"(?P<r2_mon2>{MON})|(?P<r2_day>{DAY}){ORD})(?:{YEAR_SEP}(?P<r2_y>{YEAR_FULL}))?"
)
_RANGE = re.compile(
    rf"(?:\b(?:[Bb]etween|[Ff]rom){WS})?(?:(?P<r1_mon>{MON}){WS}(?P<r1_md>{DAY}){ORD}"
    rf"|(?P<r1_dm>{DAY}){ORD}{WS}(?:of{WS})?(?P<r1_mon2>{MON}))"
    rf"(?:{YEAR_SEP}(?P<r1_y>{YEAR_FULL}))?"
    rf"(?:{WS}(?:and|to|until|till|through|thru){WS}|[^\S\n]*[-–][^\S\n]*)" + _RANGE_END
)
_YEAR_RANGE = re.compile(
    rf"\b(?:[Bb]etween|[Ff]rom){WS}(?P<y1>1[89][0-9]{{2}}|20[0-9]{{2}})"
    rf"(?:{WS}(?:and|to|until|through){WS}|[^\S\n]*[-–][^\S\n]*)(?P<y2>1[89][0-9]{{2}}|20[0-9]{{2}})\b"
)

WindowKind = Literal["day", "month", "year", "range", "relative"]
_KIND_RANK = {"day": 0, "range": 1, "month": 2, "year": 3, "relative": 4}
_YEAR_PREFIX = re.compile(
    r"(?:\b(?:[Ii]n|[Dd]uring|[Ss]ince|[Oo]f|[Tt]hroughout|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id)[^\S\n]+"
    r"|\b[Mm]id-)$"
)
_SINCE_BEFORE = re.compile(r"\b(?:[Ss]ince|[Aa]fter)[^\S\n]+$")


def _window(start: date, end: date, expression: str, kind: WindowKind) -> DateWindow:
    return DateWindow(start=start, end=end, expression=expression, kind=kind)


def _latest_on_or_before(month: int, day: int, as_of: date) -> date | None:
    return resolve_day_near(month, day, as_of, 0)


def _range_window(m: re.Match[str], as_of: date) -> DateWindow | None:
    month1 = month_of(m["r1_mon"] or m["r1_mon2"])
    day1 = int(m["r1_md"] or m["r1_dm"])
    if m["r2_day"]:
        month2, day2 = month1, int(m["r2_day"])
    else:
        month2 = month_of(m["r2_mon"] or m["r2_mon2"])
        day2 = int(m["r2_md"] or m["r2_dm"])
    y1 = int(m["r1_y"]) if m["r1_y"] else None
    y2 = int(m["r2_y"]) if m["r2_y"] else None
    if y1 is None and y2 is not None:
        y1 = y2 if (month1, day1) <= (month2, day2) else y2 - 1
    if y1 is not None:
        start = valid_date(y1, month1, day1)
    else:
        start = (
            _latest_on_or_before(month1, day1, as_of) if month_day_exists(month1, day1) else None
        )
    if start is None:
        return None
    if y2 is None:
        y2 = start.year if (month2, day2) >= (month1, day1) else start.year + 1
    end = valid_date(y2, month2, day2)
    if end is None or end < start:
        return None
    return _window(start, end, m[0], "range")


def _absolute_window(m: re.Match[str], question: str, as_of: date) -> DateWindow | None:
    """A window for one scanner match in a question; None for matches that make no window."""
    kind = m.lastgroup
    start_pos = m.start()
    since = bool(_SINCE_BEFORE.search(question, max(0, start_pos - 7), start_pos))
    window: DateWindow | None = None
    if kind in ("ISO", "US", "MD", "DM", "J4"):
        value = mention_value(m, question, None)
        if value is None:
            return None
        if value[0].startswith("--"):
            month, day = int(value[0][2:4]), int(value[0][5:7])
            d = _latest_on_or_before(month, day, as_of)
        else:
            d = date.fromisoformat(value[0])
        if d is None:
            return None
        window = _window(d, d, m[0], "day")
    elif kind == "MY":
        first, last = month_bounds(int(m["my_y"]), month_of(m["my_mon"]))
        window = _window(first, last, m[0], "month")
    elif kind == "MO":
        month = month_of(m["mo_mon"])
        prefix = m["mo_pre"].lower()
        since = prefix in ("since", "after")
        if prefix in ("before", "until", "till", "by"):
            return None
        if prefix in ("last", "this", "next"):
            year, month = resolve_month_near(month, prefix, as_of, 0)
        else:
            year = as_of.year if month <= as_of.month else as_of.year - 1
        first, last = month_bounds(year, month)
        window = _window(first, last, question[m.start("mo_mon") : m.end()], "month")
    elif kind == "YR":
        if not _YEAR_PREFIX.search(question, max(0, start_pos - 12), start_pos):
            return None  # "the 2020 election" names an event; "in 2020" asks about a year
        year = int(m["yr"])
        window = _window(date(year, 1, 1), date(year, 12, 31), m[0], "year")
    if window is None:
        return None
    if since:
        if window.start > as_of:
            return None
        return _window(window.start, as_of, window.expression, "range")
    return window


def _relative_window(m: re.Match[str], question: str, as_of: date) -> DateWindow | None:
    kind = m.lastgroup
    expr = m[0]
    if kind in ("WD", "REL", "AGO"):
        value = mention_value(m, question, as_of)
        if value is None:
            return None
        if kind == "AGO" and m["ago_unit"] != "day":
            return _value_window(value[0], expr)
        d = date.fromisoformat(value[0])
        return _window(d, d, expr, "day")
    if kind == "RU":
        delta = {"last": -1, "this": 0, "next": 1}[m["ru_mod"].lower()]
        if m["ru_unit"] == "year":
            year = as_of.year + delta
            return _window(date(year, 1, 1), date(year, 12, 31), expr, "year")
        first, last = month_bounds(*shift_month(as_of.year, as_of.month, delta))
        return _window(first, last, expr, "month")
    if kind == "QWEEK":
        pre = m["qw_pre"].lower().split()[-1]
        if pre == "last" and not m["qw_pre"].lower().startswith("the"):
            return _window(as_of - timedelta(days=13), as_of - timedelta(days=7), expr, "range")
        if pre == "next":
            return _window(as_of + timedelta(days=1), as_of + timedelta(days=7), expr, "range")
        return _window(as_of - timedelta(days=6), as_of, expr, "range")
    if kind == "QWEEKEND":
        saturday = as_of - timedelta(days=(as_of.weekday() - 5) % 7)
        if m["qe_pre"].lower() == "last" and saturday + timedelta(days=1) >= as_of:
            saturday -= timedelta(days=7)
        return _window(saturday, saturday + timedelta(days=1), expr, "range")
    if kind == "QPASTN":
        word = m["qp_n"]
        weeks = m["qp_unit"] == "weeks"
        if word in ("few", "several"):
            days = 21 if weeks else 7
        else:
            days = number(word) * (7 if weeks else 1)
        if days < 1:
            return None
        return _window(as_of - timedelta(days=days - 1), as_of, expr, "range")
    if kind == "QRECENT":
        days = 28 if m["qr_unit"] == "weeks" else RECENT_DAYS
        return _window(as_of - timedelta(days=days - 1), as_of, expr, "relative")
    if kind == "QWAGO":
        center = as_of - timedelta(days=7 * number(m["qa_n"]))
        return _window(center - timedelta(days=3), center + timedelta(days=3), expr, "range")
    return None


def _value_window(value: str, expression: str) -> DateWindow | None:
    interval = value_interval(value)
    if interval is None:
        return None
    first, last, precision = interval
    return _window(first, last, expression, precision)


_RELATIVE_KINDS = frozenset({"WD", "REL", "RU", "AGO"})


def _query_candidates(question: str, as_of: date) -> list[tuple[bool, DateWindow, int, int]]:
    """(is_relative, window, start, end) for every date expression of a question."""
    found: list[tuple[bool, DateWindow, int, int]] = []
    taken: list[tuple[int, int]] = []
    for rx in (_RANGE, _YEAR_RANGE):
        for m in rx.finditer(question):
            if rx is _RANGE:
                window = _range_window(m, as_of)
            else:
                y1, y2 = int(m["y1"]), int(m["y2"])
                window = (
                    _window(date(y1, 1, 1), date(y2, 12, 31), m[0], "range") if y1 <= y2 else None
                )
            if window is not None:
                found.append((False, window, m.start(), m.end()))
                taken.append(m.span())
    for m in _QREL.finditer(question):
        window = _relative_window(m, question, as_of)
        if window is not None:
            found.append((True, window, m.start(), m.end()))
            taken.append(m.span())
    for m in SCAN.finditer(question):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        relative = m.lastgroup in _RELATIVE_KINDS
        if relative:
            window = _relative_window(m, question, as_of)
        else:
            window = _absolute_window(m, question, as_of)
        if window is not None:
            found.append((relative, window, m.start(), m.end()))
    return found


_LOWER_MONTH = "|".join(
    sorted((n.lower() for n in (*MONTHS, *MONTH_ABBR) if n != "May"), key=len, reverse=True)
)
_CASE_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?\b"
_TYPED_MONTH = re.compile(
    # feb 26, february 26th, march 2014, may 5 (a month before a day or a year)
    rf"\b(?P<m1>{_LOWER_MONTH}|may)\.?(?=[^\S\n]+(?:the[^\S\n]+)?(?:{_CASE_DAY}|[12][0-9]{{3}}\b))"
    # 26 feb, 26th of february
    rf"|(?<=[0-9])(?:st|nd|rd|th)?[^\S\n]+(?:of[^\S\n]+)?(?P<m2>{_LOWER_MONTH}|may)\b"
    # in march, since june, early august ("may" only where it cannot be the verb)
    rf"|\b(?:in|since|until|till|during|from|before|after|through|throughout|early|late|mid|last"
    rf"|next)[^\S\n]+(?P<m3>{_LOWER_MONTH})\b(?![^\S\n]+[a-z]+['’]?s\b)"
    rf"|\b(?:in|since|until|during|early|late|mid|last|next)[^\S\n]+(?P<m4>may)\b"
    r"(?![^\S\n]+(?:be|have|not|also|still|soon|never|well|want|need|get|take|go|come|see)\b)"
)
_COMPACT = re.compile(rf"\b(?P<mon>{_LOWER_MONTH})(?P<day>{_CASE_DAY})", re.I)
_TYPED_WEEKDAY = re.compile(r"\b(?:" + "|".join(w.lower() for w in WEEKDAYS) + r")\b")


def recase_dates(question: str) -> str:
    """The question with dates typed in lower case written as the scanner expects them.

    Chat users type "what did trump say on february 26th", "feb 26", "feb26" or "on tuesday".
    Month names become capitalized where the words around them make a date ("feb 26", "26 feb",
    "in march", "june 2022"); "may" only before a day or year or after "in/since/early..." and
    not before a verb ("in may be", "this may"), and a name like "june" alone stays as typed.
    Weekday names are capitalized; "feb26" (a month abbreviation glued to a day) gets its space.
    """
    out = _COMPACT.sub(lambda m: f"{m['mon']} {m['day']}", question)

    def cap(m: re.Match[str]) -> str:
        name = next(g for g in ("m1", "m2", "m3", "m4") if m[g])
        s, e = m.span(name)
        return m[0][: s - m.start()] + m[name].capitalize() + m[0][e - m.start() :]

    out = _TYPED_MONTH.sub(cap, out)
    return _TYPED_WEEKDAY.sub(lambda m: m[0].capitalize(), out)


def resolve_query_dates(question: str, as_of: date) -> DateWindow | None:
    """The date window a question asks about, resolved against `as_of`; None if it has no date.

    With several expressions the absolute one wins over a relative one, then the narrowest window,
    then the first in the question (rules in the module docstring). Dates typed in lower case
    count too (`recase_dates`).
    """
    try:
        candidates = _query_candidates(recase_dates(question), as_of)
    except (OverflowError, ValueError):  # as_of at the ends of the calendar
        return None
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda c: (c[0], (c[1].end - c[1].start).days, _KIND_RANK[c[1].kind], c[2]),
    )
    return best[1]


_SPACE_BEFORE_PUNCT = re.compile(r"[^\S\n]+([?.!,;:])")
_MULTI_SPACE = re.compile(r"[^\S\n]{2,}")
_LEAD_IN = re.compile(
    r"(?:\b(?:[Aa]s[^\S\n]+of|[Ii]n|[Oo]n|[Oo]ver|[Dd]uring|[Ff]rom|[Ss]ince|[Ff]or|[Aa]t|[Oo]f|[Ww]ithin"
    r"|[Tt]hroughout)[^\S\n]+)?(?:\b[Tt]he[^\S\n]+)?$"
)


def strip_date_expressions(question: str) -> str:
    """The question without its relative date phrases, for lexical search.

    Removes "this week", "last week", "over the weekend", "recently", "lately", "in recent days",
    "the past N days", "N weeks/days ago", "yesterday", "today", "this/last month", "this/last year"
    (with a preposition or "the" just before them). Keeps absolute dates ("February 26",
    "in 2014") and weekday names ("on Monday"), which news articles repeat verbatim and so help
    lexical matching.
    """
    spans = [m.span() for m in _QREL.finditer(question)]
    for m in SCAN.finditer(question):
        if m.lastgroup in ("REL", "RU", "AGO") and not any(
            s < m.end() and m.start() < e for s, e in spans
        ):
            spans.append(m.span())
    if not spans:
        return question
    spans.sort()
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            continue
        lead = _LEAD_IN.search(question, pos, s)
        parts.append(question[pos : lead.start() if lead else s])
        pos = e
    parts.append(question[pos:])
    out = _MULTI_SPACE.sub(" ", "".join(parts))
    out = _SPACE_BEFORE_PUNCT.sub(r"\1", out)
    return out.strip()
