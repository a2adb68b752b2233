"""Query understanding: from a `Query` to what each retriever needs (dates, filters, texts).

Resolves the question's date expression against its as-of date (default: today), turns explicit
filters (and, when asked, the date window as a hard filter) into a Chroma `where` clause and a
lexical filter, and strips relative date phrases ("this week", "recently") from the text the
lexical index sees. No search happens here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.dates import date_to_int, resolve_query_dates, strip_date_expressions
from assistant.models import DateWindow, Filters, Query
from assistant.store import LexicalFilter


class BadQueryError(ValueError):
    """The query cannot be run as given (the message says why); maps to HTTP 400/422."""


@dataclass(frozen=True)
class QueryPlan:
    question: str
    as_of: date
    window: DateWindow | None
    lexical_text: str
    dense_text: str
    where: dict[str, Any] | None
    lexical_filter: LexicalFilter
    k: int


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
    f = query.filters
    since, until = _published_bounds(f, window, query.strict_dates)
    clauses: list[dict[str, Any]] = []
    if f.sources:
        clauses.append({"source": {"$in": list(f.sources)}})
    if f.article_ids:
        clauses.append({"article_id": {"$in": list(f.article_ids)}})
    if since:
        clauses.append({"published": {"$gte": date_to_int(since)}})
    if until:
        clauses.append({"published": {"$lte": date_to_int(until)}})
    where: dict[str, Any] | None
    if not clauses:
        where = None
    elif len(clauses) == 1:
        where = clauses[0]
    else:
        where = {"$and": clauses}
    lexical_filter = LexicalFilter(
        sources=tuple(f.sources or ()),
        since=date_to_int(since) if since else None,
        until=date_to_int(until) if until else None,
        article_ids=tuple(f.article_ids or ()),
    )
    return QueryPlan(
        question=question,
        as_of=as_of,
        window=window,
        lexical_text=strip_date_expressions(question),
        dense_text=question,
        where=where,
        lexical_filter=lexical_filter,
        k=query.k,
    )
