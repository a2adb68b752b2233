"""The searched scope of a question: which publication dates it was searched for, against which
dates the store holds — said in every answer and refusal, so an asker whose client could not pass
a date sees why "this week" found nothing ("I searched articles from 2026-12-01 to 2026-12-07;
your store holds articles from 2022-06-01 to 2022-09-16").

Pure: the plan and the store's date range in, a `SearchScope` out. Does no retrieval.
"""

from __future__ import annotations

from datetime import date

from assistant.models import SearchScope
from assistant.retrieve.plan import QueryPlan


def searched_scope(plan: QueryPlan, store_range: tuple[date | None, date | None]) -> SearchScope:
    """The question's date window (else its explicit filters, up to as_of) and the store's."""
    w = plan.window
    start: date | None
    if w is not None:
        start, end, expression = w.start, w.end, w.expression
    else:
        start, end, expression = plan.filters.since, plan.filters.until or plan.as_of, None
    scope = SearchScope(
        as_of=plan.as_of,
        start=start,
        end=end,
        expression=expression,
        store_start=store_range[0],
        store_end=store_range[1],
    )
    return scope.model_copy(update={"text": scope_sentence(scope)})


def scope_sentence(scope: SearchScope) -> str:
    asked = f"as of {scope.as_of.isoformat()}"
    if scope.expression:
        asked = f"“{scope.expression}”, {asked}"
    if scope.start is None:
        searched = f"I searched articles published up to {scope.end.isoformat()} ({asked})"
    elif scope.start == scope.end:
        searched = f"I searched articles about {scope.start.isoformat()} ({asked})"
    else:
        searched = (
            f"I searched articles from {scope.start.isoformat()} to {scope.end.isoformat()}"
            f" ({asked})"
        )
    if scope.store_start is None or scope.store_end is None:
        held = "your store holds no dated articles"
    else:
        held = (
            f"your store holds articles from {scope.store_start.isoformat()} to"
            f" {scope.store_end.isoformat()}"
        )
    return f"{searched}; {held}."
