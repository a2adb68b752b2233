"""The words dates are written with: month names and abbreviations, weekday names, number words,
and the regex fragments that spell them, shared by the mention scanner (``mentions``) and the
question patterns (``windows``).

Does no matching itself: it only names things (and turns a name back into its number).
"""

from __future__ import annotations

MONTHS = {
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
MONTH_ABBR = {
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
WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
}
NUMBER_WORDS = {
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

WS = r"[^\S\n]+"  # whitespace on one line
_FULL = "|".join(MONTHS)
_ABBR = "Sept|Sep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec"
MON = rf"(?:(?:{_FULL})\b|(?:{_ABBR})\b\.?)"  # "February", "Feb", "Feb."
MON_ALONE = rf"(?:(?:{_FULL})\b|(?:{_ABBR})\.)"  # without a day or year an abbreviation needs "."
DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])"
ORD = r"(?:st|nd|rd|th)?\b(?![.,:][0-9])"
YEAR_FULL = r"(?:1[0-9]|20)[0-9]{2}(?![0-9])"  # with a month: 1000-2099
YEAR_SEP = rf"(?:{WS}|[^\S\n]*,[^\S\n]*)"
NUM = r"(?:[0-9]{1,2}|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"


def month_of(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or MONTH_ABBR[name]


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]
