"""Date expressions: metadata dates, date mentions in text, date windows in questions, overlap.

Does not do retrieval or ranking with dates; it only turns text into normalized dates. One module
per concern: ``metadata`` (published dates), ``vocabulary`` (month/weekday/number names),
``calendar_math``, ``mentions`` (dates in article text), ``windows`` (dates in questions),
``overlap`` (mention values vs a window). This file only re-exports their public names.
"""

from assistant.dates.mentions import extract_date_mentions
from assistant.dates.metadata import parse_published
from assistant.dates.overlap import mention_overlap
from assistant.dates.windows import resolve_query_dates, strip_date_expressions

__all__ = [
    "extract_date_mentions",
    "mention_overlap",
    "parse_published",
    "resolve_query_dates",
    "strip_date_expressions",
]
