"""Date expressions: metadata date parsing, date mentions in text, and date windows in questions.

Does not do retrieval or ranking with dates; it only turns text into normalized dates.

Public API
----------
- ``parse_published(value)``: a metadata date (ISO, RFC 822, datetime, epoch) -> ``date | None``.
  Never invents a component: "March 2014" or "March 5" (no day / no year) give None.
- ``date_to_int(d)``: yyyymmdd as an int (for Chroma's numeric filters).
- ``extract_date_mentions(text, reference=None)``: every date a text mentions, as ``DateMention``
  (``text[start:end] == mention.text``) with an ISO value of the precision the text has:
  "2025-02-26" (day), "2014-03" (month), "2022" (year). Without a reference, year-less values are
  ISO 8601 "--02-26" (month-day) and "--03" (month); relative expressions are skipped.
- ``resolve_query_dates(question, as_of)``: the ``DateWindow`` a question asks about, or None.
- ``strip_date_expressions(question)``: the question without its relative date phrases.
- ``mention_overlap(window, value)``: a mention value vs a window.

Rules for mentions (text of an article, ``reference`` = its published date)
--------------------------------------------------------------------------
- Month names must be capitalized ("may", "a march" are never dates). Abbreviations: Jan Feb Mar
  Apr Jun Jul Aug Sep Sept Oct Nov Dec, with or without a period. A month alone ("in March") is a
  mention only after a preposition/modifier (in, since, by, until, through(out), during, from,
  before, after, of, early, late, mid, last, this, next), so "Theresa May said" and "the March on
  Washington" are not. Days are validated (Feb 30 is skipped; Feb 29 only in leap years).
- Bare years are 1800-2100 as a standalone 4-digit token not followed by a unit ("2000 people",
  "1900 GMT"), not part of a number, money, a path or a decade ("1990s").
- Year-less day/month with a reference: the latest year that puts the date (a month: its first
  day) no more than ``LOOKAHEAD_DAYS`` (153, ~5 months) after the reference, i.e. the recent past
  unless it is a date of the coming months: reference 2022-01-10 and "December 28" -> 2021-12-28;
  reference 2022-02-25 and "March 3" -> 2022-03-03; reference 2025-03-10 and "In January" ->
  2025-01; reference 2022-06-16 and "Nov. 8" -> 2022-11-08 (an announced election), "December 5"
  -> 2021-12-05. Measured on the dev corpus: of 2,673 year-less day mentions, 1,327 fall on or
  before the reference in its year, 1,030 up to 2 months after it, 237 two to six months after it
  (read in context these are nearly all announced future dates: deadlines, releases, elections,
  as AP style omits the year for dates of the current year), and 79 more than six months after it
  (mostly last year's). Hence five months rather than two.
  "last March" is the most recent March before the reference's month, "next March" the first after
  it, "this March" the reference's year.
- Weekdays ("on Monday", "Monday's vote", "early Thursday") need a reference: the most recent such
  day on or before it; "last/past Monday" strictly before it; "next Monday" strictly after it;
  "this Monday" the one in the reference's Monday-Sunday week. A weekday directly followed by an
  explicit date ("Sunday 21 January 2024") yields only the date. "Black Friday", "Sunday Times",
  "Monday Night Football" and other names are skipped; abbreviations ("Sun", "Wed") never count.
- Relative expressions need a reference: "today"/"tonight", "yesterday", "tomorrow", "N days ago",
  "this/last/next month" (month), "this/last/next year", "N years ago" (year). Week phrases
  ("last week"), vague ones ("recently", "a few days ago") and "the last year" (twelve months, not
  a calendar year) give no mention.

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

Scoring mention values against a window (``mention_overlap``)
------------------------------------------------------------
1.0 when the mention lies within the window (a day in it; a month or year wholly inside it);
0.5 for a month mention that overlaps the window without lying inside it (e.g. contains the day);
0.25 for such a year mention; 0.0 otherwise or for a malformed value. Year-less values ("--02-26",
"--03") score as if dated in whichever year of the window fits best.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_tz
from typing import Literal

from dateutil import parser as dateutil_parser

from assistant.models import DateMention, DateWindow

LOOKAHEAD_DAYS = 153
"""How far after the reference a year-less mention may fall before it is read as last year's."""

