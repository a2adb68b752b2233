"""Date mentions in text: every date an article's text mentions, normalized, with exact offsets.

Does not parse metadata dates (``metadata``), read questions (``windows``) or score mentions
against a window (``overlap``).

``extract_date_mentions(text, reference=None)``: every date a text mentions, as ``DateMention``
(``text[start:end] == mention.text``) with an ISO value of the precision the text has:
"2025-02-26" (day), "2014-03" (month), "2022" (year). Without a reference, year-less values are
ISO 8601 "--02-26" (month-day) and "--03" (month); relative expressions are skipped.

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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from assistant.dates.calendar_math import (
    month_day_exists,
    resolve_day_near,
    resolve_month_near,
    shift,
    shift_month,
    valid_date,
)
from assistant.dates.vocabulary import (
    DAY,
    MON,
    MON_ALONE,
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
from assistant.models import DateMention

LOOKAHEAD_DAYS = 153
"""How far after the reference a year-less mention may fall before it is read as last year's."""

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
_WEEKDAY_NAMES = "|".join(WEEKDAYS)
_WEEKDAY_NAME_AFTER = (
    r"Times|Telegraph|Night|Morning|Express|Post|Mirror|Herald|Mail|Service|School|Mass|Sport"
    r"|People|Independent|Star|Funday|Club|Show|Edition|Review|Magazine|Tribune|Journal"
)

SCAN = re.compile(
    "|".join(
        [
            # 2022-06-12
            r"(?P<ISO>(?<![\w/.-])(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{2})-(?P<iso_d>[0-9]{2})"
            r"(?![0-9]|[-/][0-9]))",
            # 6/12/2022 (US order)
            r"(?P<US>(?<![\w/.-])(?P<us_m>[0-9]{1,2})/(?P<us_d>[0-9]{1,2})/(?P<us_y>[0-9]{4})"
            r"(?![0-9]|/[0-9]))",
            # Fourth of July
            rf"(?P<J4>\b(?:[Tt]he{WS})?Fourth{WS}of{WS}July\b)",
            # February 26, Feb. 26th, February 26, 2025
            rf"(?P<MD>\b(?P<md_mon>{MON}){WS}(?:the{WS})?(?P<md_day>{DAY}){ORD}"
            rf"(?:{YEAR_SEP}(?P<md_y>{YEAR_FULL})(?![\w%]|[.,][0-9]))?)",
            # 26 February, 26th of February, 26 Feb. 2025
            rf"(?P<DM>(?<![\w.,/:$£€#-])(?P<dm_day>{DAY}){ORD}{WS}(?:of{WS})?"
            rf"(?P<dm_mon>{MON})(?!\.?{WS}{DAY}{ORD})"
            rf"(?:{YEAR_SEP}(?P<dm_y>{YEAR_FULL})(?![\w%]|[.,][0-9]))?)",
            # March 2014, March of 2014
            rf"(?P<MY>\b(?P<my_mon>{MON})(?:{WS}of)?{YEAR_SEP}(?P<my_y>{YEAR_FULL})"
            r"(?![\w%]|[.,][0-9]))",
            # in March, since early March, last May
            rf"(?P<MO>\b(?P<mo_pre>{_MONTH_PREFIX})(?:{WS}(?:early|late|mid|the{WS}"
            rf"(?:end|beginning|start|middle){WS}of))?(?:{WS}|-)(?P<mo_mon>{MON_ALONE})"
            rf"(?!(?:{WS}of)?[^\S\n]*[0-9]|[^\S\n]*,[^\S\n]*[12][0-9]{{3}}|['’]s\b|{WS}Madness))",
            # 2014 (a bare year)
            r"(?P<YR>(?<![\w$£€#/])(?<![0-9][.,])(?<!(?<![0-9])[0-9]{3}-)"  # not 555-2012
            r"(?P<yr>1[89][0-9]{2}|20[0-9]{2}|2100)"
            rf"(?![\w/%°]|[.,][0-9]|{WS}(?:{_UNITS})\b))",
            # Monday, last Friday, Tuesday's
            rf"(?P<WD>\b(?:(?P<wd_mod>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast){WS})?"
            rf"(?P<wd>{_WEEKDAY_NAMES})\b(?!,?{WS}(?:the{WS})?(?:[0-9]|{MON})"
            rf"|{WS}(?:{_WEEKDAY_NAME_AFTER})\b))",
            # yesterday, today, tonight, tomorrow
            r"(?P<REL>\b(?P<rel>[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]omorrow)\b)",
            # last year, this month, next year
            rf"(?P<RU>\b(?P<ru_mod>[Ll]ast|[Tt]his|[Nn]ext){WS}(?P<ru_unit>year|month)\b)",
            # three days ago, 20 years ago
            rf"(?P<AGO>\b(?P<ago_n>{NUM}){WS}(?P<ago_unit>day|month|year)s?{WS}ago\b)",
        ]
    )
)

