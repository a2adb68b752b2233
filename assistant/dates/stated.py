"""The date a chat's system message states as today: "Today is June 16, 2022", "Current date:
2022-06-16", "Today's date is 16 June 2022", "The date is 6/16/2022", or an ISO date standing alone
in a short system message.

Plain chat clients (simonw's `llm`, LangChain, shell-gpt, Open WebUI) cannot send an as-of field
but can send a system message; this reads it. Only full dates (day, month and year) count. Does
not read questions (``windows``) or articles (``mentions``).
"""

from __future__ import annotations

import re
from datetime import date

from assistant.dates.mentions import extract_date_mentions

_CUE = re.compile(
    r"\b(?:today(?:['’]s\s+date)?\s+is|today\s*:|the\s+(?:current\s+)?date\s+is|current\s+date"
    r"(?:\s+is|\s*:)|date\s*:|as\s+of|it\s+is\s+now|it['’]s|now\s+is)\s*(?:\w+day,?\s+)?",
    re.I,
)
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SHORT_MESSAGE = 200


def _full_date(text: str) -> date | None:
    for m in extract_date_mentions(text[:60]):
        if len(m.value) == 10 and m.start <= 2:
            return date.fromisoformat(m.value)
    return None


def stated_today(text: str) -> date | None:
    """The date `text` (a system message) says it is today, or None."""
    for m in _CUE.finditer(text):
        found = _full_date(text[m.end() :])
        if found is not None:
            return found
    if len(text) <= _SHORT_MESSAGE:
        isos = _ISO.findall(text)
        if len(isos) == 1:
            mentions = extract_date_mentions(isos[0])
            if mentions and len(mentions[0].value) == 10:
                return date.fromisoformat(mentions[0].value)
    return None