RECENT_DAYS = 14
"""Width of the window for "recently", "lately", "in recent days" (days ending at as_of)."""

# ---------------------------------------------------------------------------------------------
# parse_published

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


def date_to_int(d: date) -> int:
    """yyyymmdd as an integer: Chroma's $gte/$lte filters take numbers only."""
    return d.year * 10000 + d.month * 100 + d.day


# ---------------------------------------------------------------------------------------------
# The scanner: one compiled regex, alternatives tried in order at each position.

_MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_MONTH_ABBR = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_WS = r"[^\S\n]+"  # whitespace on one line
_FULL = "|".join(_MONTHS)
_ABBR = "Sept|Sep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec"
_MON = rf"(?:(?:{_FULL})\b|(?:{_ABBR})\b\.?)"  # "February", "Feb", "Feb."
_MON_ALONE = rf"(?:(?:{_FULL})\b|(?:{_ABBR})\.)"  # without a day or year an abbreviation needs "."
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])"
_ORD = r"(?:st|nd|rd|th)?\b(?![.,:][0-9])"
_YEAR_FULL = r"(?:1[0-9]|20)[0-9]{2}(?![0-9])"  # with a month: 1000-2099
_YEAR_SEP = rf"(?:{_WS}|[^\S\n]*,[^\S\n]*)"
_NUM = r"(?:[0-9]{1,2}|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"
_UNITS = (
    r"people|persons|troops|soldiers|residents|workers|employees|jobs|homes|houses|cars|vehicles"
    r"|times|miles|km|kilometers|kilometres|meters|metres|feet|ft|yards|pounds|lbs|kg|kilograms"
    r"|tons|tonnes|acres|hectares|points|votes|hours|hrs|GMT|UTC|ET|EST|EDT|PT|PST|PDT|BST|CET"
    r"|cases|deaths|calories|units|copies|shares|seats|students|members|patients|children|mph"
)
_MONTH_PREFIX = (
    r"(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Tt]hroughout|[Tt]hrough|[Dd]uring|[Ff]rom|[Bb]efore"
    r"|[Aa]fter|[Oo]f|[Ee]arly|[Ll]ate|[Mm]id|[Ll]ast|[Tt]his|[Nn]ext)"
)
_WEEKDAY_NAMES = "|".join(_WEEKDAYS)
_WEEKDAY_NAME_AFTER = (
    r"Times|Telegraph|Night|Morning|Express|Post|Mirror|Herald|Mail|Service|School|Mass|Sport"
    r"|People|Independent|Star|Funday|Club|Show|Edition|Review|Magazine|Tribune|Journal"
)

