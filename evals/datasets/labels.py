"""Labels derived from a question's text for result breakdowns: `qtype` (its first wh-word) and
`needs_date` (the query planner resolves a date window for it).

Reads no files; used when question records are parsed (`questions`).
"""

from __future__ import annotations

import re
from datetime import date

from assistant.dates import resolve_query_dates

_WH = re.compile(
    r"\b(?P<w>whom|whose|who|what|when|where|which|why|how\s+(?:many|much)|how)\b", re.IGNORECASE
)


def question_type(question: str) -> str:
    """The question's first wh-word: who/what/when/where/which/how-many/why, else "other".

    "whom"/"whose" count as "who", "how much" as "how-many"; a bare "how" is "other".
    """
    m = _WH.search(question)
    if m is None:
        return "other"
    w = re.sub(r"\s+", " ", m.group("w").lower())
    if w in ("whom", "whose"):
        return "who"
    if w in ("how many", "how much"):
        return "how-many"
    return "other" if w == "how" else w


def needs_date(question: str, asked_at: date | None, today: date | None = None) -> bool:
    """True when the query planner resolves a date window for the question at its as-of date."""
    return resolve_query_dates(question, asked_at or today or date.today()) is not None