# Speed: `re` tries every alternative of SCAN at every position, ~1 us per character. Every match
# contains an anchor word (a month name, a weekday, "today", "year", "ago", ...) or starts at a
# digit, and begins at a word start at most a short lead-in before that anchor; str.find locates
# anchors far faster than the regex scan. So _scan tries SCAN.match only at those word starts and
# keeps finditer's leftmost, non-overlapping order. Lead-ins cover "throughout the beginning of
# March", "last Wednesday", "twelve months ago". Equivalence with SCAN.finditer is tested.
_DIGIT_ANCHORS = "0123456789"
_WEEKDAY_WORDS = frozenset(WEEKDAYS) | {"today", "Today", "yesterday", "Yesterday"}
_WORD_ANCHORS: tuple[tuple[str, frozenset[str], int], ...] = (
    # (needle, the words containing it that count, lead-in characters before the word)
    *(
        (name[:3], frozenset({name} | {a for a in MONTH_ABBR if a.startswith(name[:3])}), 40)
        for name in MONTHS
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
    """Every position where a SCAN match can start (a superset), sorted."""
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
    """The matches of SCAN.finditer(text), found by trying only candidate starts."""
    end = 0
    match = SCAN.match
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


def _weekday(name: str, modifier: str | None, ref: date) -> date:
    """The date of a weekday named relative to ref (see the module docstring)."""
    target = WEEKDAYS[name]
    mod = (modifier or "").lower()
    if mod in ("last", "past"):
        return shift(ref, -((ref.weekday() - target - 1) % 7 + 1))
    if mod == "next":
        return shift(ref, (target - ref.weekday() - 1) % 7 + 1)
    if mod == "this":
        return shift(ref, target - ref.weekday())
    return shift(ref, -((ref.weekday() - target) % 7))


def _year_ok(year: int) -> bool:
    return 1000 <= year <= 2100


def _month_value(year: int, month: int, start: int, end: int) -> tuple[str, int, int] | None:
    return (f"{year:04d}-{month:02d}", start, end) if 1 <= year <= 9999 else None


def _year_value(year: int, start: int, end: int) -> tuple[str, int, int] | None:
    return (f"{year:04d}", start, end) if 1 <= year <= 9999 else None


def mention_value(m: re.Match[str], text: str, ref: date | None) -> tuple[str, int, int] | None:
    """The normalized value and span of one scanner match, or None to skip it."""
    kind = m.lastgroup
    start, end = m.span()
    if kind == "ISO" or kind == "US":
        p = "iso" if kind == "ISO" else "us"
        d = valid_date(int(m[p + "_y"]), int(m[p + "_m"]), int(m[p + "_d"]))
        if d is None or not _year_ok(d.year):
            return None
        return d.isoformat(), start, end
    if kind == "MD" or kind == "DM" or kind == "J4":
        if kind == "J4":
            month, day, ystr = 7, 4, None
        else:
            p = "md" if kind == "MD" else "dm"
            month, day, ystr = month_of(m[p + "_mon"]), int(m[p + "_day"]), m[p + "_y"]
        if ystr is not None:
            d = valid_date(int(ystr), month, day)
            return (d.isoformat(), start, end) if d is not None else None
        if not month_day_exists(month, day):
            return None
        if ref is None:
            return f"--{month:02d}-{day:02d}", start, end
        d = resolve_day_near(month, day, ref, LOOKAHEAD_DAYS)
        return (d.isoformat(), start, end) if d is not None else None
    if kind == "MY":
        year = int(m["my_y"])
        return f"{year:04d}-{month_of(m['my_mon']):02d}", start, end
    if kind == "MO":
        month = month_of(m["mo_mon"])
        start = m.start("mo_mon")
        if ref is None:
            return f"--{month:02d}", start, end
        year, month = resolve_month_near(month, m["mo_pre"], ref, LOOKAHEAD_DAYS)
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
        return shift(ref, offset).isoformat(), start, end
    if kind == "RU":
        if text[max(0, start - 4) : start].lower() == "the ":
            return None  # "the last year" is the past twelve months, not a calendar year
        delta = {"last": -1, "this": 0, "next": 1}[m["ru_mod"].lower()]
        if m["ru_unit"] == "year":
            return _year_value(ref.year + delta, start, end)
        year, month = shift_month(ref.year, ref.month, delta)
        return _month_value(year, month, start, end)
    if kind == "AGO":
        n = number(m["ago_n"])
        unit = m["ago_unit"]
        if unit == "day":
            return shift(ref, -n).isoformat(), start, end
        if unit == "month":
            year, month = shift_month(ref.year, ref.month, -n)
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
            found = mention_value(m, text, reference)
        except (OverflowError, ValueError):  # a reference at the ends of the calendar
            continue
        if found is not None:
            value, start, end = found
            mentions.append(DateMention(value=value, start=start, end=end, text=text[start:end]))
    return mentions