_SCAN = re.compile(
    "|".join(
        [
            # 2022-06-12
            r"(?P<ISO>(?<![\w/.-])(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{2})-(?P<iso_d>[0-9]{2})"
            r"(?![0-9]|[-/][0-9]))",
            # 6/12/2022 (US order)
            r"(?P<US>(?<![\w/.-])(?P<us_m>[0-9]{1,2})/(?P<us_d>[0-9]{1,2})/(?P<us_y>[0-9]{4})"
            r"(?![0-9]|/[0-9]))",
            # Fourth of July
            rf"(?P<J4>\b(?:[Tt]he{_WS})?Fourth{_WS}of{_WS}July\b)",
            # February 26, Feb. 26th, February 26, 2025
            rf"(?P<MD>\b(?P<md_mon>{_MON}){_WS}(?:the{_WS})?(?P<md_day>{_DAY}){_ORD}"
            rf"(?:{_YEAR_SEP}(?P<md_y>{_YEAR_FULL})(?![\w%]|[.,][0-9]))?)",
            # 26 February, 26th of February, 26 Feb. 2025
            rf"(?P<DM>(?<![\w.,/:$£€#-])(?P<dm_day>{_DAY}){_ORD}{_WS}(?:of{_WS})?"
            rf"(?P<dm_mon>{_MON})(?!\.?{_WS}{_DAY}{_ORD})"
            rf"(?:{_YEAR_SEP}(?P<dm_y>{_YEAR_FULL})(?![\w%]|[.,][0-9]))?)",
            # March 2014, March of 2014
            rf"(?P<MY>\b(?P<my_mon>{_MON})(?:{_WS}of)?{_YEAR_SEP}(?P<my_y>{_YEAR_FULL})"
            r"(?![\w%]|[.,][0-9]))",
            # in March, since early March, last May
            rf"(?P<MO>\b(?P<mo_pre>{_MONTH_PREFIX})(?:{_WS}(?:early|late|mid|the{_WS}"
            rf"(?:end|beginning|start|middle){_WS}of))?(?:{_WS}|-)(?P<mo_mon>{_MON_ALONE})"
            rf"(?!(?:{_WS}of)?[^\S\n]*[0-9]|[^\S\n]*,[^\S\n]*[12][0-9]{{3}}|['’]s\b|{_WS}Madness))",
            # 2014 (a bare year)
            r"(?P<YR>(?<![\w$£€#/])(?<![0-9][.,])(?<!(?<![0-9])[0-9]{3}-)"  # not 555-2012
            r"(?P<yr>1[89][0-9]{2}|20[0-9]{2}|2100)"
            rf"(?![\w/%°]|[.,][0-9]|{_WS}(?:{_UNITS})\b))",
            # Monday, last Friday, Tuesday's
            rf"(?P<WD>\b(?:(?P<wd_mod>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast){_WS})?"
            rf"(?P<wd>{_WEEKDAY_NAMES})\b(?!,?{_WS}(?:the{_WS})?(?:[0-9]|{_MON})"
            rf"|{_WS}(?:{_WEEKDAY_NAME_AFTER})\b))",
            # yesterday, today, tonight, tomorrow
            r"(?P<REL>\b(?P<rel>[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]omorrow)\b)",
            # last year, this month, next year
            rf"(?P<RU>\b(?P<ru_mod>[Ll]ast|[Tt]his|[Nn]ext){_WS}(?P<ru_unit>year|month)\b)",
            # three days ago, 20 years ago
            rf"(?P<AGO>\b(?P<ago_n>{_NUM}){_WS}(?P<ago_unit>day|month|year)s?{_WS}ago\b)",
        ]
    )
)

# Speed: `re` tries every alternative of _SCAN at every position, ~1 us per character. Every match
# contains an anchor word (a month name, a weekday, "today", "year", "ago", ...) or starts at a
# digit, and begins at a word start at most a short lead-in before that anchor; str.find locates
# anchors far faster than the regex scan. So _scan tries _SCAN.match only at those word starts and
# keeps finditer's leftmost, non-overlapping order. Lead-ins cover "throughout the beginning of
# March", "last Wednesday", "twelve months ago". Equivalence with _SCAN.finditer is tested.
_DIGIT_ANCHORS = "0123456789"
_WEEKDAY_WORDS = frozenset(_WEEKDAYS) | {"today", "Today", "yesterday", "Yesterday"}
_WORD_ANCHORS: tuple[tuple[str, frozenset[str], int], ...] = (
    # (needle, the words containing it that count, lead-in characters before the word)
    *(
        (name[:3], frozenset({name} | {a for a in _MONTH_ABBR if a.startswith(name[:3])}), 40)
        for name in _MONTHS
    ),
    ("day", _WEEKDAY_WORDS, 8),
    ("year", frozenset({"year"}), 8),
    ("month", frozenset({"month"}), 8),
    ("ago", frozenset({"ago"}), 24),
    ("Fourth", frozenset({"Fourth"}), 6),
    ("onight", frozenset({"tonight", "Tonight"}), 0),
    ("omorrow", frozenset({"tomorrow", "Tomorrow"}), 0),
)
_WORD_START = re.compile(r"\b\w")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _candidate_starts(text: str) -> list[int]:
    """Every position where a _SCAN match can start (a superset), sorted."""
    starts: set[int] = set()
    find = text.find
    n = len(text)
    for digit in _DIGIT_ANCHORS:
        i = find(digit)
        while i != -1:
            if i == 0 or not _is_word_char(text[i - 1]):
                starts.add(i)
            i = find(digit, i + 1)
    for needle, words, lead in _WORD_ANCHORS:
        i = find(needle)
        while i != -1:
            j = i
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            k = i + len(needle)
            while k < n and text[k].isalpha():
                k += 1
            if text[j:k] in words:
                if lead:
                    starts.update(
                        m.start() for m in _WORD_START.finditer(text, max(0, j - lead), j + 1)
                    )
                else:
                    starts.add(j)
            i = find(needle, k)
    return sorted(starts)


