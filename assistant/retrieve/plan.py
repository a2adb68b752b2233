"""Query understanding: from a `Query` to what each retriever needs (dates, filters, texts).

Resolves the question's date expression against its as-of date (default: today), merges the
explicit filters with (when asked) the date window as a hard publication filter, and strips
relative date phrases ("this week", "recently") from the text the lexical index sees. No search
happens here, and no store dialect: the store turns `Filters` into its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.dates import resolve_query_dates, strip_date_expressions
from assistant.errors import BadQueryError
from assistant.models import DateWindow, Filters, Query


@dataclass(frozen=True)
class QueryPlan:
    question: str
    as_of: date
    window: DateWindow | None
    lexical_text: str
    dense_text: str
    filters: Filters
    """the explicit filters, publication bounds narrowed to the window when dates are strict"""
    k: int
    as_of_given: bool = False
    """the asker said when they ask (else `as_of` is today: nothing can be stale relative to it)"""


def _published_bounds(
    filters: Filters, window: DateWindow | None, strict: bool
) -> tuple[date | None, date | None]:
    since, until = filters.since, filters.until
    if strict and window is not None:
        since = max(since, window.start) if since else window.start
        until = min(until, window.end) if until else window.end
    if since and until and since > until:
        raise BadQueryError(f"filters: since ({since}) is after until ({until})")
    return since, until


def plan_query(query: Query, today: date | None = None) -> QueryPlan:
    question = query.question.strip()
    if not question:
        raise BadQueryError("question is empty")
    as_of = query.as_of or today or date.today()
    window = resolve_query_dates(question, as_of)
    since, until = _published_bounds(query.filters, window, query.strict_dates)
    return QueryPlan(
        question=question,
        as_of=as_of,
        window=window,
        lexical_text=strip_date_expressions(question),
        dense_text=question,
        filters=query.filters.model_copy(update={"since": since, "until": until}),
        k=query.k,
        as_of_given=query.as_of is not None,
    )