def _scan(text: str) -> Iterator[re.Match[str]]:
    """The matches of _SCAN.finditer(text), found by trying only candidate starts."""
    end = 0
    match = _SCAN.match
    for i in _candidate_starts(text):
        if i < end:
            continue
        m = match(text, i)
        if m is not None:
            end = m.end()
            yield m


_WEEKDAY_NAME_BEFORE = re.compile(
    r"(?:Black|Cyber|Good|Ash|Super|Holy|Easter|Palm|Bloody|Giving|Fat|Maundy|Shrove|Whit|Low"
    r"|Trinity|Rose|Manic|Blue|Casual|Freaky|Throwback|Travel|Business|Mail on|Bowl)[^\S\n]+$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"'“‘(\[\n—–-])[^\S\n]*$")
_YEAR_PREFIX = re.compile(
    r"(?:\b(?:[Ii]n|[Dd]uring|[Ss]ince|[Oo]f|[Tt]hroughout|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id)[^\S\n]+"
    r"|\b[Mm]id-)$"
)
_SINCE_BEFORE = re.compile(r"\b(?:[Ss]ince|[Aa]fter)[^\S\n]+$")


def _month_of(name: str) -> int:
    name = name.rstrip(".")
    return _MONTHS.get(name) or _MONTH_ABBR[name]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day_exists(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (
        29 if month == 2 else calendar.monthrange(2001, month)[1]
    )


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _weekday(name: str, modifier: str | None, ref: date) -> date:
    """The date of a weekday named relative to ref (see the module docstring)."""
    target = _WEEKDAYS[name]
    mod = (modifier or "").lower()
    if mod in ("last", "past"):
        return ref - timedelta(days=(ref.weekday() - target - 1) % 7 + 1)
    if mod == "next":
        return ref + timedelta(days=(target - ref.weekday() - 1) % 7 + 1)
    if mod == "this":
        return ref + timedelta(days=target - ref.weekday())
    return ref - timedelta(days=(ref.weekday() - target) % 7)


def _resolve_day_near(month: int, day: int, ref: date, lookahead: int) -> date | None:
    """The latest date with this month-day that is at most `lookahead` days after ref."""
    limit = ref + timedelta(days=lookahead)
    for year in range(limit.year, limit.year - 9, -1):
        d = _valid(year, month, day)
        if d is not None and d <= limit:
            return d
    return None


def _resolve_month_near(month: int, modifier: str, ref: date, lookahead: int) -> tuple[int, int]:
    mod = modifier.lower()
    if mod == "this":
        return ref.year, month
    if mod == "last":
        return (ref.year if month < ref.month else ref.year - 1), month
    if mod == "next":
        return (ref.year if month > ref.month else ref.year + 1), month
    limit = ref + timedelta(days=lookahead)
    year = limit.year if month <= limit.month else limit.year - 1
    return year, month


def _year_ok(year: int) -> bool:
    return 1000 <= year <= 2100


# ---------------------------------------------------------------------------------------------
# Mentions


def _month_value(year: int, month: int, start: int, end: int) -> tuple[str, int, int] | None:
    return (f"{year:04d}-{month:02d}", start, end) if 1 <= year <= 9999 else None


def _year_value(year: int, start: int, end: int) -> tuple[str, int, int] | None:
    return (f"{year:04d}", start, end) if 1 <= year <= 9999 else None


def _mention_value(m: re.Match[str], text: str, ref: date | None) -> tuple[str, int, int] | None:
    """The normalized value and span of one scanner match, or None to skip it."""
    kind = m.lastgroup
    start, end = m.span()
    if kind == "ISO" or kind == "US":
        p = "iso" if kind == "ISO" else "us"
        d = _valid(int(m[p + "_y"]), int(m[p + "_m"]), int(m[p + "_d"]))
        if d is None or not _year_ok(d.year):
            return None
        return d.isoformat(), start, end
    if kind == "MD" or kind == "DM" or kind == "J4":
        if kind == "J4":
            month, day, ystr = 7, 4, None
        else:
            p = "md" if kind == "MD" else "dm"
            month, day, ystr = _month_of(m[p + "_mon"]), int(m[p + "_day"]), m[p + "_y"]
        if ystr is not None:
            d = _valid(int(ystr), month, day)
            return (d.isoformat(), start, end) if d is not None else None
        if not _month_day_exists(month, day):
            return None
        if ref is None:
            return f"--{month:02d}-{day:02d}", start, end
        d = _resolve_day_near(month, day, ref, LOOKAHEAD_DAYS)
        return (d.isoformat(), start, end) if d is not None else None
    if kind == "MY":
        year = int(m["my_y"])
        return f"{year:04d}-{_month_of(m['my_mon']):02d}", start, end
    if kind == "MO":
        month = _month_of(m["mo_mon"])
        start = m.start("mo_mon")
        if ref is None:
            return f"--{month:02d}", start, end
        year, month = _resolve_month_near(month, m["mo_pre"], ref, LOOKAHEAD_DAYS)
        return _month_value(year, month, start, end)
    if kind == "YR":
        return m["yr"], start, end
    if ref is None:
        return None
    if kind == "WD":
        if _WEEKDAY_NAME_BEFORE.search(text, max(0, start - 14), start):
            return None
        return _weekday(m["wd"], m["wd_mod"], ref).isoformat(), start, end
    if kind == "REL":
        word = m["rel"]
        if word == "Today" and not _SENTENCE_START.search(text, max(0, start - 8), start):
            return None  # "USA Today", "the Today show"
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[word.lower()]
        return (ref + timedelta(days=offset)).isoformat(), start, end
    if kind == "RU":
        if text[max(0, start - 4) : start].lower() == "the ":
            return None  # "the last year" is the past twelve months, not a calendar year
        delta = {"last": -1, "this": 0, "next": 1}[m["ru_mod"].lower()]
        if m["ru_unit"] == "year":
            return _year_value(ref.year + delta, start, end)
        year, month = _shift_month(ref.year, ref.month, delta)
        return _month_value(year, month, start, end)
    if kind == "AGO":
        n = _number(m["ago_n"])
        unit = m["ago_unit"]
        if unit == "day":
            return (ref - timedelta(days=n)).isoformat(), start, end
        if unit == "month":
            year, month = _shift_month(ref.year, ref.month, -n)
            return _month_value(year, month, start, end)
        return _year_value(ref.year - n, start, end)
    return None


def extract_date_mentions(text: str, reference: date | None = None) -> list[DateMention]:
    """Every date the text mentions, in text order, normalized (rules in the module docstring).

    `reference` is the date the text was written (an article's published date): it gives year-less
    dates their year and resolves weekdays and relative expressions; without it, year-less dates
    become "--MM-DD"/"--MM" and relative expressions are skipped.
    """
    mentions: list[DateMention] = []
    for m in _scan(text):
        try:
            found = _mention_value(m, text, reference)
        except (OverflowError, ValueError):  # a reference at the ends of the calendar
            continue
        if found is not None:
            value, start, end = found
            mentions.append(DateMention(value=value, start=start, end=end, text=text[start:end]))
    return mentions


# ---------------------------------------------------------------------------------------------
# Questions

_QREL = re.compile(
    "|".join(
        [
            rf"(?P<QWEEK>\b(?P<qw_pre>(?:(?:[Ee]arlier|[Ll]ater){_WS})?(?:[Tt]his{_WS}past|[Tt]he"
            rf"{_WS}past|[Tt]he{_WS}last|[Tt]his|[Ll]ast|[Pp]ast|[Nn]ext)){_WS}week\b)",
            rf"(?P<QWEEKEND>\b(?P<qe_pre>[Oo]ver{_WS}the|[Tt]his{_WS}past|[Tt]he{_WS}past|[Tt]his"
            rf"|[Ll]ast|[Tt]he){_WS}weekend\b)",
            rf"(?P<QPASTN>\b(?:(?:[Ii]n|[Oo]ver|[Dd]uring){_WS})?(?:[Tt]he{_WS})?(?:[Pp]ast|[Ll]ast)"
            rf"{_WS}(?P<qp_n>[0-9]{{1,2}}|few|several|two|three|four|five|six|seven|eight|nine|ten)"
            rf"{_WS}(?P<qp_unit>days|weeks)\b)",
            rf"(?P<QRECENT>\b(?:[Rr]ecently|[Ll]ately|(?:(?:[Ii]n|[Oo]ver){_WS}(?:the{_WS})?)?"
            rf"recent{_WS}(?P<qr_unit>days|weeks))\b)",
            rf"(?P<QWAGO>\b(?P<qa_n>{_NUM}){_WS}weeks?{_WS}ago\b)",
        ]
    )
)

_RANGE_END = (
    rf"(?:(?P<r2_mon>{_MON}){_WS}(?P<r2_md>{_DAY}){_ORD}|(?P<r2_dm>{_DAY}){_ORD}{_WS}(?:of{_WS})?"
    rf"(?P<r2_mon2>{_MON})|(?P<r2_day>{_DAY}){_ORD})(?:{_YEAR_SEP}(?P<r2_y>{_YEAR_FULL}))?"
)
_RANGE = re.compile(
    rf"(?:\b(?:[Bb]etween|[Ff]rom){_WS})?(?:(?P<r1_mon>{_MON}){_WS}(?P<r1_md>{_DAY}){_ORD}"
    rf"|(?P<r1_dm>{_DAY}){_ORD}{_WS}(?:of{_WS})?(?P<r1_mon2>{_MON}))"
    rf"(?:{_YEAR_SEP}(?P<r1_y>{_YEAR_FULL}))?"
    rf"(?:{_WS}(?:and|to|until|till|through|thru){_WS}|[^\S\n]*[-–][^\S\n]*)" + _RANGE_END
)
_YEAR_RANGE = re.compile(
    rf"\b(?:[Bb]etween|[Ff]rom){_WS}(?P<y1>1[89][0-9]{{2}}|20[0-9]{{2}})"
    rf"(?:{_WS}(?:and|to|until|through){_WS}|[^\S\n]*[-–][^\S\n]*)(?P<y2>1[89][0-9]{{2}}|20[0-9]{{2}})\b"
)

WindowKind = Literal["day", "month", "year", "range", "relative"]
Precision = Literal["day", "month", "year"]
_KIND_RANK = {"day": 0, "range": 1, "month": 2, "year": 3, "relative": 4}


def _window(start: date, end: date, expression: str, kind: WindowKind) -> DateWindow:
    return DateWindow(start=start, end=end, expression=expression, kind=kind)


def _latest_on_or_before(month: int, day: int, as_of: date) -> date | None:
    return _resolve_day_near(month, day, as_of, 0)


def _range_window(m: re.Match[str], as_of: date) -> DateWindow | None:
    month1 = _month_of(m["r1_mon"] or m["r1_mon2"])
    day1 = int(m["r1_md"] or m["r1_dm"])
    if m["r2_day"]:
        month2, day2 = month1, int(m["r2_day"])
    else:
        month2 = _month_of(m["r2_mon"] or m["r2_mon2"])
        day2 = int(m["r2_md"] or m["r2_dm"])
    y1 = int(m["r1_y"]) if m["r1_y"] else None
    y2 = int(m["r2_y"]) if m["r2_y"] else None
    if y1 is None and y2 is not None:
        y1 = y2 if (month1, day1) <= (month2, day2) else y2 - 1
    if y1 is not None:
        start = _valid(y1, month1, day1)
    else:
        start = (
            _latest_on_or_before(month1, day1, as_of) if _month_day_exists(month1, day1) else None
        )
    if start is None:
        return None
    if y2 is None:
        y2 = start.year if (month2, day2) >= (month1, day1) else start.year + 1
    end = _valid(y2, month2, day2)
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
        value = _mention_value(m, question, None)
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
        first, last = _month_bounds(int(m["my_y"]), _month_of(m["my_mon"]))
        window = _window(first, last, m[0], "month")
    elif kind == "MO":
        month = _month_of(m["mo_mon"])
        prefix = m["mo_pre"].lower()
        since = prefix in ("since", "after")
        if prefix in ("before", "until", "till", "by"):
            return None
        if prefix in ("last", "this", "next"):
            year, month = _resolve_month_near(month, prefix, as_of, 0)
        else:
            year = as_of.year if month <= as_of.month else as_of.year - 1
        first, last = _month_bounds(year, month)
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
        value = _mention_value(m, question, as_of)
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
        first, last = _month_bounds(*_shift_month(as_of.year, as_of.month, delta))
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
            days = _number(word) * (7 if weeks else 1)
        if days < 1:
            return None
        return _window(as_of - timedelta(days=days - 1), as_of, expr, "range")
    if kind == "QRECENT":
        days = 28 if m["qr_unit"] == "weeks" else RECENT_DAYS
        return _window(as_of - timedelta(days=days - 1), as_of, expr, "relative")
    if kind == "QWAGO":
        center = as_of - timedelta(days=7 * _number(m["qa_n"]))
        return _window(center - timedelta(days=3), center + timedelta(days=3), expr, "range")
    return None


def _value_window(value: str, expression: str) -> DateWindow | None:
    interval = _interval(value)
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
    for m in _SCAN.finditer(question):
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


def resolve_query_dates(question: str, as_of: date) -> DateWindow | None:
    """The date window a question asks about, resolved against `as_of`; None if it has no date.

    With several expressions the absolute one wins over a relative one, then the narrowest window,
    then the first in the question (rules in the module docstring).
    """
    try:
        candidates = _query_candidates(question, as_of)
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
    for m in _SCAN.finditer(question):
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


# ---------------------------------------------------------------------------------------------
# Matching mention values against a window

_VALUE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?|--([0-9]{2})(?:-([0-9]{2}))?")


def _interval(value: str) -> tuple[date, date, Precision] | None:
    """(first day, last day, precision) of a dated value; None for year-less or malformed."""
    m = _VALUE.fullmatch(value)
    if m is None or m[1] is None:
        return None
    year = int(m[1])
    try:
        if m[3] is not None:
            d = date(year, int(m[2]), int(m[3]))
            return d, d, "day"
        if m[2] is not None:
            first, last = _month_bounds(year, int(m[2]))
            return first, last, "month"
        return date(year, 1, 1), date(year, 12, 31), "year"
    except ValueError:
        return None


def _score(first: date, last: date, precision: Precision, window: DateWindow) -> float:
    if last < window.start or first > window.end:
        return 0.0
    if window.start <= first and last <= window.end:
        return 1.0
    return 0.5 if precision == "month" else 0.25


def mention_overlap(window: DateWindow, value: str) -> float:
    """How well a normalized mention value meets a window: 1.0, 0.5, 0.25 or 0.0 (module doc)."""
    m = _VALUE.fullmatch(value)
    if m is None:
        return 0.0
    if m[1] is not None:
        interval = _interval(value)
        return _score(*interval, window) if interval is not None else 0.0
    month = int(m[4])
    day = int(m[5]) if m[5] is not None else None
    if not 1 <= month <= 12 or (day is not None and not _month_day_exists(month, day)):
        return 0.0
    best = 0.0
    for year in range(window.start.year, min(window.end.year, window.start.year + 400) + 1):
        if day is not None:
            d = _valid(year, month, day)
            if d is None:
                continue
            score = _score(d, d, "day", window)
        else:
            score = _score(*_month_bounds(year, month), "month", window)
        best = max(best, score)
        if best == 1.0:
            break
    return best
